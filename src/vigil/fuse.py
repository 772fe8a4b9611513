"""Fusion: many reports' claims about one strike become one incident.

Pure functions only (no database): `vigil.store` finds candidate claims by
blocking on date and place, asks `same_incident` which of them describe the
same act, and calls `fuse_claims` on each connected group. Because the groups
are connected components of a symmetric "same incident" relation and every
derived value depends only on the set of claims (never on arrival order),
ingesting reports in any order gives the same incidents.

Same incident
    Two claims are the same incident when they share the method (`type`), the
    day and the place:

    * place: the same `gazetteer_id` when both are geocoded; otherwise point
      coordinates within `PLACE_KM` km (only place-level coordinates, never
      province or country centroids); otherwise the same folded name
      (`fold_name`: case, accents, hyphens, apostrophes, al-/el-, Kafr/Kfar/
      Kefer, vowel and doubled-letter transliteration variants);
    * day: equal dates, or one day apart when either date is coarser than a
      day, or when the two reports were published on different days and
      either date was resolved from a relative expression ("on Tuesday").
      A claim without a date uses its report's publication date and counts
      as coarse.

Figures
    For killed, injured, children_killed and women_killed: `*_low` is the
    lowest figure any report gives, `*_high` the highest (including a report's
    own `killed_high`), and `*_best` is the lower median of one figure per
    independent source (see below). The lower median is always a number some
    source actually reported, one outlier cannot move it, and on a tie it
    leans to the conservative side. The fused `killed` etc. are the best
    values.

Independent sources
    Reports are grouped by their near-copy group (syndicated copies found by
    MinHash in the store). Each group counts once: a wire story republished
    by ten outlets is one source.

Grade (after Airwars' scale; computed, not an analyst's judgement)
    * contested: independent sources name perpetrators that share no actor
      ("Russia" and "Syrian government; Russia" agree; "Russia" and "Turkey" do not);
    * confirmed: three or more independent sources and their death tolls
      agree (spread at most `AGREE_ABS` or `AGREE_REL` of the highest);
    * fair: two or more independent sources (or three whose tolls disagree);
    * weak: a single independent source.
    Airwars reserves "confirmed" for a belligerent's own admission; Vigil
    cannot see that from report claims alone, so it uses corroboration.
"""
from __future__ import annotations

import hashlib
import math
import re
import statistics
from collections import Counter
from datetime import date, timedelta
from typing import Any, Iterable

from vigil.geo.names import match_key as fold_name

PLACE_KM = 3.0
AGREE_ABS = 1
AGREE_REL = 0.10
FIGURES = ("killed", "injured", "children_killed", "women_killed")
COARSE_PRECISIONS = ("week", "month", "year", "unknown")
AREA_PRECISIONS = ("district", "province", "admin1", "admin2", "country", "region")
_PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3, "unknown": 4}
_GEO_RANK = {"place": 0, None: 1, "district": 2, "province": 3, "country": 4}

# ---- names ------------------------------------------------------------------

def name_keys(location: dict[str, Any]) -> set[str]:
    """The folded forms a location answers to: the report's spelling and the gazetteer's."""
    return {k for k in (fold_name(location.get("name")), fold_name(location.get("matched_name"))) if k}


def has_point(location: dict[str, Any]) -> bool:
    """True when the coordinates mark the place itself, not a province or country centroid."""
    return (location.get("lat") is not None and location.get("lon") is not None
            and location.get("geo_precision") not in AREA_PRECISIONS)


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), good to well under a kilometre at these scales."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0088 * 2 * math.asin(math.sqrt(min(1.0, a)))


def same_place(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Gazetteer id when both have one, else nearby point coordinates, else folded name, else (when one
    side is not in the gazetteer) the same consonants in the same province nearby."""
    if a.get("gazetteer_id") and b.get("gazetteer_id"):
        if str(a["gazetteer_id"]) == str(b["gazetteer_id"]):
            return True
        # two namesakes picked for one spelling: the same name within NAMESAKE_KM is one place
        return bool(name_keys(a) & name_keys(b)) and has_point(a) and has_point(b) \
            and km_between(a["lat"], a["lon"], b["lat"], b["lon"]) <= NAMESAKE_KM
    if has_point(a) and has_point(b):
        return km_between(a["lat"], a["lon"], b["lat"], b["lon"]) <= PLACE_KM
    if name_keys(a) & name_keys(b):
        return True
    return _same_unplaced_spelling(a, b)


NAMESAKE_KM = 20.0  # one report's spelling resolved to two gazetteer entries this close is one place
SKELETON_KM = 30.0  # an approximate point (a list-mates' centroid) is at most this far from the place


def skeleton_key(location: dict[str, Any]) -> str | None:
    """The consonants of the report's spelling ("Jidarya" and "Jadraya": jdr): a blocking key only."""
    k = fold_name(location.get("name")).replace("a", "")
    return k if len(k) >= 3 else None


def _same_unplaced_spelling(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Two spellings of one village when the gazetteer knows at most one of them: same consonants, same
    province (when both say), and close if both have a position."""
    if a.get("gazetteer_id") and b.get("gazetteer_id"):
        return False
    ka, kb = skeleton_key(a), skeleton_key(b)
    if not ka or ka != kb:
        return False
    pa, pb = fold_name(a.get("admin1")), fold_name(b.get("admin1"))
    if pa and pb and pa != pb:
        return False
    if all(x.get("lat") is not None and x.get("lon") is not None for x in (a, b)):
        return km_between(a["lat"], a["lon"], b["lat"], b["lon"]) <= SKELETON_KM
    return True


# ---- dates ------------------------------------------------------------------

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december")


def fusion_date(claim: dict[str, Any]) -> date:
    """The incident's day, or the report's publication day when the text gave none."""
    return date.fromisoformat(claim.get("date") or claim["published"])


def date_precision(claim: dict[str, Any]) -> str:
    return claim.get("date_precision") or "day" if claim.get("date") else "unknown"


def is_relative_date(claim: dict[str, Any]) -> bool:
    """Whether the date was worked out from a relative phrase ("on Monday").

    Uses the extractor's `date_relative` flag when present; otherwise a date
    is taken as absolute only if its evidence names the month and day (or
    the ISO date), because those are the only phrases that cannot shift with
    the publication date.
    """
    if "date_relative" in claim and claim["date_relative"] is not None:
        return bool(claim["date_relative"])
    if not claim.get("date"):
        return True
    d = date.fromisoformat(claim["date"])
    text = " ".join(claim.get("evidence") or []).lower()
    month = _MONTHS[d.month - 1]
    day = str(d.day)
    pattern = rf"\b(?:{month}|{month[:3]}\.?)\s+{day}\b|\b{day}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{month}|{month[:3]})\b"
    return not (re.search(pattern, text) or d.isoformat() in text)


def date_slack(a: dict[str, Any], b: dict[str, Any]) -> int:
    """How many days apart two claims may be and still be one incident (0 or 1)."""
    if date_precision(a) != "day" or date_precision(b) != "day":
        return 1
    if a.get("published") != b.get("published") and (is_relative_date(a) or is_relative_date(b)):
        return 1
    return 0


# One strike from the sky or from afar is read by one outlet as an air strike, by another as shelling or a
# drone: those types may be one incident when nothing else disagrees (the attacker, the place, the day).
_STRIKE_FAMILY = ("airstrike", "drone_strike", "shelling")


def fusable_types(kind: str | None) -> tuple[str, ...]:
    """The types a claim of this type may fuse with (the store's blocking uses the same list)."""
    kind = kind or "other"
    return _STRIKE_FAMILY if kind in _STRIKE_FAMILY else (kind,)


def _attackers_disagree(a: dict[str, Any], b: dict[str, Any]) -> bool:
    pa = {p.strip() for p in (a.get("perpetrator") or "").split(";") if p.strip()}
    pb = {p.strip() for p in (b.get("perpetrator") or "").split(";") if p.strip()}
    return bool(pa and pb and not pa & pb)


def same_incident(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Same method (or two readings of one strike whose attackers agree), same day (within the slack
    `date_slack` allows) and same place."""
    ta, tb = a.get("type") or "other", b.get("type") or "other"
    if ta != tb and (tb not in fusable_types(ta) or _attackers_disagree(a, b)):
        return False
    if abs((fusion_date(a) - fusion_date(b)).days) > date_slack(a, b):
        return False
    return same_place(a.get("location") or {}, b.get("location") or {})


def block_window(claim: dict[str, Any]) -> tuple[date, date]:
    """The dates a partner claim can have: the store's blocking range."""
    d = fusion_date(claim)
    return d - timedelta(days=1), d + timedelta(days=1)


# ---- identities ----------------------------------------------------------------


def claim_key(report_key: str, index: int, kind: str = "incident") -> str:
    """A stable claim identity from the report's content hash and the claim's position."""
    return hashlib.sha1(f"{report_key}:{kind}:{index}".encode()).hexdigest()[:20]


def incident_id(claim_keys: Iterable[str]) -> str:
    """An incident's id is its smallest claim key: the same claims give the same id
    whatever order they arrived in, and an old id still names one of its claims."""
    return "inc_" + min(claim_keys)[:12]


# ---- fusing a group ---------------------------------------------------------


def _group_original(claims: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per near-copy group, the report that counts as the original: published first, then by hash."""
    best: dict[str, dict[str, Any]] = {}
    for c in claims:
        g = c.get("copy_group") or c["report_key"]
        if g not in best or (c["published"], c["report_key"]) < (best[g]["published"], best[g]["report_key"]):
            best[g] = c
    return best


def _group_figure(claims: list[dict[str, Any]], field: str) -> list[tuple[int, dict[str, Any]]]:
    """One figure per independent group: the earliest report in the group that gives one."""
    per_group: dict[str, tuple[tuple, int, dict]] = {}
    for c in claims:
        v = c.get(field)
        if v is None:
            continue
        g = c.get("copy_group") or c["report_key"]
        rank = (c["published"], c["report_key"], c["claim_key"])
        if g not in per_group or rank < per_group[g][0]:
            per_group[g] = (rank, v, c)
    return [(v, c) for _, v, c in sorted(per_group.values(), key=lambda t: t[0])]


def figure_range(claims: list[dict[str, Any]], field: str) -> dict[str, Any]:
    """low / high over every report, best = lower median over independent sources."""
    values = [c[field] for c in claims if c.get(field) is not None]
    if field == "killed":
        values += [c["killed_high"] for c in claims if c.get("killed_high") is not None]
    group = _group_figure(claims, field)
    if not values:
        return {"low": None, "high": None, "best": None, "qualifier": None}
    best = statistics.median_low([v for v, _ in group]) if group else min(values)
    qualifier = next((c.get("killed_qualifier") for v, c in group if v == best), None) if field == "killed" else None
    return {"low": min(values), "high": max(values), "best": best, "qualifier": qualifier}


def attributions(claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each named perpetrator with the number of independent sources that name it."""
    groups: dict[str, set[str]] = {}
    for c in claims:
        if c.get("perpetrator"):
            groups.setdefault(c["perpetrator"], set()).add(c.get("copy_group") or c["report_key"])
    return sorted(({"perpetrator": p, "sources": len(g)} for p, g in groups.items()),
                  key=lambda a: (-a["sources"], a["perpetrator"]))


def figures_agree(low: int | None, high: int | None) -> bool:
    if low is None or high is None:
        return True
    return high - low <= max(AGREE_ABS, math.floor(AGREE_REL * high))


def conflicting_attributions(perps: list[dict[str, Any]]) -> int:
    """How many attributions share no actor with the leading one.

    "Syrian government; Russia" and "Russia" agree: a joint attack named in full by one outlet and in part
    by another is not a dispute over who did it."""
    if not perps:
        return 0
    lead = {a.strip() for a in perps[0]["perpetrator"].split(";")}
    return sum(1 for p in perps[1:] if not lead & {a.strip() for a in p["perpetrator"].split(";")})


def grade(independent: int, killed_low: int | None, killed_high: int | None, n_conflicts: int) -> str:
    """Airwars-style grade from corroboration, toll agreement and attribution conflict."""
    if n_conflicts > 0:
        return "contested"
    if independent >= 3 and figures_agree(killed_low, killed_high):
        return "confirmed"
    if independent >= 2:
        return "fair"
    return "weak"


def _mode(values: Iterable[Any]) -> Any:
    counts = Counter(v for v in values if v is not None)
    if not counts:
        return None
    top = max(counts.values())
    return min(v for v, n in counts.items() if n == top)


def _best_location(claims: list[dict[str, Any]]) -> dict[str, Any]:
    """The most precisely geocoded location (ties: claim key), named with the most common
    spelling (ties: the earliest report's)."""

    def rank(c: dict[str, Any]) -> tuple:
        loc = c.get("location") or {}
        return (0 if loc.get("gazetteer_id") else 1, _GEO_RANK.get(loc.get("geo_precision"), 5),
                0 if loc.get("lat") is not None else 1, c["claim_key"])

    loc = dict(min(claims, key=rank).get("location") or {})
    for k in ("name", "matched_name", "admin1", "admin2", "country", "lat", "lon", "geo_precision", "gazetteer_id"):
        loc.setdefault(k, None)
    by_age = sorted(claims, key=lambda c: (c["published"], c.get("doc_id") or "", c["claim_key"]))
    spellings = [(c.get("location") or {}).get("name") for c in by_age]
    counts = Counter(n for n in spellings if n)
    if counts:
        top = max(counts.values())
        loc["name"] = next(n for n in spellings if n and counts[n] == top)
    return loc


def _victims(claims: list[dict[str, Any]]) -> str:
    said = {c.get("victims") for c in claims} - {None, "unknown"}
    if not said:
        return "unknown"
    if len(said) == 1:
        return said.pop()
    return "mixed"


def fuse_claims(claims: list[dict[str, Any]]) -> dict[str, Any]:
    """One incident from every claim that describes it (claims as the store passes them:
    the codebook incident plus `claim_key`, `report_key`, `copy_group`, `doc_id`, `url`,
    `published`). The result depends only on the set of claims."""
    claims = sorted(claims, key=lambda c: c["claim_key"])
    dates = Counter(fusion_date(c) for c in claims if c.get("date"))
    day = (min(d for d, n in dates.items() if n == max(dates.values())) if dates else None)
    precision = (min((date_precision(c) for c in claims if c.get("date") and fusion_date(c) == day),
                     key=_PRECISION_RANK.get) if day else "unknown")
    originals = _group_original(claims)
    independent = len(originals)
    perps = attributions(claims)
    figs = {f: figure_range(claims, f) for f in FIGURES}
    incident: dict[str, Any] = {
        "id": incident_id(c["claim_key"] for c in claims),
        "date": day.isoformat() if day else None,
        "date_precision": precision,
        "type": claims[0].get("type") or "other",
        "perpetrator": perps[0]["perpetrator"] if perps else None,
        "location": _best_location(claims),
        "killed": figs["killed"]["best"],
        "killed_qualifier": figs["killed"]["qualifier"],
        "injured": figs["injured"]["best"],
        "victims": _victims(claims),
        "children_killed": figs["children_killed"]["best"],
        "women_killed": figs["women_killed"]["best"],
    }
    for f in FIGURES:
        incident[f"{f}_low"], incident[f"{f}_high"], incident[f"{f}_best"] = (
            figs[f]["low"], figs[f]["high"], figs[f]["best"])
    incident["perpetrators"] = perps
    incident["grade"] = grade(independent, figs["killed"]["low"], figs["killed"]["high"], conflicting_attributions(perps))
    incident["reports"] = len({c["report_key"] for c in claims})
    incident["independent_sources"] = independent
    incident["place_names"] = sorted({(c.get("location") or {}).get("name") for c in claims} - {None})
    incident["sources"] = _source_entries(claims, originals)
    incident["evidence"] = list(dict.fromkeys(s for c in claims for s in (c.get("evidence") or [])))
    return incident


def _source_entries(claims: list[dict[str, Any]], originals: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Who reported what: one entry per report claim, with the sentences (and their character offsets in
    that report) it rests on; syndicated copies are marked with their original."""
    out = []
    for c in sorted(claims, key=lambda c: (c["published"], c.get("doc_id") or "", c["claim_key"])):
        original = originals[c.get("copy_group") or c["report_key"]]
        entry = {
            "doc_id": c.get("doc_id"),
            "url": c.get("url"),
            "published": c["published"],
            "reported_by": list(c.get("sources") or []),
            "killed": c.get("killed"),
            "perpetrator": c.get("perpetrator"),
            "evidence": list(c.get("evidence") or []),
            "evidence_spans": [list(span) for span in c.get("evidence_spans") or []],
        }
        if original["report_key"] != c["report_key"]:
            entry["copy_of"] = original.get("doc_id")
        out.append(entry)
    return out
