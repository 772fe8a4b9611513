"""Find temporal expressions in report text and resolve them against the publication date.

Why our own module rather than `dateparser.search_dates`: search mode returns
wrong spans ("of January 9, the"), misreads "Jan. 9" as "Jan", has no ranges
("over the past three days") and anchors relative phrases in ways the codebook
does not want; it is also slow on full text. So candidate spans come from
compiled regular expressions, relative phrases are anchored by the codebook's
rules (a weekday is the latest such day on or before publication, a month-day
the latest one on or before publication + 1 day), and dateparser is only asked
to normalise the absolute written dates that carry a year ("9th of January,
2020", "Sept. 3, 2019"), behind an lru_cache.

All functions are pure: no I/O, no global state besides caches.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Callable, Iterable, NamedTuple

__all__ = ["DateMention", "find_dates", "resolve", "PRECISIONS", "KINDS"]

PRECISIONS = ("day", "week", "month", "year")
KINDS = ("weekday", "relative", "month_day", "absolute", "range", "week", "month", "year")
PREFERENCES = ("past", "future")


@dataclass(frozen=True)
class DateMention:
    """One temporal expression: where it stands in the text and the days it denotes."""

    start: int  # char offsets into the text passed in
    end: int
    text: str
    date: dt.date | None  # the resolved day (first day of the range/week/month)
    end_date: dt.date | None  # last day for ranges, else == date
    precision: str  # "day" | "week" | "month" | "year"
    kind: str  # "weekday" | "relative" | "month_day" | "absolute" | "range" | "week" | "month" | "year"


class _Value(NamedTuple):
    """What a pattern handler resolves its match to (the span is added by the caller)."""

    date: dt.date
    end_date: dt.date
    precision: str
    kind: str


# --------------------------------------------------------------------------- lexicons

_MONTHS: dict[str, int] = {}
for _number, _name in enumerate(calendar.month_name):
    if _name:
        _MONTHS[_name.lower()] = _number
        _MONTHS[_name[:3].lower()] = _number
_MONTHS["sept"] = 9

_WEEKDAYS = {name.lower(): index for index, name in enumerate(calendar.day_name)}  # Monday = 0

_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_VAGUE_COUNTS = {"a": 1, "an": 1, "a couple of": 2, "couple of": 2, "a few": 3, "few": 3}

# ----------------------------------------------------------------------- regex pieces
# Month and weekday names are case-sensitive on purpose: "may have died" and
# "march on the capital" must not become dates. Everything else is case-insensitive.

_MONTH = (
    r"(?:(?:January|February|March|April|May|June|July|August|September|October|November|December)\b"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)(?:\.|\b))"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"(?:[12][0-9]|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d)"
_YEAR = r"(?:19|20)\d{2}(?!\d)"
_NUMBER = (
    r"(?i:\d{1,3}|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[-\s](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
    r"|seventeen|eighteen|nineteen|a\s+couple\s+of|couple\s+of|a\s+few|few|an?)"
)
_PART_OF_DAY = r"(?i:morning|afternoon|evening|night|overnight)"
# Times that attach to the day they name: "midnight on Sunday", "the night of January 9".
_TIME_PREFIX = (
    r"(?i:(?:(?:early|late)\s+)?(?:(?:midnight|dawn|noon|daybreak|overnight)\s+(?:on\s+)?"
    r"|the\s+(?:early\s+hours|small\s+hours|morning|afternoon|evening|night)\s+of\s+"
    r"|(?:early|late)\s+))"
)
_WEEKDAY_LEAD = rf"(?:{_WEEKDAY},?\s+)"
_MONTH_FIRST = rf"{_MONTH}\s*{_DAY}"  # "January 9", "Jan. 9th"
_DAY_FIRST = rf"(?i:the\s+)?{_DAY}(?:\s+of)?\s+{_MONTH}"  # "9 January", "the 9th of January"
_YEAR_TAIL = rf",?\s+{_YEAR}"
_RANGE_JOIN = r"\s*(?:-|–|(?i:and|to|until|till|through|thru))\s*"
# Words after "in 2000" that show the number is a count, not a year.
_COUNT_NOUNS = r"(?i:people|persons|civilians|deaths|dead|killed|casualties|fighters|soldiers|children|families|homes|houses|strikes|raids|attacks|troops)"


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# ---------------------------------------------------------------------- small helpers


def _count(word: str) -> int | None:
    """Number words and digits as they occur in time phrases ("three", "twenty-four", "24", "a few")."""
    w = re.sub(r"\s+", " ", word.strip().lower())
    if w.isdigit():
        return int(w)
    if w in _VAGUE_COUNTS:
        return _VAGUE_COUNTS[w]
    if w in _UNITS:
        return _UNITS[w]
    parts = re.split(r"[-\s]", w)
    if parts[0] in _TENS:
        return _TENS[parts[0]] + (_UNITS.get(parts[1], 0) if len(parts) > 1 else 0)
    return None


def _month_number(token: str) -> int:
    key = token.rstrip(".").lower()
    return _MONTHS.get(key) or _MONTHS[key[:3]]


def _day_number(token: str) -> int:
    return int(re.match(r"\d+", token).group())  # type: ignore[union-attr]


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _monday(day: dt.date) -> dt.date:
    """ISO weeks start on Monday; week-precision dates use that first day."""
    return day - dt.timedelta(days=day.weekday())


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _month_start(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _point(day: dt.date, precision: str, kind: str) -> _Value:
    return _Value(day, day, precision, kind)


# ------------------------------------------------------------------ anchoring rules


def _anchor_weekday(weekday: int, published: dt.date, prefer: str, modifier: str = "") -> dt.date:
    """A weekday is the latest such day on or before publication ("said Tuesday" on a Tuesday = that day).

    "last Friday" is the latest one strictly before; "next Friday" and future-tense
    sentences ("from midnight on Sunday") take the nearest one on or after.
    """
    back = (published.weekday() - weekday) % 7
    ahead = (weekday - published.weekday()) % 7
    if modifier == "last":
        return published - dt.timedelta(days=back or 7)
    if modifier == "next":
        return published + dt.timedelta(days=ahead or 7)
    if prefer == "future":
        return published + dt.timedelta(days=ahead)
    return published - dt.timedelta(days=back)


def _anchor_month_day(month: int, day: int, published: dt.date, prefer: str) -> dt.date | None:
    """A month-day without a year is the latest one on or before publication + 1 day.

    Reports written late in the day sometimes date events by the next morning, hence
    the one-day grace. With prefer="future" the date may fall after publication: the
    occurrence nearest to the publication date is taken, so a future-tense sentence that
    also names a recent past day ("announced on January 10 a truce that would start on
    January 12") keeps both in the same year.
    """
    candidates = [d for y in range(published.year - 8, published.year + 2) if (d := _safe_date(y, month, day))]
    if not candidates:
        return None
    if prefer == "future":
        return min(candidates, key=lambda d: (abs((d - published).days), -d.toordinal()))
    limit = published + dt.timedelta(days=1)
    past = [d for d in candidates if d <= limit]
    return past[-1] if past else None


def _anchor_month(month: int, published: dt.date, prefer: str, modifier: str = "") -> dt.date:
    """A month name alone is its latest start on or before publication ("in December" in January = last year)."""
    year = published.year
    if modifier == "last":
        year = year if month < published.month else year - 1
    elif modifier == "next":
        year = year if month > published.month else year + 1
    elif prefer == "future":
        options = [(y, abs((y * 12 + month) - (published.year * 12 + published.month))) for y in (year - 1, year, year + 1)]
        year = min(options, key=lambda o: (o[1], -o[0]))[0]
    elif month > published.month:
        year -= 1
    return _month_start(year, month)


# ------------------------------------------------------------- dateparser for absolutes


@lru_cache(maxsize=4096)
def _parse_absolute(phrase: str, parts: tuple[str, ...]) -> dt.date | None:
    """Normalise a written date that carries its own year, with dateparser.

    Cached on the phrase: the same few spellings recur across thousands of reports,
    and dateparser costs about half a millisecond per call.
    """
    import dateparser  # local import: keeps `import vigil.dates` cheap

    parsed = dateparser.parse(
        phrase,
        languages=["en"],
        settings={"REQUIRE_PARTS": list(parts), "PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False},
    )
    return parsed.date() if parsed else None


def _clean_for_parser(phrase: str) -> str:
    """Drop the leading weekday and time words that dateparser does not need."""
    phrase = re.sub(rf"^(?:{_TIME_PREFIX})?{_WEEKDAY_LEAD}?", "", phrase)
    return re.sub(r"\s+", " ", phrase).strip()


# ------------------------------------------------------------------ pattern handlers

Handler = Callable[[re.Match[str], dt.date, str], "_Value | None"]


def _absolute_written(m: re.Match[str], published: dt.date, prefer: str) -> _Value | None:
    day = _parse_absolute(_clean_for_parser(m.group("s")), ("day", "month", "year"))
    return _point(day, "day", "absolute") if day else None


def _absolute_numeric(m: re.Match[str], published: dt.date, prefer: str) -> _Value | None:
    """Numeric dates: ISO always; dd/mm/yyyy only when day and month cannot be swapped."""
    if m.group("iso_y"):
        day = _safe_date(int(m.group("iso_y")), int(m.group("iso_m")), int(m.group("iso_d")))
        return _point(day, "day", "absolute") if day else None
    first, second, year = int(m.group("a")), int(m.group("b")), int(m.group("y"))
    if first == second:
        day = _safe_date(year, first, first)
    elif first > 12 >= second:
        day = _safe_date(year, second, first)
    elif second > 12 >= first:
        day = _safe_date(year, first, second)
    else:
        return None  # 09/01/2020: 9 January or September 1? Refuse to guess.
    return _point(day, "day", "absolute") if day else None


def _month_day(m: re.Match[str], published: dt.date, prefer: str) -> _Value | None:
    month = _month_number(m.group("mon") or m.group("mon2"))
    day = _anchor_month_day(month, _day_number(m.group("day") or m.group("day2")), published, prefer)
    return _point(day, "day", "month_day") if day else None


def _month_year(m: re.Match[str], published: dt.date, prefer: str) -> _Value | None:
    first = _parse_absolute(_clean_for_parser(m.group("s")), ("month", "year"))
    if not first:
        return None
    return _point(first, "month", "month")


def _month_only(m: re.Match[str], published: dt.date, prefer: str) -> _Value:
    modifier = (m.groupdict().get("mod") or "").lower()
    return _point(_anchor_month(_month_number(m.group("mon")), published, prefer, modifier), "month", "month")


def _year_only(m: re.Match[str], published: dt.date, prefer: str) -> _Value:
    return _point(dt.date(int(m.group("y")), 1, 1), "year", "year")


def _weekday(m: re.Match[str], published: dt.date, prefer: str) -> _Value:
    modifier = (m.group("mod") or "").lower().split()[-1:] or [""]
    modifier_word = {"past": "last", "last": "last", "next": "next", "coming": "next"}.get(modifier[0], "")
    day = _anchor_weekday(_WEEKDAYS[m.group("wd").lower()], published, prefer, modifier_word)
    return _point(day, "day", "weekday")


def _today(m: re.Match[str], published: dt.date, prefer: str) -> _Value:
    return _point(published, "day", "relative")


def _yesterday(m: re.Match[str], published: dt.date, prefer: str) -> _Value:
    return _point(published - dt.timedelta(days=1), "day", "relative")


def _day_before_yesterday(m: re.Match[str], published: dt.date, prefer: str) -> _Value:
    return _point(published - dt.timedelta(days=2), "day", "relative")


def _units_ago(m: re.Match[str], published: dt.date, prefer: str) -> _Value | None:
    """"two days ago", "three days earlier", "a week ago", "two months ago"."""
    n = _count(m.group("n"))
    if n is None:
        return None
    unit = m.group("u").lower().rstrip("s")
    if unit == "hour":
        return _point(published - dt.timedelta(days=-(-n // 24)), "day", "relative")
    if unit == "day":
        return _point(published - dt.timedelta(days=n), "day", "relative")
    if unit == "week":
        return _point(published - dt.timedelta(days=7 * n), "week", "relative")
    if unit == "month":
        return _point(_month_start(*_shift_month(published.year, published.month, -n)), "month", "month")
    return _point(dt.date(published.year - n, 1, 1), "year", "year")


def _calendar_unit(m: re.Match[str], published: dt.date, prefer: str) -> _Value:
    """"last week", "earlier this month", "this year": the first day of that calendar unit."""
    step = {"last": -1, "previous": -1, "this": 0, "next": 1}[m.group("rel").lower()]
    unit = m.group("u").lower()
    if unit == "week":
        return _point(_monday(published) + dt.timedelta(weeks=step), "week", "week")
    if unit == "month":
        return _point(_month_start(*_shift_month(published.year, published.month, step)), "month", "month")
    return _point(dt.date(published.year + step, 1, 1), "year", "year")


def _weekend(m: re.Match[str], published: dt.date, prefer: str) -> _Value:
    """"over the weekend": the latest Saturday–Sunday that has started by publication."""
    saturday = published - dt.timedelta(days=(published.weekday() - 5) % 7)
    rel = (m.group("rel") or "").lower()
    if rel == "last" and published.weekday() >= 5:
        saturday -= dt.timedelta(days=7)
    elif rel == "next" or (prefer == "future" and rel != "last" and published.weekday() < 5):
        saturday += dt.timedelta(days=7)
    return _Value(saturday, saturday + dt.timedelta(days=1), "day", "range")


def _past_period(m: re.Match[str], published: dt.date, prefer: str) -> _Value | None:
    """"over the past three days", "in the last 24 hours": a range ending at publication."""
    n = _count(m.group("n")) if m.group("n") else 1  # "the past week": one unit
    if n is None:
        return None
    unit = (m.group("u") or m.group("u1")).lower().rstrip("s")
    if unit == "hour":
        return _Value(published - dt.timedelta(days=-(-n // 24)), published, "day", "range")
    if unit == "day":
        return _Value(published - dt.timedelta(days=n), published, "day", "range")
    if unit == "week":
        return _Value(published - dt.timedelta(days=7 * n), published, "week", "range")
    if unit == "month":
        year, month = _shift_month(published.year, published.month, -n)
        start = _safe_date(year, month, published.day) or _month_end(year, month)
        return _Value(start, published, "month", "range")
    return _Value(_safe_date(published.year - n, published.month, published.day) or dt.date(published.year - n, 2, 28),
                  published, "year", "range")


def _split_month_day(phrase: str) -> tuple[int | None, int, int | None]:
    """(month, day, year) of one end of a range; month is None for a bare day number ("9")."""
    mon = re.search(_MONTH, phrase)
    day = _day_number(re.search(r"\d{1,2}(?!\d{2})", phrase).group())  # type: ignore[union-attr]
    year = re.search(_YEAR, phrase)
    return (_month_number(mon.group()) if mon else None), day, (int(year.group()) if year else None)


def _latest_on_or_before(month: int, day: int, limit: dt.date) -> dt.date | None:
    for year in range(limit.year, limit.year - 8, -1):
        candidate = _safe_date(year, month, day)
        if candidate and candidate <= limit:
            return candidate
    return None


def _month_day_range(m: re.Match[str], published: dt.date, prefer: str) -> _Value | None:
    """"between January 5 and 9", "from 28 December to 3 January", "January 5-9, 2020".

    The end is anchored like any month-day (or taken as written when a year is given);
    the start is the latest such day on or before the end, so a range may cross New Year.
    """
    a_month, a_day, a_year = _split_month_day(m.group("a"))
    b_month, b_day, b_year = _split_month_day(m.group("b"))
    month_end = b_month or a_month
    month_start = a_month or b_month
    if month_end is None or month_start is None:
        return None
    written_year = m.groupdict().get("y")
    year = b_year or a_year or (int(written_year) if written_year else None)
    end = _safe_date(year, month_end, b_day) if year else _anchor_month_day(month_end, b_day, published, prefer)
    if end is None:
        return None
    start = _safe_date(a_year, month_start, a_day) if a_year else _latest_on_or_before(month_start, a_day, end)
    if start is None or start > end:
        return None
    return _Value(start, end, "day", "range")


def _year_range(m: re.Match[str], published: dt.date, prefer: str) -> _Value | None:
    """"between 2011 and 2019": from the first day of the first year to the last day of the second."""
    first, last = int(m.group("a")), int(m.group("b"))
    if first > last:
        return None
    return _Value(dt.date(first, 1, 1), dt.date(last, 12, 31), "year", "range")


def _weekday_range(m: re.Match[str], published: dt.date, prefer: str) -> _Value:
    """"from Friday to Sunday": anchor the end like a weekday, the start is the one before it."""
    end = _anchor_weekday(_WEEKDAYS[m.group("b").lower()], published, prefer)
    start = end - dt.timedelta(days=(end.weekday() - _WEEKDAYS[m.group("a").lower()]) % 7)
    return _Value(start, end, "day", "range")


# ------------------------------------------------------------------------ patterns


class _Pattern(NamedTuple):
    regex: re.Pattern[str]
    handler: Handler


# "the last week of December" is part of a month, not a period ending at publication.
_OF_CALENDAR = rf"\s+(?i:of)\s+(?:{_MONTH}|(?i:(?:the|this|last|that|next)\s+(?:month|year))|{_YEAR})"
_CUE_MONTH = r"(?i:in|on|during|since|until|till|by|from|through|throughout|before|after|of|as\s+of)"
# Month names that are never verbs or first names may stand bare at the start of a text.
_UNAMBIGUOUS_MONTH = r"(?:January|February|July|September|October|November|December)\b"
_CUE_YEAR = r"(?i:in|during|since|until|till|by|through|throughout|before|after|of|as\s+of)"

_PATTERNS: tuple[_Pattern, ...] = (
    # Ranges first (the longest match wins anyway; order only breaks ties).
    _Pattern(_rx(rf"(?P<s>(?i:between|from)\s+(?P<a>(?:{_MONTH_FIRST}|{_DAY_FIRST})(?:{_YEAR_TAIL})?|{_DAY})"
                 rf"{_RANGE_JOIN}(?P<b>(?:{_MONTH_FIRST}|{_DAY_FIRST})(?:{_YEAR_TAIL})?|{_DAY}(?!\s*%)(?!\s+{_COUNT_NOUNS})))"),
             _month_day_range),
    _Pattern(_rx(rf"(?P<s>(?P<a>{_MONTH_FIRST})\s*[-–]\s*(?P<b>{_DAY})(?:,?\s+(?P<y>{_YEAR}))?)"), _month_day_range),
    _Pattern(_rx(rf"(?P<s>(?P<a>{_DAY})\s*[-–]\s*(?P<b>{_DAY_FIRST})(?:,?\s+(?P<y>{_YEAR}))?)"), _month_day_range),
    _Pattern(_rx(rf"(?P<s>(?i:between|from)\s+(?P<a>{_WEEKDAY})\s+(?i:and|to|until|till|through)\s+(?P<b>{_WEEKDAY}))"),
             _weekday_range),
    _Pattern(_rx(rf"(?P<s>(?i:between|from)\s+(?P<a>{_YEAR})\s*(?:-|–|(?i:and|to|until|till|through))\s*(?P<b>{_YEAR}))"),
             _year_range),
    _Pattern(_rx(r"(?P<s>(?i:(?:(?:over|in|during|for|within|throughout)\s+)?the\s+(?:past|last|previous)\s+)"
                 rf"(?:(?P<n>{_NUMBER})\s+(?P<u>(?i:hours?|days?|weeks?|months?|years?))"
                 rf"|(?P<u1>(?i:week|month|year)))(?!{_OF_CALENDAR}))"), _past_period),
    _Pattern(_rx(r"(?P<s>(?i:(?:over|during|at|on)\s+the|(?P<rel>last|this|next))\s+(?i:weekend))\b"), _weekend),
    # Absolute dates with a year.
    _Pattern(_rx(rf"(?P<s>(?:{_TIME_PREFIX})?{_WEEKDAY_LEAD}?(?:{_MONTH_FIRST}|{_DAY_FIRST}){_YEAR_TAIL})"),
             _absolute_written),
    _Pattern(_rx(r"(?<![\d/.-])(?P<s>(?P<iso_y>(?:19|20)\d{2})-(?P<iso_m>0?[1-9]|1[0-2])-(?P<iso_d>0?[1-9]|[12]\d|3[01])"
                 r"|(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<y>(?:19|20)\d{2}))(?![\d/.-]\d)"), _absolute_numeric),
    _Pattern(_rx(rf"(?P<s>(?:{_TIME_PREFIX})?{_WEEKDAY_LEAD}?(?:(?P<mon>{_MONTH})\s*(?P<day>{_DAY})"
                 rf"|(?i:the\s+)?(?P<day2>{_DAY})(?:\s+of)?\s+(?P<mon2>{_MONTH})))"), _month_day),
    _Pattern(_rx(rf"(?P<s>{_MONTH},?\s+{_YEAR})"), _month_year),
    _Pattern(_rx(rf"(?:\b{_CUE_MONTH}\s+|^(?={_UNAMBIGUOUS_MONTH}))(?P<s>(?:(?P<mod>(?i:last|this|next|early|late|mid))[-\s]+)?(?P<mon>{_MONTH}))"
                 r"(?!\s*\d)"), _month_only),
    _Pattern(_rx(rf"(?P<s>(?i:early|late|mid)-?\s*(?P<mon>{_MONTH}))(?!\s*\d)"), _month_only),
    _Pattern(_rx(rf"(?:\b{_CUE_YEAR}\s+)(?P<s>(?:(?i:early|late|mid)[-\s]+)?(?P<y>{_YEAR}))(?![-/.,]\d)(?!\s+{_COUNT_NOUNS})"),
             _year_only),
    _Pattern(_rx(rf"\b(?P<s>(?i:early|late|mid)-?\s*(?P<y>{_YEAR}))(?![-/.,]\d)"), _year_only),
    # Relative days.
    _Pattern(_rx(r"\b(?P<s>(?i:(?:earlier|later|early|late)\s+(?:today|tonight)|today|tonight"
                 r"|this\s+(?:morning|afternoon|evening)))\b"), _today),
    _Pattern(_rx(r"\b(?P<s>(?i:the\s+day\s+before\s+yesterday))\b"), _day_before_yesterday),
    _Pattern(_rx(rf"\b(?P<s>(?i:(?:(?:early|late)\s+)?yesterday(?:\s+{_PART_OF_DAY})?|(?:(?:early|late)\s+)?last\s+night"
                 r"|overnight))\b"), _yesterday),
    _Pattern(_rx(rf"\b(?P<s>(?P<n>{_NUMBER})\s+(?P<u>(?i:hours?|days?|weeks?|months?|years?))\s+(?i:ago|earlier))\b"),
             _units_ago),
    _Pattern(_rx(r"\b(?P<s>(?i:(?:(?:earlier|later|early|late)\s+)?(?P<rel>last|this|next|previous)\s+(?P<u>week|month|year)))\b"
                 rf"(?!{_OF_CALENDAR})"), _calendar_unit),
    # Weekdays.
    _Pattern(_rx(rf"(?P<s>(?:{_TIME_PREFIX})?(?:(?P<mod>(?i:last|this\s+past|past|this|next|this\s+coming|coming))\s+)?"
                 rf"(?P<wd>{_WEEKDAY})(?:\s+{_PART_OF_DAY})?)\b"), _weekday),
)


_SINCE = re.compile(r"(?i:\b(?:ever\s+)?since)\s+$")
_TRIGGER = re.compile(
    rf"\d|{_MONTH}|{_WEEKDAY}|(?i:today|tonight|yesterday|night|overnight|morning|afternoon|evening"
    r"|day|hour|week|month|year|ago|earlier)"
)


# ---------------------------------------------------------------------------- API


def _candidates(text: str, published: dt.date, prefer: str) -> Iterable[tuple[int, int, int, _Value]]:
    """Every pattern's matches, resolved, as (start, end, pattern order, value)."""
    for order, pattern in enumerate(_PATTERNS):
        for m in pattern.regex.finditer(text):
            start, end = m.span("s")
            if start == end:
                continue
            value = pattern.handler(m, published, prefer)
            if value is not None:
                yield start, end, order, value


def _non_overlapping(cands: Iterable[tuple[int, int, int, _Value]]) -> list[tuple[int, int, _Value]]:
    """Keep the longest candidates that do not overlap each other, in text order."""
    chosen: list[tuple[int, int, _Value]] = []
    for start, end, _order, value in sorted(cands, key=lambda c: (c[0] - c[1], c[2], c[0])):
        if all(end <= s or start >= e for s, e, _ in chosen):
            chosen.append((start, end, value))
    return sorted(chosen, key=lambda c: c[0])


def _apply_since(text: str, start: int, value: _Value, published: dt.date) -> tuple[int, _Value]:
    """"since January 9" is a range from that day to publication; the span takes in "since"."""
    if value.kind == "range":
        return start, value
    lead = _SINCE.search(text, max(0, start - 16), start)
    if not lead:
        return start, value
    return lead.start(), _Value(value.date, max(published, value.end_date), value.precision, "range")


def _as_date(published: dt.date | dt.datetime) -> dt.date:
    return published.date() if isinstance(published, dt.datetime) else published


def find_dates(text: str, published: dt.date, prefer: str = "past") -> list[DateMention]:
    """All date mentions in `text`, in text order and non-overlapping, resolved against `published`.

    `prefer="future"` is for sentences in the future tense ("the truce would start on
    January 12"): weekdays then fall on or after publication and month-days take the
    nearest occurrence. The caller decides by tense; the default is the past.
    """
    if prefer not in PREFERENCES:
        raise ValueError(f"prefer must be one of {PREFERENCES}, not {prefer!r}")
    if not _TRIGGER.search(text):
        return []
    published = _as_date(published)
    mentions = []
    for start, end, value in _non_overlapping(_candidates(text, published, prefer)):
        start, value = _apply_since(text, start, value, published)
        mentions.append(DateMention(start, end, text[start:end], *value))
    return mentions


def resolve(phrase: str, published: dt.date, prefer: str = "past") -> DateMention | None:
    """The one date a short phrase denotes ("last Friday", "over the past three days"), or None.

    When the phrase holds more than one mention, the longest wins (offsets are into `phrase`).
    """
    mentions = find_dates(phrase, published, prefer)
    if not mentions:
        return None
    return max(mentions, key=lambda m: (m.end - m.start, -m.start))
