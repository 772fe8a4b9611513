"""Score extraction output against gold annotations, as the codebook's "How output is scored" says.

Both inputs are codebook report objects (JSON Lines). A gold report missing
from the system output counts as an empty report, so a crash on one file costs
recall instead of hiding it. Place names are compared after folding the
spelling differences that transliteration produces (Kafr/Kfar/Kefer, al-/el-,
doubled letters, "the village of"), so the score measures what was found, not
how it was spelled.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterable

from rapidfuzz import fuzz
from unidecode import unidecode

from vigil.geo.names import scoring_key as fold_name

GEO_NEAR_KM = 10.0
GEO_FAR_KM = 25.0
FUZZY_NAME_MIN = 85.0  # rapidfuzz ratio over folded names: one vowel apart in a 7-letter name still matches

# ---------------------------------------------------------------- loading


def load_reports(path: str | Path) -> dict[str, dict[str, Any]]:
    """Reports by doc_id from a JSON Lines file (or one JSON array), in file order."""
    raw = Path(path).read_text(encoding="utf-8")
    stripped = raw.lstrip()
    if stripped.startswith("["):
        records = json.loads(stripped)
    else:
        records = [json.loads(line) for line in raw.splitlines() if line.strip()]
    return {str(r.get("doc_id")): r for r in records if isinstance(r, dict)}


# ---------------------------------------------------------------- place names

def name_similarity(a: str | None, b: str | None) -> int:
    """2 when the folded names are equal, 1 when they differ by a transliteration slip, else 0."""
    fa, fb = fold_name(a), fold_name(b)
    if not fa or not fb:
        return 0
    if fa == fb:
        return 2
    if min(len(fa), len(fb)) >= 4 and fuzz.ratio(fa, fb) >= FUZZY_NAME_MIN:
        return 1
    return 0


def distance_km(a: dict[str, Any], b: dict[str, Any]) -> float | None:
    """Great-circle distance between two locations, or None when either lacks coordinates."""
    try:
        lat1, lon1, lat2, lon2 = (float(x) for x in (a["lat"], a["lon"], b["lat"], b["lon"]))
    except (KeyError, TypeError, ValueError):
        return None
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dlat, dlon = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dlat / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlon / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


# ---------------------------------------------------------------- actors

_ACTOR_ALIASES = {
    "russia": "russia", "russian": "russia", "russians": "russia",
    "syrian government": "syrian government", "syrian regime": "syrian government", "regime": "syrian government",
    "assad regime": "syrian government", "syrian": "syrian government", "syria": "syrian government",
    "turkey": "turkey", "turkish": "turkey", "turkiye": "turkey",
    "us led coalition": "us-led coalition", "coalition": "us-led coalition", "international coalition": "us-led coalition",
    "us": "us-led coalition", "american": "us-led coalition", "us led": "us-led coalition",
    "united states": "us-led coalition",
    "saudi led coalition": "saudi-led coalition", "saudi coalition": "saudi-led coalition",
    "arab coalition": "saudi-led coalition", "saudi led": "saudi-led coalition", "saudi": "saudi-led coalition",
    "islamic state": "islamic state", "isis": "islamic state", "isil": "islamic state", "is": "islamic state",
    "daesh": "islamic state", "daish": "islamic state",
    "hayat tahrir al sham": "hayat tahrir al-sham", "hts": "hayat tahrir al-sham",
    "tahrir al sham": "hayat tahrir al-sham",
    "sdf": "sdf", "syrian democratic forces": "sdf",
    "houthis": "houthis", "houthi": "houthis", "ansar allah": "houthis", "ansarallah": "houthis",
    "israel": "israel", "israeli": "israel", "idf": "israel", "israel defense": "israel",
    "ukraine": "ukraine", "ukrainian": "ukraine",
    "taliban": "taliban", "al shabaab": "al-shabaab", "shabaab": "al-shabaab",
}
# Words that name the means or the unit, not the actor: "Russian warplanes" is Russia.
_ACTOR_NOISE = {
    "the", "warplanes", "warplane", "jets", "jet", "aircraft", "planes", "plane", "helicopters", "helicopter",
    "drones", "drone", "forces", "force", "troops", "army", "armed", "military", "air", "airforce",
    "artillery", "militants", "militant", "fighters", "fighter", "rebels", "gunmen", "units", "soldiers",
    "strikes", "strike", "aviation", "navy", "backed", "allied", "allies", "group", "militia", "militias",
    "ministry", "defence", "defense", "of", "president", "presidency", "officials", "command", "centre", "center",
}


def fold_actor(actor: str | None) -> str | None:
    """A canonical, order-free form of a perpetrator: "Syrian regime; Russian jets" -> "russia; syrian government"."""
    if actor is None or not str(actor).strip():
        return None
    parts = re.split(r";|,|/|\band\b|&", unidecode(str(actor)).lower())
    folded = {_fold_one_actor(p) for p in parts}
    folded.discard("")
    return "; ".join(sorted(folded)) or None


def _fold_one_actor(part: str) -> str:
    words = [w for w in re.split(r"[^a-z0-9]+", part) if w]
    if not words:
        return ""
    whole = " ".join(words)
    if whole in _ACTOR_ALIASES:
        return _ACTOR_ALIASES[whole]
    core = " ".join(w for w in words if w not in _ACTOR_NOISE) or whole
    return _ACTOR_ALIASES.get(core, core)


# ---------------------------------------------------------------- matching


def day_gap(a: str | None, b: str | None) -> int:
    """Days between two ISO dates; 0 when either is unknown (it cannot rule a match out)."""
    da, db = _day(a), _day(b)
    if da is None or db is None:
        return 0
    return abs((da - db).days)


def _day(s: Any) -> date | None:
    try:
        return date.fromisoformat(str(s)[:10]) if s else None
    except ValueError:
        return None


def place_similarity(gold_loc: dict[str, Any], sys_loc: dict[str, Any]) -> int:
    """2/1 for a name match (folded / near), 1 for coordinates within 10 km, 0 for different places.

    A name match stands even when the coordinates disagree: a geocoding slip should not hide
    an incident the extractor found; geo accuracy is scored on its own.
    """
    by_name = name_similarity(gold_loc.get("name"), sys_loc.get("name"))
    if by_name:
        return by_name
    km = distance_km(gold_loc, sys_loc)
    return 1 if km is not None and km <= GEO_NEAR_KM else 0


def match_incidents(gold: list[dict[str, Any]], system: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """One-to-one greedy matching of one report's incidents: closest date first, then closest name.

    Remaining ties go to the later-listed incidents, which is what the project's reference
    scorer does; keeping the same tie-break keeps the field accuracies comparable.
    """
    candidates = []
    for gi, g in enumerate(gold):
        for si, s in enumerate(system):
            gap = day_gap(g.get("date"), s.get("date"))
            if gap > 1:
                continue
            place = place_similarity(g.get("location") or {}, s.get("location") or {})
            if place:
                candidates.append((gap, -place, -gi, -si))
    return _greedy(candidates)


def _greedy(candidates: list[tuple]) -> list[tuple[int, int]]:
    """Take the best-ranked pairs first (each tuple ends with -gold_index, -system_index)."""
    used_g: set[int] = set()
    used_s: set[int] = set()
    pairs = []
    for *_, ngi, nsi in sorted(candidates):
        gi, si = -ngi, -nsi
        if gi not in used_g and si not in used_s:
            used_g.add(gi)
            used_s.add(si)
            pairs.append((gi, si))
    return pairs


def ceasefire_key(c: dict[str, Any]) -> str | None:
    return c.get("effective_from") or c.get("announced_on")


def match_ceasefires(gold: list[dict[str, Any]], system: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """A dated gold ceasefire: a system one starting (effective_from, else announced_on) within a day, whose
    declarers overlap or are unknown on either side. An undated one: shared declarers and a similar area."""
    candidates = []
    for gi, g in enumerate(gold):
        for si, s in enumerate(system):
            gk, sk = _day(ceasefire_key(g)), _day(ceasefire_key(s))
            gd, sd = _declarers(g), _declarers(s)
            if gk is not None:
                if sk is None or abs((gk - sk).days) > 1 or (gd and sd and not gd & sd):
                    continue
                gap = abs((gk - sk).days)
            else:
                if not gd & sd or not _similar_area(g.get("area"), s.get("area")):
                    continue
                gap = 0
            candidates.append((gap, -gi, -si))
    return _greedy(candidates)


def _similar_area(a: str | None, b: str | None) -> bool:
    fa, fb = fold_name(a), fold_name(b)
    return not fa or not fb or fuzz.ratio(fa, fb) >= 60


def _declarers(c: dict[str, Any]) -> set[str]:
    return {f for a in c.get("declared_by") or [] if (f := fold_actor(a))}


def match_totals(gold: list[dict[str, Any]], system: list[dict[str, Any]]) -> int:
    """How many gold totals have a system total in the same report with the same death toll."""
    left = [t.get("killed") for t in system if t.get("killed") is not None]
    found = 0
    for t in gold:
        k = t.get("killed")
        if k is not None and k in left:
            left.remove(k)
            found += 1
    return found


# ---------------------------------------------------------------- scoring

_FIELDS = ("killed", "date", "type", "perpetrator", "victims", "children")


@dataclass
class _Tally:
    docs: int = 0
    doc_correct: int = 0
    gold_incidents: int = 0
    system_incidents: int = 0
    matched: int = 0
    gold_with_toll: int = 0
    toll_found: int = 0
    geo_pairs: int = 0
    geo_near: int = 0
    geo_far: int = 0
    gold_ceasefires: int = 0
    system_ceasefires: int = 0
    matched_ceasefires: int = 0
    gold_totals: int = 0
    matched_totals: int = 0
    same: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_FIELDS, 0))  # agreements on matched pairs


def score(gold: dict[str, dict[str, Any]], system: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Every figure of the codebook's scoring, plus per-report counts for error analysis."""
    t = _Tally()
    per_doc = []
    for doc_id, g in gold.items():
        s = system.get(doc_id) or {}
        gold_incs, sys_incs = g.get("incidents") or [], s.get("incidents") or []
        pairs = _score_report(g, s, t)
        per_doc.append({"doc_id": doc_id, "gold": len(gold_incs), "system": len(sys_incs), "matched": len(pairs),
                        "missed": _unmatched(gold_incs, {gi for gi, _ in pairs}),
                        "spurious": _unmatched(sys_incs, {si for _, si in pairs})})
    return _figures(t) | {"per_doc": per_doc}


def _unmatched(incidents: list[dict[str, Any]], matched: set[int]) -> list[str]:
    """"place date" of each incident left without a partner: where to look first in error analysis."""
    return [f"{(i.get('location') or {}).get('name')} {i.get('date')}"
            for n, i in enumerate(incidents) if n not in matched]


def _score_report(g: dict[str, Any], s: dict[str, Any], t: _Tally) -> list[tuple[int, int]]:
    t.docs += 1
    t.doc_correct += bool(g.get("reports_incident")) == bool(s.get("reports_incident"))
    gi_list, si_list = g.get("incidents") or [], s.get("incidents") or []
    t.gold_incidents += len(gi_list)
    t.system_incidents += len(si_list)
    t.gold_with_toll += sum(1 for i in gi_list if i.get("killed") is not None)
    pairs = match_incidents(gi_list, si_list)
    for gi, si in pairs:
        _score_pair(gi_list[gi], si_list[si], t)
    gc, sc = g.get("ceasefires") or [], s.get("ceasefires") or []
    t.gold_ceasefires += len(gc)
    t.system_ceasefires += len(sc)
    t.matched_ceasefires += len(match_ceasefires(gc, sc))
    gt = g.get("totals") or []
    t.gold_totals += len(gt)
    t.matched_totals += match_totals(gt, s.get("totals") or [])
    return pairs


def _score_pair(g: dict[str, Any], s: dict[str, Any], t: _Tally) -> None:
    t.matched += 1
    t.same["killed"] += g.get("killed") == s.get("killed")
    t.toll_found += g.get("killed") is not None and g.get("killed") == s.get("killed")
    t.same["date"] += _day(g.get("date")) == _day(s.get("date"))
    t.same["type"] += g.get("type") == s.get("type")
    t.same["perpetrator"] += fold_actor(g.get("perpetrator")) == fold_actor(s.get("perpetrator"))
    t.same["victims"] += g.get("victims") == s.get("victims")
    t.same["children"] += g.get("children_killed") == s.get("children_killed")
    gl, sl = g.get("location") or {}, s.get("location") or {}
    if gl.get("lat") is not None and gl.get("lon") is not None:
        t.geo_pairs += 1
        km = distance_km(gl, sl)
        t.geo_near += km is not None and km <= GEO_NEAR_KM
        t.geo_far += km is not None and km <= GEO_FAR_KM


def _rate(n: int, d: int) -> float:
    return n / d if d else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _figures(t: _Tally) -> dict[str, Any]:
    p, r = _rate(t.matched, t.system_incidents), _rate(t.matched, t.gold_incidents)
    cp, cr = _rate(t.matched_ceasefires, t.system_ceasefires), _rate(t.matched_ceasefires, t.gold_ceasefires)
    on = lambda f: _rate(t.same[f], t.matched)  # noqa: E731
    return {
        "docs": t.docs,
        "doc_accuracy": _rate(t.doc_correct, t.docs),
        "gold_incidents": t.gold_incidents,
        "system_incidents": t.system_incidents,
        "matched": t.matched,
        "incident_precision": p,
        "incident_recall": r,
        "incident_f1": _f1(p, r),
        "killed_exact_on_matched": on("killed"),
        "killed_recall": _rate(t.toll_found, t.gold_with_toll),
        "date_exact_on_matched": on("date"),
        "type_on_matched": on("type"),
        "perpetrator_on_matched": on("perpetrator"),
        "victims_on_matched": on("victims"),
        "children_on_matched": on("children"),
        "geo_within_10km": _rate(t.geo_near, t.geo_pairs),
        "geo_within_25km": _rate(t.geo_far, t.geo_pairs),
        "geo_gold_with_coords": t.geo_pairs,
        "gold_ceasefires": t.gold_ceasefires,
        "system_ceasefires": t.system_ceasefires,
        "matched_ceasefires": t.matched_ceasefires,
        "ceasefire_precision": cp,
        "ceasefire_recall": cr,
        "ceasefire_f1": _f1(cp, cr),
        "gold_totals": t.gold_totals,
        "matched_totals": t.matched_totals,
        "totals_recall": _rate(t.matched_totals, t.gold_totals),
    }


def format_table(result: dict[str, Any], per_doc: bool = False) -> str:
    """The figures one per line (counts as integers, rates with three decimals)."""
    lines = []
    for key, value in result.items():
        if key == "per_doc":
            continue
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        lines.append(f"{key:<28} {shown}")
    if per_doc:
        lines.append("")
        lines.append(f"{'report':<48} {'gold':>5} {'system':>6} {'matched':>7}")
        lines.extend(_per_doc_lines(result.get("per_doc") or []))
    return "\n".join(lines)


def _per_doc_lines(rows: Iterable[dict[str, Any]]) -> list[str]:
    """One line per report; reports with misses or extras are starred and their incidents listed."""
    out = []
    for row in rows:
        flag = "" if row["gold"] == row["system"] == row["matched"] else "  *"
        out.append(f"{row['doc_id']:<48} {row['gold']:>5} {row['system']:>6} {row['matched']:>7}{flag}")
        for label in ("missed", "spurious"):
            if row.get(label):
                out.append(f"    {label}: " + "; ".join(row[label]))
    return out
