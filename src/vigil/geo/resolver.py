"""Geocode stage: put each incident's place on the map, or abstain.

A name is looked up three ways, cheapest first: its light key (case,
punctuation, articles and Kafr/Kfar/Kefer-style words folded), its heavy
transliteration fold (q=k, doubled letters, vowel quality ignored), and only
when both miss, a RapidFuzz ratio over the fold keys inside the hinted
province or country (and, inside a report, a consonant-skeleton match among
the places around the report's other, confidently pinned places: Jidarya ->
Jadraya). Candidates are then scored with the context a report gives: the province named next to the place ("western countryside of
Aleppo", "Idlib's Bara village"), the district (the caller's `admin2`, the
extractor's container, "X district" in the sentence), the report's country,
closeness to the other places the report names, feature type and population.

Some places are answered as areas (`precision` "district", no gazetteer
entry): a neighbourhood the gazetteer lacks gets its city's point, and in a
report an unresolved place listed with pinned, close list-mates gets their
centroid.

`best` abstains (returns None) rather than guess: when the best score is
under `THRESHOLD`, or when two far-apart places score almost the same. A
wrong pin is worse than none: the scorer matches incidents by coordinates
when both sides have them.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Iterable

from rapidfuzz import fuzz, process

from vigil.geo import admin, gazetteer
from vigil.geo.admin import MIN_FUZZY_LEN, admin1_cc, admin1_of, admin2_of, country_code, km, near_unit
from vigil.geo.gazetteer import VILLAGE_GAZETTEER_COUNTRIES, Place
from vigil.geo.names import GENERIC, exact_key, fold_key, literal
from vigil.geo.query import AIRFIELD_SUFFIX, MIN_KEY_LEN, Query, not_a_place_word, parse_query

THRESHOLD = 95.0  # below this, abstain
AMBIGUITY_MARGIN = 3.0  # two far-apart candidates closer than this: abstain
AMBIGUITY_KM = 25.0
TWIN_MARGIN = 4.0  # namesakes within AMBIGUITY_KM this close in score: the one OCHA lists wins (the margin
# covers the bonus for the report's letter-for-letter spelling, which one source's transliteration gets)
DOMINANCE = 5  # population ratio at which a city outranks a namesake
CITY_MARGIN = 6.0  # how far below the best a big city may score and still be preferred

VARIANT = 92.0  # a transliteration variant (same fold key): 92-96 before context
EXACT, DERIVED = 100.0, 93.0  # derived: an index-only variant ("Khirbat Jadraya" read as "Jadraya")
FUZZY_CUTOFF = 82.0  # rapidfuzz ratio on fold keys
FUZZY_WEIGHT = 0.96

HINT_BONUS, HINT_PENALTY = 5.0, 20.0  # explicit admin1 (set by the extractor or the caller)
# District hint ("Ar Rastan district"): separates same-named villages of one province. Moderate, because
# the source's district and the gazetteer's (point in an older district outline) disagree near borders.
DISTRICT_BONUS, DISTRICT_PENALTY = 5.0, 6.0
FAR_DISTRICT_PENALTY = 20.0  # another district, and not just over its border (admin.DISTRICT_EDGE_KM)
DISTRICT_FUZZY, DISTRICT_FUZZY_MARGIN = 87.0, 4.0
PROVINCE_FUZZY, PROVINCE_FUZZY_MARGIN = 90.0, 8.0  # the same, inside the named province (no district given)  # a near spelling, alone at the top inside the named district
BORDER_PENALTY = 6.0  # another province, but within DISTRICT_EDGE_KM of the hinted district
SOFT_HINT_BONUS, SOFT_HINT_PENALTY = 4.0, 8.0  # admin1 read from the words around the name
COUNTRY_PENALTY, SOFT_COUNTRY_PENALTY = 30.0, 10.0
SEAT_BONUS = 3.0
AIRFIELD_BONUS = 8.0
FACILITY_PENALTY = 2.0
# GeoNames towns carry dozens of alternates (old and foreign names: "Palmyra" is also a Brazilian town's
# old name), so their own name counts more; the village gazetteers' alternates are local spellings.
MAIN_NAME_BONUS = 3.0
LITERAL_BONUS = 3.0  # the report's spelling is letter for letter a gazetteer form ("Jubb Abyad", not "Jubb al Abyad")
NEAR_KM = 20.0  # radius around the report's pinned places searched for looser spellings
SKELETON = 89.0  # same consonants, near the report's other places
PRUNE = 30.0  # candidates scoring this far below the best are dropped before ranking

@dataclass(frozen=True)
class Candidate:
    """One possible reading of a place name.

    `score`: 100 for the exact name with no other evidence; context adds (province, nearby places,
    population, seat of a district) or subtracts (another province or country). `best` needs 95.
    """

    name: str
    matched_name: str
    lat: float
    lon: float
    admin1: str | None
    admin2: str | None
    country: str | None
    feature: str  # place | admin1 | admin2 | admin3 | country | area (a neighbourhood put at its city's point)
    precision: str  # place | district | province | country
    gazetteer_id: str
    population: int
    score: float
    place_id: int = 0  # the gazetteer row (internal; 0 for areas made up from other places)
    own_name: bool = False  # the report's spelling is the place's own name, not one of its aliases
    note: str = ""  # for areas: how the point was found ("put at its city", "centroid of its list-mates")
    registered: bool = False  # OCHA lists a community here (this entry, or one at the same spot)


def _context_score(p: Place, base: float, query: Query, admin1: str | None, soft_admin1: str | None,
                   cc: str | None, soft_cc: str | None, near: tuple[tuple[float, float], ...],
                   admin2: str | None = None) -> float:
    s = base
    if admin2 and p.admin2 and (admin1 is None or p.admin1 == admin1):
        if p.admin2 == admin2:
            s += DISTRICT_BONUS
        elif near_unit(p.lat, p.lon, "admin2", admin2):
            s -= DISTRICT_PENALTY
        else:
            s -= FAR_DISTRICT_PENALTY
    want = query.want
    d_near = None
    if near:
        dists = sorted(km(p.lat, p.lon, la, lo) for la, lo in near)
        d_near = dists[0]
        s += 6.0 if d_near <= 15 else 3.0 if d_near <= 50 else 0.0 if d_near <= 150 else -6.0
        s += min(3.0, float(sum(d <= 25 for d in dists[1:])))  # among several of the report's places
    if admin1:
        if p.admin1 == admin1:
            s += HINT_BONUS
        elif p.admin1 is not None:
            # just over the hinted district's border: the source's outline may differ. (Without a district,
            # a province's border is too long: namesakes across it outnumber the places it misplaces.)
            edge = bool(admin2) and p.kind == "place" and near_unit(p.lat, p.lon, "admin2", admin2)
            s -= BORDER_PENALTY if edge else HINT_PENALTY
    elif soft_admin1:
        if p.admin1 == soft_admin1:
            s += SOFT_HINT_BONUS
        elif p.admin1 is not None and not (d_near is not None and d_near <= 15) and p.population < 100_000:
            # a province named nearby, unless the place sits among the report's others or is a big city
            s -= SOFT_HINT_PENALTY
    if cc and p.cc != cc:
        s -= COUNTRY_PENALTY
    elif soft_cc and p.cc != soft_cc and not cc:
        s -= SOFT_COUNTRY_PENALTY
    if want == "admin1":
        s += 8.0 if p.kind == "admin1" else -6.0
    elif want == "district":
        s += 8.0 if p.kind in ("admin2", "admin3") else -3.0
    elif p.kind != "place":
        # a town's sub-district centres on the town; its district's centre may lie tens of km away
        s -= 1.0 if p.kind == "country" else 5.0 if p.kind == "admin2" else 4.0
    if query.facility:
        s -= FACILITY_PENALTY
    if p.fcode == "PPLQ":  # abandoned places are rarely where today's incidents happen
        s -= 4.0
    if p.population > 1000:
        s += min(4.0, math.log10(p.population) - 3.0)
    return round(s, 2)


def _candidate(query: str, p: Place, score: float, own_name: bool = False) -> Candidate:
    # Built without the frozen dataclass's per-field __setattr__ (a third of the cost of a resolution's
    # candidates); the fields are exactly Candidate's, checked by the tests.
    c = object.__new__(Candidate)
    c.__dict__.update(name=query, matched_name=p.name, lat=p.lat, lon=p.lon, admin1=p.admin1, admin2=p.admin2,
                      country=p.country, feature=p.kind, precision=p.precision, gazetteer_id=p.gid,
                      population=p.population, score=score, place_id=p.id, own_name=own_name, note="",
                      registered=bool(p.pcode) and p.kind == "place")
    return c


def _fold_base(query_key: str, form_key: str) -> float:
    """Score of a fold-key match: the same name in another transliteration (vowel quality, q/k, doubled
    letters, -iyah/-iya, ou/u, e/i), graded a little by how close the light spellings are (VARIANT..+4).

    The fold keeps what tells names apart (consonants other than q/k, qualifiers such as al-Gharbiyah),
    so such a match counts as found; an exact spelling still wins over it by more than the margin."""
    base = VARIANT + 0.04 * fuzz.ratio(query_key, form_key)
    return base - 5.0 if len(query_key) < 5 else base  # short names collide easily


def _fuzzy_base(fold_ratio: float, query_key: str, form_key: str) -> float:
    """Score of a fuzzy match: both the folded and the light spellings must be close."""
    return FUZZY_WEIGHT * (0.5 * fold_ratio + 0.5 * fuzz.ratio(query_key, form_key))


def _lookup(alternative: str, admin1: str | None, cc: str | None,
            only_cc: str | None = None) -> tuple[tuple[Place, float], ...]:
    """(place, base score) pairs for one spelling by light key and by fold key (in `only_cc` if given)."""
    return _lookup_in(gazetteer.load(), alternative, only_cc, bool(admin1 or cc))


@lru_cache(maxsize=50_000)
def _lookup_in(g, alternative: str, only_cc: str | None, hinted: bool = False) -> tuple[tuple[Place, float], ...]:
    """Memoised per loaded gazetteer: "X village", "X" and "the town of X" look up one spelling.

    A generic word that is the whole name ("At Tall", "Qasr") is looked up only with a province or country
    hint: in running text it is a word, not a place."""
    ek, fk = exact_key(alternative), fold_key(alternative)
    lit = literal(alternative)
    if len(lit.replace(" ", "")) < MIN_KEY_LEN or (not_a_place_word(ek) and not (hinted and ek in _GENERIC_KEYS)):
        return ()
    found: dict[int, tuple[Place, float]] = {}
    for p, form, derived, same_key, form_lit, own_name in g.by_keys(ek, fk, only_cc):
        base = EXACT if same_key else _fold_base(ek, form)
        if same_key and form_lit == lit:
            base += LITERAL_BONUS
        if same_key and own_name and p.cc not in VILLAGE_GAZETTEER_COUNTRIES:
            base += MAIN_NAME_BONUS
        _keep_best(found, p, base - (EXACT - DERIVED if derived else 0.0))
    return tuple(found.values())


_GENERIC_KEYS = frozenset(GENERIC.values())


def _keep_best(found: dict[int, tuple[Place, float]], p: Place, base: float) -> None:
    if p.id not in found or found[p.id][1] < base:
        found[p.id] = (p, base)


def _fuzzy_lookup(alternative: str, admin1: str | None, cc: str | None) -> list[tuple[Place, float]]:
    """RapidFuzz over the fold keys of the hinted province (or country, or everything)."""
    return list(_fuzzy_lookup_in(gazetteer.load(), alternative, admin1, cc))


@lru_cache(maxsize=20_000)
def _fuzzy_lookup_in(g, alternative: str, admin1: str | None, cc: str | None) -> tuple[tuple[Place, float], ...]:
    """Memoised per loaded gazetteer: the same spelling recurs across thousands of reports."""
    ek, fk = exact_key(alternative), fold_key(alternative)
    if not ek or not_a_place_word(ek) or len(fk) < MIN_FUZZY_LEN or fk.startswith("ar:"):
        return ()
    folds, lights, ids = g.block(cc, admin1 if cc else None)
    found: dict[int, tuple[Place, float]] = {}
    for _, ratio, i in process.extract(fk, folds, scorer=fuzz.ratio, limit=25, score_cutoff=FUZZY_CUTOFF):
        _keep_best(found, g.place(ids[i]), _fuzzy_base(ratio, ek, lights[i]))
    return tuple(found.values())


ELIDED = VARIANT - 2.0  # a match once the first syllable's vowel is dropped on both sides: ELIDED..+4
_FIRST_VOWEL = re.compile(r"^([sdkz]h|[^a])a(?=[^a])")  # one consonant (or sh, kh, zh) before it


def _elide(fold: str) -> str:
    """A fold key without its first syllable's vowel: 'hadada' and 'hdada' both give 'hdada'.

    OCHA's Levantine spellings drop the short vowel of a name's first syllable ("Hzarniyeh", "Qbeirfat")
    where GeoNames and reports keep it ("Hazarniyah", "Qubayrfat")."""
    return _FIRST_VOWEL.sub(r"\1", fold, count=1)


def _elided_lookup(alternative: str, cc: str, admin1: str, admin2: str | None) -> tuple[tuple[Place, float], ...]:
    """Places of the named district (else province) whose name matches once the first vowel is elided.

    Only inside a named unit: there one or two villages share such a key; across a country dozens do."""
    ek, fk = exact_key(alternative), fold_key(alternative)
    if len(fk) < 4 or fk.startswith("ar:") or not_a_place_word(ek):
        return ()
    g = gazetteer.load()
    found: dict[int, tuple[Place, float]] = {}
    for pid, light, fold in _elided_index(g, cc, admin1).get(_elide(fk), ()):
        p = g.place(pid)
        if fold != fk and p.kind == "place" and (admin2 is None or p.admin2 == admin2):
            _keep_best(found, p, ELIDED + 0.04 * fuzz.ratio(ek, light))
    return tuple(found.values())


@lru_cache(maxsize=64)
def _elided_index(g, cc: str, admin1: str) -> dict[str, list[tuple[int, str, str]]]:
    """Elided fold key -> (place id, light key, fold key) inside a province; memoised per loaded gazetteer."""
    out: dict[str, list[tuple[int, str, str]]] = {}
    folds, lights, ids = g.block(cc, admin1)
    for fold, light, pid in zip(folds, lights, ids):
        if len(fold) >= 3:
            out.setdefault(_elide(fold), []).append((pid, light, fold))
    return out


_VOWELS = str.maketrans("", "", "aeiouyw")


def _skeleton(light_key: str) -> str:
    """Consonants only: 'jidarya' and 'jadraya' both give 'jdr'. Too loose alone; used only near known places."""
    return light_key.translate(_VOWELS)


def _near_lookup(alternative: str, near: tuple[tuple[float, float], ...]) -> list[tuple[Place, float]]:
    """Fuzzy and consonant-skeleton matches among the places around the report's other places."""
    ek, fk = exact_key(alternative), fold_key(alternative)
    if not ek or not_a_place_word(ek) or ek.startswith("ar:") or len(fk) < 4:
        return []
    g = gazetteer.load()
    skel = _skeleton(ek)
    found: dict[int, tuple[Place, float]] = {}
    for lat, lon in near[:6]:
        folds, lights, skels, pids = _names_around(g, round(lat, 2), round(lon, 2))
        # Scored in C over the whole neighbourhood; only close spellings and skeleton twins are looked at.
        hits = {i for _, _, i in process.extract(fk, folds, scorer=fuzz.ratio, limit=None,
                                                 score_cutoff=FUZZY_CUTOFF)}
        if len(skel) >= 3:
            hits.update(i for i, k in enumerate(skels) if k == skel)
        for i in hits:
            ratio = fuzz.ratio(fk, folds[i])
            base = _fuzzy_base(ratio, ek, lights[i]) if ratio >= FUZZY_CUTOFF else 0.0
            if len(skel) >= 3 and skels[i] == skel:
                base = max(base, SKELETON)
            if base:
                _keep_best(found, g.place(pids[i]), base)
    return list(found.values())


@lru_cache(maxsize=512)
def _names_around(g, lat: float, lon: float) -> tuple[list, list, list, list]:
    """The names within NEAR_KM of a point, with their keys; memoised per loaded gazetteer and ~1 km cell."""
    rows = g.around(lat, lon, NEAR_KM)
    folds = [f for f, _, _ in rows]
    lights = [k for _, k, _ in rows]
    return folds, lights, [_skeleton(k) for k in lights], [p for _, _, p in rows]


SAME_SPOT_KM = 3.0  # two villages' entries this close are one place for the choice (sources list it twice)
_SPOT_DEG = SAME_SPOT_KM / 111.0  # a cheap test before the great-circle one


def _dedupe(cands: Iterable[Candidate]) -> list[Candidate]:
    """One candidate per gazetteer id, and one per spot (WOF keeps some places twice; OCHA and GeoNames
    spell one village two ways), so a duplicate is never the rival that makes the resolver abstain."""
    out: list[Candidate] = []
    for c in sorted(cands, key=lambda c: -c.score)[:60]:
        same = next((i for i, o in enumerate(out) if c.gazetteer_id == o.gazetteer_id or (
            c.feature == o.feature and (c.feature == "place" or c.matched_name == o.matched_name)
            and abs(c.lat - o.lat) < _SPOT_DEG and abs(c.lon - o.lon) < 2 * _SPOT_DEG
            and km(c.lat, c.lon, o.lat, o.lon) < SAME_SPOT_KM)), None)
        if same is None:
            out.append(c)
        else:
            if c.population > out[same].population:  # the town's record knows its size: the spot is that town
                out[same] = replace(out[same], population=c.population)
            if c.registered and not out[same].registered:  # OCHA lists the spot under another spelling
                out[same] = replace(out[same], registered=True)
    return out


@lru_cache(maxsize=50_000)
def resolve_cached(name: str, admin1: str | None, soft_admin1: str | None, country: str | None,
                    soft_country: str | None, near: tuple[tuple[float, float], ...], limit: int,
                    admin2: str | None = None) -> tuple[Candidate, ...]:
    name, soft_admin1 = _possessive_province(name, soft_admin1)
    query = parse_query(name)
    if not query.alternatives:
        return ()
    cc, soft_cc = country_code(country), country_code(soft_country)
    a1 = admin1_of(admin1, cc) if admin1 else None
    soft_a1 = admin1_of(soft_admin1, cc or soft_cc) if soft_admin1 else None
    if admin1 and not a1:
        a1 = admin1  # unknown province name: still compare literally
    elif a1 and not cc:
        cc = admin1_cc(a1) or None  # "Aleppo Governorate" says Syria
    if soft_a1 and not (cc or soft_cc):
        soft_cc = admin1_cc(soft_a1) or None
    a2 = admin2_of(admin2, a1 or soft_a1, cc or soft_cc) if admin2 else None
    scored: list[tuple[float, Place, bool]] = []  # (score, place, the report's spelling is its own name)
    block_a1, block_cc = a1 or soft_a1, cc or soft_cc
    for i, alt in enumerate(query.alternatives):
        if i >= query.n_clean and any(sc >= THRESHOLD for sc, _, _ in scored):
            break  # "Al-Hol camp" is tried whole only when "Al-Hol" found nothing
        # The first spelling is the report's; later ones are fallbacks and count a little less.
        for p, base in _lookup(alt, block_a1, block_cc, cc):
            if i >= query.n_main and not (block_a1 and p.admin1 == block_a1 and p.kind == "place"):
                continue  # a bare name counts only inside the hinted province
            if alt.endswith(AIRFIELD_SUFFIX) and p.fcode in ("AIRB", "AIRP"):
                base += AIRFIELD_BONUS  # "X airbase" is the airfield, not the town X it is named after
            score = _context_score(p, base - 0.5 * i, query, a1, soft_a1, cc, soft_cc, near, a2)
            scored.append((score, p, exact_key(alt) == exact_key(p.name)))
    if query.landmark:  # a plant or field named after a town may lie far from it: only inside the province
        province = a1 or soft_a1
        scored = [x for x in scored if province and x[1].kind == "place" and x[1].admin1 == province]
    elif not any(sc >= THRESHOLD for sc, _, _ in scored) and block_cc:
        # Fuzzy only on a miss, inside a known country, and only for the cleaned spellings
        # ("Kafr Taal", not "Kafr Taal village"): with no country at all a loose match is a guess.
        for i, alt in enumerate(query.alternatives[:query.n_clean]):
            if alt.endswith(AIRFIELD_SUFFIX):
                continue  # an airfield is found by its name or not at all
            for p, base in _fuzzy_lookup(alt, block_a1, block_cc):
                score = _context_score(p, base - 0.5 * i, query, a1, soft_a1, cc, soft_cc, near, a2)
                scored.append((score, p, False))
            if near:
                for p, base in _near_lookup(alt, near):
                    score = _context_score(p, base - 0.5 * i, query, a1, soft_a1, cc, soft_cc, near, a2)
                    scored.append((score, p, False))
    if block_a1 and block_cc and not query.landmark and not any(
            sc >= THRESHOLD and (p.admin2 == a2 if a2 else p.admin1 == block_a1) for sc, p, _ in scored):
        for i, alt in enumerate(query.alternatives[:query.n_clean]):
            for p, base in _elided_lookup(alt, block_cc, block_a1, a2):
                score = _context_score(p, base - 0.5 * i, query, a1, soft_a1, cc, soft_cc, near, a2)
                scored.append((score, p, False))
    top = max((sc for sc, _, _ in scored), default=0.0)
    # Readings this far below the best decide nothing (the margins are a few points): not built at all.
    ranked = _dedupe(_prefer_seats([_candidate(name, p, sc, own) for sc, p, own in scored if sc >= top - PRUNE],
                                   query))
    if ranked and ranked[0].feature == "admin3" and query.want == "place":
        ranked[0] = _seat_of(ranked[0])
    if a2 and ranked and (edge := _over_the_edge(ranked, query, "admin2", a2, EDGE_FLOOR)) is not None:
        # the name itself just over the named district's edge, before a looser spelling inside it
        ranked = [replace(ranked[edge], score=THRESHOLD)] + ranked[:edge] + ranked[edge + 1:]
    elif a2 and ranked and DISTRICT_FUZZY <= ranked[0].score < THRESHOLD and ranked[0].admin2 == a2 \
            and (len(ranked) == 1 or ranked[1].score <= ranked[0].score - DISTRICT_FUZZY_MARGIN):
        # A close spelling that is clearly the best inside the named district counts as found.
        ranked[0] = replace(ranked[0], score=THRESHOLD)
    elif a1 and not a2 and ranked and PROVINCE_FUZZY <= ranked[0].score < THRESHOLD and ranked[0].admin1 == a1 \
            and ranked[0].feature == "place" \
            and (len(ranked) == 1 or ranked[1].score <= ranked[0].score - PROVINCE_FUZZY_MARGIN):
        # Without a district: a closer spelling, alone at the top inside the named province.
        ranked[0] = replace(ranked[0], score=THRESHOLD)
    elif a1 and not a2 and ranked and (edge := _over_the_edge(ranked, query, "admin1", a1, PROVINCE_EDGE_FLOOR)) \
            is not None:
        ranked = [replace(ranked[edge], score=THRESHOLD)] + ranked[:edge] + ranked[edge + 1:]
    if query.city:
        ranked = _in_city(ranked, query.city, name, a1 or soft_a1, cc or soft_cc)
    return tuple(ranked[:limit])


# the lowest score of the name just over the edge when the province was only named near it
EDGE_FLOOR = THRESHOLD - BORDER_PENALTY - SOFT_HINT_PENALTY - 2.0
PROVINCE_EDGE_FLOOR = THRESHOLD - HINT_PENALTY - 3.0  # no district named: the name itself only
EDGE_MARGIN = 8.0  # any other reading near the named district scores at least this much less
EDGE_MIN_FOLD = 5  # short folds ("sada", "sha") are shared by unrelated names


def _over_the_edge(ranked: list[Candidate], query: Query, column: str, unit: str, floor: float) -> int | None:
    """Index of the one reading of the name itself (or another transliteration of it) that lies just over
    the named district's edge, when nothing reaches the threshold and no other reading near that district
    comes close.

    A source's district or province outline differs from the gazetteer's near borders; readings far from the
    named district (a namesake in another province, a foreign city of a similar spelling) are no rivals."""
    if ranked[0].score >= THRESHOLD:
        return None
    folds = {f for f in (fold_key(a) for a in query.alternatives[:max(query.n_clean, 1)]) if len(f) >= EDGE_MIN_FOLD}
    g = gazetteer.load()

    def bears(c: Candidate) -> bool:
        return any(fold_key(k) in folds for k in g.name_keys(c.place_id))

    edge = [i for i, c in enumerate(ranked) if c.feature == "place" and near_unit(c.lat, c.lon, column, unit)]
    if column == "admin2":
        # Near a named district, only readings of the name itself count: a loose spelling there ("Marzabina" for
        # "Marzameen") scored under the threshold and decides nothing. A province's border is too long for that.
        edge = [i for i in edge if bears(ranked[i])]
    if not edge:
        return None
    top = ranked[edge[0]]
    if top.score < floor or getattr(top, column) == unit or not bears(top) \
            or any(ranked[i].score > top.score - EDGE_MARGIN for i in edge[1:]):
        return None
    return edge[0]


CITY_KM = 15.0  # a neighbourhood read as a place farther than this from its city is a namesake elsewhere


def _in_city(ranked: list[Candidate], city_name: str, name: str, a1: str | None,
             cc: str | None) -> list[Candidate]:
    """A neighbourhood the gazetteer lacks is put at its city's point, honestly as an area.

    Readings of the neighbourhood's name far from the city are namesakes elsewhere and are dropped.
    """
    city = choose(list(resolve_cached(city_name + " city", a1, None, gazetteer.country_name(cc) if cc else None,
                                        None, (), 8)))
    if city is None or city.feature != "place":
        return ranked
    inside = [c for c in ranked if km(c.lat, c.lon, city.lat, city.lon) <= CITY_KM]
    if inside and inside[0].score >= THRESHOLD and inside[0].gazetteer_id != city.gazetteer_id:
        return inside
    if ranked and _town_of_its_own(ranked[0], city):
        return ranked  # "Y's X neighbourhood" where X is a town of Y's province: Y names the province
    area = replace(city, name=name, matched_name="", gazetteer_id="", feature="area", precision="district",
                   note=f"a quarter the gazetteer lacks, put at its city {city.matched_name}")
    return [area]


TOWN_OF_ITS_OWN = 50_000  # people: a place this large is a town, never a quarter of another city
PROVINCE_TOWN_KM = 60.0


def _town_of_its_own(c: Candidate, city: Candidate) -> bool:
    """A clear reading of the "quarter" that is a sizeable town of the city's province, not a city section.

    Reports call a province by its seat's name ("Hama's X", "X neighbourhood of Homs"); when X itself is
    a town of 50,000 or more in that province, X is meant, not a quarter of the seat."""
    if c.score < THRESHOLD or c.feature != "place" or c.population < TOWN_OF_ITS_OWN \
            or c.gazetteer_id == city.gazetteer_id or c.admin1 != city.admin1:
        return False
    if km(c.lat, c.lon, city.lat, city.lon) > PROVINCE_TOWN_KM:
        return False
    return not gazetteer.load().place(c.place_id).fcode.startswith("PPLX")  # a section of a city is a quarter


SEAT_KM = 30.0  # a sub-district's seat lies within this of the sub-district's centre


def _seat_of(unit: Candidate) -> Candidate:
    """For "Sabka town" read as the Sabka sub-district, the town the sub-district is named after.

    The sub-district's names ("Al-Sabkhah") find its seat ("As Sabkhah") where the report's spelling does
    not; its centre can lie 20 km from the town. Unchanged when no such town is found.
    """
    g = gazetteer.load()
    seats = []
    for key in g.name_keys(unit.place_id):
        for p, _, _, same_key, _, _ in g.by_keys(key, "\0"):
            if p.kind == "place" and same_key and p.admin1 == unit.admin1 \
                    and km(p.lat, p.lon, unit.lat, unit.lon) <= SEAT_KM:
                seats.append(p)
    if not seats:
        return unit
    seat = min(seats, key=lambda p: (not p.fcode.startswith("PPLA"), km(p.lat, p.lon, unit.lat, unit.lon)))
    return replace(_candidate(unit.name, seat, unit.score), own_name=unit.own_name)


def _prefer_seats(cands: list[Candidate], query: Query) -> list[Candidate]:
    """A place that is the seat of a same-named district or sub-district is the town meant.

    Reports say "Al-Bab" for the town and the district alike; a same-named
    village elsewhere in the province is the less likely reading.
    """
    units = [c for c in cands if c.feature in ("admin2", "admin3")]
    if not units and not query.town:
        return cands
    out = []
    for c in cands:
        bonus = 0.0
        if c.feature == "place" and any(km(c.lat, c.lon, u.lat, u.lon) <= 15 and u.score >= c.score - 10
                                        for u in units):
            bonus += SEAT_BONUS
        if query.town and c.feature == "place" and c.population > 0:
            bonus += 1.0
        out.append(replace(c, score=round(c.score + bonus, 2)) if bonus else c)
    return out


_POSSESSIVE_PROVINCE = re.compile(r"^(.+?)['’`]s\s+(.+)$")


def _possessive_province(name: str, soft_admin1: str | None) -> tuple[str, str | None]:
    """ "Idlib's Bara village" is Bara, with Idlib as a province hint."""
    m = _POSSESSIVE_PROVINCE.match(name.strip()) if "s " in name else None
    if m and admin1_of(m.group(1)):
        return m.group(2), soft_admin1 or m.group(1)
    return name, soft_admin1


def near_key(near: list[tuple[float, float]] | None) -> tuple[tuple[float, float], ...]:
    return tuple(sorted((round(a, 3), round(b, 3)) for a, b in near or ()))


def resolve(name: str, *, admin1: str | None = None, country: str | None = None,
            near: list[tuple[float, float]] | None = None, limit: int = 5,
            admin2: str | None = None) -> list[Candidate]:
    """Ranked candidates for a place name; `admin1`/`country` are strong hints, `near` points to stay close to,
    `admin2` a district ("Ar Rastan district", any common spelling) that separates same-named villages."""
    return list(resolve_cached(name or "", admin1, None, country, None, near_key(near), limit, admin2))


@dataclass(frozen=True)
class Explanation:
    """What `vigil geocode --explain` shows: how the name was read, the ranked candidates, the decision."""

    name: str
    spellings: tuple[str, ...]  # the spellings looked up, in order
    kind: str  # place | admin1 | district (what the words around the name ask for)
    candidates: tuple[Candidate, ...]
    chosen: Candidate | None
    rule: str


def explain(name: str, *, admin1: str | None = None, country: str | None = None, admin2: str | None = None,
            near: list[tuple[float, float]] | None = None, limit: int = 8) -> Explanation:
    """The resolver's reading of a name, its candidates and the rule that chose one or abstained."""
    cands = resolve(name, admin1=admin1, country=country, near=near, limit=max(limit, 8), admin2=admin2)
    chosen, rule = decide(cands)
    q = parse_query(name or "")
    return Explanation(name, q.alternatives, q.want, tuple(cands[:limit]), chosen, rule)


def choose(cands: list[Candidate], *, register: bool = True) -> Candidate | None:
    """The candidate meant, or None (abstain). `register`: see `decide`."""
    return decide(cands, register=register)[0]


def decide(cands: list[Candidate], *, register: bool = True) -> tuple[Candidate | None, str]:
    """The candidate meant (or None) and the rule that decided, in words (`vigil geocode --explain`).

    `register`: namesakes in two districts of a province may be told apart by OCHA's register of
    communities; a report passes False when its other places were the context (their cluster, not the
    register, says which one is meant; failing that, the report places the name as an area)."""
    if not cands:
        return None, "no gazetteer entry of a similar spelling"
    top = cands[0]
    if top.score < THRESHOLD:
        return None, f"closest spelling {_label(top)} scores {top.score:.1f}, under {THRESHOLD:.0f}"
    close = [c for c in cands if c.score >= max(THRESHOLD, top.score - CITY_MARGIN)]
    for city in close:  # a big city beats same-named villages, even ones nearer the report's other places
        if city is not top and city.feature in ("admin2", "admin3") and top.feature == "place":
            continue  # a sub-district never beats a village of its name: the village is what is meant
        if city is not top and city.feature == "place" and not _bears_name(city):
            continue  # a big city only under another transliteration (q/k: "Kzalindor" for "Qzalindor") is no namesake
        if all(city is c or _dominates(city, c) or _same_unit(city, c) for c in close):
            if len(close) == 1:
                return city, "best score, no other candidate within reach"
            return city, "a big city or an admin unit's own seat beats its namesakes"
    rivals = [o for o in cands[1:] if o.score > top.score - AMBIGUITY_MARGIN
              and km(top.lat, top.lon, o.lat, o.lon) > AMBIGUITY_KM and not _same_unit(top, o)
              and not _dominates(top, o)]
    if not rivals:
        listed = _listed_twin(top, cands)
        if listed is not None:
            return listed, "namesakes a few km apart: the one OCHA lists as a community"
        return top, f"best score; no place more than {AMBIGUITY_KM:.0f} km away within {AMBIGUITY_MARGIN:.0f} points"
    group = [c for c in cands if c.score > top.score - AMBIGUITY_MARGIN]
    chosen = _more_prominent(group, register)
    if chosen is not None:
        return chosen, "namesakes: the one under its own name, the one OCHA lists, or the one known under more names"
    return None, "ambiguous between " + " and ".join(_label(c) for c in [top] + rivals[:3])


def _listed_twin(top: Candidate, cands: list[Candidate]) -> Candidate | None:
    """Among same-named villages a few km apart that fit alike, the one OCHA lists as a community.

    GeoNames keeps stale and duplicate points (an abandoned hamlet, the same village placed twice 15 km
    apart); OCHA's list of communities is the humanitarian register of inhabited places. Only when the
    best reading is not listed and exactly one close rival is."""
    if top.registered or top.feature != "place":
        return None
    twins = [o for o in cands[1:] if o.feature == "place" and o.score > top.score - TWIN_MARGIN
             and o.score >= THRESHOLD and km(top.lat, top.lon, o.lat, o.lon) <= AMBIGUITY_KM]
    listed = [o for o in twins if o.registered]
    if len(listed) != 1:
        return None
    # The listed one must bear the name itself (the light key), not a variant of it: "Qaltah" is not "Kaltah"
    # (q/k are two Arabic letters), unless the reading it would replace is a point marked abandoned.
    if not _bears_name(listed[0]) and gazetteer.load().place(top.place_id).fcode != "PPLQ":
        return None
    return listed[0]


def _label(c: Candidate) -> str:
    where = "/".join(x for x in (c.admin1, c.admin2) if x) or (c.country or "")
    return f"{c.matched_name} ({where})" if where else c.matched_name


def _more_prominent(group: list[Candidate], register: bool = True) -> Candidate | None:
    """Among far-apart namesakes of one district that fit equally well, the one a report most likely means.

    A place whose own name the report spells beats places that only list it as an alias
    (`Ayyashah` lists "Ayyashiyah" among its old names); between true namesakes, the one OCHA lists as a
    community, else the one the gazetteer knows under more names (older maps, other scripts) is the better-known
    village.
    """
    if any(c.feature != "place" or not c.place_id for c in group):
        return None
    if len({c.admin2 for c in group}) > 1:
        # namesakes in different districts of one province: only OCHA's register of communities tells them
        # apart (when it lists exactly one of them under the name itself)
        listed = [c for c in group if c.registered and c.own_name]
        if register and len({c.admin1 for c in group}) == 1 and len(listed) == 1:
            return listed[0]
        return None
    own = [c for c in group if c.own_name]
    if len(own) == 1:
        return own[0]
    pool = own or group
    listed = [c for c in pool if c.registered]
    if len(listed) == 1:  # OCHA's register of communities lists one of them
        return listed[0]
    counts = sorted(((len(gazetteer.load().name_keys(c.place_id)), i) for i, c in enumerate(pool)), reverse=True)
    if counts[0][0] > counts[1][0]:
        return pool[counts[0][1]]
    return None


def _bears_name(c: Candidate) -> bool:
    """The place is known under the very spelling asked for (its light key), not only a variant of it."""
    q = parse_query(c.name)
    keys = {exact_key(a) for a in q.alternatives[:q.n_main]}  # not the bare-name fallbacks
    return not keys.isdisjoint(gazetteer.load().name_keys(c.place_id))


def _dominates(a: Candidate, b: Candidate) -> bool:
    """A city is what reports mean over a same-named village (Zaporizhzhia the city, not the hamlet)."""
    return a.population >= 50_000 and a.population >= DOMINANCE * max(b.population, 1)


def _same_unit(a: Candidate, b: Candidate) -> bool:
    """An admin unit and its own seat (Idlib province / Idlib city) are not a real ambiguity."""
    return a.feature != b.feature and a.admin1 == b.admin1 and "place" in (a.feature, b.feature) \
        and a.feature != "admin2"


def best(name: str, *, admin1: str | None = None, country: str | None = None,
         near: list[tuple[float, float]] | None = None, admin2: str | None = None) -> Candidate | None:
    """The place meant, or None when the evidence is too weak or two far-apart places fit equally."""
    return choose(resolve(name, admin1=admin1, country=country, near=near, limit=8, admin2=admin2))


@lru_cache(maxsize=100_000)
def known_place(name: str, country: str | None = None) -> bool:
    """True when the name (exactly, after normalisation) is a gazetteer place, province or country."""
    bare = re.sub(r"[’'`]s$", "", name.strip())
    key = exact_key(bare)
    if len(literal(bare).replace(" ", "")) < MIN_KEY_LEN or not_a_place_word(key):
        return False
    cc = country_code(country)
    return any(cc is None or p.cc == cc for p, _, derived in gazetteer.load().by_key("key", key) if not derived)


@lru_cache(maxsize=20_000)
def country_of_place(name: str) -> str | None:
    """Country of a big, well-known city or province ('Aleppo' -> 'Syria'); None if unknown or disputed."""
    bare = re.sub(r"[’'`]s$", "", name.strip())
    key = exact_key(bare)
    if len(literal(bare).replace(" ", "")) < MIN_KEY_LEN or not_a_place_word(key):
        return None
    weight: Counter[str] = Counter()
    for p, _, derived in gazetteer.load().by_key("key", key):
        if derived:
            continue
        if p.kind == "country":
            weight[p.cc] += 10**9
        elif p.kind == "admin1":
            weight[p.cc] += 10**6
        elif p.population >= 100_000:
            weight[p.cc] += p.population
    if not weight:
        return None
    (top, w1), *rest = weight.most_common(2)
    if rest and rest[0][1] * 5 > w1:
        return None
    return gazetteer.country_name(top)


def clear_answers() -> None:
    """Forget memoised answers (resolutions, spelling lookups, parsed mentions), keep the loaded indexes."""
    for f in (resolve_cached, _lookup_in, parse_query):
        f.cache_clear()


def clear_caches() -> None:
    clear_answers()
    for f in (known_place, country_of_place, _fuzzy_lookup_in, _elided_index):
        f.cache_clear()
    admin.clear_caches()


gazetteer.on_reset(clear_caches)
