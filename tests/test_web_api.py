"""The REST API over a real store (SQLite file and PostgreSQL): every endpoint, the filters,
pagination edges, formats, and the 401/404/413/422 paths of the writes."""
from __future__ import annotations

import csv
import io
import json

import pytest
from starlette.testclient import TestClient

from vigil.store import create_token, open_store, revoke_token
from vigil.web import create_app
from web_support import NEW_REPORT, SECOND_REPORT, sample_url  # noqa: F401 (fixture)


@pytest.fixture(scope="module")
def client(sample_url):
    with TestClient(create_app(sample_url)) as c:
        yield c


@pytest.fixture
def writable(tmp_path):
    """An app over an empty SQLite file, a live token for 'ana' and a revoked one for 'old'."""
    url = f"sqlite:///{tmp_path / 'w.db'}"
    with open_store(url) as s:
        token = create_token(s, "ana")
        old = create_token(s, "old")
        revoke_token(s, "old")
    with TestClient(create_app(url, max_body=4000)) as c:
        yield c, token, old


def _all(client, **params):
    return client.get("/api/incidents", params={**params, "limit": 1000}).json()


# ---- reads ---------------------------------------------------------------------------------


def test_list_pages_carry_the_total_and_links(client):
    body = client.get("/api/incidents").json()
    assert body["total"] == len(body["items"]) > 20 and body["limit"] == 100
    assert body["next"] is None and body["prev"] is None
    days = [i["date"] for i in body["items"] if i["date"]]
    assert days == sorted(days)


def test_pages_tile_the_selection_without_gaps_or_overlaps(client):
    full = [i["id"] for i in _all(client)["items"]]
    seen, offset = [], 0
    while True:
        page = client.get("/api/incidents", params={"limit": 7, "offset": offset}).json()
        seen += [i["id"] for i in page["items"]]
        if not page["next"]:
            break
        assert page["next"].endswith(f"offset={offset + 7}")
        offset += 7
    assert seen == full


@pytest.mark.parametrize("params,status", [({"limit": 0}, 422), ({"limit": 1001}, 422), ({"offset": -1}, 422),
                                           ({"sort": "place"}, 422), ({"format": "xml"}, 422)])
def test_page_parameters_out_of_range_are_refused(client, params, status):
    assert client.get("/api/incidents", params=params).status_code == status


def test_the_last_page_and_past_the_end(client):
    total = _all(client)["total"]
    last = client.get("/api/incidents", params={"limit": 5, "offset": total - 1}).json()
    assert len(last["items"]) == 1 and last["next"] is None and last["prev"].endswith(f"offset={total - 6}")
    past = client.get("/api/incidents", params={"offset": total + 10}).json()
    assert past["items"] == [] and past["total"] == total


def test_sorting_by_toll(client):
    killed = [i["killed"] for i in client.get("/api/incidents", params={"sort": "-killed", "limit": 10}).json()["items"]]
    assert killed == sorted(killed, reverse=True) and killed[0] > 0


def test_filters_narrow_and_agree_with_each_other(client):
    total = _all(client)["total"]
    for params in ({"country": "Syria"}, {"type": "airstrike"}, {"grade": "weak"}, {"since": "2020-01-01"},
                   {"until": "2019-12-31"}, {"near": "35.65,36.65,40"}, {"q": "market"}, {"admin1": "Idlib"}):
        body = _all(client, **params)
        assert 0 < body["total"] < total, params
        assert body["total"] == len(body["items"])
        stats = client.get("/api/stats", params=params).json()
        assert stats["total"]["incidents"] == body["total"], params
        pts = client.get("/api/points", params=params).json()
        assert len(pts["points"]) + pts["not_on_map"] == body["total"], params
    assert all(i["type"] == "airstrike" for i in _all(client, type="airstrike")["items"])
    assert all(i["date"] >= "2020-01-01" for i in _all(client, since="2020-01-01")["items"])
    assert all("market" in json.dumps(i).lower() for i in _all(client, q="market")["items"])
    assert _all(client, q="market hospital")["total"] <= _all(client, q="market")["total"]


@pytest.mark.parametrize("params,field", [({"since": "2020-13-01"}, "since"), ({"near": "1,2"}, "near"),
                                          ({"since": "2021-01-02", "until": "2021-01-01"}, "until"),
                                          ({"grade": "excellent"}, None), ({"country": "Narnia"}, None),
                                          ({"type": "massacre"}, None), ({"sort": "place"}, "sort")])
def test_bad_filters_are_422_naming_the_field(client, params, field):
    r = client.get("/api/incidents", params=params)
    assert r.status_code == 422
    text = json.dumps(r.json())
    assert (field or next(iter(params))) in text


def test_csv_and_geojson_are_the_selection_as_the_cli_writes_it(client, sample_url):
    from vigil.export import write_csv
    from vigil.store import IncidentFilter, query_incidents

    r = client.get("/api/incidents", params={"format": "csv", "country": "Syria"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == _all(client, country="Syria")["total"]
    with open_store(sample_url) as s:
        expected = io.StringIO()
        write_csv(query_incidents(s, IncidentFilter(country="Syria")), expected)
    assert r.text == expected.getvalue()
    geo = client.get("/api/incidents", params={"format": "geojson", "type": "airstrike"}).json()
    assert geo["type"] == "FeatureCollection"
    assert len(geo["features"]) == _all(client, type="airstrike")["total"]


def test_one_incident_with_sources_spans_and_the_ceasefires_it_may_break(client):
    violating = [i for i in _all(client)["items"] if i["violations"]][0]
    body = client.get(f"/api/incidents/{violating['id']}").json()
    assert body["id"] == violating["id"]
    assert [c["id"] for c in body["ceasefires"]] == body["violations"]
    assert body["ceasefires"][0]["declared_by"]
    for src in body["sources"]:
        report = client.get(f"/api/reports/{src['doc_id']}").json()
        for sentence, (start, end) in zip(src["evidence"], src["evidence_spans"]):
            assert report["text"][start:end] == sentence
        assert body["id"] in report["incidents"]
    assert client.get("/api/incidents/inc_000000000000").status_code == 404
    assert client.get("/api/reports/no-such-report").status_code == 404


def test_ceasefires_and_one_with_its_violations(client):
    cfs = client.get("/api/ceasefires").json()
    assert cfs and all("violations" in c for c in cfs)
    busiest = max(cfs, key=lambda c: c["violations"])
    one = client.get(f"/api/ceasefires/{busiest['id']}").json()
    assert len(one["violation_list"]) == busiest["violations"] > 0
    assert client.get("/api/ceasefires/cf_nothing").status_code == 404
    area = client.get(f"/api/ceasefires/{busiest['id']}/area").json()
    assert area["type"] == "FeatureCollection" and area["features"]
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in area["features"])
    assert client.get("/api/ceasefires/cf_nothing/area").status_code == 404


def test_every_ceasefire_area_in_one_collection(client):
    cfs = client.get("/api/ceasefires").json()
    body = client.get("/api/ceasefires/areas").json()
    assert body["type"] == "FeatureCollection" and body["features"]
    for cf in cfs:  # the same outlines as asking one ceasefire at a time, each naming its ceasefire
        own = client.get(f"/api/ceasefires/{cf['id']}/area").json()["features"]
        mine = [f for f in body["features"] if f["properties"]["ceasefire"] == cf["id"]]
        assert [f["geometry"] for f in mine] == [f["geometry"] for f in own], cf["id"]
    assert {f["properties"]["ceasefire"] for f in body["features"]} <= {c["id"] for c in cfs}


def test_scripts_and_boundaries_go_gzipped_with_an_etag(client):
    import gzip

    from vigil.web.app import STATIC
    from vigil.web.gzipped import gzipped

    path = "/static/geo/world.geojson"
    plain = (STATIC / "geo" / "world.geojson").read_bytes()
    r = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers["content-encoding"] == "gzip"
    assert r.content == plain  # the client undid the gzip
    assert int(r.headers["content-length"]) < len(plain) / 2
    assert r.headers["content-type"] == "application/geo+json"
    again = client.get(path, headers={"Accept-Encoding": "gzip", "If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    raw = client.get(path, headers={"Accept-Encoding": "identity"})
    assert raw.status_code == 200 and "content-encoding" not in raw.headers and raw.content == plain
    js = client.get("/static/dashboard.js", headers={"Accept-Encoding": "gzip, deflate"})
    assert js.headers["content-encoding"] == "gzip" and js.headers["content-type"].startswith("text/javascript")
    docs = client.get("/static/vendor/swagger-ui/swagger-ui.css", headers={"Accept-Encoding": "gzip"})
    assert docs.headers["content-encoding"] == "gzip" and b"swagger" in docs.content  # compressed on first use
    png = client.get("/static/vendor/swagger-ui/favicon-32x32.png", headers={"Accept-Encoding": "gzip"})
    assert png.status_code == 200 and "content-encoding" not in png.headers
    assert client.get("/static/geo/nowhere.geojson", headers={"Accept-Encoding": "gzip"}).status_code == 404
    assert gzipped(STATIC, "../api.py") is None and gzipped(STATIC, "../../web/static/dashboard.js") is not None
    assert gzip.decompress(gzipped(STATIC, "dashboard.js")[0]) == (STATIC / "dashboard.js").read_bytes()


def test_map_points_and_the_incidents_not_on_the_map(client):
    body = client.get("/api/points").json()
    assert body["fields"][:3] == ["id", "lat", "lon"]
    assert all(-90 <= p[1] <= 90 and -180 <= p[2] <= 180 for p in body["points"])
    _unplaced_are_listed(client, body)


def _unplaced_are_listed(client, body):
    assert len(body["unplaced"]) == body["not_on_map"]
    for iid, name, _killed, _day in body["unplaced"]:
        rec = client.get(f"/api/incidents/{iid}").json()
        assert rec["location"]["lat"] is None and rec["location"]["name"] == name


def test_an_incident_placed_nowhere_is_listed_beside_the_map(writable):
    # The sample corpus has none left: a place the gazetteer lacks stands at its province or country.
    c, token, _ = writable
    report = {"doc_id": "web-test-nowhere", "published": "2024-02-03",
              "text": "Gunmen killed three farmers in Qqzzarkun on Friday, a relative said."}
    assert c.post("/api/reports", json=report, headers={"Authorization": f"Bearer {token}"}).status_code == 201
    body = c.get("/api/points").json()
    assert body["not_on_map"] == 1 and body["unplaced"][0][1] == "Qqzzarkun"
    _unplaced_are_listed(c, body)


def test_stats_add_up(client):
    s = client.get("/api/stats").json()
    total = s["total"]
    assert total["incidents"] == _all(client)["total"]
    assert total["killed_low"] <= total["killed_best"] <= total["killed_high"]
    for part in ("by_day", "by_admin1", "by_perpetrator", "by_type"):
        assert sum(r["incidents"] for r in s[part]) == total["incidents"], part
        assert sum(r["killed_best"] for r in s[part]) == total["killed_best"], part
    days = [r["key"] for r in s["by_day"] if r["key"]]
    assert days == sorted(days)


def test_openapi_and_docs_are_served_from_the_package(client):
    spec = client.get("/openapi.json").json()
    for path in ("/api/incidents", "/api/incidents/{incident_id}", "/api/reports/{doc_id}", "/api/ceasefires",
                 "/api/ceasefires/{ceasefire_id}", "/api/ceasefires/areas", "/api/stats", "/api/reports",
                 "/api/incidents/{incident_id}/corrections"):
        assert path in spec["paths"], path
    docs = client.get("/docs").text
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs
    assert "http://" not in docs and "https://" not in docs
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
    page = client.get("/").text
    assert "https://" not in page.replace("https://www.naturalearthdata.com", "")


def test_basemap_tiles_come_from_the_shipped_mbtiles(client):
    info = client.get("/tiles/info.json").json()
    assert info["available"] and info["maxzoom"] >= 5 and "OpenStreetMap" in info["attribution"]
    r = client.get("/tiles/3/4/3.png")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png" and r.content[:4] == b"\x89PNG"
    assert client.get("/tiles/3/9/3.png").status_code == 404  # off the map
    assert client.get("/tiles/12/0/0.png").status_code == 404  # deeper than the file goes


# ---- writes --------------------------------------------------------------------------------


def test_writes_without_a_valid_token_are_401_and_change_nothing(writable):
    c, token, old = writable
    for headers in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": f"Bearer {old}"},
                    {"Authorization": f"Basic {token}"}):
        r = c.post("/api/reports", json=NEW_REPORT, headers=headers)
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        assert c.post("/api/incidents/inc_x/corrections", json={"field": "killed", "value": 1},
                      headers=headers).status_code == 401
    assert c.get("/api/incidents").json()["total"] == 0


def test_posting_a_report_runs_the_pipeline_and_answers_with_its_incidents(writable):
    c, token, _ = writable
    auth = {"Authorization": f"Bearer {token}"}
    r = c.post("/api/reports", json=NEW_REPORT, headers=auth)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["new"] == 1 and len(body["incidents"]) == 1
    inc = body["incidents"][0]
    assert inc["killed"] == 7 and inc["location"]["name"] == "Saraqib"
    assert c.get("/api/reports/web-test-zarkan").json()["text"] == NEW_REPORT["text"]
    again = c.post("/api/reports", json=NEW_REPORT, headers=auth).json()
    assert again["duplicate"] == 1 and [i["id"] for i in again["incidents"]] == [inc["id"]]
    batch = "\n".join(json.dumps(d) for d in (NEW_REPORT, SECOND_REPORT)) + "\n"
    r = c.post("/api/reports", content=batch, headers={**auth, "Content-Type": "application/x-ndjson"})
    assert r.status_code == 201 and r.json()["read"] == 2 and r.json()["new"] == 1
    assert c.get("/api/incidents").json()["total"] == 2


@pytest.mark.parametrize("body,ctype,field", [
    ('{"text": "A strike.", "published": "2024-02-31"}', "application/json", "published"),
    ('{"published": "2024-02-03"}', "application/json", "text"),
    ('{"text": "A strike.",', "application/json", "body"),
    ('[1, 2]', "application/json", "body"),
    ('{"doc_id": "a", "published": "2024-01-01", "text": "x"}\n{"doc_id": "b"}\n', "application/x-ndjson", "2"),
    ('', "application/x-ndjson", "body"),
])
def test_malformed_reports_are_422_naming_the_field(writable, body, ctype, field):
    c, token, _ = writable
    r = c.post("/api/reports", content=body, headers={"Authorization": f"Bearer {token}", "Content-Type": ctype})
    assert r.status_code == 422, r.text
    assert any(field in [str(p) for p in e["loc"]] for e in r.json()["detail"]), r.json()
    assert c.get("/api/incidents").json()["total"] == 0


def test_oversized_bodies_are_413(writable):
    c, token, _ = writable
    big = {**NEW_REPORT, "text": NEW_REPORT["text"] + " More." * 2000}
    r = c.post("/api/reports", json=big, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 413
    assert c.get("/api/incidents").json()["total"] == 0


def test_a_correction_is_signed_by_the_token_and_keeps_the_machine_value(writable):
    c, token, _ = writable
    auth = {"Authorization": f"Bearer {token}"}
    iid = c.post("/api/reports", json=NEW_REPORT, headers=auth).json()["incidents"][0]["id"]
    r = c.post(f"/api/incidents/{iid}/corrections", json={"field": "killed", "value": 9, "note": "hospital list"},
               headers=auth)
    assert r.status_code == 201, r.text
    rec = c.get(f"/api/incidents/{iid}").json()
    assert rec["killed"] == 9 and rec["machine"]["killed"] == 7
    assert rec["corrections"][0]["by"] == "ana" and rec["corrections"][0]["note"] == "hospital list"
    assert c.post(f"/api/incidents/{iid}/corrections", json={"field": "colour", "value": 1},
                  headers=auth).status_code == 422
    assert c.post(f"/api/incidents/{iid}/corrections", json={"value": 1}, headers=auth).status_code == 422
    assert c.post("/api/incidents/inc_000000000000/corrections", json={"field": "killed", "value": 1},
                  headers=auth).status_code == 404


# ---- cursor pagination ---------------------------------------------------------------------


@pytest.mark.parametrize("sort", ["date", "-date", "killed", "-killed"])
def test_cursor_pages_tile_the_selection_in_a_stable_order(client, sort):
    full = _all(client, sort=sort)["items"]
    first = client.get("/api/incidents", params={"sort": sort, "limit": 6}).json()
    assert first["cursor"] is None and first["total"] == len(full) and first["next_cursor"]
    seen, page = [], first
    while True:
        seen += [i["id"] for i in page["items"]]
        assert page["total"] == len(full)  # the total of the whole selection on every page
        if not page["next_cursor"]:
            assert page["next"] is None
            break
        assert "cursor=" in (page["next"] or "") or page is first
        page = client.get("/api/incidents", params={"sort": sort, "limit": 6, "cursor": page["next_cursor"]}).json()
        assert page["prev"] is None
    assert seen == [i["id"] for i in full]
    if sort.lstrip("-") == "killed":  # rows tying on the toll come in id order
        tied = [i["id"] for i in full if i["killed"] == full[len(full) // 2]["killed"]]
        assert len(tied) > 1 and tied == sorted(tied)


def test_the_cursor_of_the_last_page_is_null_and_an_empty_selection_has_none(client):
    total = _all(client)["total"]
    whole = client.get("/api/incidents", params={"limit": total}).json()
    assert whole["next_cursor"] is None and whole["next"] is None
    empty = client.get("/api/incidents", params={"since": "2100-01-01", "limit": 5}).json()
    assert empty["items"] == [] and empty["total"] == 0 and empty["next_cursor"] is None
    last = client.get("/api/incidents", params={"limit": total - 1}).json()
    tail = client.get("/api/incidents", params={"limit": 5, "cursor": last["next_cursor"]}).json()
    assert len(tail["items"]) == 1 and tail["next_cursor"] is None and tail["total"] == total


@pytest.mark.parametrize("params,field", [
    ({"cursor": "not-a-cursor"}, "cursor"),
    ({"cursor": "WzEsMiwzXQ"}, "cursor"),  # valid base64 of [1,2,3], not a cursor
    ({"cursor": "x" * 401}, "cursor"),
    ({"cursor": "WyJkYXRlIix0cnVlLCIyMDI0LTAxLTAxIiwiaW5jX2EiXQ", "sort": "killed"}, "cursor"),  # made for date
    ({"cursor": "WyJkYXRlIix0cnVlLCIyMDI0LTAxLTAxIiwiaW5jX2EiXQ", "offset": 3}, "offset"),
])
def test_a_bad_cursor_is_422_naming_the_field(client, params, field):
    r = client.get("/api/incidents", params=params)
    assert r.status_code == 422, r.text
    assert any(e["loc"][-1] == field for e in r.json()["detail"]), r.json()


# ---- answers kept in memory equal fresh ones, after writes ---------------------------------


@pytest.fixture
def live(db_url):
    """An app over an empty database of each kind, a token, and the same store read in plain SQL."""
    with open_store(db_url) as s:
        token = create_token(s, "ana")
    with open_store(db_url) as plain, TestClient(create_app(db_url)) as c:
        plain.browse_in_sql = True
        yield c, {"Authorization": f"Bearer {token}"}, plain


def _fresh(plain, **params):
    """What the API answers, computed by the plain SQL queries."""
    from vigil.store import BrowseFilter, browse_page, check_browse, incident_points, incident_stats

    f = check_browse(plain, BrowseFilter(limit=100, **params))
    page = browse_page(plain, f)
    return page.total, page.items, incident_points(plain, f), incident_stats(plain, f)


def _served(c, **params):
    body = c.get("/api/incidents", params=params).json()
    return (body["total"], body["items"], c.get("/api/points", params=params).json(),
            c.get("/api/stats", params=params).json())


def test_kept_answers_follow_an_ingest_and_a_correction(live):
    from datetime import date

    c, auth, plain = live
    before = _served(c)
    assert before == _fresh(plain) and before[0] == 0
    iid = c.post("/api/reports", json=NEW_REPORT, headers=auth).json()["incidents"][0]["id"]
    after_ingest = _served(c)
    assert after_ingest == _fresh(plain) and after_ingest[0] == 1
    assert after_ingest[3]["total"]["killed_best"] == 7
    c.post("/api/reports", json=SECOND_REPORT, headers=auth)
    for params, same in (({}, {}), ({"type": "shelling"}, {"type": "shelling"}),
                         ({"since": "2024-02-04"}, {"since": date(2024, 2, 4)}), ({"admin1": "Idlib"}, {"admin1": "Idlib"}),
                         ({"q": "market"}, {"text": "market"}), ({"near": "35.85,36.8,30"}, {"near": (35.85, 36.8, 30.0)})):
        assert _served(c, **params) == _fresh(plain, **same), params
    r = c.post(f"/api/incidents/{iid}/corrections", json={"field": "killed", "value": 9}, headers=auth)
    assert r.status_code == 201
    corrected = _served(c)
    assert corrected == _fresh(plain)
    assert corrected[3]["total"]["killed_best"] == 9 + 4
    assert c.get(f"/api/incidents/{iid}").json()["killed"] == 9


def test_a_repeated_url_is_answered_from_memory_until_a_write(live, monkeypatch):
    from vigil.web import api

    c, auth, _ = live
    built = []
    original = api.st.incident_stats
    monkeypatch.setattr(api.st, "incident_stats", lambda *a, **k: built.append(1) or original(*a, **k))
    first = c.get("/api/stats", params={"type": "airstrike"})
    again = c.get("/api/stats", params={"type": "airstrike"})
    assert again.content == first.content and again.headers["content-type"] == "application/json"
    assert len(built) == 1  # the second answer was kept, not built again
    assert c.post("/api/reports", json=NEW_REPORT, headers=auth).status_code == 201
    after = c.get("/api/stats", params={"type": "airstrike"})
    assert len(built) == 2 and after.json()["total"]["incidents"] == 1
    assert c.get("/api/stats", params={"type": "Airstrike"}).json() == after.json()  # another URL, built anew
    assert len(built) == 3


# ---- hot reads answered without FastAPI's routing: the same bytes as through it -------------


def _urls(ids: list[str]) -> list[str]:
    return (["/api/incidents", "/api/incidents?limit=3&offset=2", "/api/incidents?sort=-killed&limit=4",
             "/api/incidents?country=Syria&since=2020-01-01", "/api/incidents?q=market&type=airstrike",
             "/api/incidents?near=35.9,36.6,40&limit=5", "/api/incidents?limit=2000", "/api/incidents?limit=0",
             "/api/incidents?since=2024-01-05&until=2024-01-01", "/api/incidents?country=Atlantis",
             "/api/incidents?sort=sideways", "/api/incidents?country=", "/api/incidents?limit=2&limit=3",
             "/api/incidents?format=csv&limit=3", "/api/stats", "/api/stats?admin1=Idlib", "/api/stats?grade=nope",
             "/api/points", "/api/points?perpetrator=Russia", "/api/incidents/inc_nothere",
             "/api/incidents/" + ids[0][:-2], "/api/stats?near=1,2"]
            + [f"/api/incidents/{i}" for i in ids])


def test_hot_reads_answered_directly_equal_fastapis_answers(sample_url, monkeypatch):
    from vigil.web import api

    taken = []
    original = api._direct_call
    monkeypatch.setattr(api, "_direct_call", lambda scope: taken.append(original(scope)) or taken[-1])
    with TestClient(create_app(sample_url)) as c:
        ids = [i["id"] for i in c.get("/api/incidents", params={"limit": 1000}).json()["items"]]
        with_cursor = c.get("/api/incidents", params={"limit": 3}).json()["next_cursor"]
        urls = _urls(ids[:3] + [i for i in ids if c.get(f"/api/incidents/{i}").json()["violations"]][:2])
        urls.append(f"/api/incidents?limit=3&cursor={with_cursor}")
        taken.clear()
        direct = [(r.status_code, r.headers.get("content-type"), r.content) for r in map(c.get, urls)]
    assert sum(t is not None for t in taken) >= len(urls) // 2  # most went the direct way
    monkeypatch.setattr(api, "_direct_call", lambda scope: None)
    with TestClient(create_app(sample_url)) as c:  # a new app: nothing kept from the first
        routed = [(r.status_code, r.headers.get("content-type"), r.content) for r in map(c.get, urls)]
    for url, a, b in zip(urls, direct, routed):
        assert a == b, url
    assert {s for s, _, _ in direct} == {200, 404, 422}


def test_only_plain_hot_reads_take_the_direct_path():
    from pydantic import ValidationError

    from vigil.web.api import _direct_call

    def scope(path: str, query: bytes = b"") -> dict:
        return {"type": "http", "method": "GET", "path": path, "query_string": query}

    for path, query in (("/api/incidents", b"country=Syria&limit=100"), ("/api/incidents", b""),
                        ("/api/incidents/inc_0001", b""), ("/api/stats", b"type=airstrike"), ("/api/points", b"")):
        assert _direct_call(scope(path, query)) is not None, (path, query)
    for path, query in (("/api/incidents", b"format=csv"), ("/api/incidents", b"country=Syria&country=Iraq"),
                        ("/api/incidents", b"country="), ("/api/incidents/inc_1/more", b""), ("/api/incidents/", b""),
                        ("/api/ceasefires", b""), ("/api/reports/x", b""), ("/", b"")):
        assert _direct_call(scope(path, query)) is None, (path, query)
    with pytest.raises(ValidationError):
        _direct_call(scope("/api/incidents", b"limit=0"))
