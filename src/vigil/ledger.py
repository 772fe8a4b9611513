"""Ceasefire ledger: ceasefires as records, their areas on the map, and possible violations.

Pure functions (the store does the bookkeeping):

* Ceasefire claims from different reports are one ceasefire when their
  declarers overlap and their starts (`effective_from`, else `announced_on`)
  are at most a day apart (`same_ceasefire`); `merge_ceasefires` combines a
  group whatever order it arrived in.
* `resolve_area` turns the text area into places on the map: a named zone
  from `vigil/data/zones.json` (e.g. "Idlib", "northwest Syria" -> the Idlib
  de-escalation zone, which is how the word is used in ceasefire news), an
  admin unit ("Daraa", "Hama"), or a country ("Syria", "Yemen").
* `area_contains` tests an incident location: whole admin1/admin2 units by
  name (spelling variants folded, aliases from the zone table); districts
  only partly inside a zone by point-in-polygon when the location has a
  point, and counted in when it has none (the flag says *possible*).
* `is_violation`: an incident whose date lies in the ceasefire's period
  (effective_from, or announced_on when that is missing, to effective_until
  or open-ended) and whose place lies in its area.

A ceasefire whose area cannot be resolved flags nothing: guessing an area
would put false accusations in the ledger.

How long a truce binds (`settle`, after OSCE/UN monitoring practice): from its
start until the earliest of its stated end, the first report that says it
collapsed, ended or was suspended (`data/ceasefire_end_words.txt`), the day
before a later truce for the same area and overlapping (or unknown) parties
replaces it, and the horizon (`VIGIL_CEASEFIRE_HORIZON_DAYS`, default 90)
after the last report that mentions it. The record says which rule ended it.
"""
from __future__ import annotations

import bisect

import hashlib
import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from importlib.resources import files
from typing import Any, Iterable

from unidecode import unidecode

from vigil.fuse import fold_name, has_point

_DIRECTIONS = re.compile(
    r"\b(?:north|south|east|west|northern|southern|eastern|western|central|rural|"
    r"north[- ]?(?:west|east)(?:ern)?|south[- ]?(?:west|east)(?:ern)?|parts? of|all of|across|whole|entire|the)\b",
    re.IGNORECASE)
_SPLIT = re.compile(r"\s*(?:,|;|/|&|\band\b)\s*", re.IGNORECASE)


@lru_cache(maxsize=65536)
def plain(name: str | None) -> str:
    """Case- and accent-insensitive form for actor and country names (no transliteration folding:
    "Yemen" and "Oman" must stay apart)."""
    return re.sub(r"[^a-z0-9]+", " ", unidecode(name or "").lower()).strip()


# ---- the zone table ---------------------------------------------------------


@dataclass(frozen=True)
class _Tables:
    zones_by_alias: dict[str, dict[str, Any]]
    units: dict[str, dict[str, Any]]  # pcode -> unit
    alias_groups: dict[tuple[int, str], frozenset[str]]  # (level, folded name) -> every folded name of that unit
    countries: frozenset[str]


@lru_cache(maxsize=1)
def _raw_tables() -> dict[str, Any]:
    return json.loads((files("vigil") / "data" / "zones.json").read_text(encoding="utf-8"))


def _zone_list() -> list[dict[str, Any]]:
    return _raw_tables()["zones"]


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    raw = _raw_tables()
    units = {u["pcode"]: u for u in raw["admin_units"]}
    groups: dict[tuple[int, str], frozenset[str]] = {}
    for u in raw["admin_units"]:
        keys = frozenset(fold_name(n) for n in u["names"])
        for k in keys:
            groups[(u["level"], k)] = groups.get((u["level"], k), frozenset()) | keys
    by_alias = {}
    for z in raw["zones"]:
        for alias in [z["label"], *z["aliases"]]:
            by_alias[fold_name(alias)] = z
    countries = frozenset(plain(u["country"]) for u in raw["admin_units"]) | frozenset(
        plain(c) for c in raw.get("countries", []))
    return _Tables(by_alias, units, groups, countries)


def _unit_keys(pcodes: Iterable[str]) -> frozenset[str]:
    t = _tables()
    return frozenset(fold_name(n) for p in pcodes for n in t.units[p]["names"])


@lru_cache(maxsize=65536)
def admin_keys(level: int, name: str | None) -> frozenset[str]:
    """Every folded spelling of the admin unit a location names (Idleb = Idlib, Jebel Saman = Mount Simeon)."""
    k = fold_name(name)
    if not k:
        return frozenset()
    return _tables().alias_groups.get((level, k), frozenset({k}))


# ---- areas ------------------------------------------------------------------


@dataclass(frozen=True)
class Area:
    """A ceasefire area as places on the map."""

    label: str
    kind: str  # zone | admin | country | name (not in the tables: matched by name as it stands)
    zone_id: str | None = None
    country: str | None = None
    admin1: frozenset[str] = field(default_factory=frozenset)
    admin2: frozenset[str] = field(default_factory=frozenset)
    admin2_partial: frozenset[str] = field(default_factory=frozenset)
    polygon: tuple[tuple[float, float], ...] | None = None  # (lon, lat) ring
    names: frozenset[str] = field(default_factory=frozenset)  # admin or place names at any level
    approximate: bool = False
    placed: bool = True  # False: a name neither the tables nor the gazetteer know; it flags nothing

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "kind": self.kind, "zone": self.zone_id, "country": self.country,
                "approximate": self.approximate, "placed": self.placed}


@lru_cache(maxsize=4096)
def resolve_area(text: str | None) -> tuple[Area, ...]:
    """The places a ceasefire's text area covers; empty when it cannot be placed.
    "Idlib and Hama" is two areas; a name the tables do not know is matched
    against incidents' admin and place names as it stands."""
    if not text or not text.strip():
        return ()
    text = re.sub(r"\([^)]*\)", " ", text).strip() or text  # "Syria (nationwide)" -> "Syria"
    whole = _resolve_known(text)
    if whole:
        return (whole,)
    parts = [p for p in _SPLIT.split(text) if p.strip()]
    return tuple(_resolve_known(p) or _name_area(p) for p in parts)


def _resolve_known(text: str) -> Area | None:
    t = _tables()
    zone = t.zones_by_alias.get(fold_name(text))
    if zone:
        return _zone_area(zone)
    stripped = _DIRECTIONS.sub(" ", text).strip(" -,")
    approximate = stripped.lower() != text.strip().lower()
    if not stripped:
        return None
    if approximate and fold_name(stripped) in t.zones_by_alias:
        return _zone_area(t.zones_by_alias[fold_name(stripped)], approximate=True)
    if plain(stripped) in t.countries:
        return Area(label=stripped, kind="country", country=plain(stripped), approximate=approximate)
    key = fold_name(stripped)
    if (1, key) in t.alias_groups or (2, key) in t.alias_groups:
        return Area(label=stripped, kind="admin", names=admin_keys(1, stripped) | admin_keys(2, stripped),
                    approximate=approximate)
    return None


def _name_area(text: str) -> Area:
    stripped = _DIRECTIONS.sub(" ", text).strip(" -,") or text.strip()
    return Area(label=stripped, kind="name", names=frozenset({fold_name(stripped)}),
                approximate=stripped.lower() != text.strip().lower(), placed=_known_place(stripped))


def _known_place(name: str) -> bool:
    """Whether the gazetteer knows a place of this name (a truce in "X" then means incidents named or
    filed under X); an unknown name ("Eid al-Adha") cannot be placed and flags nothing."""
    from vigil.geo import best

    try:
        return best(name) is not None
    except Exception:  # no gazetteer available: keep matching by name, as before
        return True


def _zone_area(zone: dict[str, Any], approximate: bool = False) -> Area:
    poly = tuple((float(x), float(y)) for x, y in zone["polygon"]) if zone.get("polygon") else None
    return Area(label=zone["label"], kind="zone", zone_id=zone["id"], country=plain(zone.get("country")) or None,
                admin1=_unit_keys(zone["admin1"]), admin2=_unit_keys(zone["admin2"]),
                admin2_partial=_unit_keys(zone["admin2_partial"]), polygon=poly, approximate=approximate,
                names=frozenset(fold_name(n) for n in zone.get("places") or ()))


def point_in_polygon(lon: float, lat: float, ring: tuple[tuple[float, float], ...]) -> bool:
    """Ray casting; the zone outlines are small enough that planar geometry is fine."""
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def area_contains(area: Area, location: dict[str, Any]) -> bool:
    """Whether an incident location lies in the area (see the module docstring for the rule)."""
    country = plain(location.get("country"))
    if area.kind == "country":
        return country == area.country
    if area.country and country and country != area.country:
        return False
    a1 = admin_keys(1, location.get("admin1"))
    a2 = admin_keys(2, location.get("admin2"))
    if not area.placed:
        return False
    here_names = {fold_name(location.get("name")), fold_name(location.get("matched_name"))} - {""}
    if area.kind in ("admin", "name"):
        return bool((a1 | a2 | here_names) & area.names)
    if a1 & area.admin1 or a2 & area.admin2 or here_names & area.names:
        return True
    if area.polygon and has_point(location):
        return point_in_polygon(float(location["lon"]), float(location["lat"]), area.polygon)
    return bool(a2 & area.admin2_partial)


# ---- ceasefire records --------------------------------------------------------


def start_of(cf: dict[str, Any]) -> date | None:
    """When a ceasefire binds: effective_from, else the day it was announced."""
    d = cf.get("effective_from") or cf.get("announced_on")
    return date.fromisoformat(d) if d else None


def declarers(cf: dict[str, Any]) -> set[str]:
    return {plain(d) for d in cf.get("declared_by") or [] if plain(d)}


def same_ceasefire(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Overlapping declarers and starts within a day (both unknown: the same area)."""
    if not declarers(a) & declarers(b):
        return False
    sa, sb = start_of(a), start_of(b)
    if sa is None or sb is None:
        return sa is None and sb is None and fold_name(a.get("area")) == fold_name(b.get("area"))
    return abs((sa - sb).days) <= 1


def ceasefire_key(report_key: str, index: int) -> str:
    return hashlib.sha1(f"{report_key}:ceasefire:{index}".encode()).hexdigest()[:20]


def _mode(values: Iterable[Any], prefer=min) -> Any:
    counts = Counter(v for v in values if v)
    if not counts:
        return None
    top = max(counts.values())
    return prefer(v for v, n in counts.items() if n == top)


def merge_ceasefires(claims: list[dict[str, Any]]) -> dict[str, Any]:
    """One ceasefire record from every report's claim about it; independent of claim order.
    Claims carry `claim_key`, `doc_id`, `url`, `published` besides the codebook fields."""
    claims = sorted(claims, key=lambda c: c["claim_key"])
    names: dict[str, Counter] = {}
    for c in claims:
        for d in c.get("declared_by") or []:
            names.setdefault(plain(d), Counter())[d] += 1
    declared = sorted(_mode(cnt.elements()) for cnt in names.values())
    announced = [c["announced_on"] for c in claims if c.get("announced_on")]
    area_text = _mode((c.get("area") for c in claims), prefer=lambda vs: min(vs, key=lambda v: (len(v), v)))
    ended = [c["published"] for c in claims if any(says_ended(e) for e in c.get("evidence") or [])]
    return {
        "id": "cf_" + claims[0]["claim_key"][:12],
        "declared_by": declared,
        "announced_on": min(announced) if announced else None,
        "effective_from": _mode(c.get("effective_from") for c in claims),
        "effective_until": _mode((c.get("effective_until") for c in claims), prefer=max),
        "area": area_text,
        "last_reported": max(c["published"] for c in claims),
        "collapse_reported_on": min(ended) if ended else None,
        "reports": len({c["report_key"] for c in claims}),
        "sources": [{"doc_id": c.get("doc_id"), "url": c.get("url"), "published": c["published"]}
                    for c in sorted(claims, key=lambda c: (c["published"], c.get("doc_id") or "", c["claim_key"]))],
        "evidence": list(dict.fromkeys(s for c in claims for s in (c.get("evidence") or []))),
    }


def finish(record: dict[str, Any]) -> dict[str, Any]:
    """What follows from a ceasefire's terms (after any corrections): the area it is tested against,
    whether that area can be placed, and date errors (an end before the start is a reading error:
    it is flagged and not used)."""
    out = dict(record)
    out["area_used"] = narrowed_area(record.get("area"), record.get("evidence") or [])
    areas = resolve_area(out["area_used"])
    out["area_resolved"] = [a.to_dict() for a in areas]
    out["area_placed"] = any(a.placed for a in areas)
    errors = []
    start = start_of(record)
    for key in ("effective_until",):
        if start and record.get(key) and date.fromisoformat(record[key]) < start:
            errors.append(f"{key} {record[key]} is before the start {start}: a reading error, not used")
            out[key] = None
    if record.get("announced_on") and record.get("effective_from") and (
            date.fromisoformat(record["effective_from"]) - date.fromisoformat(record["announced_on"])).days > 366:
        errors.append(f"effective_from {record['effective_from']} is over a year after the announcement")
    out["date_errors"] = errors
    return out


def narrowed_area(area: str | None, evidence: list[str]) -> str | None:
    """The place a truce's area means: a country yields to a named zone in the evidence that lies
    in or beside it (a truce "in Gaza" reported with the area "Israel" is the Gaza Strip's)."""
    areas = resolve_area(area)
    if not (len(areas) == 1 and areas[0].kind == "country"):
        return area
    text = " ".join(evidence)
    if _NATIONWIDE.search(text):
        return area
    said = f" {plain(text)} "
    for zone in _zone_list():
        countries = zone.get("countries") or ([zone["country"]] if zone.get("country") else [])
        if areas[0].country not in {plain(c) for c in countries}:
            continue
        if any(f" {plain(a)} " in said for a in [zone["label"], *zone["aliases"]] if len(plain(a)) >= 4):
            return zone["label"]
    return area


_NATIONWIDE = re.compile(r"\b(?:nation-?wide|country-?wide|whole country|across the country|all fronts)\b",
                         re.IGNORECASE)


@lru_cache(maxsize=1)
def _end_words() -> re.Pattern:
    lines = (files("vigil") / "data" / "ceasefire_end_words.txt").read_text(encoding="utf-8").splitlines()
    words = [w.strip() for w in lines if w.strip() and not w.startswith("#")]
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b",
                      re.IGNORECASE)


def says_ended(sentence: str) -> bool:
    """Whether a ceasefire's evidence sentence says it collapsed, ended or was suspended."""
    return bool(_end_words().search(sentence or ""))


DEFAULT_HORIZON_DAYS = 90


def horizon_days() -> int:
    """How long an open-ended truce stays in force after the last report mentioning it."""
    raw = os.environ.get("VIGIL_CEASEFIRE_HORIZON_DAYS")
    try:
        return int(raw) if raw else DEFAULT_HORIZON_DAYS
    except ValueError:
        raise ValueError(f"VIGIL_CEASEFIRE_HORIZON_DAYS must be a whole number of days, not {raw!r}")


def _area_key(cf: dict[str, Any]) -> frozenset:
    return frozenset((a.kind, a.zone_id or a.country or "", tuple(sorted(a.names))) for a in areas_of(cf))


def settle(records: list[dict[str, Any]], horizon: int | None = None) -> dict[str, tuple[str | None, dict]]:
    """When each truce stops binding and why: {id: (last day in force or None, {"rule", "on", ...})}.
    Rules, earliest wins: its stated end; a report that it collapsed; a later truce for the same area
    and overlapping (or unknown) parties replacing it; `horizon` days after the last report."""
    horizon = horizon_days() if horizon is None else horizon
    live = [r for r in records if r.get("status") != "not a ceasefire" and start_of(r) is not None]
    # Truces of one area in start order, so each finds the next one that replaces it without comparing
    # every pair (the store settles thousands of truces as ten years of news come in).
    families: dict[frozenset, list[tuple[date, str, frozenset, dict[str, Any]]]] = {}
    for cf in live:
        families.setdefault(_area_key(cf), []).append((start_of(cf), cf["id"], frozenset(declarers(cf)), cf))
    for fam in families.values():
        fam.sort(key=lambda t: (t[0], t[1]))
    out: dict[str, tuple[str | None, dict]] = {}
    for fam in families.values():
        starts = [t[0] for t in fam]
        for start, _, mine, cf in fam:
            ends: list[tuple[date, dict]] = []
            if cf.get("effective_until"):
                ends.append((date.fromisoformat(cf["effective_until"]), {"rule": "stated end"}))
            if cf.get("collapse_reported_on") and date.fromisoformat(cf["collapse_reported_on"]) >= start:
                ends.append((date.fromisoformat(cf["collapse_reported_on"]), {"rule": "collapse reported"}))
            nxt = next((o for o_start, _, theirs, o in fam[bisect.bisect_right(starts, start):]
                        if not mine or not theirs or mine & theirs), None)
            if nxt is not None:
                ends.append((start_of(nxt) - timedelta(days=1), {"rule": "superseded", "by": nxt["id"]}))
            if not cf.get("effective_until"):
                seen = max(start, date.fromisoformat(cf.get("last_reported") or start.isoformat()))
                ends.append((seen + timedelta(days=horizon), {"rule": "horizon", "days": horizon,
                                                                "last_reported": seen.isoformat()}))
            day, why = min(ends, key=lambda e: e[0])
            out[cf["id"]] = (day.isoformat(), {**why, "on": day.isoformat()})
    return out

def in_force(cf: dict[str, Any], day: date) -> bool:
    """Whether the truce binds on `day`: from its start to the end `settle` found (else its stated end)."""
    if cf.get("status") == "not a ceasefire":
        return False
    start = start_of(cf)
    if start is None or day < start:
        return False
    until = cf["in_force_until"] if "in_force_until" in cf else cf.get("effective_until")
    return until is None or day <= date.fromisoformat(until)


def areas_of(cf: dict[str, Any]) -> tuple[Area, ...]:
    """The areas a ceasefire record is tested against: the place its text means (`area_used`)."""
    return resolve_area(cf.get("area_used") or cf.get("area"))


def is_violation(cf: dict[str, Any], incident: dict[str, Any]) -> bool:
    """A possible violation: the incident happened inside the ceasefire's area while it was in force."""
    if not incident.get("date") or not in_force(cf, date.fromisoformat(incident["date"])):
        return False
    location = incident.get("location") or {}
    return any(area_contains(a, location) for a in areas_of(cf))


def actors_of(perpetrator: str | None) -> set[str]:
    """Each actor of a (possibly joint, "A; B") attribution, in `plain` form."""
    return {plain(p) for p in (perpetrator or "").split(";") if plain(p)}


def by_declarer(cf: dict[str, Any], incident: dict[str, Any]) -> bool:
    """Whether the incident is attributed (alone or jointly) to one of the ceasefire's own declarers."""
    return bool(actors_of(incident.get("perpetrator")) & declarers(cf))


STRENGTHS = ("by a declarer", "by another party", "perpetrator unknown")


def violation_strength(cf: dict[str, Any], incident: dict[str, Any]) -> str:
    """How strong a possible violation is: a declarer broke its own truce, another party acted inside
    it, or nobody is named."""
    if not actors_of(incident.get("perpetrator")):
        return STRENGTHS[2]
    return STRENGTHS[0] if by_declarer(cf, incident) else STRENGTHS[1]


def violation_reason(cf: dict[str, Any], incident: dict[str, Any]) -> str:
    """Why the incident was flagged, in words an analyst can check."""
    location = incident.get("location") or {}
    inside = next((a for a in areas_of(cf) if area_contains(a, location)), None)
    where = location.get("name") or "?"
    area = inside.label if inside else (cf.get("area_used") or cf.get("area") or "?")
    until = cf["in_force_until"] if "in_force_until" in cf else cf.get("effective_until")
    period = f"between {start_of(cf)} and {until}" if until else f"from {start_of(cf)} (no end known)"
    who = incident.get("perpetrator")
    if not who:
        actor = "perpetrator unknown"
    elif by_declarer(cf, incident):
        actor = f"by {who}, a declarer"
    else:
        actor = f"by {who}, not a declarer"
    return f"{where} is inside {area}; {incident.get('date')} is {period}; {actor}"
