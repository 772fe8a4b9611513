"""Incident records out as CSV (ACLED's column names where they fit) and GeoJSON.

ACLED users can load Vigil's CSV with their usual code: the ACLED columns
come first and mean what they mean there (`fatalities` is the most
conservative figure, i.e. Vigil's `killed_low`; `geo_precision` is ACLED's
1 = town, 2 = part of a region, 3 = region), followed by Vigil's own
columns (ranges, grade, source counts, violation links).

Lists in CSV cells are joined with " | " (`LIST_SEP`), which no actor, outlet or URL contains;
inside an entry "; " joins a joint attribution ("Syrian government; Russia (2) | Russia (1)"). JSON
keeps them as arrays. `fatalities` is 0 when the toll is 0 and blank only when unknown; `notes` is
the evidence sentence that gives the toll. Every value is the corrected one.
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
    outlets = list(dict.fromkeys(o for o in outlets if o))
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
        "source": LIST_SEP.join(reporters + outlets),
        "notes": toll_sentence(inc),
        "fatalities": "" if inc.get("killed_low") is None else inc["killed_low"],
        "vigil_type": inc.get("type") or "",
        "date_precision": inc.get("date_precision") or "",
        **{k: "" if inc.get(k) is None else inc[k] for k in (
            "killed", "killed_low", "killed_high", "killed_best", "injured", "children_killed", "women_killed",
            "victims", "grade", "reports", "independent_sources")},
        "perpetrators": LIST_SEP.join(f"{p['perpetrator']} ({p['sources']})" for p in inc.get("perpetrators") or []),
        "violations": " ".join(inc.get("violations") or []),
        "gazetteer_id": loc.get("gazetteer_id") or "",
        "corrected": " ".join(sorted(inc.get("machine") or {})),
    }


LIST_SEP = " | "


def toll_sentence(inc: dict[str, Any]) -> str:
    """The evidence sentence that gives the toll shown: from a source whose figure is the incident's
    killed, else the incident's first evidence sentence."""
    for s in inc.get("sources") or []:
        if inc.get("killed") is not None and s.get("killed") == inc.get("killed") and s.get("evidence"):
            return s["evidence"][0]
    return " ".join((inc.get("evidence") or [])[:1])


def ceasefire_row(cf: dict[str, Any]) -> dict[str, Any]:
    """One ceasefire as a flat CSV row: terms, when and why it stopped binding, violation counts."""
    why = cf.get("ended_by") or {}
    return {
        "id": cf["id"], "declared_by": LIST_SEP.join(cf.get("declared_by") or []),
        "announced_on": cf.get("announced_on") or "", "effective_from": cf.get("effective_from") or "",
        "effective_until": cf.get("effective_until") or "", "in_force_until": cf.get("in_force_until") or "",
        "ended_by": why.get("rule") or "", "superseded_by": why.get("by") or "",
        "area": cf.get("area") or "", "area_used": cf.get("area_used") or "",
        "area_placed": cf.get("area_placed", True), "date_errors": LIST_SEP.join(cf.get("date_errors") or []),
        "reports": cf.get("reports"), "last_reported": cf.get("last_reported") or "",
        **{k: cf.get(k, 0) for k in ("violations", "violations_by_declarers", "violations_by_other_parties",
                                     "violations_perpetrator_unknown", "violations_killed", "violations_killed_low",
                                     "violations_killed_high", "violations_injured")},
        "corrected": " ".join(sorted(cf.get("machine") or {})),
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
    """Flat records (violations, ceasefires) as CSV; lists are joined with LIST_SEP."""
    if not rows:
        return
    cols = [k for k in rows[0] if not isinstance(rows[0][k], dict)]
    w = csv.DictWriter(out, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: LIST_SEP.join(map(str, v)) if isinstance(v, list) and not (v and isinstance(v[0], dict))
                    else ("" if v is None else (json.dumps(v) if isinstance(v, list) else v))
                    for k, v in r.items() if k in cols})
