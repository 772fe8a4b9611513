"""Stand-in date resolver (replaced by the full module)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_WD = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december"]


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    date: date | None
    end_date: date | None
    precision: str
    kind: str


_RX = re.compile(r"\b(?:(yesterday|last night|overnight)|(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
                 r"|(January|February|March|April|May|June|July|August|September|October|November|December)\s+(\d{1,2})\b)")


def find_dates(text: str, published: date, prefer: str = "past") -> list[DateMention]:
    out = []
    for m in _RX.finditer(text):
        if m.group(1):
            d = published - timedelta(days=1)
        elif m.group(2):
            wd = _WD.index(m.group(2).lower())
            d = published - timedelta(days=(published.weekday() - wd) % 7)
        else:
            mo = _MONTHS.index(m.group(3).lower()) + 1
            try:
                d = date(published.year, mo, int(m.group(4)))
            except ValueError:
                continue
            if prefer == "past" and d > published + timedelta(days=1):
                d = date(published.year - 1, mo, int(m.group(4)))
        out.append(DateMention(m.start(), m.end(), m.group(), d, d, "day", "day"))
    return out
