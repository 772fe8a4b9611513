"""Which places in a sentence get incidents, and which counts belong to which place."""
from __future__ import annotations

import re
from functools import lru_cache

from vigil.annotate import Count, PlaceMention, Sentence
from vigil.geo.names import merge_key as _fold

# --------------------------------------------------------------------------- places

_ORG_WORDS = re.compile(r"\b(?:Group|Coordination|Network|Observatory|Council|Committee|Front|Army|Forces|Ministry|"
                        r"Agency|Organi[sz]ation|Union|Party|Movement|Brigades?|Battalion|Media|News|Center|Centre|"
                        r"Office|Department|Command|Authority|Coalition|Nations|Defen[cs]e|Crescent|Cross|Street|"
                        r"Road|Highway|Hospital|School|Mosque|Church|University|Airport|Base|Prison|Square|Market|"
                        r"Bridge|Station|Square)\b")

@lru_cache(maxsize=65536)
def is_admin1(name: str) -> bool:
    """A province name as written ("Idleb", "Hasaka"), not a village that merely resembles one ("Rakaya")."""
    from rapidfuzz import fuzz

    from vigil.geo import admin1_of

    words = name.split()
    if len(words) > 1 and words[-1][:1].isupper() and words[-1].lower() in _province_unit_words():
        return True  # "Lorvan Region", "Varsk Oblast": the name says what it is
    found = admin1_of(name)
    # "Kharkiv" (the city) is not "Kharkiv Oblast": only a name written as the province counts.
    return bool(found) and fuzz.ratio(_fold(name), _fold(found)) >= 85


@lru_cache(maxsize=1)
def _province_unit_words() -> frozenset[str]:
    from vigil.annotate import _word_file

    return _word_file("province_unit_words.txt")


def _overlaps(a_start: int, a_end: int, spans) -> bool:
    return any(m.start < a_end and a_start < m.end for m in spans)


def _city_named_for_its_government(p: PlaceMention, s: Sentence) -> bool:
    """"near the capital Damascus": a capital that the lexicon also reads as a government is a place."""
    return any(m.start == p.start and m.end == p.end and m.text != m.canonical for m in s.actors) \
        and _in_gazetteer(p.name, None)


def incident_places(s: Sentence) -> tuple[list[PlaceMention], list[PlaceMention]]:
    """(places that get incidents, areas that only contain them)."""
    localities, areas = [], []
    for p in s.places:
        if p.level in ("reference", "elsewhere"):
            continue
        if p.level == "container" or _ORG_WORDS.search(p.name):
            areas.append(p)
            continue
        if (_overlaps(p.start, p.end, s.actors) or _overlaps(p.start, p.end, s.sources)) \
                and not _city_named_for_its_government(p, s):
            continue  # "Hezbollah", "the Observatory"
        if _overlaps(p.start, p.end, s.countries) and not p.container:
            areas.append(p)
            continue
        if p.level == "area" or (is_admin1(p.name) and not p.called_locality) or _trailing_province(p, s):
            areas.append(p)
        else:
            localities.append(p)
    return localities, areas


_AFTER_A_PLACE = re.compile(r"[\w)]\s*,\s*$")
_CLOSES = re.compile(r"\s*(?:[.;)\]]|$)")


def _trailing_province(p: PlaceMention, s: Sentence) -> bool:
    """"in the area of Varsk, Lorvan." / "(Gorzan LGA, Lorvan)": a province named after a place, closing
    the phrase, only says where the place is, even when a city bears the province's name."""
    from vigil.geo import admin1_of

    at, end = p.start - s.start, p.end - s.start
    return (bool(_CLOSES.match(s.text, end)) and bool(_AFTER_A_PLACE.search(s.text, max(0, at - 40), at))
            and any(o.end <= p.start and _AFTER_A_PLACE.fullmatch(s.text, o.end - s.start - 1, at)
                    for o in s.places) and admin1_of(p.name) is not None)


# --------------------------------------------------------------------------- pairing counts with places


# "Mogadishu, Somalia", "Dahyan market in Saada province", "Kale in Myanmar's Sagaing region"
_APPOSITIVE_GAP = re.compile(r",\s*(?:the\s+)?|(?:\s+[a-z]+){0,2}\s+in\s+(?:the\s+)?(?:[A-Z][\w-]*['’]s\s+)?(?:[a-z-]+\s+)?")


def _toll_blockers(s: Sentence, areas: list[PlaceMention], places: list[PlaceMention]) -> list:
    """Regions and countries that can hold a toll themselves ("seven civilians in Ukraine")."""
    out = [a for a in areas if a.level == "area" and a not in places]
    containers = [p for p in s.places if p.level == "container"]
    for c in s.countries:
        if re.match(r"['’]s\s+[a-z]", s.text[c.end - s.start:]):
            continue  # "the deadliest attack in Somalia's history"
        if c.text == c.canonical and not any(p.start <= c.start < p.end for p in places + containers):
            out.append(PlaceMention(c.start, c.end, c.text, "area"))
    # "in Mogadishu, Somalia" / "in Hilla in Babil": the region only locates the place before it
    return [b for b in out if not any(_APPOSITIVE_GAP.fullmatch(s.text, p.end - s.start, b.start - s.start)
                                      for p in places if p.end <= b.start)]


def _groups(sentence: str, base: int, places: list[PlaceMention]) -> list[list[PlaceMention]]:
    """Places joined only by commas/'and' form one list ("in Jidarya and Kafr Nahaada")."""
    groups: list[list[PlaceMention]] = []
    for p in places:
        if groups:
            gap = sentence[groups[-1][-1].end - base:p.start - base]
            if re.fullmatch(r"\s*(?:,\s*)?(?:and\s+|as well as\s+|&\s*)?(?:the\s+)?(?:\w+\s+of\s+)?", gap):
                groups[-1].append(p)
                continue
        groups.append([p])
    return groups


def pair_counts(s: Sentence, places: list[PlaceMention], role: str,
                blockers: list | None = None) -> tuple[dict[int, Count], list[Count]]:
    """Map place index -> its count of `role`, and the counts that belong to no single place.

    `blockers` are regions and countries named in the sentence: a toll given "in Ukraine" is a total,
    even when a city follows later in the sentence."""
    counts = [c for c in s.counts if c.role == role]
    if not counts:
        return {}, []
    text, base = s.text, s.start
    others = [c for c in s.counts if c.role == role]
    blocked = {id(b) for b in blockers or []}
    groups = _groups(text, base, sorted(places + list(blockers or []), key=lambda p: p.start))
    index = {id(p): i for i, p in enumerate(places)}
    assigned: dict[int, Count] = {}
    unassigned: list[Count] = []
    for c in counts:
        target = _group_after(c, groups, others) or _group_before(c, groups, others, text, base)
        if target is not None and any(id(p) in blocked for p in target):
            target = None  # the toll belongs to a region or country
        if target is None:
            unassigned.append(c)
            continue
        if len(target) > 1 and not c.each:
            unassigned.append(c)  # one toll for several places: a total
            continue
        free = [p for p in target if index[id(p)] not in assigned]
        if not free:
            unassigned.append(c)
            continue
        for p in free if c.each else free[:1]:
            assigned[index[id(p)]] = c
    return assigned, unassigned


def _group_after(c: Count, groups, others) -> list[PlaceMention] | None:
    for g in groups:
        if g[0].start >= c.end:
            between = [o for o in others if c.end <= o.start < g[0].start]
            return None if between else g
    return None


def _group_before(c: Count, groups, others, text: str, base: int) -> list[PlaceMention] | None:
    for g in reversed(groups):
        if g[-1].end <= c.start:
            between = [o for o in others if g[-1].end <= o.start < c.start]
            if between:
                return None
            # "In Balkh, militants ... killed seven" - only across one clause
            gap = text[g[-1].end - base:c.start - base]
            return g if len(gap) < 120 and ";" not in gap else None
    return None


# --------------------------------------------------------------------------- context carried between sentences


def _in_gazetteer(name: str, country: str | None) -> bool:
    from vigil.geo import known_place

    return known_place(name, country=country)
