"""Incident records out as CSV (ACLED's column names where they fit) and GeoJSON.

ACLED users can load Vigil's CSV with their usual code: the ACLED columns
come first and mean what they mean there (`fatalities` is the most
conservative figure, i.e. Vigil's `killed_low`; `geo_precision` is ACLED's
1 = town, 2 = part of a region, 3 = region), followed by Vigil's own
columns (ranges, grade, source counts, violation links).
"""
from __future__ import annotations

import csv
import json
from typing import IO, Any, Iterable

# Vigil type -> (ACLED event_type, ACLED sub_event_type)
ACLED_TYPES = {
    "airstrike": ("Explosions/Remote violence", "Air/drone strike"),
    "drone_strike": ("Explosions/Remote violence", "Air/drone strike"),
    "shelling": ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    "bombing": ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    "ground_clash": ("Battles", "Armed clash"),
    "shooting": ("Violence against civilians", "Attack"),
    "other": ("", ""),
}
ACLED_GEO_PRECISION = {"place": 1, "district": 2, "province": 3, "country": 3}

ACLED_COLUMNS = ["event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1", "country", "admin1",
                 "admin2", "location", "latitude", "longitude", "geo_precision", "source", "notes", "fatalities"]
VIGIL_COLUMNS = ["vigil_type", "date_precision", "killed", "killed_low", "killed_high", "killed_best",
                 "injured", "children_killed", "women_killed", "victims", "grade", "reports",
                 "independent_sources", "perpetrators", "violations", "gazetteer_id", "corrected"]


def acled_row(inc: dict[str, Any]) -> dict[str, Any]:
    """One incident as a flat CSV row."""
    loc = inc.get("location") or {}
    event_type, sub = ACLED_TYPES.get(inc.get("type") or "other", ("", ""))
    if inc.get("type") == "shooting" and inc.get("victims") == "combatants":
        event_type, sub = "Battles", "Armed clash"
    outlets = [s.get("url") or s.get("doc_id") for s in inc.get("sources") or []]
    reporters = sorted({r for s in inc.get("sources") or [] for r in s.get("reported_by") or []})
    return {
        "event_id_cnty": inc["id"],
        "event_date": inc.get("date") or "",
        "event_type": event_type,
        "sub_event_type": sub,
        "actor1": inc.get("perpetrator") or "",
        "country": loc.get("country") or "",
        "admin1": loc.get("admin1") or "",
        "admin2": loc.get("admin2") or "",
        "location": loc.get("name") or "",
        "latitude": "" if loc.get("lat") is None else loc["lat"],
        "longitude": "" if loc.get("lon") is None else loc["lon"],
        "geo_precision": ACLED_GEO_PRECISION.get(loc.get("geo_precision") or "", ""),
        "source": "; ".join(reporters + [o for o in outlets if o]),
        "notes": " ".join((inc.get("evidence") or [])[:1]),
        "fatalities": "" if inc.get("killed_low") is None else inc["killed_low"],
        "vigil_type": inc.get("type") or "",
        "date_precision": inc.get("date_precision") or "",
        **{k: "" if inc.get(k) is None else inc[k] for k in (
            "killed", "killed_low", "killed_high", "killed_best", "injured", "children_killed", "women_killed",
            "victims", "grade", "reports", "independent_sources")},
        "perpetrators": "; ".join(f"{p['perpetrator']} ({p['sources']})" for p in inc.get("perpetrators") or []),
        "violations": " ".join(inc.get("violations") or []),
        "gazetteer_id": loc.get("gazetteer_id") or "",
        "corrected": " ".join(sorted(inc.get("machine") or {})),
    }


def write_csv(incidents: Iterable[dict[str, Any]], out: IO[str]) -> None:
    w = csv.DictWriter(out, fieldnames=ACLED_COLUMNS + VIGIL_COLUMNS, lineterminator="\n")
    w.writeheader()
    for inc in incidents:
        w.writerow(acled_row(inc))


def point(inc: dict[str, Any]) -> dict[str, Any] | None:
    """The incident's GeoJSON geometry, or None when it has no coordinates (valid GeoJSON)."""
    loc = inc.get("location") or {}
    if loc.get("lat") is None or loc.get("lon") is None:
        return None
    return {"type": "Point", "coordinates": [loc["lon"], loc["lat"]]}


def to_geojson(incidents: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """A FeatureCollection of Point features, the incident record as properties."""
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "id": inc["id"], "geometry": point(inc), "properties": inc}
                         for inc in incidents]}


def write_rows_csv(rows: list[dict[str, Any]], out: IO[str]) -> None:
    """Flat records (violations, ceasefires) as CSV; lists are joined with '; '."""
    if not rows:
        return
    cols = [k for k in rows[0] if not isinstance(rows[0][k], dict)]
    w = csv.DictWriter(out, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: "; ".join(map(str, v)) if isinstance(v, list) and not (v and isinstance(v[0], dict))
                    else ("" if v is None else (json.dumps(v) if isinstance(v, list) else v))
                    for k, v in r.items() if k in cols})
