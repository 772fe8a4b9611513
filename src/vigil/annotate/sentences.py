"""Sentences: split a report at line breaks and at full stops that close a sentence; word files."""
from __future__ import annotations

import re

from vigil import lexicon
from vigil.model import Span

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


