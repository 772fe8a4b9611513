"""Reading a place mention: the spellings to look up and the kind of place meant.

"western Aleppo countryside" is a province, "Tadmur/Palmyra" two spellings, "X Airbase" the town X
(a facility), "X gas field" a landmark, "Sukkari neighbourhood of Aleppo city" a quarter of a city.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from vigil.geo.admin import admin1_of
from vigil.geo.names import ADMIN_WORDS, DISTRICT_WORDS
from vigil.geo.names import bare_name, exact_key, hamlet_name

@lru_cache(maxsize=1)
def _words() -> dict[str, tuple[str, ...]]:
    """The word lists of data/geo_words.tsv by group (not_a_place, place_type, facility, landmark, air...)."""
    from importlib.resources import files

    out: dict[str, list[str]] = {}
    text = (files("vigil") / "data" / "geo_words.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            group, words = line.split("\t")
            out.setdefault(group, []).extend(words.split())
    return {g: tuple(ws) for g, ws in out.items()}


def geo_words(group: str) -> tuple[str, ...]:
    """One word list of data/geo_words.tsv (lower case), empty for an unknown group."""
    return _words().get(group, ())


# Words that look like capitalised places but are not (notes §2.4: Turkey->Turay, Tuesday->At Tuways).
STOPWORDS = frozenset(exact_key(w) for w in _words()["not_a_place"])


@lru_cache(maxsize=1)
def _english_function_words() -> frozenset[str]:
    """English function words ("many", "most", "ten"): towns abroad carry them as names or aliases."""
    from importlib.resources import files

    text = (files("vigil") / "data" / "english_function_words.txt").read_text(encoding="utf-8")
    words = (w for line in text.splitlines() if not line.startswith("#") for w in line.split())
    return frozenset(exact_key(w) for w in words)


def not_a_place_word(key: str) -> bool:
    return key in STOPWORDS or key in _english_function_words()


MIN_KEY_LEN = 3  # letters; "Al", "Mr", "US": two-letter capitalised words are almost never a place

_LEADING = re.compile(
    r"^(?:the\s+)?(?:(?:town|village|city|hamlet|camp|suburb|area|outskirts|neighbou?rhood|district|"
    r"province|governorate|region|countryside|vicinity|farms?)\s+of\s+)+", re.I)
# Lower-case only: "western Aleppo countryside" is an area, "West Bank" and "North Kivu" are names.
_DIRECTION = re.compile(r"^(?:[Tt]he\s+)?(?:(?:north|south)(?:-?(?:east|west))?(?:ern)?|east(?:ern)?|west(?:ern)?|"
                        r"central|rural)\s+")
_TRAILING_PLACE = frozenset(_words()["place_type"])  # "X village", "X refugee camp"
# Lower-case misspellings of these ("villae", "neighbourhod") count as them.
_TYPO_TARGETS = _words()["typo_target"]
# Facilities named after the town they stand by ("Tiyas Military Airbase", "Gharaz Prison"): the town is
# a fair pin. Oil fields, plants and stations lie far from their namesakes and are left unresolved.
_TRAILING_FACILITY = frozenset(_words()["facility"])
# Landmarks that need not stand in the town they are named after ("Aleppo Thermal Power Plant", "Al Hail gas
# field"): the remaining name counts only inside the hinted province.
_LANDMARK = frozenset(_words()["landmark"])
_TRAILING_ADMIN = set(ADMIN_WORDS) | {"governorates", "provinces"}
_TRAILING_DISTRICT = set(DISTRICT_WORDS)


@dataclass(frozen=True)
class Query:
    alternatives: tuple[str, ...]
    want: str  # place | admin1 | district
    town: bool = False  # "X town"/"X city": a larger place is meant
    n_clean: int = 0  # how many leading alternatives are cleaned spellings (fuzzy-searched)
    facility: bool = False  # "X Airbase", "X checkpoint": X is the town it is named after
    landmark: bool = False  # "X power plant", "a compound outside X": X only inside the hinted province
    city: str | None = None  # "X neighbourhood of Y city", "Y city - X neighbourhood": the city X lies in
    n_main: int = 99  # alternatives from here on are bare names ("Baghuz" for "Baghuz Tahtani"): province only


# ---------------------------------------------------------------- query parsing

_SPACES = re.compile(r"\s+")
_POSSESSIVE = re.compile(r"[’`]s\b|'s\b")
_NEAR = re.compile(r"\b(?:outside|near|close to|next to)\s+(?:the\s+)?(?=[A-Z])(.+)$")
_PARTS = re.compile(r"/|\(|\)|\bor\b|,")
_CODE = re.compile(r"^(?:\d|[A-Za-z]\d)")
_TOWN = re.compile(r"\b(town|city)\b", re.I)
_WORD = re.compile(r"[\w-]+")


@lru_cache(maxsize=50_000)
def parse_query(name: str) -> Query:
    """Alternative spellings and the kind of place wanted ("X village", "Tadmur/Palmyra", "Idlib province")."""
    text = _SPACES.sub(" ", name).strip()
    text = _POSSESSIVE.sub("", text)  # possessive "Idlib's"
    text, want = _strip_area_prefix(text)
    alternatives: list[str] = []
    full: list[str] = []
    facility = landmark = False
    text, city = _split_city(text)
    near = _NEAR.search(text)
    if near and near.start() > 0:  # "a compound outside Barisha village": the place it is by
        text, landmark = near.group(1), True
    for part in (p.strip() for p in _PARTS.split(text) if p.strip()):
        words = part.split()
        if any(w.lower() in _LANDMARK for w in words):
            landmark = True
            words = [w for w in words if w.lower() not in _LANDMARK and w.lower() not in _TRAILING_FACILITY
                     and not _CODE.match(w) and w.lower() not in ("of", "the", "and")]
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
    town = bool(_TOWN.search(name))
    if want == "place" and any(w.lower() in _AIR_WORDS for w in _WORD.findall(text)):
        core = airfield_core(re.split(r"/|\(", text)[0])
        if core:
            alternatives.insert(0, core + AIRFIELD_SUFFIX)
    n_clean = len(alternatives)
    alternatives += [f for f in full if f not in alternatives]
    n_main = len(alternatives)
    if want == "place":
        alternatives += [b for b in (_bare_name(a) for a in alternatives[:n_clean]) if b and b not in alternatives]
    return Query(tuple(alternatives), want, town, n_clean, facility, landmark, city, n_main)


# Airfields are indexed as "<core> airbase" whatever their official name ("Shayrat Air Base", "Tabqa
# Airport"), and a mention with an air word ("Kuweires military airport") is looked up that way first.
AIRFIELD_SUFFIX = " airbase"
_AIR_WORDS = frozenset(_words()["air"])
_AIRFIELD_NOISE = _AIR_WORDS | frozenset(_words()["airfield_noise"])


def airfield_core(name: str) -> str:
    """The place an airfield is named after: "Bassel Al-Assad International Airport" -> "Bassel Al-Assad"."""
    return " ".join(w for w in name.split() if w.lower().strip(".,") not in _AIRFIELD_NOISE)


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
