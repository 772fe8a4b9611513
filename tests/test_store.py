"""The store on both backends: ingest, fusion through the database, ledger, corrections, queries."""
from __future__ import annotations

import itertools
import json

import pytest

from fixture_reports import ceasefire, incident, kafr_taal_outlets, report, russian_ceasefire_report
from vigil.store import (IncidentFilter, UnknownIncident, correct, get_incident, ingest_reports, open_store,
                         query_ceasefires, query_incidents, query_violations, rebuild, stats)


def by_place(incs):
    return {i["location"]["matched_name"] or i["location"]["name"]: i for i in incs}


def test_ingesting_the_same_reports_twice_adds_nothing(store):
    first = ingest_reports(store, kafr_taal_outlets())
    before = (stats(store), query_incidents(store))
    second = ingest_reports(store, kafr_taal_outlets())
    assert (first.new, first.duplicate) == (3, 0)
    assert (second.new, second.duplicate) == (0, 3)
    assert (stats(store), query_incidents(store)) == before


def test_three_outlets_make_one_incident_per_village(store):
    ingest_reports(store, kafr_taal_outlets())
    incs = by_place(query_incidents(store))
    assert sorted(incs) == ["Ariha", "Kafr Nuran", "Kafr Ta`al"]
    kt = incs["Kafr Ta`al"]
    assert kt["reports"] == 3 and kt["independent_sources"] == 3
    assert (kt["killed_low"], kt["killed_high"], kt["killed_best"], kt["killed"]) == (9, 10, 9, 9)
    assert kt["children_killed"] == 6
    assert kt["grade"] == "confirmed"
    assert kt["perpetrators"] == [{"perpetrator": "Russia", "sources": 3}]
    assert [s["doc_id"] for s in kt["sources"]] == ["outlet-a", "outlet-b", "outlet-c"]
    assert [s["killed"] for s in kt["sources"]] == [9, 9, 10]
    assert kt["sources"][1]["reported_by"] == ["Syrian Observatory for Human Rights"]
    assert set(kt["place_names"]) == {"Kafr Taal", "Kfar Ta'al", "Kefer Teal"}
    assert incs["Kafr Nuran"]["reports"] == 2 and incs["Kafr Nuran"]["grade"] == "fair"
    assert incs["Ariha"]["reports"] == 2


def _reprint_of(original, doc_id="reprint", published="2020-01-22", killed=11):
    copy = json.loads(json.dumps(original))
    copy.update(doc_id=doc_id, url=f"https://mirror.example.net/{doc_id}", published=published,
                text=original["text"].replace("into the night", "into the early hours") + " Copyright the wire.")
    copy["incidents"][0]["killed"] = killed
    return copy


def test_any_ingest_order_gives_the_same_incidents(tmp_path):
    reports_ = kafr_taal_outlets() + [russian_ceasefire_report()]
    results = []
    for n, order in enumerate(itertools.permutations(reports_)):
        with open_store(f"sqlite:///{tmp_path / f'perm{n}.db'}") as s:
            for r in order:  # one ingest call per report, as separate runs would do
                ingest_reports(s, [r])
            results.append((json.dumps(query_incidents(s), sort_keys=True),
                            json.dumps(query_ceasefires(s), sort_keys=True)))
    assert len(results) == 24 and len(set(results)) == 1


def test_any_ingest_order_gives_the_same_incidents_with_near_copies(tmp_path):
    import random

    a = kafr_taal_outlets()[0]
    reports_ = kafr_taal_outlets() + [_reprint_of(a), _reprint_of(a, "reprint-2", "2020-01-20", 12)]
    rnd = random.Random(5)
    results = set()
    for n in range(12):
        order = rnd.sample(reports_, len(reports_))
        with open_store(f"sqlite:///{tmp_path / f'perm{n}.db'}") as s:
            for r in order:
                ingest_reports(s, [r])
            incs = query_incidents(s)
            results.add(json.dumps(incs, sort_keys=True))
    assert len(results) == 1
    kt = by_place(incs)["Kafr Ta`al"]
    assert kt["reports"] == 5 and kt["independent_sources"] == 3
    # the earliest-published member of a copy group counts as the original
    assert {x["doc_id"]: x.get("copy_of") for x in kt["sources"]} == {
        "reprint-2": None, "outlet-a": "reprint-2", "reprint": "reprint-2", "outlet-b": None, "outlet-c": None}


def test_rebuilding_from_claims_matches_incremental_fusion(store):
    ingest_reports(store, kafr_taal_outlets() + [russian_ceasefire_report()])
    before = query_incidents(store), query_ceasefires(store), query_violations(store)
    rebuild(store)
    assert (query_incidents(store), query_ceasefires(store), query_violations(store)) == before


def test_a_syndicated_copy_is_linked_and_not_an_independent_source(tmp_path, db_url):
    a = kafr_taal_outlets()[0]
    copy = _reprint_of(a)  # killed 11: the reprint's figure still counts towards the range
    with open_store(db_url) as s:
        ingest_reports(s, [a])
    with open_store(db_url) as s:  # a later run: the signature must come from the database
        summary = ingest_reports(s, [copy])
        assert summary.near_copy == 1
        kt = by_place(query_incidents(s))["Kafr Ta`al"]
    assert kt["reports"] == 2 and kt["independent_sources"] == 1 and kt["grade"] == "weak"
    assert (kt["killed_low"], kt["killed_high"], kt["killed_best"]) == (9, 11, 9)
    reprint = [x for x in kt["sources"] if x["doc_id"] == "reprint"][0]
    assert reprint["copy_of"] == "outlet-a"


def test_a_reprint_months_later_is_not_a_near_copy_candidate(store):
    a = kafr_taal_outlets()[0]
    summary = ingest_reports(store, [a, _reprint_of(a, "within", "2020-02-15"), _reprint_of(a, "months-later", "2020-05-01")])
    assert summary.near_copy == 1  # the reprint within 30 days of the original; the late one stands on its own
    kt = by_place(query_incidents(store))["Kafr Ta`al"]
    copies = {x["doc_id"]: x.get("copy_of") for x in kt["sources"]}
    assert copies["within"] == "outlet-a" and copies["months-later"] is None


def test_different_reports_of_one_strike_are_not_near_copies(store):
    summary = ingest_reports(store, kafr_taal_outlets())
    assert summary.near_copy == 0


def test_strikes_in_the_idlib_zone_violate_the_russian_ceasefire(store):
    later = report("outlet-d", "2020-01-21", incidents=[
        incident("Sarmin", 1, evidence="One man died in Sarmin."),
        incident("Aleppo", 2, type="shelling", perpetrator="Hayat Tahrir al-Sham",
                 evidence="Rebel shells killed two in Aleppo city."),
        incident("Douma", 1, evidence="A raid near Douma killed one."),
        incident("Taqad", 4, date="2020-01-05", evidence="Four died in Taqad on January 5."),
    ])
    ingest_reports(store, kafr_taal_outlets() + [later, russian_ceasefire_report()])
    [cf] = query_ceasefires(store)
    assert cf["declared_by"] == ["Russia"] and cf["effective_from"] == "2020-01-09"
    assert cf["area_resolved"][0]["zone"] == "idlib-de-escalation-zone"
    flagged = {v["place"] for v in query_violations(store)}
    # Kafr Taal and Kafr Nuran lie in the western Aleppo countryside (Jebel Saman), Ariha and Sarmin in Idlib;
    # Aleppo city is in the same district but outside the zone; Douma is elsewhere; Taqad is before the truce.
    assert flagged == {"Kafr Taal", "Kafr Nuran", "Ariha", "Sarmin"}
    assert cf["violations"] == 4
    assert cf["violations_killed"] == 9 + 2 + 3 + 1
    assert (cf["violations_killed_low"], cf["violations_killed_high"]) == (9 + 2 + 3 + 1, 10 + 2 + 3 + 1)
    assert cf["violations_by_declarers"] == 4
    incs = by_place(query_incidents(store))
    assert incs["Kafr Ta`al"]["violations"] == [cf["id"]]
    assert incs["Aleppo"]["violations"] == [] and incs["Taqad"]["violations"] == []


def test_ceasefire_reports_merge_by_declarer_and_start(store):
    ingest_reports(store, [
        russian_ceasefire_report(),
        report("truce-2", "2020-01-10", ceasefires=[
            ceasefire(("Russia", "Turkey"), effective_from="2020-01-10", area="Idlib province",
                      evidence="Russia and Turkey agreed a truce for Idlib from Friday."),
            ceasefire(("Turkey",), announced_on="2020-01-10", effective_from="2020-01-12", area="Idlib",
                      evidence="Ankara announced a new ceasefire starting on January 12."),
        ]),
    ])
    cfs = query_ceasefires(store)
    assert [(c["declared_by"], c["effective_from"], c["reports"]) for c in cfs] == [
        (["Russia", "Turkey"], "2020-01-09", 2), (["Turkey"], "2020-01-12", 1)]


def test_a_ceasefire_ingested_after_the_incidents_flags_them(store):
    ingest_reports(store, kafr_taal_outlets())
    assert query_violations(store) == []
    ingest_reports(store, [russian_ceasefire_report()])
    assert len(query_violations(store)) == 3


def test_a_correction_is_shown_beside_the_machine_value_and_survives_refusion(store):
    ingest_reports(store, kafr_taal_outlets()[1:])  # outlets b and c first
    kt = by_place(query_incidents(store))["Kafr Ta`al"]
    fixed = correct(store, kt["id"], "killed", 12, by="analyst1", note="hospital list has 12 names")
    # the corrected toll is the whole range, so CSV `fatalities` (killed_low) shows it too
    assert fixed["killed"] == 12 and fixed["killed_low"] == fixed["killed_high"] == fixed["killed_best"] == 12
    assert fixed["machine"] == {"killed": 9, "killed_low": 9, "killed_high": 10, "killed_best": 9}
    assert fixed["corrections"][0]["by"] == "analyst1"
    assert fixed["corrections"][0]["note"] == "hospital list has 12 names"
    ingest_reports(store, kafr_taal_outlets()[:1])  # outlet a may bring a smaller claim key: the id may change
    now = by_place(query_incidents(store))["Kafr Ta`al"]
    assert now["reports"] == 3 and now["killed"] == 12 and now["machine"]["killed"] == 9
    assert get_incident(store, kt["id"])["id"] == now["id"]  # the old id still finds it
    rebuild(store)
    assert by_place(query_incidents(store))["Kafr Ta`al"]["killed"] == 12


def test_corrections_are_validated(store):
    ingest_reports(store, kafr_taal_outlets()[:1])
    iid = query_incidents(store)[0]["id"]
    with pytest.raises(ValueError):
        correct(store, iid, "killed", "many", by="x")
    with pytest.raises(ValueError):
        correct(store, iid, "id", "inc_x", by="x")
    with pytest.raises(UnknownIncident):
        correct(store, "inc_ffffffffffff", "killed", 1, by="x")


def test_a_correction_of_place_moves_the_violation_flag(store):
    ingest_reports(store, kafr_taal_outlets()[:1] + [russian_ceasefire_report()])
    ariha = by_place(query_incidents(store))["Ariha"]
    assert ariha["violations"]
    for f, v in (("location.admin1", "Homs"), ("location.admin2", "Homs"), ("location.lat", 34.73),
                 ("location.lon", 36.71)):
        moved = correct(store, ariha["id"], f, v, by="analyst2", note="wrong Ariha")
    assert moved["violations"] == []


def test_a_bad_report_is_named_and_the_others_still_go_in(store):
    bad = report("broken", "2020-13-45", incidents=[incident("Ariha", 1)])
    errors = []
    summary = ingest_reports(store, [kafr_taal_outlets()[0], bad, kafr_taal_outlets()[1]],
                             on_error=lambda name, e: errors.append(name))
    assert (summary.new, summary.failed) == (2, 1) and errors == ["broken"]
    assert stats(store)["reports"] == 2


def test_filters(store):
    ingest_reports(store, kafr_taal_outlets() + [report("outlet-e", "2020-02-03", incidents=[
        incident("Douma", 5, date="2020-02-02", type="shelling", perpetrator="Syrian government",
                 evidence="Five died as shells hit Douma on Sunday.")])])
    names = lambda f: sorted(i["location"]["name"] for i in query_incidents(store, f))  # noqa: E731
    assert names(IncidentFilter(since=__import__("datetime").date(2020, 2, 1))) == ["Douma"]
    assert names(IncidentFilter(admin1="Idlib")) == ["Ariha"]  # stored as "Idleb"
    assert names(IncidentFilter(perpetrator="syrian government")) == ["Douma"]
    assert names(IncidentFilter(type="airstrike", country="Syria")) == ["Ariha", "Kafr Nuran", "Kafr Taal"]
    assert names(IncidentFilter(near=(36.15, 36.89, 10))) == ["Kafr Nuran", "Kafr Taal"]
    assert names(IncidentFilter(country="Yemen")) == []


def test_coordinates_join_reports_that_name_a_place_differently(store):
    """No gazetteer ids, different names (the city's old and new names): points 2 km apart are one place."""
    def ukr(doc, name, lon, killed):
        loc = {"name": name, "matched_name": None, "admin1": "Donetsk", "admin2": None, "country": "Ukraine",
               "lat": 48.5956, "lon": lon, "geo_precision": "place", "gazetteer_id": None}
        return report(doc, "2023-01-10", incidents=[incident(name, killed, type="shelling", loc=loc,
                                                             evidence=f"Shelling of {name} killed {killed}.")])
    ingest_reports(store, [ukr("u1", "Bakhmut", 38.0000, 3), ukr("u2", "Artemivsk", 38.0270, 4),
                           ukr("u3", "Far Village", 38.0800, 1)])
    incs = query_incidents(store)
    assert sorted((i["reports"], i["killed_low"], i["killed_high"]) for i in incs) == [(1, 1, 1), (2, 3, 4)]


def test_an_incident_read_alone_equals_its_row_in_the_listing_with_its_violation_links(db_url):
    from vigil.store import iter_incidents
    from web_support import ingest_samples

    ingest_samples(db_url)
    with open_store(db_url) as s:
        listed = list(iter_incidents(s, IncidentFilter()))
        assert any(r["violations"] for r in listed)  # the samples break a truce
        for record in listed:
            assert get_incident(s, record["id"]) == record
        with pytest.raises(UnknownIncident):
            get_incident(s, "inc_ffffffffffff")
