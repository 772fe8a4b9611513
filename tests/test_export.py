"""CSV with ACLED's column names, and GeoJSON."""
from __future__ import annotations

import csv
import io

from vigil.export import ACLED_COLUMNS, acled_row, to_geojson, write_csv


def _inc(**over):
    inc = {"id": "inc_1", "date": "2020-01-21", "date_precision": "day", "type": "airstrike", "perpetrator": "Russia",
           "location": {"name": "Kafr Taal", "admin1": "Aleppo", "admin2": "Jebel Saman", "country": "Syria",
                        "lat": 36.15, "lon": 36.89, "geo_precision": "place", "gazetteer_id": "g1"},
           "killed": 9, "killed_low": 9, "killed_high": 10, "killed_best": 9, "victims": "civilians", "grade": "confirmed",
           "reports": 3, "independent_sources": 3, "perpetrators": [{"perpetrator": "Russia", "sources": 3}],
           "sources": [{"doc_id": "a", "url": "https://a.example/1", "reported_by": ["White Helmets"], "killed": 9}],
           "evidence": ["Nine died."], "violations": ["cf_1"]}
    inc.update(over)
    return inc


def test_acled_columns_come_first_with_acled_meanings():
    out = io.StringIO()
    write_csv([_inc()], out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0])[:len(ACLED_COLUMNS)] == ACLED_COLUMNS
    r = rows[0]
    assert (r["event_type"], r["sub_event_type"], r["fatalities"], r["geo_precision"]) == (
        "Explosions/Remote violence", "Air/drone strike", "9", "1")
    assert r["source"] == "White Helmets | https://a.example/1" and r["violations"] == "cf_1"


def test_shootings_of_combatants_are_battles():
    assert acled_row(_inc(type="shooting", victims="combatants"))["event_type"] == "Battles"
    assert acled_row(_inc(type="shooting"))["event_type"] == "Violence against civilians"


def test_geojson_points_and_unlocated_incidents():
    gj = to_geojson([_inc(), _inc(id="inc_2", location={"name": "Somewhere", "lat": None, "lon": None})])
    assert gj["features"][0]["geometry"] == {"type": "Point", "coordinates": [36.89, 36.15]}
    assert gj["features"][1]["geometry"] is None
