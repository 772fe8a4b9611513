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
from dataclasses import dataclass, field, replace

from vigil import dates as dates_mod
from vigil import lexicon
from vigil.model import Document, Span
from vigil.annotate.counts import (Count, _number_value, assign_roles, find_counts)  # noqa: F401
from vigil.annotate.cues import (_CEASEFIRE_CUE, _DATE_TRIGGER, cue_mentions, event_types, generic_type,  # noqa: F401
                                 has_act, is_violent, only_mutual_acts, speaks_of_casualties)
from vigil.annotate.places import PlaceMention, dateline_end, find_places  # noqa: F401
from vigil.annotate.sentences import _word_file, split_sentences  # noqa: F401


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
    if _BULLET.match(text, start):
        return False  # "- Tesmil: two killed": a bullet line is text like any other (decision f)
    return whole_line and not re.search(r"[.!?\"”'’)\]:]\s*$", text[start:end])


_BULLET = re.compile(r"[-•*–—▪●]\s")


# Unicode spaces become plain ones, one character for one so that offsets hold: the finders' keyword
# patterns are compiled ASCII-only (re.A, much faster), where `\s` is an ASCII space.
_SPACES = {c: " " for c in (0xA0, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000)}


def annotate(doc: Document) -> Annotated:
    if not doc.text.isascii() and (plain := doc.text.translate(_SPACES)) != doc.text:
        doc = replace(doc, text=plain)
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
        s.places = find_places(s.text, a, exclude=not_places(s), counts=s.counts)
        s.types = event_types(s.text)
        s.headline = is_headline(text, a, b)
        sents.append(s)
    return Annotated(doc, sents)


_GROUPS = ("rebel", "jihadist", "militia")


def not_places(s: Sentence) -> list:
    """Mentions of a sentence that are never its places: nationality words ("Ukrainian"), and named armed
    groups, whose names often hold a region ("Ahrar al-Sham": not a place called "Ahrar al-Sham")."""
    return [c for c in s.countries if c.text != c.canonical] + [m for m in s.actors if m.category in _GROUPS]


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
