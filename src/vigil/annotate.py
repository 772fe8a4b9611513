"""Annotate stage: find the pieces a report is made of, with character offsets.

`annotate(doc)` returns an `Annotated` document: sentences, and in each
sentence the counts of people (with qualifier, role and the noun they count),
candidate place names, event cues, actors, sources and dates. Extraction then
only has to decide how these pieces go together. Every piece keeps its
offsets into `Document.text`, which is how evidence reaches the output.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

from vigil import dates as dates_mod
from vigil import lexicon
from vigil.model import Document, Span

# --------------------------------------------------------------------------- sentences


# A full stop after these does not end a sentence ("Dr. Timini", "Jan. 9", "U.S. officials").
_ABBREVIATIONS = {w.lower() for w in """
Mr Mrs Ms Dr St Gen Col Lt Capt Maj Sgt Cpl Pte Brig Adm Rev Prof Gov Sen Rep Pres Sheikh Jan Feb Mar Apr Jun Jul
Aug Sep Sept Oct Nov Dec Mon Tue Tues Wed Thu Thurs Fri Sat Sun No Nos Vol Fig Inc Ltd Co Corp Jr Sr vs etc approx
est Mt Ft Ave Rd Dist Prov Gov't Govt
""".split()}
_SENTENCE_END = re.compile(r"[.!?]+[\"”’')\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9])")
_PARAGRAPH = re.compile(r"[^\n]+")


def split_sentences(text: str) -> list[Span]:
    """Sentence spans; a line break always ends a sentence (headlines, captions, bylines).

    A full stop ends a sentence when an upper-case word or a number follows, unless it closes an
    abbreviation, an initial ("A. Smith") or a dotted acronym ("U.N.")."""
    spans: list[Span] = []
    for para in _PARAGRAPH.finditer(text):
        start = para.start()
        for m in _SENTENCE_END.finditer(text, para.start(), para.end()):
            if text[m.start()] == "." and _is_abbreviation(text, m.start()):
                continue
            _add_span(text, start, m.end(), spans)
            start = m.end()
        _add_span(text, start, para.end(), spans)
    return spans


def _is_abbreviation(text: str, dot: int) -> bool:
    word = re.search(r"([\w.'’]+)$", text[max(0, dot - 12):dot])
    if not word:
        return False
    w = word.group(1)
    return (w.lower() in _ABBREVIATIONS or (len(w) == 1 and w.isupper())
            or bool(re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", w)))


def _add_span(text: str, a: int, b: int, spans: list[Span]) -> None:
    seg = text[a:b]
    lead = len(seg) - len(seg.lstrip())
    trail = len(seg.rstrip())
    if trail > lead:
        spans.append((a + lead, a + trail))


def _word_file(name: str) -> frozenset[str]:
    """One lower-case word per line, '#' comments (a file under data/)."""
    from vigil.lexicon import DATA_DIR

    lines = (DATA_DIR / name).read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


# --------------------------------------------------------------------------- numbers

_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
          "sixteen seventeen eighteen nineteen").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_NUMWORD = r"(?:" + "|".join(_UNITS + _TENS + ["hundred", "thousand"]) + r")"
_NUMBER_WORDS = rf"{_NUMWORD}(?:(?:[- ]|\s+and\s+){_NUMWORD})*"
_DIGITS = r"\d{1,3}(?:,\d{3})+|\d+"
_VAGUE = {"dozens": 12, "a dozen": 12, "scores": 20, "tens": 10, "hundreds": 100, "a handful": 3,
          "a few": 2, "several": 2}
_ARTICLE = r"(?:another|a single|one more|an|a)"
_ARTICLE_RX = re.compile(_ARTICLE)

_QUALIFIERS = [
    (r"at least|no (?:fewer|less) than|not less than|a minimum of|at a minimum", "at_least"),
    (r"more than|over|upwards of|in excess of|above", "more_than"),
    (r"around|about|approximately|nearly|almost|roughly|some|an estimated|close to|up to around", "about"),
    (r"up to|as many as|at most", "up_to"),
]
_QUALIFIER_RX = "|".join(f"(?P<q{i}>{p})" for i, (p, _) in enumerate(_QUALIFIERS))

# Nouns that count people, and who they are.
_CIVILIAN_NOUNS = ("civilians? children child kids? women woman girls? boys? infants? babies baby pilgrims? "
                   "worshipp?ers? students? residents? villagers? farmers? famil(?:y|ies) relatives? "
                   "passengers? shoppers? patients? doctors? journalists? teachers? refugees? "
                   "mourners? guests? wedding-goers? members\\s+of\\s+(?:a|an|one|the)\\s+(?:[\\w-]+\\s+){0,3}?famil(?:y|ies) "
                   "family\\s+members? aid\\s+workers? medics? paramedics? rescuers? volunteers? "
                   "(?:elderly|old)\\s+(?:men|man|women|woman|people) minors? workers? labou?rers? herders? "
                   "herdsm[ae]n fisherm[ae]n shepherds? traders? merchants? vendors? drivers? engineers? "
                   "nurses? civil\\s+servants?").split()
_COMBATANT_NOUNS = ("soldiers? troops? policem[ae]n police\\s+officers? officers? fighters? militants? rebels? "
                    "insurgents? jihadists? guards? personnel servicem[ae]n recruits? militiam[ae]n "
                    "militia\\s+members? gunm[ae]n terrorists? members\\s+of\\s+(?:the\\s+)?[\\w\\s-]{0,40}?forces "
                    "security\\s+forces pro-government\\s+forces government\\s+forces commanders? "
                    "lieutenants? captains? colonels? sergeants? generals? conscripts? "
                    "(?:security|army|police|military)\\s+(?:personnel|members|officers)").split()
_NEUTRAL_NOUNS = ("people persons? individuals? others bodies body corpses? members? men man victims? officials? "
                  "casualties lives [A-Z][a-z]+is [A-Z][a-z]+ans [A-Z][a-z]+ians").split()
_PERSON_NOUN = "|".join(_CIVILIAN_NOUNS + _COMBATANT_NOUNS + _NEUTRAL_NOUNS)
_CIVILIAN_RX = re.compile(r"^(?:" + "|".join(_CIVILIAN_NOUNS) + r")$", re.I)
_COMBATANT_RX = re.compile(r"^(?:" + "|".join(_COMBATANT_NOUNS) + r")$", re.I)
_ADJ = (r"(?!(?:whom|them|were|was|are|is|in|at|and|of|on|by|from|to|each|while|who|which|had|have|has|"
        r"killed|wounded|injured|dead|died|carrying|transporting|containing|including|mostly|with)\b)(?:[a-z][a-z'-]*[a-z]|\d+-year-old|[A-Z][a-z]+(?:-[a-z]+)?)")  # a modifier before the noun

_COUNT_RX = re.compile(
    rf"(?<![\w.,-])(?:(?:{_QUALIFIER_RX})\s+)?"
    rf"(?P<num>{_DIGITS}|{_NUMBER_WORDS}|dozens|a dozen|scores|tens|hundreds|{_ARTICLE})\b"
    rf"(?P<each>\s+each)?"
    rf"(?:\s+(?:of\s+(?:the\s+)?)?(?P<mods>(?:{_ADJ}\s+){{0,3}}?)(?P<noun>{_PERSON_NOUN})\b)?",
    re.IGNORECASE,
)
_NOT_A_COUNT_AFTER = re.compile(r"\s*(?:%|per ?cent|percent|km|kilomet|mile|metre|meter|year|month|week|day|hour|"
                                r"minute|a\.m|p\.m|am\b|pm\b|GMT|o'clock|st\b|nd\b|rd\b|th\b|:\d)", re.I)
_MONTH_BEFORE = re.compile(r"(?:January|February|March|April|May|June|July|August|September|October|November|"
                           r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?\s*$")


@dataclass
class Count:
    start: int
    end: int
    value: int
    qualifier: str
    noun: str | None
    each: bool = False
    role: str = "other"  # killed | injured | children | women | strikes | other
    victims: str = "unknown"


def _number_value(token: str) -> int | None:
    t = token.lower().strip()
    if t in _VAGUE:
        return _VAGUE[t]
    if _ARTICLE_RX.fullmatch(t):
        return 1
    if re.fullmatch(_DIGITS, t):
        return int(t.replace(",", ""))
    try:
        from text_to_num import text2num

        return int(text2num(t.replace(" and ", " "), "en"))
    except (ValueError, ImportError):
        words = re.split(r"[- ]+", t)
        return _UNITS.index(words[0]) if words and words[0] in _UNITS else None


def _victims_of(noun: str | None, mods: str | None = None) -> str:
    if not noun:
        return "unknown"
    n = noun.strip()
    if re.fullmatch(r"members?", n, re.I) and mods and re.search(r"\b[A-Z]", mods):
        return "combatants"  # "two Hezbollah members"
    if _CIVILIAN_RX.match(n):
        return "civilians"
    if _COMBATANT_RX.match(n):
        return "combatants"
    return "unknown"


_AND_ONE_MORE = re.compile(r"\s+and\s+(?:an?\s+|another\s+)?(?:[a-z-]+\s+)?(?:child|woman|man|boy|girl|baby|infant|"
                           r"teenager|policeman|soldier|civilian|person|relative)\b", re.I)


_OF_THINGS = re.compile(r"\s+of\s+(?!(?:them|those|the\s+(?:dead|victims|people|wounded))\b)")
_LEFT_BEFORE = re.compile(r"\b(?:left|leaving)\s+(?:(?:at least|more than|over|about|around|nearly)\s+)?$", re.I)
_AGE_BEFORE = re.compile(rf"\b(?:{_PERSON_NOUN}|boy|girl|son|daughter|father|mother|brother|sister),\s*$", re.I)
_SPEAKS_AFTER = re.compile(r",?\s+(?:says|said|told|stated|added|confirmed|reported)\b(?!\s+to\b)", re.I)
_NO_BEFORE = re.compile(r"\b(?:no|not a single)\s*$", re.I)


def find_counts(text: str, base: int = 0) -> list[Count]:
    """Counts of people (and of strikes) in one sentence, offsets shifted by `base`."""
    out: list[Count] = []
    for m in _COUNT_RX.finditer(text):
        num = m.group("num")
        noun = m.group("noun")
        at = m.start("num")
        if _NOT_A_COUNT_AFTER.match(text, m.end("num")) or _MONTH_BEFORE.search(text, max(0, at - 12), at):
            continue
        low = num.lower()
        is_article = bool(_ARTICLE_RX.fullmatch(low))
        if is_article and (not noun or noun.lower().endswith("s") and noun.lower() not in ("mass",)
                           and not re.fullmatch(r"(?:policem[ae]n|gunm[ae]n|man|woman|child|body|corpse)", noun, re.I)):
            if not noun:
                continue
        if is_article and noun and re.fullmatch(r"(?:others?|people|lives|casualties)", noun, re.I):
            continue
        if low == "one" and _NO_BEFORE.search(text, max(0, at - 14), at):
            continue  # "no one was killed": nobody, not one
        if low in ("several", "a few") and not noun:
            continue
        if not noun and text[m.end("num"):m.end("num") + 3].lstrip().startswith(",") \
                and _AGE_BEFORE.search(text, max(0, at - 30), at):
            continue  # "a man, 59, was killed": an age
        if noun and "s" in text[m.end():m.end() + 12] and _SPEAKS_AFTER.match(text, m.end()):
            continue  # "a health official says ...": the one who speaks is no victim
        if low in _VAGUE and not noun and _OF_THINGS.match(text, m.end("num")):
            continue  # "hundreds of rounds were seized": things, not people
        value = _number_value(num)
        if value is None:
            continue
        if re.fullmatch(r"\d{4}", num) and 1900 <= value <= 2100 and not noun:
            continue  # a year
        qualifier = "exact"
        for i, (_, q) in enumerate(_QUALIFIERS):
            if m.group(f"q{i}"):
                qualifier = q
        if low in ("dozens", "scores", "tens", "hundreds") and qualifier == "exact":
            qualifier = "at_least"
        start = m.start() if qualifier != "exact" else m.start("num")
        end = m.end() if noun else m.end("num") + (len(m.group("each")) if m.group("each") else 0)
        more = _AND_ONE_MORE.match(text, end) if is_article and noun else None
        if more:  # "a child and woman were killed": two
            value += 1
            end = more.end()
        out.append(Count(start + base, end + base, value, qualifier, noun, each=bool(m.group("each")),
                         victims=_victims_of(noun, m.group("mods"))))
    return out


# Role of a count: what the sentence says happened to the people counted.
_KILLED_AFTER = re.compile(
    r"^[^,;.]{0,100}?\b(?:were|was|have been|had been|has been|are|being|got)?\s*"
    r"(?:killed|dead|deaths|fatalities|died|die|perished|lost their lives|slain|massacred|executed|shot dead|murdered|"
    r"beheaded|killed and|were found dead|found dead|bodies)\b", re.I)
_INJURED_AFTER = re.compile(r"^[^,;.]{0,40}?\b(?:wounded|injured|hurt|maimed|injuries|wounds)\b", re.I)
_KILLED_BEFORE = re.compile(
    r"(?:\bkill(?:ing|ed|s)?|\bshot dead|\bshot and killed|\bgunned down|\bbeheaded|\bassassinat(?:ed|ing|es)|\bclaim(?:ing|ed|s)? the lives of|"
    r"\bclaim(?:ing|ed|s)?|\bneutrali[sz](?:ed|ing|es|e)|\bdeaths? of|\bkilling of|\bleft|\bleaving|\btoll\b[^.;]{0,150}?"
    r"(?:to|at|of|reached|hit|stood at|rose to|climbed to)|\bdeath toll (?:to|at)|\bkilled at least|\bexecut(?:ed|ing)|"
    r"\bmassacre of|\bbodies of)\s+$", re.I)
_INJURED_BEFORE = re.compile(r"(?:\bwound(?:ing|ed|s)?|\binjur(?:ing|ed|es)|\bhurt(?:ing)?)\s+(?:(?:at least|more than|"
                             r"about|around|over|nearly)\s+)?$", re.I)
_BREAKDOWN_BEFORE = re.compile(r"(?:\binclud(?:ing|ed)|\bamong (?:them|whom|the dead|those killed|the victims)"
                               r"|\bof (?:them|whom))[:\s]+(?:(?:at least|more than|about|around)\s+)?$", re.I)
_VICTIMS_INCLUDED = re.compile(r"\b(?:victims|dead|those killed|fatalities)\s+(?:included|were|are)\s+$", re.I)
_BREAKDOWN_AFTER = re.compile(r"^\s+of (?:whom|them|the dead|the victims|those killed|the fatalities),?\s+"
                              r"(?:(?:were|are|was)\s+)?(children|women|minors|kids)", re.I)
_STRIKE_NOUN = re.compile(r"^\s*(?:[a-z-]+\s+){0,2}?(?:air ?strikes?|air ?raids?|raids?|strikes?|shells?|rockets?|"
                          r"missiles?|barrel bombs?|attacks?|bombs?|sorties|drones?|explosions?|shootings?|"
                          r"bombings?|blasts?|incidents?|clashes|assaults?|operations?|mortars?|grenades?)\b", re.I)
_SUPERSEDED_BEFORE = re.compile(r"(?:earlier|previous|initial|preliminary|first)\s+(?:death\s+)?(?:toll|figure|count|"
                                r"report)s?\s+(?:of\s+)?(?:at least\s+)?$|\b(?:earlier|initially|first)\s+"
                                r"(?:said|reported|put the (?:death )?toll at)\s+$", re.I)
_AMONG_AFTER = re.compile(r"^\s+(?:were|was|are)\s+(?:also\s+)?among\b", re.I)
_OF_PHRASE = re.compile(r"^\s+of\s+(?!whom|them)(?:the\s+)?[^,;.]{0,50}?(?=,)")


_KILLED_OR_INJURED = re.compile(r"^[^,;.]{0,60}?\b(?:killed|dead)\s+(?:or|and(?:/or)?|and/or)\s+"
                                r"(?:injured|wounded|hurt)\b", re.I)
_AGE_AFTER = re.compile(r"^,\s*(?:aged\s+)?\d{1,3}(?:-year-old)?\s*,")  # "a man, 59, was killed"
_PARENTHETICAL = re.compile(r"^\s*(?:,|\s[-–—])\s*(?:including|among them|among whom|of whom|mostly|many of them|"
                            r"most of them|all of them|some of them|one of them|"
                            r"(?:\d+|[a-z]+(?:-[a-z]+)?)\s+of\s+(?:them|whom))\b[^,;–—]*(?:,|[-–—])")


_BARE_COUNT_AT_PLACE = re.compile(r"\s+(?:each\s+)?(?:in|at)\s+(?:the\s+)?(?:[a-z-]+\s+)?[A-Z]")
_DEATH_NOUN = re.compile(r"\b(?:victims|dead|deaths|death toll|fatalities|killed|died)\b", re.I)


def assign_roles(sentence: str, base: int, counts: list[Count]) -> None:
    """Decide for each count whether it counts the killed, the injured, a breakdown or strikes."""
    prev_role = None
    prev_victims = None
    for c in counts:
        if c.role != "other":
            continue
        before = sentence[max(0, c.start - base - 170):c.start - base]
        after = _PARENTHETICAL.sub("", _OF_PHRASE.sub("", _AGE_AFTER.sub("", sentence[c.end - base:], count=1),
                                                      count=1), count=1)
        if _SUPERSEDED_BEFORE.search(before):
            c.role = "superseded"  # "updating an earlier toll of six": the latest figure stands
            continue
        if c.noun is None and _STRIKE_NOUN.match(after):
            c.role = "strikes"
            continue
        m = _BREAKDOWN_AFTER.match(after)
        if _AMONG_AFTER.match(after):
            noun = (c.noun or "").lower()  # "Two children were among 12 people killed"
            c.role = ("children" if re.match(r"child|kid|minor|boy|girl|infant|bab", noun)
                      else "women" if re.match(r"wom[ae]n", noun) else "breakdown")
        elif _BREAKDOWN_BEFORE.search(before) and prev_role is not None:
            noun = (c.noun or "").lower()
            c.role = ("children" if re.match(r"child|kid|minor|boy|girl|infant|bab", noun)
                      else "women" if re.match(r"wom[ae]n", noun) else "breakdown")
        elif m:
            c.role = "children" if m.group(1).lower() in ("children", "minors", "kids") else "women"
        elif _INJURED_BEFORE.search(before):
            c.role = "injured"
        elif _VICTIMS_INCLUDED.search(before):
            c.role = "killed"
        elif _KILLED_BEFORE.search(before):
            c.role = "killed"
            if _LEFT_BEFORE.search(before) and _killed_or_injured_after(after) == "injured":
                c.role = "injured"  # "left 60 people injured"
        elif _killed_or_injured_after(after) is not None:
            c.role = _killed_or_injured_after(after)
        elif c.noun and re.fullmatch(r"bod(?:y|ies)|corpses?", c.noun, re.I):
            c.role = "killed"
        elif c.noun is None and _BARE_COUNT_AT_PLACE.match(after) and _DEATH_NOUN.search(sentence):
            c.role = "killed"  # "the victims were distributed as follows: 8 in Kafrnabl, 5 in Heesh"
            if prev_victims:
                c.victims = prev_victims
        elif prev_role in ("killed", "injured") and (c.noun is None or c.each or re.match(r"\s*(?:in|at|,|and)\b", after)):
            c.role = prev_role  # elliptical list: "nine in A, eight in B"
            if c.noun is None and prev_victims:
                c.victims = prev_victims
        if c.role == "killed" and _KILLED_OR_INJURED.match(after):
            c.role = "casualties"  # "150 people were killed or injured": the dead and the hurt together
        if c.role in ("killed", "injured"):
            prev_role = c.role
            prev_victims = c.victims
    _join_summed_counts(sentence, base, counts)


def _join_summed_counts(sentence: str, base: int, counts: list[Count]) -> None:
    """"35 civilians and two unidentified people were killed": one toll of 37."""
    i = 0
    while i + 1 < len(counts):
        a, b = counts[i], counts[i + 1]
        gap = sentence[a.end - base:b.start - base]
        if (a.role == b.role == "killed" and a.noun and b.noun and not a.each and not b.each
                and re.fullmatch(r"\s+and\s+", gap) and a.qualifier == b.qualifier):
            a.value += b.value
            a.end = b.end
            if a.victims != b.victims:
                a.victims = "mixed" if "unknown" not in (a.victims, b.victims) else a.victims
            del counts[i + 1]
            continue
        i += 1


def _killed_or_injured_after(after: str) -> str | None:
    k = _KILLED_AFTER.match(after)
    i = _INJURED_AFTER.match(after)
    if k and i:
        return "killed" if k.end() <= i.end() else "injured"
    return "killed" if k else "injured" if i else None


# --------------------------------------------------------------------------- places

_NAME_PART = (r"(?:(?:[Aa]l|[Ee]l|[Aa][dnrstz]|[Aa]sh|[Ee][dnsz])[-‑‐'’](?:[A-Z](?:[\w`]|['’](?!s\b))*)"
              r"|[A-Z](?:[\w`]|['’](?!s\b))*(?:-[A-Za-z](?:[\w`]|['’](?!s\b))*)*)")
_NAME_JOIN = r"(?:\s+(?:al|el|ad|ar|as|ash|at|az|an|ed|es|ez|bin|ibn|bani|abu|de|du|la|le)\s+|\s+|-)"
_NAME = rf"{_NAME_PART}(?:{_NAME_JOIN}{_NAME_PART}){{0,4}}"
_NAME_RX = re.compile(_NAME)
_LIST_SEP = re.compile(r"^(?:\s*,\s*(?:and\s+|as well as\s+)?(?:the\s+)?(?:villages?\s+of\s+|towns?\s+of\s+)?|\s+and\s+(?:the\s+)?|\s*&\s*)")
_POSSESSIVE = re.compile(rf"({_NAME})['’]s\s+(?:(?:[a-z-]+)\s+){{0,2}}({_NAME})")
_AREA_AFTER = re.compile(r"\s+(?:province|governorate|oblast|region|countryside|rural|"
                         r"prefecture|state|county|territory)\b", re.I)
_AREA_BEFORE = re.compile(r"(?:\brural|countryside of|province of|governorate of|region of|oblast of|"
                          r"\b(?:north|south|east|west|northern|southern|eastern|western|central|"
                          r"north-?eastern|north-?western|south-?eastern|south-?western|northeast|northwest|"
                          r"southeast|southwest))\s+(?:the\s+)?$", re.I)
_LOCALITY_BEFORE = re.compile(r"(?:(?:village|town|city|hamlet|neighbou?rhood|camp|suburb|villages|towns|"
                              r"neighbou?rhoods)\s+of\s+(?:the\s+)?|\bcapital,?\s+|\bcapital\s+city,?\s+)$", re.I)
_LOCALITY_AFTER = re.compile(r"\s+(?:village|town|city|hamlet|neighbou?rhood|camp|suburb|district)\b", re.I)

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
    for m in (_POSSESSIVE.finditer(sentence) if "'s" in sentence or "’s" in sentence else ()):
        outer, inner = m.group(1), m.group(2)
        if _plausible(outer) and _plausible(inner):
            level = "area" if _AREA_AFTER.match(sentence, m.end(2)) else "locality"  # "Myanmar's Sagaing region"
            found[m.start(2)] = PlaceMention(m.start(2) + base, m.end(2) + base, inner, level, outer,
                                             called_locality=_called_locality(sentence, m.start(2), m.end(2)))
            found.setdefault(m.start(1), PlaceMention(m.start(1) + base, m.end(1) + base, outer, "container"))
    for m in (_NAME_KIND_NAME.finditer(sentence) if _KIND_WORDS_GATE.search(sentence) else ()):
        inner = _trim_name(m.group(2))
        if _plausible(inner) and m.start(2) not in found:  # "the Golan Heights village Tesmil"
            found[m.start(2)] = PlaceMention(m.start(2) + base, m.start(2) + len(inner) + base, inner, "locality",
                                             called_locality=True)
    dateline = dateline_end(sentence)
    members: list[int] = []  # the current list of places ("in A, B and C")
    prev_end = None
    for nm in _NAME_RX.finditer(sentence):
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
            level = "container" if _KIND_THEN_NAME.match(sentence, end) else _level(sentence, start, end)
            found[start] = PlaceMention(start + base, end + base, name, level,
                                        called_locality=_called_locality(sentence, start, end))
            members.append(start)
        prev_end = end
    _close_list(sentence, members, found)
    places = [found[k] for k in sorted(found)
              if not any(x.start < found[k].end and found[k].start < x.end for x in exclude or ())]
    _mark_containers_and_references(sentence, base, places, counts or [])
    _mark_places_not_struck(sentence, base, places)
    if _ROAD_BETWEEN.search(sentence):
        _mark_road_ends(sentence, base, places)
    return places


_ROAD_BETWEEN = re.compile(r"\b(?:road|highway|route|motorway)\s+(?:connecting|linking|between|from)\s", re.I)
_SECOND_END_BEFORE = re.compile(r"\b(?:road|highway|route|motorway)\s+(?:connecting|linking|between|from)\s+"
                                r"(?:the\s+)?[A-Z][^,;.]{0,40}?\s+(?:and|to|with)\s+(?:the\s+)?$", re.I)


def _mark_road_ends(sentence: str, base: int, places: list[PlaceMention]) -> None:
    """"on the road linking A and B": the act is placed at A, the first end; B only names the road."""
    for p in places:
        if _SECOND_END_BEFORE.search(sentence, max(0, p.start - base - 80), p.start - base):
            p.level = "reference"


# Places a sentence names but where nothing happened: where fire came from, where the teller was,
# whom the victims are ("a man from X"), or a season rather than a place ("the month of X").
_NOT_STRUCK_BEFORE = re.compile(
    r"(?:\b(?:fired|launched|carried out|came|coming|flying|originating|took off|sent|attacks?|strikes?)\s+from"
    r"|\bfrom\s+(?:the\s+)?(?:direction|side|territory|positions?|area)\s+of(?:\s+(?:the\s+)?(?:north|south|east|west)"
    r"(?:ern)?(?:\s+of)?)?"
    r"|\b(?:man|woman|men|women|boy|girl|resident|residents|native|family|people|person|soldier|fighter)s?\s+from"
    r"|\b(?:based|stationed|headquartered)\s+in"
    r"|\b(?:reporting|reports|speaking|writing|filing|broadcasting)\s+from"
    r"|\b(?:officials?|spokes(?:man|woman|person)|ministry|sources?|authorities|correspondents?|reporters?|"
    r"diplomats?|embassy|headquarters|Pentagon|envoy)\s+in"
    r"|\bmonth\s+of|\bholy\s+month|\bfestival\s+of)\s+(?:the\s+)?$", re.I)


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
province governorate region oblast area suburb camp countryside country side the""".split())
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


_PLURAL_AREA_AFTER = re.compile(r"^\s+(?:states|provinces|governorates|oblasts|regions|districts|counties)\b", re.I)
_OF_CONTAINER = re.compile(
    r"^(?:(?:\s+(?i:refugee|military|army|border|old|new|main))?"
    r"\s+(?i:area|neighbou?rhood|district|quarter|camp|village|town|local government area|municipality)s?)?,?"
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
                               r"(?:the\s+)?(?:\w+\s+)?$", re.I)


_DISTRICT_AFTER = re.compile(r"\s+(?:district|province|region|oblast|governorate|county|municipality|"
                             r"prefecture|state)\b", re.I)


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
                          r"spokesm[ae]n|office|party|loyalists)\b", re.I)


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
                            re.I)


def _called_locality(sentence: str, start: int, end: int) -> bool:
    return bool(_LOCALITY_BEFORE.search(sentence, max(0, start - 60), start) or _LOCALITY_AFTER.match(sentence, end))


def _level(sentence: str, start: int, end: int) -> str:
    window = max(0, start - 60)
    if _AROUND_BEFORE.search(sentence, window, start):
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


# --------------------------------------------------------------------------- event cues

# Cue words for each method and for acts, read from data/event_cues.tsv (most specific type first).
_TYPE_ORDER = ["drone_strike", "airstrike", "bombing", "shelling", "shooting", "ground_clash", "other"]


@dataclass(frozen=True)
class _Cues:
    words: dict[str, tuple[str, bool]]
    pairs: dict[tuple[str, str], tuple[str, bool]]
    stems: dict[str, tuple[str, bool]]
    stem_rx: re.Pattern
    mutual: frozenset


@lru_cache(maxsize=1)
def _cues() -> _Cues:
    """The cue table: word, pair or stem -> (type or "-", says an act took place)."""
    from vigil.lexicon import DATA_DIR

    words: dict = {}
    pairs: dict = {}
    stems: dict = {}
    mutual: set = set()
    for line in (DATA_DIR / "event_cues.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cue, kind, role = line.split("\t")[:3]
        value = (kind, role.strip() in ("act", "mutual"))
        if role.strip() == "mutual":
            mutual.add(cue)
        if "+" in cue:
            pairs.setdefault(tuple(cue.split("+")), value)
        elif cue.endswith("*"):
            stems.setdefault(cue[:-1], value)
        else:
            words.setdefault(cue, value)
    stem_rx = re.compile(r"\b(?:" + "|".join(map(re.escape, stems)) + r")[a-z]*")
    return _Cues(words, pairs, stems, stem_rx, frozenset(mutual))


_CUE_WORD = re.compile(r"[a-z]+")
_WORD = re.compile(r"[a-z]+")
# A clause that only sets the scene for the act: "clashed ... amid airstrikes", "backed by artillery".
_BACKGROUND = re.compile(r"\b(?:amid|amidst|accompanied by|coincid(?:ed|ing) with|backed by|supported by|covered by|"
                         r"with the (?:support|cover|help) of|under (?:the )?cover of|where|while)\b", re.I)


@lru_cache(maxsize=1)
def _cue_gate() -> tuple[frozenset[str], tuple[str, ...]]:
    """Every word that can start a cue, and every stem: a sentence with none of them has no cue."""
    cues = _cues()
    return frozenset(cues.words) | frozenset(p[0] for p in cues.pairs), tuple(cues.stems)


@lru_cache(maxsize=4096)
def cue_mentions(sentence: str) -> tuple[tuple[int, int, str, bool], ...]:
    """Every cue in the sentence: (start, end, type or "-", is an act), in text order (memoised: the
    gate, the typing and the act tests all read the same sentence)."""
    firsts, stems = _cue_gate()
    words = _words(sentence)
    if firsts.isdisjoint(words) and not any(w.startswith(stems) for w in words):
        return ()
    cues = _cues()
    lower = sentence.lower()
    toks = [(m.start(), m.end(), m.group()) for m in _CUE_WORD.finditer(lower)]
    out = []
    for i, (a, b, w) in enumerate(toks):
        if i + 1 < len(toks):
            pair = cues.pairs.get((w, toks[i + 1][2]))
            if pair:
                out.append((a, toks[i + 1][1], *pair))
                continue
        hit = cues.words.get(w)
        if hit:
            out.append((a, b, *hit))
    for m in cues.stem_rx.finditer(lower):
        stem = next(s for s in cues.stems if m.group().startswith(s))
        out.append((m.start(), m.end(), *cues.stems[stem]))
    return tuple(sorted(set(out)))


@lru_cache(maxsize=4096)
def only_mutual_acts(sentence: str) -> bool:
    """Is every act the sentence tells one that both sides fought ("clashes between A and B")?"""
    cues = _cues()
    lower = sentence.lower()
    acts = [(a, b) for a, b, _, act in cue_mentions(sentence) if act]

    def mutual(a: int, b: int) -> bool:
        word = lower[a:b]
        return (word.replace(" ", "+") in cues.mutual
                or any(word.startswith(m.rstrip("*")) and m.endswith("*") for m in cues.mutual)
                or bool(_EXCHANGED.search(lower, max(0, a - 14), a) or _EXCHANGE_AFTER.match(lower, b)))

    return bool(acts) and all(mutual(a, b) for a, b in acts)


_EXCHANGED = re.compile(r"(?:mutual|exchanged|exchange of|exchanging|traded)\s+$")  # "mutual shelling"
_EXCHANGE_AFTER = re.compile(r"\s+exchanges?\b")  # "a shelling exchange"


def has_act(sentence: str) -> bool:
    """Does the sentence tell that an act of violence took place (not only name a weapon)?"""
    return any(act for _, _, _, act in cue_mentions(sentence))


# Words that say an attack happened but not how ("strikes", "raids", "attacks", "the bombardment") are
# not listed: they never decide the type on their own.
# Words that show a sentence speaks of violence; a set lookup per word is several times faster than a regex.
_VIOLENT_WORDS = frozenset("""kill killed killing kills dead died death deaths wounded injured injuring injuries
strike strikes attack attacks attacked shelling shelled clashes massacre massacred hit targeted struck blast bodies
body raid raids victim victims toll slain executed shot fire fired fires missile missiles rocket rockets drone drones
gunman gunmen raided stormed offensive fighting battle battles assault assaults casualty casualties""".split())
_VIOLENT_STEMS = ("bomb", "explo", "shell", "bombard", "perish", "murder", "ambush", "casualt")


_CASUALTY_WORDS = frozenset("""kill killed killing kills dead died dies death deaths wounded wounding injured injuring
injuries injury hurt casualty casualties bodies body corpses victims victim toll slain executed massacre massacred
perished murdered beheaded fatalities lives neutralised neutralized neutralising neutralizing""".split())


def speaks_of_casualties(sentence: str) -> bool:
    return not _CASUALTY_WORDS.isdisjoint(_words(sentence))


@lru_cache(maxsize=256)
def _words(sentence: str) -> tuple[str, ...]:
    """The lower-case words of a sentence, shared by the word-list tests."""
    return tuple(_WORD.findall(sentence.lower()))


def is_violent(sentence: str) -> bool:
    """Does the sentence speak of violence at all? (the gate before the detailed finders)"""
    words = _words(sentence)
    if not _VIOLENT_WORDS.isdisjoint(words) or "lost their lives" in sentence.lower():
        return True
    if not _act_words().isdisjoint(words) or any(w.startswith(_act_stems()) for w in words):
        return has_act(sentence)
    return any(w.startswith(_VIOLENT_STEMS) for w in words)


@lru_cache(maxsize=1)
def _act_stems() -> tuple[str, ...]:
    return tuple(s for s, (_, act) in _cues().stems.items() if act)


@lru_cache(maxsize=1)
def _act_words() -> frozenset[str]:
    """Single words that can start an act cue: the cheap gate before reading a sentence's cues."""
    cues = _cues()
    firsts = [w for w, (_, act) in cues.words.items() if act] + [p[0] for p, (_, act) in cues.pairs.items() if act]
    return frozenset(firsts)


# Words without which a sentence holds no date: most tolls ("12 people") need no date parsing.
_DATE_TRIGGER = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\b|"
    r"\b(?i:today|tonight|yesterday|overnight|ago|earlier|later|since|past|last|this|next|previous|"
    r"hours?|days?|weeks?|months?|years?|weekend|night|morning|afternoon|evening|dawn|midnight)\b|"
    r"\b\d{4}\b|\b\d{1,2}[/.-]\d{1,2}\b")
_CEASEFIRE_CUE = re.compile(r"cease-?fire|truce|hostilities|armistice|de-?escalation|pause|halt|suspend|"
                            r"stand down|humanitarian break|cease firing", re.I)


def event_types(sentence: str) -> list[str]:
    """Types whose specific cue words occur, most specific first; generic words ("strikes") do not count.

    Cues in a scene-setting clause ("clashed with rebels amid airstrikes") count only when the act
    itself names no method."""
    cues = [c for c in cue_mentions(sentence) if c[2] != "-"]
    if not cues:
        return []
    m = _BACKGROUND.search(sentence) if len({c[2] for c in cues}) > 1 else None
    if m:
        main = [c for c in cues if c[0] < m.start()]
        if any(t != "other" for _, _, t, _ in main):
            cues = main
    found = {t for _, _, t, _ in cues}
    if "other" in {t for _, _, t, act in cues if act} and not {t for _, _, t, act in cues if act} & {"shooting"}:
        found.discard("shooting")  # "gunmen abducted a trader": the act is the abduction, not a shooting
    acts = {t for _, _, t, act in cues if act}
    if "ground_clash" in found and "shooting" not in acts:
        found.discard("shooting")  # "loyal gunmen clashed with rebels", "grenade launchers and small arms": a clash
    lower = sentence.lower()
    if found & {"bombing"} and _OBSERVED_BLASTS.search(lower) and not _BOMB_WORDS.search(lower):
        found = (found - {"bombing"}) | {"shelling"}  # "monitors recorded 40 explosions": fire, not a bomb
    return [t for t in _TYPE_ORDER if t in found and t != "other"] + (["other"] if "other" in found else [])


# Explosions counted by observers along a front are incoming fire; a bomb is named as one.
_OBSERVED_BLASTS = re.compile(r"\b(?:observed|recorded|heard|registered|counted)\b[^.;]{0,60}\bexplosions\b|"
                              r"\bexplosions\b[^.;]{0,30}\b(?:were|was)\s+(?:observed|recorded|heard)")
_BOMB_WORDS = re.compile(r"\b(?:bombs?|ied|ieds|car bomb|suicide|explosive device|landmines?|mines?|grenades?)\b")


def generic_type(sentence: str) -> str | None:
    """What a sentence with only generic words ("the bombardment") suggests, if anything."""
    words = set(_WORD.findall(sentence.lower()))
    return "shelling" if words & {"bombardment", "bombardments", "bombarded", "munition", "munitions",
                                  "projectile", "projectiles"} else None


# --------------------------------------------------------------------------- the annotated document


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    counts: list[Count] = field(default_factory=list)
    places: list[PlaceMention] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    violent: bool = False
    headline: bool = False
    actors: list = field(default_factory=list)
    sources: list = field(default_factory=list)
    countries: list = field(default_factory=list)
    dates: list = field(default_factory=list)
    memo: dict = field(default_factory=dict, repr=False)  # what extraction works out once per sentence

    @property
    def span(self) -> Span:
        return (self.start, self.end)


@dataclass
class Annotated:
    doc: Document
    sentences: list[Sentence]


def is_headline(text: str, start: int, end: int) -> bool:
    """A whole line with no closing punctuation: a headline, caption, byline or menu, not a sentence."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    whole_line = text[line_start:start].strip() == "" and text[end:line_end].strip() == ""
    return whole_line and not re.search(r"[.!?\"”'’)\]:]\s*$", text[start:end])


def annotate(doc: Document) -> Annotated:
    text = doc.text
    spans = split_sentences(text)
    # Whole-text finders run once per report; their mentions are then handed to the sentences.
    actors = _by_sentence(lexicon.find_actors(text), spans)
    sources = _by_sentence(lexicon.find_sources(text), spans)
    countries = _by_sentence(lexicon.find_countries(text), spans)
    sents = []
    for i, (a, b) in enumerate(spans):
        s = Sentence(a, b, text[a:b], actors=actors[i], sources=sources[i], countries=countries[i])
        s.violent = is_violent(s.text)
        if not (s.violent or _CEASEFIRE_CUE.search(s.text)):
            sents.append(s)  # background: only its actors and sources matter to what follows
            continue
        if _DATE_TRIGGER.search(s.text):
            s.dates = [_shift(m, a) for m in dates_mod.find_dates(s.text, doc.published)]
        if speaks_of_casualties(s.text):  # without a casualty word no count can be a toll
            s.counts = find_counts(s.text, a)
            assign_roles(s.text, a, s.counts)
        s.places = find_places(s.text, a, exclude=[c for c in s.countries if c.text != c.canonical], counts=s.counts)
        s.types = event_types(s.text)
        s.headline = is_headline(text, a, b)
        sents.append(s)
    return Annotated(doc, sents)


def _by_sentence(mentions: list, spans: list[Span]) -> list[list]:
    """Distribute document-offset mentions to the sentences that contain them."""
    starts = [a for a, _ in spans]
    out: list[list] = [[] for _ in spans]
    for m in mentions:
        i = bisect_right(starts, m.start) - 1
        if i >= 0 and m.end <= spans[i][1]:
            out[i].append(m)
    return out


def _shift(m, base: int):
    return type(m)(m.start + base, m.end + base, *(getattr(m, f) for f in _FIELDS_AFTER_SPAN[type(m)]))


class _AfterSpan(dict):
    """The fields of a mention type after `start` and `end`, looked up once per type."""

    def __missing__(self, cls):
        from dataclasses import fields

        names = tuple(f.name for f in fields(cls))[2:]
        self[cls] = names
        return names


_FIELDS_AFTER_SPAN = _AfterSpan()
