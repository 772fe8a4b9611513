"""Score extraction output against gold annotations, as the codebook's "How output is scored" says.

Both inputs are codebook report objects (JSON Lines). A gold report missing
from the system output counts as an empty report, so a crash on one file costs
recall instead of hiding it. Place names are compared after folding the
spelling differences that transliteration produces (Kafr/Kfar/Kefer, al-/el-,
doubled letters, "the village of"), so the score measures what was found, not
how it was spelled. Perpetrators and declarers are folded through the codebook's
canonical actor table (`data/canonical_actors.tsv`). On the same files the figures
equal those of the project's reference scorer (`../shared/tools/score.py`);
tests/test_evaluate.py pins that on invented files.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable

from scipy.optimize import linear_sum_assignment
from unidecode import unidecode

from vigil.geo.names import scoring_key as fold_name
from vigil.lexicon import codebook_actors

GEO_NEAR_KM = 10.0
GEO_FAR_KM = 25.0
FUZZY_NAME_MIN = 0.85  # difflib ratio over folded names: one vowel apart in a 7-letter name still matches

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
    if _name_ratio(fa, fb) >= FUZZY_NAME_MIN:
        return 1
    return 0


def _name_ratio(fa: str, fb: str) -> float:
    """Similarity of two folded names in 0..1: difflib's ratio, the measure the reference scorer uses."""
    return SequenceMatcher(None, fa, fb).ratio()


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

_DATA = Path(__file__).parent / "data"


def _actor_key(name: str) -> str:
    """Case, accents, apostrophes, punctuation and a leading "the" folded: "the U.S.-led coalition" -> "us led coalition"."""
    s = re.sub(r"['\u2018\u2019\u02bc`]", "", unidecode(name).lower())
    words = [w for w in re.split(r"[^a-z0-9]+", s) if w]
    if words[:1] == ["the"] and len(words) > 1:
        words = words[1:]
    return " ".join(words)


@lru_cache(maxsize=1)
def _unit_words() -> re.Pattern[str]:
    lines = (_DATA / "actor_unit_words.txt").read_text(encoding="utf-8").splitlines()
    phrases = sorted({w.strip().lower() for w in lines if w.strip() and not w.startswith("#")}, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b")


def _core(key: str) -> str:
    """The key without words that name a unit or means ("russian warplanes" -> "russian"); the key if none is left."""
    return " ".join(_unit_words().sub(" ", key).split()) or key


@lru_cache(maxsize=1)
def _actor_index() -> dict[str, str]:
    """Folded name -> canonical name, from the codebook's table.

    Every canonical name and alias is a key; so is its core ("russian" from "Russian
    forces") unless two actors share that core, which then names neither.
    """
    index: dict[str, str] = {}
    cores: dict[str, set[str]] = {}
    for actor in codebook_actors():
        for name in (actor.canonical, *actor.aliases):
            key = _actor_key(name)
            index.setdefault(key, actor.canonical)
            cores.setdefault(_core(key), set()).add(actor.canonical)
    for core, canonicals in cores.items():
        if len(canonicals) == 1 and core not in index:
            index[core] = next(iter(canonicals))
    return index


def fold_actor(actor: str | None) -> str | None:
    """The codebook's canonical form of a perpetrator, order-free for a joint one.

    "Syrian regime; Russian jets" -> "Russia; Syrian government". A name outside the table
    stays as its folded core, so two spellings of one unlisted actor still agree.
    """
    if actor is None or not str(actor).strip():
        return None
    folded = {_fold_one_actor(p) for p in str(actor).split(";")}
    folded.discard("")
    return "; ".join(sorted(folded)) or None


def _fold_one_actor(name: str) -> str:
    key = _actor_key(name)
    if not key:
        return ""
    index = _actor_index()
    if key in index:
        return index[key]
    core = _core(key)
    return index.get(core, core)


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


# Weights of one candidate pair in the optimal matching. A pair outweighs any sum of the
# preferences below it, so the matching first has as many pairs as possible; then pairs that
# agree on killed and on type; then closer names (0..1) and the same day (0.5); exact ties go
# to the later-listed gold item, as the reference scorer breaks them.
_PAIR = 1e6
_AGREES = 1e3
_SAME_DAY = 0.5
_LATER = 1e-6


def match_incidents(gold: list[dict[str, Any]], system: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """One-to-one optimal matching of one report's incidents, as (gold index, system index) pairs.

    Candidates are dated at most a day apart at the same place. Among matchings with the most
    pairs, the one whose pairs agree most on `killed` and `type` wins, so a system incident is
    paired with the gold twin it describes; then closer names and dates.
    """
    def weight(gi: int, g: dict[str, Any], s: dict[str, Any]) -> float:
        gl, sl = g.get("location") or {}, s.get("location") or {}
        if day_gap(g.get("date"), s.get("date")) > 1 or not place_similarity(gl, sl):
            return 0.0
        agrees = (g.get("killed") == s.get("killed")) + (g.get("type") == s.get("type"))
        closeness = _name_closeness(gl.get("name"), sl.get("name"))
        closeness += _SAME_DAY if _day(g.get("date")) == _day(s.get("date")) else 0.0
        return _PAIR + _AGREES * agrees + closeness + _LATER * gi

    return _assign(gold, system, weight)


def _name_closeness(a: str | None, b: str | None) -> float:
    return _name_ratio(fold_name(a), fold_name(b))


def _assign(gold: list[dict[str, Any]], system: list[dict[str, Any]],
            weight: Callable[[int, dict[str, Any], dict[str, Any]], float]) -> list[tuple[int, int]]:
    """Maximum-weight one-to-one assignment; a weight of 0 means "may not pair"."""
    if not gold or not system:
        return []
    matrix = [[weight(gi, g, s) for s in system] for gi, g in enumerate(gold)]
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    return sorted((int(r), int(c)) for r, c in zip(rows, cols) if matrix[r][c] > 0)


def ceasefire_key(c: dict[str, Any]) -> str | None:
    return c.get("effective_from") or c.get("announced_on")


def scorable_ceasefire(c: dict[str, Any]) -> bool:
    """A ceasefire with neither a date nor a declarer can match nothing: it is left out on both sides."""
    return bool(ceasefire_key(c) or c.get("declared_by"))


def match_ceasefires(gold: list[dict[str, Any]], system: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """One-to-one matching of scorable ceasefires (indexes into the lists given).

    A dated gold ceasefire: a system one starting (effective_from, else announced_on) within a
    day, whose declarers overlap or are unknown on either side. An undated one: shared declarers
    and a similar area.
    """
    def weight(gi: int, g: dict[str, Any], s: dict[str, Any]) -> float:
        gk, sk = _day(ceasefire_key(g)), _day(ceasefire_key(s))
        gd, sd = _declarers(g), _declarers(s)
        if gk is not None:
            same = sk is not None and abs((gk - sk).days) <= 1 and (not gd or not sd or bool(gd & sd))
        else:
            same = bool(gd & sd) and _similar_area(g.get("area"), s.get("area"))
        return _PAIR + _LATER * gi if same else 0.0

    return _assign(gold, system, weight)


def _similar_area(a: str | None, b: str | None) -> bool:
    fa, fb = fold_name(a), fold_name(b)
    return not fa or not fb or _name_ratio(fa, fb) >= 0.6


def _declarers(c: dict[str, Any]) -> set[str]:
    return {f for a in c.get("declared_by") or [] if (f := fold_actor(a))}


def scorable_total(t: dict[str, Any]) -> bool:
    """A gold total is found by its death toll, or by its strike count when it has no toll; with neither it is left out."""
    return t.get("killed") is not None or t.get("strikes") is not None


def match_totals(gold: list[dict[str, Any]], system: list[dict[str, Any]]) -> int:
    """How many scorable gold totals have their own system total with the same `killed` (or `strikes`, when
    the gold toll is null)."""
    def weight(gi: int, g: dict[str, Any], s: dict[str, Any]) -> float:
        field_ = "killed" if g.get("killed") is not None else "strikes"
        return _PAIR + _LATER * gi if g.get(field_) is not None and g.get(field_) == s.get(field_) else 0.0

    return len(_assign([t for t in gold if scorable_total(t)], system, weight))


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
    gc = [c for c in g.get("ceasefires") or [] if scorable_ceasefire(c)]
    sc = [c for c in s.get("ceasefires") or [] if scorable_ceasefire(c)]
    t.gold_ceasefires += len(gc)
    t.system_ceasefires += len(sc)
    t.matched_ceasefires += len(match_ceasefires(gc, sc))
    gt = g.get("totals") or []
    t.gold_totals += sum(1 for x in gt if scorable_total(x))
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
