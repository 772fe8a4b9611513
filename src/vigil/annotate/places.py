"""Candidate place names in a sentence, with their level (locality, area, container, reference)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from vigil import lexicon
from vigil.annotate.sentences import _word_file

# --------------------------------------------------------------------------- places

_NAME_PART = (r"(?:(?:[Aa]l|[Ee]l|[Aa][dnrstz]|[Aa]sh|[Ee][dnsz])[-‑‐'’](?:[A-Z](?:[\w`]|['’](?!s\b)(?=\w))*)"
              r"|[A-Z](?:[\w`]|['’](?!s\b)(?=\w))*(?:-[A-Za-z](?:[\w`]|['’](?!s\b)(?=\w))*)*)")
_NAME_JOIN = (r"(?:\s+(?:al|el|ad|ar|ash|az|an|ed|es|ez|bin|ibn|bani|abu|de|du|la|le)\s+"  # not "at", "as": "PMF at Tesmil"
              r"|\s+wa\s+(?:(?:al|el|ad|ar|ash|as|at|az|an|adh|dh)\s+)?"  # "Tarsh wa ash Shamal": "and" inside one name
              r"|\s+|-)")
_NAME = rf"{_NAME_PART}(?:{_NAME_JOIN}{_NAME_PART}){{0,4}}"
_NAME_RX = re.compile(_NAME)
_LIST_SEP = re.compile(r"^(?:\s*,\s*(?:and\s+|as well as\s+)?(?:the\s+)?(?:villages?\s+of\s+|towns?\s+of\s+)?|\s+and\s+(?:the\s+)?|\s*&\s*)")
# "Lorvan's Tesmil", "Lorvan region's Tesmil", "Varsk's northern Orvan district"; not "Varsk's shells in Orvan"
_POSSESSIVE = re.compile(rf"({_NAME})(?:\s+(?:region|province|governorate|oblast|district|state))?['’]s\s+"
                         rf"(?:(?!(?:in|on|at|near|from|to|by|with|and|for|against)\s)[a-z-]+\s+){{0,2}}({_NAME})")
_AREA_AFTER = re.compile(r"\s+(?:province|governorate|oblast|region|countryside|rural|"
                         r"prefecture|state|county|territory|payam|woreda|kebele|boma|sub-?district)\b", re.I | re.A)
_AREA_BEFORE = re.compile(r"(?:\brural|countryside of|province of|governorate of|region of|oblast of|"
                          r"\b(?:north|south|east|west|northern|southern|eastern|western|central|"
                          r"north-?eastern|north-?western|south-?eastern|south-?western|northeast|northwest|"
                          r"southeast|southwest))\s+(?:the\s+)?$", re.I | re.A)
_LOCALITY_BEFORE = re.compile(r"(?:(?:village|town|city|hamlet|neighbou?rhood|camp|suburb|villages|towns|"
                              r"neighbou?rhoods)\s+of\s+(?:the\s+)?|\bcapital,?\s+|\bcapital\s+city,?\s+)$", re.I | re.A)
_LOCALITY_AFTER = re.compile(r"\s+(?:village|town|city|hamlet|neighbou?rhood|camp|suburb|district)\b", re.I | re.A)

_NOT_PLACES = _word_file("not_place_names.txt")


@dataclass
class PlaceMention:
    start: int
    end: int
    name: str
    level: str = "locality"  # locality | area | container | reference
    container: str | None = None  # "Idlib" in "Idlib's Bara village"
    called_locality: bool = False  # "the town of Marib", "Bara village": a town even if a province shares its name


_THE_NAME_KIND = re.compile(rf"\bthe\s+({_NAME})\s+(?:district|neighbou?rhood|village|town|area|camp|suburb|"
                            rf"quarter|hamlet)\b")


# "the Tesmil massacre, in which 70 were killed": an act named after its place
_THE_NAME_ACT = re.compile(rf"\bthe\s+({_NAME})\s+(?:massacre|bombing|car bombing|attack|shelling|air\s*strike|"
                           rf"airstrike|strike|blast|explosion|ambush|raid|killings)\b")
_KIND_THEN_NAME = re.compile(r"\s+(?:village|town|city|hamlet|camp|neighbou?rhood|district)\s+[A-Z][a-z]")
_NAME_NEXT = re.compile(r"\s+[A-Z][a-z]")
_KIND_WORDS_GATE = re.compile(r"[a-z] (?:village|town|city|hamlet|camp|neighbou?rhood|district) [A-Z]")
_NAME_KIND_NAME = re.compile(rf"\b({_NAME})\s+(?:village|town|city|hamlet|camp|neighbou?rhood|district)\s+({_NAME})")


def find_places(sentence: str, base: int = 0, exclude: list | None = None,
                counts: list | None = None) -> list[PlaceMention]:
    """Candidate place names introduced by a cue ("in X", "the village of X", "X's Y village", lists).

    `exclude`: spans (with start/end in document offsets) that are known not to be places, such as
    country names and demonyms ("the southern Ukrainian city of X")."""
    found: dict[int, PlaceMention] = {}
    for m in _THE_NAME_KIND.finditer(sentence):
        start, name, _ = _strip_leading_words(m.start(1), m.group(1))
        name = _trim_name(name)
        level = "container" if _NAME_NEXT.match(sentence, m.end()) else "locality"  # "the Golan village Tesmil"
        if _plausible(name):
            found[start] = PlaceMention(start + base, start + len(name) + base, name, level)
    for m in (_THE_NAME_ACT.finditer(sentence) if "the " in sentence else ()):
        start, name, _ = _strip_leading_words(m.start(1), m.group(1))
        if _plausible(name) and start not in found:
            found[start] = PlaceMention(start + base, start + len(name) + base, name, "locality")
    for m in (_POSSESSIVE.finditer(sentence) if "'s" in sentence or "’s" in sentence else ()):
        outer_start, outer, _ = _strip_leading_words(m.start(1), m.group(1))  # "In Varsk's Tesmil": Varsk
        inner = m.group(2)
        if outer and _plausible(outer) and _plausible(inner):
            level = "area" if _AREA_AFTER.match(sentence, m.end(2)) else "locality"  # "Myanmar's Sagaing region"
            found[m.start(2)] = PlaceMention(m.start(2) + base, m.end(2) + base, inner, level, outer,
                                             called_locality=_called_locality(sentence, m.start(2), m.end(2)))
            found.setdefault(outer_start, PlaceMention(outer_start + base, outer_start + len(outer) + base, outer,
                                                       "container"))
    for m in (_NAME_KIND_NAME.finditer(sentence) if _KIND_WORDS_GATE.search(sentence) else ()):
        inner = _trim_name(m.group(2))
        if _plausible(inner) and m.start(2) not in found:  # "the Golan Heights village Tesmil"
            found[m.start(2)] = PlaceMention(m.start(2) + base, m.start(2) + len(inner) + base, inner, "locality",
                                             called_locality=True)
    dateline = dateline_end(sentence)
    lead = _BULLET_PLACE.match(sentence)  # "- Tesmil: two civilians killed": the line's place
    if lead and _plausible(lead.group(1)):
        found[lead.start(1)] = PlaceMention(lead.start(1) + base, lead.end(1) + base, lead.group(1), "locality")
    members: list[int] = []  # the current list of places ("in A, B and C")
    prev_end = None
    aside_end = -1  # "in Tesmil (Orvan, Lorvan), Pelin (Dorva) and Varo": the list goes on past each aside
    for nm in _NAME_RX.finditer(sentence):
        if nm.start() < aside_end:
            continue
        start, name, opened_by_cue = _strip_leading_words(nm.start(), nm.group())
        name = _trim_name(name)
        end = start + len(name)
        gap = sentence[prev_end:start] if prev_end is not None else None
        sep = _LIST_SEP.match(gap) if gap is not None else None
        listed = sep is not None and sep.end() == len(gap)
        if not listed:
            _close_list(sentence, members, found)
            members = []
            prev_end = None
            if not (opened_by_cue or _cued(sentence, start)):
                continue
        if _plausible(name) and start not in found and not _GROUP_AFTER.match(sentence, end) \
                and not _DESCRIBES_NEXT.match(sentence, end) and start >= dateline:
            level = "container" if _KIND_THEN_NAME.match(sentence, end) or (_KINDS_OF_AFTER.match(sentence, end)
                                                                                  and sentence[:start].endswith("the ")) \
                else _level(sentence, start, end)
            found[start] = PlaceMention(start + base, end + base, name, level,
                                        called_locality=_called_locality(sentence, start, end))
            members.append(start)
        prev_end = end
        if members and members[-1] == start and (aside := _ASIDE.match(sentence, end)):
            prev_end = aside_end = aside.end()
    _close_list(sentence, members, found)
    if dateline and _CAPITAL_REF.search(sentence, dateline) and not any(
            m.level == "locality" and not sentence[m.end - base:].lstrip().startswith("capital") for m in found.values()):
        city = _DATELINE_CITY.match(sentence)  # "KABUL, May 2 (Reuters) - ... in the Afghan capital": Kabul
        name = city and (city.group().title() if city.group().isupper() else city.group())
        if name and _plausible(name):
            for k in [k for k, m in found.items() if sentence[m.end - base:].lstrip().startswith("capital")]:
                del found[k]  # "the Lorvanian capital": who owns the capital, not a place
            found[0] = PlaceMention(base, base + city.end(), name, "locality", called_locality=True)
    places = [found[k] for k in sorted(found)
              if not any(x.start < found[k].end and found[k].start < x.end for x in exclude or ())]
    _mark_containers_and_references(sentence, base, places, counts or [])
    _mark_places_not_struck(sentence, base, places)
    if _ROAD_BETWEEN.search(sentence):
        _mark_road_ends(sentence, base, places)
    return places


_CAPITAL_REF = re.compile(r"\b(?:in|on|at|of|near|outside|across|struck|hit|hitting|attacked|shelled|bombed|targeted|targeting|pounded)\s+the\s+(?:[A-Z][a-z]+\s+)?capital\b(?!\s+(?:of\s+)?[A-Z])")
_DATELINE_CITY = re.compile(r"[A-Z][A-Za-z'’.-]*(?:\s[A-Z][A-Za-z'’.-]*){0,2}(?=\s*[,(\-–—])")
_BULLET_PLACE = re.compile(rf"[-•*–—▪●]\s+({_NAME})\s*:")
_ASIDE = re.compile(r"\s*(?:\([^()]{1,80}\)|\[[^\[\]]{1,80}\])")
_ROAD_BETWEEN = re.compile(r"\b(?:(?:road|highway|route|motorway)\s+(?:connecting|linking|from)|between)\s", re.I | re.A)
_SECOND_END_BEFORE = re.compile(r"\b(?:(?:road|highway|route|motorway)\s+(?:connecting|linking|from)|between)\s+"
                                r"(?:the\s+)?[A-Z][^,;.]{0,40}?\s+(?:and|to|with)\s+(?:the\s+)?$", re.I | re.A)


def _mark_road_ends(sentence: str, base: int, places: list[PlaceMention]) -> None:
    """"on the road linking A and B", "an ambush between A and B": the act is placed at A, the first end;
    B only names the stretch."""
    for p in places:
        if _SECOND_END_BEFORE.search(sentence, max(0, p.start - base - 80), p.start - base):
            p.level = "reference"


# Places a sentence names but where nothing happened: where fire came from, where the teller was,
# whom the victims are ("a man from X"), or a season rather than a place ("the month of X").
_NOT_STRUCK_BEFORE = re.compile(
    r"(?:\b(?:fired|launched|carried out|came|coming|flying|originating|took off|sent|attacks?|strikes?)\s+from"
    r"|\bfrom\s+(?:the\s+)?(?:direction|side|territory|positions?|area)\s+of(?:\s+(?:the\s+)?(?:north|south|east|west)"
    r"(?:ern)?(?:\s+of)?)?"
    r"|\b(?:man|woman|men|women|boy|girl|resident|residents|native|family|people|person|soldier|fighter|those|"
    r"gunm[ae]n|tribesm[ae]n)s?\s+from"
    r"|\b(?:based|stationed|headquartered)\s+in"
    r"|\b(?:reporting|reports|speaking|writing|filing|broadcasting)\s+from"
    r"|\b(?:officials?|spokes(?:man|woman|person)|ministry|sources?|authorities|correspondents?|reporters?|"
    r"diplomats?|embassy|headquarters|Pentagon|envoy)\s+in"
    r"|\bmonth\s+of|\bholy\s+month|\bfestival\s+of)\s+(?:the\s+)?$", re.I | re.A)


def _mark_places_not_struck(sentence: str, base: int, places: list[PlaceMention]) -> None:
    """A launch site, a person's origin, the seat of an office: a reference, not the incident's place."""
    low = sentence.lower()
    if not any(k in low for k in ("from", "based", "stationed", "headquartered", "month", "festival", " in ")):
        return
    for p in places:
        if p.level in ("locality", "area") and _NOT_STRUCK_BEFORE.search(sentence, max(0, p.start - base - 60),
                                                                          p.start - base):
            p.level = "elsewhere"


# "the Black Sea port of Odesa", "the Red Sea port city of Hodeidah": the first name only describes the second.
_DESCRIBES_NEXT = re.compile(r"\s+(?:port(?:\s+city)?|city|town|village|capital|coast|coastal\s+city)\s+of\s+[A-Z]")
_DATELINE = re.compile(r"[A-Z][A-Za-z'’ .-]{1,40}?(?:,\s*[A-Z][a-z]+\.?\s+\d{1,2})?\s*(?:\([A-Za-z0-9 ]+\))?\s*[-–—:]\s+")


@lru_cache(maxsize=4096)
def dateline_end(sentence: str) -> int:
    """"KYIV, March 2 (Reuters) - ...": where the dateline ends (0 when there is none)."""
    m = _DATELINE.match(sentence)
    return m.end() if m and (m.group().isupper() or "(" in m.group() or re.search(r"\d", m.group())) else 0


_COMPASS = {"eastern", "western", "northern", "southern", "central", "east", "west", "north", "south"}


_HOLDER_PREFIX = re.compile(r"-(?:occupied|held|controlled|run|backed|led|annexed|besieged)$")


def _strip_leading_words(start: int, name: str) -> tuple[int, str, bool]:
    """"In Balkh" at the start of a sentence: the cue and other capitalised non-names are not the name."""
    cue = False
    while " " in name:
        first, rest = name.split(" ", 1)
        low = first.lower()
        if low in _CUE_WORDS:
            cue = True
        elif _HOLDER_PREFIX.search(low):
            pass  # "Israel-occupied Golan", "rebel-held Douma": who holds it, not its name
        elif (low not in _NOT_PLACES and low not in _SKIPPED_BEFORE_NAME) or low in _COMPASS:
            break  # "Eastern Ghouta", "North Kivu": a compass word that starts a name belongs to it
        start += len(first) + 1
        name = rest.lstrip()
    return start, name, cue


def _close_list(sentence: str, members: list[int], found: dict[int, PlaceMention]) -> None:
    """"in Borno, Yobe and Kaduna states": every member of the list is a region."""
    if len(members) > 1:
        last = found[members[-1]]
        if _PLURAL_AREA_AFTER.match(sentence[last.end - (last.start - members[-1]):]):
            for k in members:
                found[k].level = "area"


_CUE_WORDS = _word_file("place_cue_words.txt")
_OFFICE_NOUNS = _word_file("not_place_before_of.txt")  # "the governor of X", "the home of X": not where
_LIST_CUE_WORDS = {"including", "like", "as"}  # "towns including X", "villages such as X"
_PLACE_NOUNS_PLURAL = {"villages", "towns", "cities", "areas", "neighbourhoods", "neighborhoods", "districts"}
_SKIPPED_BEFORE_NAME = set("""northern southern eastern western central north-eastern northeastern north-western
northwestern south-eastern southeastern south-western southwestern northeast northwest southeast southwest far rural
besieged nearby neighbouring neighboring rebel-held opposition-held government-held regime-held militant-held
houthi-held kurdish-held kurdish-controlled embattled restive flashpoint strategic frontline front-line occupied
southernmost northernmost coastal capital port town city village hamlet district neighbourhood neighborhood
province governorate region oblast area suburb camp countryside country side the both""".split())
_TOKEN = re.compile(r"\S+")


def _cued(sentence: str, start: int) -> bool:
    """Is the name at `start` introduced as a place ("in", "the village of", "struck the northern")?"""
    words = _TOKEN.findall(sentence[max(0, start - 80):start])
    for i in range(len(words) - 1, -1, -1):
        raw = words[i]
        w = raw.lower().strip("([\"“‘'")
        if w in _CUE_WORDS:
            if w == "of" and i > 0 and words[i - 1].lower().strip("([\"“‘'") in _OFFICE_NOUNS:
                return False  # "the governor of Hatay said": an office, not where it happened
            return raw[-1:].isalpha()
        if w in _LIST_CUE_WORDS:
            prev = words[i - 1].lower() if i > 0 else ""
            prev = words[i - 2].lower() if w == "as" and prev == "such" and i > 1 else prev
            return prev in _PLACE_NOUNS_PLURAL
        if w in _SKIPPED_BEFORE_NAME or (raw.islower() and re.fullmatch(r"[a-z]+-[a-z]+", raw)):
            continue
        return False
    return False


_PLURAL_AREA_AFTER = re.compile(r"^\s+(?:states|provinces|governorates|oblasts|regions|districts|counties)\b", re.I | re.A)
_OF_CONTAINER = re.compile(
    r"^['’]?(?:(?:\s+(?i:refugee|military|army|border|old|new|main))?"
    r"\s+(?i:area|neighbou?rhood|district|quarter|camp|village|town|local government area|municipality|payam|woreda|kebele|boma|county|sub-?district|front|frontline|axis)s?)?"
    r"(?:\s*\([^()]{1,60}\))?,?"
    r"(?:\s+and\s+other\s+(?:areas|places|villages|towns|neighbou?rhoods|districts))?"
    r"\s+(?:in|of)\s+(?:the\s+)?"
    r"(?:(?!and\b|or\b|as\b)[a-z-]+\s+){0,2}(?:(?:area|neighbou?rhood|district|suburbs?|outskirts|countryside|quarter|"
    r"part|city|town|province|governorate|region|oblast)\s+(?:of|in)\s+(?:the\s+)?)?$")
# "Varsk in Rigasa District of Igabi Local Government Area of Lorvan State": each unit holds the one before
_KIND_OF = re.compile(r"^\s+(?i:district|local government area|lga|county|province|state|region|municipality|"
                      r"governorate|sub-?district)\s+(?:of|in)\s")
_REFERENCE_BEFORE = re.compile(r"(?:\b(?:north|south|east|west|northeast|northwest|southeast|southwest|"
                               r"north-east|north-west|south-east|south-west)(?:ern)?\s+of|\bnear|\boutside|"
                               r"\bfrom|\btowards?|\bborder with|\bclose to|\bkilomet(?:er|re)s? (?:from|of))\s+"
                               r"(?:the\s+)?(?:\w+\s+)?$", re.I | re.A)


_DISTRICT_AFTER = re.compile(r"\s+(?:district|province|region|oblast|governorate|county|municipality|"
                             r"prefecture|state)\b", re.I | re.A)


def _mark_containers_and_references(sentence: str, base: int, places: list[PlaceMention],
                                    blockers: list) -> None:
    """"the Tokhar area of Manbij": Manbij contains Tokhar. "Al-Jawba, 50 km south of Marib": Marib is a landmark."""
    for prev, cur in zip(places, places[1:]):
        gap = sentence[prev.end - base:cur.start - base]
        if any(prev.end <= c.start < cur.start for c in blockers):
            continue
        if (gap.strip() == "," and _DISTRICT_AFTER.match(sentence, cur.end - base)) or (
                _OF_CONTAINER.match(gap) and (prev.level != "container" or _KIND_OF.match(gap))
                and gap.strip(" ,") != ""):
            cur.level = "container"
            for member in _list_ending_at(sentence, base, places, prev):
                member.container = member.container or cur.name
        elif _REFERENCE_BEFORE.search(gap) and len(gap) < 60 and cur.level == "locality":
            cur.level = "reference"


def _list_ending_at(sentence: str, base: int, places: list[PlaceMention], last: PlaceMention) -> list[PlaceMention]:
    """The places listed together up to `last` ("the neighbourhoods of A, B and C in Aleppo city": A, B, C)."""
    i = places.index(last)
    members = [last]
    while i > 0:
        gap = sentence[places[i - 1].end - base:places[i].start - base]
        sep = _LIST_SEP.match(gap)
        if not sep or sep.end() != len(gap) or places[i - 1].level == "container":
            break
        i -= 1
        members.append(places[i])
    return members


_GROUP_AFTER = re.compile(r"(?:['’]s)?\s+(?:family|families|clan|tribe|tribes|group|forces|fighters|members|militia|"
                          r"hospital|clinic|school|university|mosque|church|synagogue|stadium|"
                          r"factory|prison|airport|hotel|concert\s+hall|hall|theat(?:re|er)|cafe|restaurant|"
                          r"militants|rebels|soldiers|troops|officials?|authorities|government|army|police|"
                          r"people|side|territory|border|celebrants|regime|administration|allies|supporters|"
                          r"spokesm[ae]n|office|party|loyalists|football|club|team|river)\b", re.I | re.A)


_LAST_WORD_COMPASS = frozenset({"east", "west", "north", "south"})  # "Twic East" keeps its last word


@lru_cache(maxsize=65536)
def _trim_name(name: str) -> str:
    """Drop trailing words that are not part of a name ("Aleppo Province" keeps Aleppo; "Idlib On" -> Idlib)."""
    words = name.split(" ")
    while len(words) > 1 and ((words[-1].lower() in _NOT_PLACES and words[-1].lower() not in _LAST_WORD_COMPASS) or words[-1].lower() in
                              ("province", "governorate", "oblast", "region", "district", "city", "town",
                               "village", "camp", "countryside", "area", "state")):
        words.pop()
    return " ".join(words)


_AROUND_BEFORE = re.compile(r"\b(?:suburbs|environs|surroundings|countryside|areas? around)\s+of\b[^,;.]{0,45}$",
                            re.I | re.A)


def _called_locality(sentence: str, start: int, end: int) -> bool:
    return bool(_LOCALITY_BEFORE.search(sentence, max(0, start - 60), start) or _LOCALITY_AFTER.match(sentence, end))


# "the Varsk suburbs of Tesmil and Orvan": the names after are the suburbs, the name before holds them
_KINDS_OF_AFTER = re.compile(r"\s+(?:suburbs?|neighbou?rhoods?|districts|quarters|villages|towns)\s+of\s+[A-Z]")
_NAME_BEFORE_KIND = re.compile(r"\bthe\s+[A-Z][\w’'-]*\s+$")


def _level(sentence: str, start: int, end: int) -> str:
    window = max(0, start - 60)
    around = _AROUND_BEFORE.search(sentence, window, start)
    if around and not _NAME_BEFORE_KIND.search(sentence, max(0, around.start() - 30), around.start()):
        return "area"  # "strikes on the suburbs of the city of Manbij": somewhere around it
    if _LOCALITY_BEFORE.search(sentence, window, start) or _LOCALITY_AFTER.match(sentence, end):
        return "locality"
    if _AREA_AFTER.match(sentence, end) or _AREA_BEFORE.search(sentence, window, start):
        return "area"
    return "locality"


def _not_place_words() -> re.Pattern:
    """Names holding one of these words are organisations, offices, outlets or occasions
    (data/not_place_words.txt)."""
    from vigil.lexicon import DATA_DIR

    lines = (DATA_DIR / "not_place_words.txt").read_text(encoding="utf-8").splitlines()
    words = [w.strip() for w in lines if w.strip() and not w.startswith("#")]
    return re.compile(r"\b(?:" + "|".join(words) + r")\b")


_NOT_PLACE_WORDS = _not_place_words()


@lru_cache(maxsize=65536)
def _plausible(name: str) -> bool:
    if _NOT_PLACE_WORDS.search(name) or re.search(r"-(?:led|based|backed|held|controlled|run|affiliated|linked|"
                                                  r"allied|made|born|installed)\b", name, re.I):
        return False
    words = name.split()
    if not words or words[0].lower() in _NOT_PLACES and len(words) == 1:
        return False
    if all(w.lower() in _NOT_PLACES for w in words):
        return False
    if len(name) < 3 or name.isupper() and len(name) <= 4:
        return False
    return True


