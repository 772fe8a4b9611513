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
from dataclasses import dataclass
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

_MONTHS: dict[str, int] = {
    **{name.lower(): index for index, name in enumerate(calendar.month_name) if name},
    **{name[:3].lower(): index for index, name in enumerate(calendar.month_name) if name},
    "sept": 9,
}

_WEEKDAYS = {name.lower(): index for index, name in enumerate(calendar.day_name)}  # Monday = 0

_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_VAGUE_COUNTS = {"a": 1, "an": 1, "a couple of": 2, "couple of": 2, "a few": 3, "few": 3}

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


@lru_cache(maxsize=4096)
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


# ----------------------------------------------------------------------- regex pieces
# Speed: each rule is a "core" regex that starts with a flat alternation of literal
# words (which Python's engine scans for quickly), plus an optional "left" regex,
# anchored at the core with \Z and searched only in a short window before it, for
# the words that may lead into the phrase ("midnight on", "last", "the 9th of").
# Month and weekday names are case-sensitive on purpose: "may have died" and
# "march on the capital" must not become dates.


def _flat(*words: str) -> str:
    """A literal alternation, longest first so "January" wins over "Jan"."""
    return "(?:" + "|".join(sorted(set(words), key=len, reverse=True)) + ")"


def _both_cases(*words: str) -> tuple[str, ...]:
    """The words as written and with a capital, for sentence starts (keeps the core a flat literal list)."""
    return words + tuple(w[:1].upper() + w[1:] for w in words)


_MONTH_WORDS = tuple(calendar.month_name[1:]) + ("Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sept", "Sep", "Oct", "Nov", "Dec")
# The period belongs to abbreviations only ("Jan. 9"), not to a sentence ending "in May."
_MONTH = rf"{_flat(*_MONTH_WORDS)}(?:(?:(?<=Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)|(?<=Sept))\.|\b)"
_WEEKDAY = _flat(*calendar.day_name)
_DAY = r"(?:[12][0-9]|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d)"
_YEAR = r"(?:19|20)\d{2}(?!\d)"
_NUMBER = (
    r"(?i:\d{1,3}|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[-\s](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
    r"|seventeen|eighteen|nineteen|a\s+couple\s+of|couple\s+of|a\s+few|few|an?)"
)
_UNIT_WORDS = ("hours", "hour", "days", "day", "weeks", "week", "months", "month", "years", "year")
_PART_OF_DAY = r"(?i:morning|afternoon|evening|night|overnight)"
# Times that attach to the day they name: "midnight on Sunday", "the night of January 9".
_TIME_PREFIX = (
    r"(?i:(?:(?:early|late)\s+)?(?:(?:midnight|dawn|noon|daybreak|overnight)\s+(?:on\s+)?"
    r"|the\s+(?:early\s+hours|small\s+hours|morning|afternoon|evening|night)\s+of\s+"
    r"|(?:early|late)\s+))"
)
_JOIN = r"(?:\s*[-–]\s*|\s+(?i:and|to|until|till|through|thru)\s+)"
_OPENER = r"(?i:between|from)"  # what a range "A and/to B" must start with
# Words after a number that show it is a count, not a day or a year ("in 2000 deaths", "5 and 9 people").
_COUNT_NOUNS = (r"(?i:people|persons|civilians|deaths|dead|killed|casualties|fighters|soldiers|children|"
                r"families|homes|houses|strikes|raids|attacks|troops)\b")
_COUNT_FOLLOWERS = rf"(?:{_COUNT_NOUNS}|(?i:were|have|had|others|more)\b)"  # "between January 5 and 9 were killed"
# "the last week of December" is part of a month, not a period ending at publication.
_OF_CALENDAR = rf"\s+(?i:of)\s+(?:{_MONTH}|(?i:(?:the|this|last|that|next)\s+(?:month|year))|{_YEAR})"
_PART_OF = r"the\s+(?:beginning|start|middle|end)\s+of"  # "since the beginning of 2020"
_CUE_MONTH = r"(?i:in|on|during|since|until|till|by|from|through|throughout|before|after|of|as\s+of)"
_CUE_YEAR = r"(?i:in|during|since|until|till|by|from|through|throughout|before|after|of|as\s+of)"
# Month names that are never verbs or first names may stand bare at the start of a text.
_UNAMBIGUOUS_MONTHS = {1, 2, 7, 9, 10, 11, 12}


def _rx(pattern: str) -> re.Pattern[str]:
    """Date patterns are English words and digits: ASCII matching (re.A) is several times cheaper."""
    return re.compile(pattern, re.A)


def _left(pattern: str) -> re.Pattern[str]:
    """A regex for the words just before a core: must start at a word and end at the core."""
    return re.compile(rf"(?<![\w-]){pattern}\Z", re.A)


# --------------------------------------------------------------------- matched hits


@dataclass(frozen=True)
class _Hit:
    """A core match with the leading words found before it, and what it is resolved against."""

    text: str
    core: re.Match[str]
    left: re.Match[str] | None
    published: dt.date
    prefer: str

    def lead(self, name: str) -> str | None:
        return self.left.groupdict().get(name) if self.left else None

    @property
    def start(self) -> int:
        """Where the phrase starts: the leading words if any, else the core."""
        if self.left and self.left.group("lead"):
            return self.left.start("lead")
        return self.core.start()


Resolved = tuple[int, int, _Value]  # start, end, value


def _whole(hit: _Hit, value: _Value | None) -> Resolved | None:
    return (hit.start, hit.core.end(), value) if value else None


_OPENER_BEFORE = re.compile(rf"(?<![\w-]){_OPENER}\s+\Z", re.A)


def _opener_before(text: str, start: int) -> int | None:
    """Start of a "between"/"from" that directly precedes `start`, if any."""
    lo = max(0, start - 10)
    if "om" not in text[lo:start] and "een" not in text[lo:start]:  # cheap test for from/between first
        return None
    m = _OPENER_BEFORE.search(text, lo, start)
    return m.start() if m else None


# ----------------------------------------------------------------- months and days


_NON_SPACE = re.compile(r"\S")


def _clean_for_parser(phrase: str) -> str:
    return re.sub(r"\s+", " ", phrase).strip()


def _month_rule(hit: _Hit) -> Resolved | None:
    """Everything built on a month name: "January 9", "the 9th of January, 2020", "5-9 January",
    "January 5-9", "between January 5 and 9", "December 2019", "in late December"."""
    core = hit.core
    month = _month_number(core.group("mon"))
    year = core.group("y")
    day, d1 = core.group("day"), hit.lead("d1")
    if day and d1:  # "9 January 10": trust the month-first reading
        d1 = None
    if d1 and hit.lead("d0"):  # "5-9 January", "between 5 and 9 January"
        if "-" in hit.lead("join0") or "–" in hit.lead("join0") or hit.lead("rng"):
            return _day_span_range(hit, hit.start, core.end(), month, _day_number(hit.lead("d0")), _day_number(d1), year)
    if day and core.group("day_b"):  # "January 5-9", "between January 5 and 9"
        join = core.group("join")
        opener = _opener_before(hit.text, hit.start)
        if "-" in join or "–" in join or opener is not None:
            start = hit.start if opener is None else opener
            return _day_span_range(hit, start, core.end(), month, _day_number(day), _day_number(core.group("day_b")), year)
        return _month_day_point(hit, hit.start, core.end("day"), month, _day_number(day), None)
    if day or d1:
        return _month_day_point(hit, _single_day_start(hit, bool(d1)), core.end(), month, _day_number(day or d1), year)
    return _whole_month(hit, month, year)


def _whole_month(hit: _Hit, month: int, year: str | None) -> Resolved | None:
    """"December 2019", "in December", "late December", "last December": the first of the month.

    Without a year the month needs a cue ("in", "since", "early"...) or must open the text:
    a bare "May" or "March" is more often a verb or a noun.
    """
    core = hit.core
    mod, start = hit.lead("mod"), core.start()
    if mod:
        start = hit.left.start("mod")
    elif (hit.lead("tp") or "").strip().lower() in ("early", "late"):  # "in late December"
        mod, start = hit.lead("tp").strip(), hit.left.start("tp")
    if year:
        first = _parse_absolute(_clean_for_parser(hit.text[core.start():core.end()]), ("month", "year"))
        return (start, core.end(), _point(first, "month", "month")) if first else None
    opens_text = month in _UNAMBIGUOUS_MONTHS and _NON_SPACE.search(hit.text, 0, core.start()) is None
    if not (hit.lead("cue") or mod or opens_text):
        return None
    anchored = _anchor_month(month, hit.published, hit.prefer, (mod or "").lower())
    return start, core.end(), _point(anchored, "month", "month")


def _single_day_start(hit: _Hit, day_first: bool) -> int:
    """Start of the words that belong to one month-day: time words, weekday, "the 9th of".

    An unused "28 to" before the month belongs to another mention ("from December 28 to January 3").
    """
    left = hit.left
    if left is None or left.group("d0"):
        return left.start("d1_all") if left is not None and day_first else hit.core.start()
    for name in ("tp", "wd", "d1_all", "mod"):
        if left.group(name) and (name != "d1_all" or day_first):
            return left.start(name)
    return hit.core.start()


def _month_day_point(hit: _Hit, start: int, end: int, month: int, day: int, year: str | None) -> Resolved | None:
    """One day named by month and day; with a written year dateparser normalises it."""
    if year:
        date_start = hit.left.start("d1_all") if hit.lead("d1") else hit.core.start()
        parsed = _parse_absolute(_clean_for_parser(hit.text[date_start:end]), ("day", "month", "year"))
        return (start, end, _point(parsed, "day", "absolute")) if parsed else None
    anchored = _anchor_month_day(month, day, hit.published, hit.prefer)
    return (start, end, _point(anchored, "day", "month_day")) if anchored else None


def _day_span_range(hit: _Hit, start: int, end: int, month: int, first: int, last: int, year: str | None) -> Resolved | None:
    """Days first..last of one month; the last day is anchored like any month-day."""
    if first > last:
        return None
    end_day = _safe_date(int(year), month, last) if year else _anchor_month_day(month, last, hit.published, hit.prefer)
    start_day = end_day and _safe_date(end_day.year, month, first)
    if not (end_day and start_day):
        return None
    return start, end, _Value(start_day, end_day, "day", "range")


_MONTH_CORE = _rx(
    rf"(?P<mon>{_MONTH})(?:\s*(?P<day>{_DAY})(?!\s*%)"
    rf"(?:(?P<join>{_JOIN})(?P<day_b>{_DAY})(?!\s*%)(?!\s+{_COUNT_FOLLOWERS}))?)?"
    rf"(?:,?\s+(?P<y>{_YEAR})(?!\s*%)(?!\s+{_COUNT_NOUNS}))?"
)
_MONTH_LEFT = _left(
    rf"(?:(?P<cue>{_CUE_MONTH})\s+)?(?P<lead>(?P<tp>{_TIME_PREFIX})?(?:(?P<wd>{_WEEKDAY}),?\s+)?"
    rf"(?:(?:(?P<rng>{_OPENER})\s+)?(?P<d0>{_DAY})(?P<join0>{_JOIN}))?"
    rf"(?P<d1_all>(?i:the\s+)?(?P<d1>{_DAY})(?:\s+(?i:of))?\s+)?"
    rf"(?:(?P<mod>(?i:last|this|next|early|late|mid|{_PART_OF}))(?:-|\s+))?)"
)


# ---------------------------------------------------------------------------- years


def _year_rule(hit: _Hit) -> Resolved | None:
    """"in 2006", "early 2019", "from 2011 to 2019"; a bare number needs one of those cues."""
    year = int(hit.core.group("y"))
    if hit.lead("y0"):
        first = int(hit.lead("y0"))
        if first > year:
            return None
        return hit.start, hit.core.end(), _Value(dt.date(first, 1, 1), dt.date(year, 12, 31), "year", "range")
    if not (hit.lead("cue") or hit.lead("mod")):
        return None
    return _whole(hit, _point(dt.date(year, 1, 1), "year", "year"))


_YEAR_CORE = _rx(rf"(?P<y>{_YEAR})(?!\w)(?![-/.,]\d)(?!\s*%)(?!\s+{_COUNT_NOUNS})(?!\s*(?:GMT|UTC|hours|hrs|local)\b)")
_YEAR_LEFT = _left(
    rf"(?:(?P<cue>{_CUE_YEAR})\s+)?(?P<lead>(?:{_OPENER}\s+(?P<y0>{_YEAR}){_JOIN})?"
    rf"(?:(?P<mod>(?i:early|late|mid|{_PART_OF}))(?:-|\s+))?)"
)


# ------------------------------------------------------------------- numeric dates


def _numeric_rule(hit: _Hit) -> Resolved | None:
    """ISO dates always; dd/mm/yyyy only when day and month cannot be swapped (09/01/2020 is refused)."""
    a, sep, b, c = hit.core.group("a", "sep", "b", "c")
    if len(a) == 4 and sep == "-":
        day = _safe_date(int(a), int(b), int(c))
    elif len(c) == 4 and len(a) <= 2 and sep in "/.":
        first, second, year = int(a), int(b), int(c)
        if first == second or (first > 12 >= second):
            day = _safe_date(year, second, first)
        elif second > 12 >= first:
            day = _safe_date(year, first, second)
        else:
            return None
    else:
        return None
    return _whole(hit, day and _point(day, "day", "absolute"))


_NUMERIC_CORE = _rx(r"(?P<a>\d{1,4})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{1,4})(?!\d)(?![-/.]\d)")


# ---------------------------------------------------------------------------- weekdays


def _weekday_rule(hit: _Hit) -> Resolved | None:
    mod = (hit.lead("mod") or "").lower().split()
    modifier = {"past": "last", "last": "last", "next": "next", "coming": "next"}.get(mod[-1] if mod else "", "")
    day = _anchor_weekday(_WEEKDAYS[hit.core.group("wd").lower()], hit.published, hit.prefer, modifier)
    return _whole(hit, _point(day, "day", "weekday"))


_WEEKDAY_CORE = _rx(rf"(?P<wd>{_WEEKDAY})(?:\s+{_PART_OF_DAY})?\b")
_WEEKDAY_LEFT = _left(
    rf"(?P<lead>(?:{_TIME_PREFIX})?(?:(?P<mod>(?i:last|this\s+past|past|this|next|this\s+coming|coming))\s+)?)"
)


# ---------------------------------------------------------------------- relative days


def _today_rule(hit: _Hit) -> Resolved | None:
    return _whole(hit, _point(hit.published, "day", "relative"))


def _yesterday_rule(hit: _Hit) -> Resolved | None:
    """"yesterday", "last night", "overnight": publication - 1; "the day before yesterday": - 2."""
    days = 2 if hit.lead("before") else 1
    return _whole(hit, _point(hit.published - dt.timedelta(days=days), "day", "relative"))


def _ago_rule(hit: _Hit) -> Resolved | None:
    """"two days ago", "three days earlier", "a week ago", "two months ago", "48 hours ago"."""
    n = _count(hit.lead("n") or "")
    if n is None:
        return None
    unit, published = hit.core.group("u").lower().rstrip("s"), hit.published
    if unit == "hour":
        value = _point(published - dt.timedelta(days=-(-n // 24)), "day", "relative")
    elif unit == "day":  # "a few days ago" names no day: a week is as close as it says
        vague = re.sub(r"\s+", " ", (hit.lead("n") or "").strip().lower()) in ("a few", "few", "several", "some")
        value = _point(published - dt.timedelta(days=n), "week" if vague else "day", "relative")
    elif unit == "week":
        value = _point(published - dt.timedelta(days=7 * n), "week", "relative")
    elif unit == "month":
        value = _point(_month_start(*_shift_month(published.year, published.month, -n)), "month", "month")
    else:
        value = _point(dt.date(published.year - n, 1, 1), "year", "year")
    return _whole(hit, value)


def _unit_start(unit: str, step: int, published: dt.date) -> _Value:
    """First day of the week/month/year `step` units from publication's, at that precision."""
    if unit == "week":
        return _point(_monday(published) + dt.timedelta(weeks=step), "week", "week")
    if unit == "month":
        return _point(_month_start(*_shift_month(published.year, published.month, step)), "month", "month")
    return _point(dt.date(published.year + step, 1, 1), "year", "year")


_UNIT_STEPS = {"the": 0, "this": 0, "last": -1, "previous": -1, "next": 1}


def _calendar_unit_rule(hit: _Hit) -> Resolved | None:
    """"last week", "earlier this month", "this year", "the end of last month": the first day of that unit."""
    step = _UNIT_STEPS[hit.core.group("rel").lower()]
    return _whole(hit, _unit_start(hit.core.group("u"), step, hit.published))


def _weekend_rule(hit: _Hit) -> Resolved | None:
    """"over the weekend": the latest Saturday–Sunday that has started by publication."""
    published = hit.published
    saturday = published - dt.timedelta(days=(published.weekday() - 5) % 7)
    rel = (hit.lead("rel") or "").lower()
    if rel == "last" and published.weekday() >= 5:
        saturday -= dt.timedelta(days=7)
    elif rel == "next" or (hit.prefer == "future" and rel != "last" and published.weekday() < 5):
        saturday += dt.timedelta(days=7)
    return _whole(hit, _Value(saturday, saturday + dt.timedelta(days=1), "day", "range"))


def _past_period_rule(hit: _Hit) -> Resolved | None:
    """"over the past three days", "in the last 24 hours", "the past week": a range ending at publication."""
    n = _count(hit.core.group("n")) if hit.core.group("n") else 1  # "the past week": one unit
    if n is None:
        return None
    published = hit.published
    unit = (hit.core.group("u") or hit.core.group("u1")).lower().rstrip("s")
    if unit == "hour":
        value = _Value(published - dt.timedelta(days=-(-n // 24)), published, "day", "range")
    elif unit == "day":
        value = _Value(published - dt.timedelta(days=n), published, "day", "range")
    elif unit == "week":
        value = _Value(published - dt.timedelta(days=7 * n), published, "week", "range")
    elif unit == "month":
        year, month = _shift_month(published.year, published.month, -n)
        value = _Value(_safe_date(year, month, published.day) or _month_end(year, month), published, "month", "range")
    else:
        start = _safe_date(published.year - n, published.month, published.day) or dt.date(published.year - n, 2, 28)
        value = _Value(start, published, "year", "range")
    return _whole(hit, value)


# --------------------------------------------------------------------------- rules


class _Rule(NamedTuple):
    core: re.Pattern[str]
    left: re.Pattern[str] | None
    resolve: Callable[[_Hit], Resolved | None]
    needs_left: bool = False  # the phrase is not a date without its leading words
    gate: tuple[str, ...] = ()  # lowercase substrings one of which the text must hold, else the scan is skipped
    window: int = 48  # how far back the leading words may reach


_RULES: tuple[_Rule, ...] = (
    _Rule(_MONTH_CORE, _MONTH_LEFT, _month_rule),
    _Rule(_NUMERIC_CORE, None, _numeric_rule, gate=("/", "-0", "-1", "-2", "-3", ".0", ".1", ".2", ".3")),
    _Rule(_YEAR_CORE, _YEAR_LEFT, _year_rule, needs_left=True, gate=("19", "20"), window=32),
    _Rule(_WEEKDAY_CORE, _WEEKDAY_LEFT, _weekday_rule, gate=("day",)),
    _Rule(_rx(rf"{_flat(*_both_cases('today', 'tonight'))}\b"),
          _left(r"(?P<lead>(?i:earlier|later|early|late)\s+)?"), _today_rule, gate=("today", "tonight"),
          window=10),
    _Rule(_rx(r"(?:this|This)\s+(?:morning|afternoon|evening)\b"), None, _today_rule,
          gate=("morning", "afternoon", "evening")),
    _Rule(_rx(rf"{_flat(*_both_cases('yesterday'))}(?:\s+{_PART_OF_DAY})?\b"),
          _left(r"(?P<lead>(?P<before>(?i:the\s+day\s+before)\s+)|(?i:early|late)\s+)?"), _yesterday_rule,
          gate=("yesterday",), window=20),
    _Rule(_rx(rf"{_flat(*_both_cases('last night', 'overnight'))}\b"),
          _left(r"(?P<lead>(?i:early|late)\s+)?"), _yesterday_rule, gate=("night",), window=8),
    _Rule(_rx(rf"(?P<u>{_flat(*_UNIT_WORDS)})\s+(?i:ago|earlier)\b"),
          _left(rf"(?P<lead>(?P<n>{_NUMBER})\s+)"), _ago_rule, needs_left=True, gate=("ago", "earlier"),
          window=16),
    _Rule(_rx(rf"(?:past|last|previous)\s+(?:(?P<n>{_NUMBER})\s+(?P<u>{_flat(*_UNIT_WORDS)})|(?P<u1>week|month|year))\b"
              rf"(?!{_OF_CALENDAR})"),
          _left(r"(?P<lead>(?i:(?:(?:over|in|during|for|within|throughout)\s+)?the)\s+)"), _past_period_rule,
          needs_left=True, gate=("past", "last", "previous"), window=18),
    _Rule(_rx(rf"(?P<rel>{_flat(*_both_cases('last', 'this', 'next', 'previous'))})\s+(?P<u>week|month|year)\b"
              rf"(?!{_OF_CALENDAR})"),
          _left(r"(?P<lead>(?i:earlier|later|early|late)\s+)?"), _calendar_unit_rule, gate=("week", "month", "year"),
          window=10),
    _Rule(_rx(r"(?:beginning|start|middle|end)\s+of\s+(?P<rel>the|this|last|next)\s+(?P<u>week|month|year)\b"),
          _left(r"(?P<lead>(?i:the)\s+)"), _calendar_unit_rule, needs_left=True, gate=("of the", "of this", "of last", "of next"),
          window=6),
    _Rule(_rx(r"weekend\b"),
          _left(r"(?P<lead>(?i:(?:over|during|at|on|from|since)\s+the|the|(?P<rel>last|this|next))\s+)"), _weekend_rule,
          needs_left=True, gate=("weekend",), window=16),
)


# ------------------------------------------------------------------- range post-passes


_SINCE = re.compile(r"(?<![\w-])(?i:(?:ever\s+)?since)\s+\Z", re.A)
_JOIN_ONLY = re.compile(_JOIN)
_JOINABLE = {"weekday", "month_day", "absolute"}


def _apply_since(text: str, start: int, value: _Value, published: dt.date) -> tuple[int, _Value]:
    """"since January 9" is a range from that day to publication; the span takes in "since"."""
    if value.kind == "range":
        return start, value
    lo = max(0, start - 16)
    lead = _SINCE.search(text, lo, start) if "nce" in text[lo:start] else None
    if not lead:
        return start, value
    return lead.start(), _Value(value.date, max(published, value.end_date), value.precision, "range")


def _start_before(first: _Value, last: _Value) -> dt.date | None:
    """The first end of "from Friday to Sunday" / "from December 28 to January 3", moved back before the last."""
    start = first.date
    while start > last.date:
        if first.kind == "weekday":
            start -= dt.timedelta(days=7)
        elif first.kind == "month_day":
            start = _safe_date(start.year - 1, start.month, start.day) or dt.date(start.year - 1, 2, 28)
        else:
            return None
    return start


def _join_ranges(text: str, found: list[Resolved]) -> list[Resolved]:
    """Merge "between A and B" / "from A to B" where A and B are both day mentions."""
    merged: list[Resolved] = []
    i = 0
    while i < len(found):
        start, end, value = found[i]
        if i + 1 < len(found):
            next_start, next_end, next_value = found[i + 1]
            opener = _opener_before(text, start)
            if (opener is not None and value.kind in _JOINABLE and next_value.kind in _JOINABLE
                    and _JOIN_ONLY.fullmatch(text, end, next_start)):
                first_day = _start_before(value, next_value)
                if first_day:
                    merged.append((opener, next_end, _Value(first_day, next_value.end_date, "day", "range")))
                    i += 2
                    continue
        merged.append((start, end, value))
        i += 1
    return merged


# ---------------------------------------------------------------------------- API


def _starts_cleanly(text: str, start: int) -> bool:
    """A core must begin a word, and a number must not continue another one ("09/01/2020", "2019-2020")."""
    if start == 0:
        return True
    before = text[start - 1]
    if before.isalnum() or before == "_":
        return False
    return not (before in "/.-" and start >= 2 and text[start - 2].isdigit())


def _candidates(text: str, published: dt.date, prefer: str) -> Iterable[Resolved]:
    """Every rule's core matches, with their leading words, resolved."""
    lowered = text.lower()
    for rule in _RULES:
        if rule.gate and not any(word in lowered for word in rule.gate):
            continue
        for core in rule.core.finditer(text):
            start = core.start()
            if not _starts_cleanly(text, start):
                continue
            left = rule.left.search(text, max(0, start - rule.window), start) if rule.left else None
            if rule.needs_left and not (left and left.group(0)):
                continue
            resolved = rule.resolve(_Hit(text, core, left, published, prefer))
            if resolved and resolved[2] is not None:
                yield resolved


def _non_overlapping(cands: Iterable[Resolved]) -> list[Resolved]:
    """Keep the longest candidates that do not overlap each other, in text order."""
    chosen: list[Resolved] = []
    for start, end, value in sorted(cands, key=lambda c: (c[0] - c[1], c[0])):
        if all(end <= s or start >= e for s, e, _ in chosen):
            chosen.append((start, end, value))
    return sorted(chosen, key=lambda c: c[0])


def _as_date(published: dt.date | dt.datetime) -> dt.date:
    return published.date() if isinstance(published, dt.datetime) else published


_THE_BEFORE = re.compile(r"(?<![\w-])[Tt]he\s+\Z")
_NAME_AFTER = re.compile(r"\s+(?:[A-Z][a-z]+)")
_NOT_NAME_WORDS = frozenset({"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"})


def _part_of_a_name(text: str, start: int, end: int) -> bool:
    """"the 12th April Brigade", "the 6 October Bridge": a date that names a unit, a street, a square."""
    if not (text[start:start + 4].lower() == "the " or _THE_BEFORE.search(text, max(0, start - 6), start)):
        return False
    after = _NAME_AFTER.match(text, end)
    return bool(after) and after.group().strip() not in _NOT_NAME_WORDS


def find_dates(text: str, published: dt.date, prefer: str = "past") -> list[DateMention]:
    """All date mentions in `text`, in text order and non-overlapping, resolved against `published`.

    `prefer="future"` is for sentences in the future tense ("the truce would start on
    January 12"): weekdays then fall on or after publication and month-days take the
    nearest occurrence. The caller decides by tense; the default is the past.
    """
    if prefer not in PREFERENCES:
        raise ValueError(f"prefer must be one of {PREFERENCES}, not {prefer!r}")
    published = _as_date(published)
    found = _join_ranges(text, _non_overlapping(_candidates(text, published, prefer)))
    mentions = []
    for start, end, value in found:
        if _part_of_a_name(text, start, end):
            continue
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
