"""The dashboard in a real headless Chromium (Debian's, driven by Playwright) against a real server
on 127.0.0.1 over the sample corpus. Any request leaving 127.0.0.1 is aborted and fails the test.
A screenshot and the first-load time go to test-output/ (or $VIGIL_TEST_OUTPUT)."""
from __future__ import annotations

import csv
import importlib.util
import json
import os
import re
import shutil
import socket
import threading
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from vigil.store import bulk_insert_incidents, create_token, open_store
from vigil.web import create_app
from web_support import ingest_samples

CHROMIUM = os.environ.get("VIGIL_CHROMIUM", "/usr/bin/chromium")
OUTPUT = Path(os.environ.get("VIGIL_TEST_OUTPUT", Path(__file__).resolve().parents[1] / "test-output"))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-default-apps", "--disable-extensions"]


def _chromium_or_skip() -> None:
    if not shutil.which(CHROMIUM):
        msg = f"no Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)


class _Server:
    """uvicorn in a thread on a free port of 127.0.0.1, stopped by the fixture."""

    def __init__(self, db_url: str):
        import uvicorn

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(create_app(db_url), host="127.0.0.1", port=self.port,
                                                    log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        for _ in range(200):
            if self.server.started:
                return f"http://127.0.0.1:{self.port}/"
            self.thread.join(0.05)
        raise RuntimeError("the test server did not start")

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(15)


class Browser:
    """One Chromium with a fresh profile; records console errors and requests that leave 127.0.0.1."""

    def __init__(self, profile: Path):
        from playwright.sync_api import sync_playwright

        self.pw = sync_playwright().start()
        self.context = self.pw.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=ARGS, accept_downloads=True,
            viewport={"width": 1400, "height": 850})
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.requests: list[str] = []  # every URL the current page asked for
        self.context.route("**/*", self._route)

    def _route(self, route) -> None:
        self.requests.append(route.request.url)
        url = urlparse(route.request.url)
        if url.scheme in ("data", "blob") or url.hostname == "127.0.0.1":
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def page(self, url: str):
        self.errors.clear()
        self.requests.clear()
        page = self.context.new_page()
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.goto(url)
        page.wait_for_selector("body[data-ready='1']", timeout=30_000)
        return page

    def close(self) -> None:
        self.context.close()
        self.pw.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    _chromium_or_skip()
    b = Browser(tmp_path_factory.mktemp("profile"))
    try:
        yield b
    finally:
        b.close()
    assert b.outside == [], f"requests left 127.0.0.1: {b.outside}"


@pytest.fixture(scope="module")
def site(tmp_path_factory, browser):
    """(base URL, a valid token, the browser) over a fresh copy of the sample corpus."""
    tmp = tmp_path_factory.mktemp("dash")
    url = f"sqlite:///{tmp / 'samples.db'}"
    ingest_samples(url)
    with open_store(url) as s:
        token = create_token(s, "tester")
    with _Server(url) as base:
        yield base, token, browser


def _api(base: str, path: str):
    with urllib.request.urlopen(base + path.lstrip("/"), timeout=20) as r:
        return json.loads(r.read())


def _marker_total(page) -> int:
    """Incidents on the map now: single markers plus the incidents inside each cluster."""
    singles = page.locator("path.incident-marker").count()
    titles = page.locator(".cluster").evaluate_all("els => els.map(e => e.title)")
    return singles + sum(int(re.match(r"(\d+) incidents", t).group(1)) for t in titles)


def _query(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def test_the_page_loads_with_markers_no_errors_and_nothing_from_outside(site):
    base, _, browser = site
    page = browser.page(base)
    placed = len(_api(base, "/api/points")["points"])
    page.wait_for_function("document.querySelectorAll('path.incident-marker, .cluster').length > 0")
    assert _marker_total(page) == placed > 20
    assert page.locator("#unplaced-n").inner_text() == str(_api(base, "/api/points")["not_on_map"])
    assert page.locator("#incidents tbody tr").count() == min(50, _api(base, "/api/incidents")["total"])
    assert page.locator("#ceasefires tbody tr").count() == len(_api(base, "/api/ceasefires"))
    assert "Natural Earth" in page.locator(".leaflet-control-attribution").inner_text()
    outlines = len(_api(base, "/api/ceasefires/areas")["features"])  # every ceasefire area drawn at once
    assert page.locator(".leaflet-areas-pane path").count() == outlines > 0
    assert page.locator("#chart canvas").count() >= 1
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / "dashboard.png"))
    first_load_ms = int(page.locator("body").get_attribute("data-ready-ms"))
    load = os.getloadavg()[0]
    (OUTPUT / "dashboard-first-load.txt").write_text(f"first load (navigation start to data drawn): {first_load_ms} ms "
                                                     f"(load average {load:.1f} on {os.cpu_count()} cores)\n")
    print(f"\ndashboard first load on the sample corpus: {first_load_ms} ms (load average {load:.1f})")
    # the target is 1 s on this machine; other jobs sharing its cores stretch it, so the bound grows
    # with the load average beyond one job per core
    assert first_load_ms < 1000 * max(1.0, load / (os.cpu_count() or 1))
    asked = [u for u in browser.requests if "/api/" in u or "/static/geo/" in u]
    assert len(asked) == len(set(asked)), "the first load asked for something twice"
    assert browser.errors == []
    assert browser.outside == []
    page.close()


def test_clicking_a_marker_shows_its_evidence_highlighted_in_the_report(site):
    base, _, browser = site
    page = browser.page(base + "?q=Atarib")
    page.locator("path.incident-marker").first.click()
    page.wait_for_selector(".report mark")
    iid = _query(page)["incident"][0]
    record = _api(base, f"/api/incidents/{iid}")
    marked = page.locator(".report mark").first.inner_text()
    assert marked.strip() in [e.strip() for s in record["sources"] for e in s["evidence"]]
    assert page.locator("#tab-incident h3").inner_text().startswith(record["location"]["name"])
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / "dashboard-incident.png"))
    assert browser.errors == []
    page.close()


def test_a_filter_changes_the_list_the_map_and_the_url(site):
    base, _, browser = site
    page = browser.page(base)
    before = _marker_total(page)
    page.select_option("select[name=type]", "airstrike")
    page.wait_for_function("new URLSearchParams(location.search).get('type') === 'airstrike'")
    expected = _api(base, "/api/incidents?type=airstrike")["total"]
    page.wait_for_function(f"document.querySelector('#total').textContent === '({expected})'")
    types = page.locator("#incidents tbody tr td:nth-child(3)").all_inner_texts()
    assert types and set(types) == {"airstrike"}
    after = _marker_total(page)
    assert after == len(_api(base, "/api/points?type=airstrike")["points"]) < before
    shared = browser.page(page.url)  # a bookmarked view opens filtered
    assert shared.locator("select[name=type]").input_value() == "airstrike"
    assert shared.locator("#total").inner_text() == f"({expected})"
    shared.close()
    page.close()


def test_brushing_the_timeline_filters_by_period(site):
    base, _, browser = site
    page = browser.page(base)
    box = page.locator("#chart .u-over").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.30, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.50, y, steps=8)
    page.mouse.up()
    page.wait_for_function("new URLSearchParams(location.search).has('since')")
    q = _query(page)
    since, until = q["since"][0], q["until"][0]
    assert since < until
    expected = _api(base, f"/api/incidents?since={since}&until={until}")["total"]
    page.wait_for_function(f"document.querySelector('#total').textContent === '({expected})'")
    dates = page.locator("#incidents tbody tr td:first-child").all_inner_texts()
    assert all(since <= d <= until for d in dates)
    assert _marker_total(page) == len(_api(base, f"/api/points?since={since}&until={until}")["points"])
    page.close()


def test_the_csv_download_is_the_selection(site):
    base, _, browser = site
    page = browser.page(base + "?country=Syria")
    with page.expect_download() as info:
        page.click("#csv")
    rows = list(csv.DictReader(open(info.value.path(), encoding="utf-8")))
    expected = _api(base, "/api/incidents?country=Syria&limit=1000")
    assert len(rows) == expected["total"] > 0
    assert {r["event_id_cnty"] for r in rows} == {i["id"] for i in expected["items"]}
    assert {r["country"] for r in rows} == {"Syria"}
    page.close()


def test_the_api_docs_render_offline(site):
    base, _, browser = site
    page = browser.context.new_page()
    page.goto(base + "docs")
    page.wait_for_selector(".swagger-ui .opblock-summary-path", timeout=30_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/incidents" in p for p in paths)
    page.close()
    assert browser.outside == []


def test_clicking_a_ceasefire_outlines_its_area_and_lists_its_violations(site):
    base, _, browser = site
    busiest = max(_api(base, "/api/ceasefires"), key=lambda c: c["violations"])
    page = browser.page(base)
    page.click(".tabs button[data-tab=ceasefires]")
    page.click(f"#ceasefires tr[data-ceasefire='{busiest['id']}']")
    page.wait_for_selector("#ceasefire table tbody tr")
    assert page.locator("#ceasefire table tbody tr").count() == busiest["violations"] > 0
    outlines = len(_api(base, f"/api/ceasefires/{busiest['id']}/area")["features"])
    assert outlines > 0
    assert page.locator(".leaflet-areas-pane path").count() >= outlines
    page.locator("#ceasefire table tbody tr").first.click()
    page.wait_for_selector("#tab-incident h3")
    assert busiest["id"] in page.locator("#tab-incident").inner_html()
    assert browser.errors == []
    page.close()


def test_a_correction_needs_a_valid_token_and_then_shows_beside_the_machine_value(site):
    base, token, browser = site
    target = _api(base, "/api/incidents?sort=-killed&limit=1")["items"][0]
    page = browser.page(base + f"?incident={target['id']}")
    page.wait_for_selector("#tab-incident h3")
    assert page.locator("form.correct").count() == 0  # no token, no form
    page.fill("#token", "vigil_not-a-real-token")
    page.dispatch_event("#token", "change")
    page.wait_for_selector("form.correct")
    page.select_option("form.correct select[name=field]", "killed")
    page.fill("form.correct input[name=value]", "99")
    page.click("form.correct button")
    page.wait_for_selector("form.correct .result.error")
    assert "401" in page.locator("form.correct .result").inner_text()
    assert _api(base, f"/api/incidents/{target['id']}")["killed"] == target["killed"]
    page.fill("#token", token)
    page.dispatch_event("#token", "change")
    page.wait_for_selector("form.correct")
    page.select_option("form.correct select[name=field]", "killed")
    page.fill("form.correct input[name=value]", "99")
    page.fill("form.correct input[name=note]", "hospital list")
    page.click("form.correct button")
    page.wait_for_selector(".saved")
    shown = page.locator(".figures b.killed").inner_text()
    assert "99" in shown and f"machine: {target['killed']}" in shown
    assert "tester" in page.locator("ul.corrections").inner_text()
    assert _api(base, f"/api/incidents/{target['id']}")["killed"] == 99
    assert all("401" in e for e in browser.errors)  # the refused request is logged by the browser, nothing else
    page.close()


def test_ten_thousand_incidents_in_view_stay_clustered(tmp_path, browser):
    """The page over 10,000 generated incidents (and one impossible coordinate): everything is drawn as
    a few hundred clusters at most, and the bad point is listed beside the map instead of breaking it."""
    spec = importlib.util.spec_from_file_location(
        "bench_store", Path(__file__).resolve().parents[1] / "bench" / "bench_store.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    url = f"sqlite:///{tmp_path / 'big.db'}"
    broken = next(iter(bench.synthetic_incidents(1, seed=9)))
    broken["id"], broken["location"] = "inc_badcoordinate", {**broken["location"], "lat": 95.0, "lon": 500.0}
    with open_store(url) as s:
        bulk_insert_incidents(s, [*bench.synthetic_incidents(10_000), broken])  # one impossible point
    with _Server(url) as base:
        page = browser.page(base)
        page.wait_for_function("document.querySelectorAll('.cluster').length > 0")
        assert _marker_total(page) == 10_000  # the bad point is left out, the rest drawn
        assert page.locator("#unplaced-n").inner_text() == "1"
        assert page.locator("path.incident-marker, .cluster").count() < 500
        ready_ms = int(page.locator("body").get_attribute("data-ready-ms"))
        ms = page.evaluate("""() => new Promise(done => {
            const t = performance.now();
            map.once('moveend', () => requestAnimationFrame(() => done(performance.now() - t)));
            map.zoomIn(1, {animate: false});
        })""")
        print(f"\n10,000 incidents: first load {ready_ms} ms; zoom and re-cluster {ms:.0f} ms")
        OUTPUT.mkdir(parents=True, exist_ok=True)
        with open(OUTPUT / "dashboard-first-load.txt", "a") as f:
            f.write(f"10,000 incidents: first load {ready_ms} ms; zoom and re-cluster {ms:.0f} ms\n")
        page.close()
        assert browser.errors == []
