"""Date mentions anchored on a Tuesday publication date (2020-01-21), as in the codebook."""
from __future__ import annotations

import datetime as dt

import pytest

from vigil.dates import DateMention, find_dates, resolve

PUBLISHED = dt.date(2020, 1, 21)  # a Tuesday
D = dt.date


def only(text: str, prefer: str = "past", published: dt.date = PUBLISHED) -> DateMention:
    """The single mention in `text`, after checking its offsets point at its text."""
    mentions = find_dates(text, published, prefer=prefer)
    assert len(mentions) == 1, mentions
    m = mentions[0]
    assert text[m.start:m.end] == m.text
    return m


def check(text: str, phrase: str, day: dt.date, precision: str, kind: str, end: dt.date | None = None,
          prefer: str = "past") -> None:
    m = only(text, prefer)
    assert (m.text, m.date, m.end_date, m.precision, m.kind) == (phrase, day, end or day, precision, kind)
    assert m.start == text.index(phrase)


# ----------------------------------------------------------------------------- weekdays

@pytest.mark.parametrize("text, phrase, day", [
    ("The monitor said Tuesday that the market was hit.", "Tuesday", D(2020, 1, 21)),
    ("Shells fell on Monday on the southern outskirts.", "Monday", D(2020, 1, 20)),
    ("Residents fled Sunday night after the raid.", "Sunday night", D(2020, 1, 19)),
    ("A school was struck last Friday near the border.", "last Friday", D(2020, 1, 17)),
    ("The convoy was ambushed on Wednesday.", "Wednesday", D(2020, 1, 15)),
    ("Rescuers worked through the early hours of Saturday.", "the early hours of Saturday", D(2020, 1, 18)),
    ("Clashes erupted late Monday in the hills.", "late Monday", D(2020, 1, 20)),
    ("Monday's bombardment destroyed the bakery.", "Monday", D(2020, 1, 20)),
    ("Officials expect talks next Friday.", "next Friday", D(2020, 1, 24)),
])
def test_weekday_is_latest_such_day_on_or_before_publication(text, phrase, day):
    check(text, phrase, day, "day", "weekday")


# ------------------------------------------------------------------------ relative days

@pytest.mark.parametrize("text, phrase, day", [
    ("Two rockets landed today near the stadium.", "today", D(2020, 1, 21)),
    ("More raids are feared tonight.", "tonight", D(2020, 1, 21)),
    ("A drone circled the town this morning.", "this morning", D(2020, 1, 21)),
    ("The governor confirmed earlier today that two died.", "earlier today", D(2020, 1, 21)),
    ("A mortar hit the clinic yesterday.", "yesterday", D(2020, 1, 20)),
    ("Yesterday afternoon a car bomb went off.", "Yesterday afternoon", D(2020, 1, 20)),
    ("Gunmen opened fire last night at a checkpoint.", "last night", D(2020, 1, 20)),
    ("Jets pounded the valley overnight, witnesses said.", "overnight", D(2020, 1, 20)),
    ("The bridge was blown up the day before yesterday.", "the day before yesterday", D(2020, 1, 19)),
    ("The village changed hands two days ago.", "two days ago", D(2020, 1, 19)),
    ("Three days earlier the same road was mined.", "Three days earlier", D(2020, 1, 18)),
    ("The camp was shelled 48 hours ago.", "48 hours ago", D(2020, 1, 19)),
])
def test_relative_days(text, phrase, day):
    check(text, phrase, day, "day", "relative")


def test_weeks_and_months_ago():
    check("The dam was seized a week ago.", "a week ago", D(2020, 1, 14), "week", "relative")
    check("Fighting flared two months ago.", "two months ago", D(2019, 11, 1), "month", "month")


def test_a_few_days_ago_names_no_day():
    check("The army said a few days ago that it had hit the camp.", "a few days ago", D(2020, 1, 18), "week",
          "relative")


# --------------------------------------------------------------------------- month-days

@pytest.mark.parametrize("text, phrase, day", [
    ("A truce was announced on January 9 in the capital.", "January 9", D(2020, 1, 9)),
    ("The agreement has been in force as of January 9, officials said.", "January 9", D(2020, 1, 9)),
    ("The airfield was captured on Jan. 9 by rebels.", "Jan. 9", D(2020, 1, 9)),
    ("Protesters gathered on 9 January outside the ministry.", "9 January", D(2020, 1, 9)),
    ("Aid trucks crossed on January 9th without incident.", "January 9th", D(2020, 1, 9)),
    ("The dispute began on the 9th of January in the north.", "the 9th of January", D(2020, 1, 9)),
    ("A fire broke out on December 30 in the depot.", "December 30", D(2019, 12, 30)),
    ("Reports dated January 22 arrived late.", "January 22", D(2020, 1, 22)),  # publication + 1 day
    ("Troops withdrew on January 23 according to the plan.", "January 23", D(2019, 1, 23)),
    ("They attacked on the night of January 9.", "the night of January 9", D(2020, 1, 9)),
    ("The sit-in began Sept. 3 in the square.", "Sept. 3", D(2019, 9, 3)),
    ("The checkpoint was overrun on 9 Jan by insurgents.", "9 Jan", D(2020, 1, 9)),
    ("Shelling resumed on Sunday, 19 January, residents said.", "Sunday, 19 January", D(2020, 1, 19)),
    ("Strikes hit on January 9, 2000 people fled the town.", "January 9", D(2020, 1, 9)),  # 2000 is a count
])
def test_month_day_is_latest_on_or_before_publication_plus_one(text, phrase, day):
    check(text, phrase, day, "day", "month_day")


@pytest.mark.parametrize("text, phrase, day", [
    ("The siege ended on January 9, 2020, after weeks.", "January 9, 2020", D(2020, 1, 9)),
    ("It began on 9 January 2020 in the east.", "9 January 2020", D(2020, 1, 9)),
    ("The file is dated 2020-01-09 in the archive.", "2020-01-09", D(2020, 1, 9)),
    ("The letter was signed 25/01/2019 by both sides.", "25/01/2019", D(2019, 1, 25)),
    ("The office reopened Dec. 30, 2018, under guard.", "Dec. 30, 2018", D(2018, 12, 30)),
    ("The raid took place on Tuesday, March 3, 2015, at dawn.", "Tuesday, March 3, 2015", D(2015, 3, 3)),
])
def test_absolute_dates_with_a_year(text, phrase, day):
    check(text, phrase, day, "day", "absolute")


def test_ambiguous_numeric_dates_are_refused():
    assert find_dates("The decree of 09/01/2020 was published.", PUBLISHED) == []


def test_invalid_days_are_dropped():
    assert find_dates("The memo was dated February 30, 2020 by mistake.", PUBLISHED) == []


# ------------------------------------------------------------------ months and years

@pytest.mark.parametrize("text, phrase, day", [
    ("The offensive started in December with heavy shelling.", "December", D(2019, 12, 1)),
    ("Casualties doubled last month in the province.", "last month", D(2019, 12, 1)),
    ("Several towns fell earlier this month to the army.", "earlier this month", D(2020, 1, 1)),
    ("Displacement peaked in late December near the border.", "late December", D(2019, 12, 1)),
    ("Talks resumed in mid-January in the capital.", "mid-January", D(2020, 1, 1)),
    ("The ferry has not run since the storm in May.", "May", D(2019, 5, 1)),
    ("Many returned home in December 2018 after the deal.", "December 2018", D(2018, 12, 1)),
    ("November was the worst month for the city.", "November", D(2019, 11, 1)),
])
def test_month_precision(text, phrase, day):
    check(text, phrase, day, "month", "month")


@pytest.mark.parametrize("text, phrase, day", [
    ("The dam was first damaged in 2006 during floods.", "2006", D(2006, 1, 1)),
    ("Fewer strikes were recorded last year than before.", "last year", D(2019, 1, 1)),
    ("Attacks have grown more frequent earlier this year.", "earlier this year", D(2020, 1, 1)),
    ("Fighting moved south in early 2019 as lines shifted.", "early 2019", D(2019, 1, 1)),
    ("The dam was first disputed in mid-2016.", "mid-2016", D(2016, 1, 1)),
])
def test_year_precision(text, phrase, day):
    check(text, phrase, day, "year", "year")


# ------------------------------------------------------------------------------ weeks

@pytest.mark.parametrize("text, phrase, day", [
    ("The hospital was hit twice last week by artillery.", "last week", D(2020, 1, 13)),
    ("Three markets were struck this week in the north.", "this week", D(2020, 1, 20)),
    ("Earlier this week a bus was bombed near the gate.", "Earlier this week", D(2020, 1, 20)),
    ("The vote is due next week in parliament.", "next week", D(2020, 1, 27)),
])
def test_weeks_start_on_monday(text, phrase, day):
    check(text, phrase, day, "week", "week")


# ------------------------------------------------------------------------------ ranges

@pytest.mark.parametrize("text, phrase, start, end, precision", [
    ("Over the past three days, 40 strikes hit the area.", "Over the past three days", D(2020, 1, 18), D(2020, 1, 21), "day"),
    ("Six died in the past 24 hours, medics said.", "in the past 24 hours", D(2020, 1, 20), D(2020, 1, 21), "day"),
    ("Thousands fled during the last two weeks of fighting.", "during the last two weeks", D(2020, 1, 7), D(2020, 1, 21), "week"),
    ("The town has been under siege since January 9 at least.", "since January 9", D(2020, 1, 9), D(2020, 1, 21), "day"),
    ("Curfews applied between January 5 and 9 in the old city.", "between January 5 and 9", D(2020, 1, 5), D(2020, 1, 9), "day"),
    ("Curfews applied from 28 December to 3 January in the camp.", "from 28 December to 3 January", D(2019, 12, 28), D(2020, 1, 3), "day"),
    ("The blockade lasted January 5-9 according to the agency.", "January 5-9", D(2020, 1, 5), D(2020, 1, 9), "day"),
    ("Water was cut between Friday and Sunday in two districts.", "between Friday and Sunday", D(2020, 1, 17), D(2020, 1, 19), "day"),
    ("Looting was reported over the weekend in the suburbs.", "over the weekend", D(2020, 1, 18), D(2020, 1, 19), "day"),
    ("Dozens of raids were logged over the past week.", "over the past week", D(2020, 1, 14), D(2020, 1, 21), "week"),
    ("The road has been closed since last week by the militia.", "since last week", D(2020, 1, 13), D(2020, 1, 21), "week"),
    ("The region has been contested since 2011, observers say.", "since 2011", D(2011, 1, 1), D(2020, 1, 21), "year"),
    ("The war lasted from 2011 to 2019 in that valley.", "from 2011 to 2019", D(2011, 1, 1), D(2019, 12, 31), "year"),
    ("Roads were shut from December 28 to January 3 by the army.", "from December 28 to January 3",
     D(2019, 12, 28), D(2020, 1, 3), "day"),
    ("The camp was sealed from January 12 until January 19.", "from January 12 until January 19",
     D(2020, 1, 12), D(2020, 1, 19), "day"),
    ("Power failed between Tuesday and Thursday in the east.", "between Tuesday and Thursday",
     D(2020, 1, 14), D(2020, 1, 16), "day"),
    ("Strikes continued between 5 and 9 January near the dam.", "between 5 and 9 January", D(2020, 1, 5), D(2020, 1, 9), "day"),
    ("Shops stayed closed 5-9 January in the market town.", "5-9 January", D(2020, 1, 5), D(2020, 1, 9), "day"),
    ("Schools have been shut since yesterday in the district.", "since yesterday", D(2020, 1, 20), D(2020, 1, 21), "day"),
    ("The crossing has been closed ever since December, traders say.", "ever since December",
     D(2019, 12, 1), D(2020, 1, 21), "month"),
])
def test_ranges(text, phrase, start, end, precision):
    check(text, phrase, start, precision, "range", end=end)


# ---------------------------------------------------------------------- future tense

def test_future_month_day_in_a_ceasefire_sentence():
    text = "On January 10, both sides agreed a truce that would start on January 12."
    mentions = find_dates(text, PUBLISHED, prefer="future")
    assert [(m.text, m.date) for m in mentions] == [("January 10", D(2020, 1, 10)), ("January 12", D(2020, 1, 12))]


def test_future_month_day_after_publication():
    m = only("The pause would take effect on February 2.", prefer="future")
    assert m.date == D(2020, 2, 2)
    assert only("The pause took effect on February 2.").date == D(2019, 2, 2)


def test_absolute_date_keeps_its_year_before_a_verb():
    check("Convoys that left on 15 January 2020 were turned back.", "15 January 2020", D(2020, 1, 15), "day", "absolute")


def test_a_day_earlier():
    check("A day earlier the bridge had been mined.", "A day earlier", D(2020, 1, 20), "day", "relative")


def test_future_weekday_is_on_or_after_publication():
    check("The truce will hold from midnight on Sunday, the ministry said.", "midnight on Sunday",
          D(2020, 1, 26), "day", "weekday", prefer="future")
    check("Talks will open on Tuesday.", "Tuesday", D(2020, 1, 21), "day", "weekday", prefer="future")


def test_future_month_name():
    check("Elections are planned in February.", "February", D(2020, 2, 1), "month", "month", prefer="future")


def test_prefer_must_be_known():
    with pytest.raises(ValueError):
        find_dates("on Monday", PUBLISHED, prefer="soon")


# ---------------------------------------------------------------- times and non-dates

def test_times_attach_to_their_day_or_are_ignored():
    check("The barrage began at midnight on Sunday and lasted hours.", "midnight on Sunday",
          D(2020, 1, 19), "day", "weekday")
    assert find_dates("The barrage began at 9 p.m. and lasted until midnight.", PUBLISHED) == []


@pytest.mark.parametrize("text", [
    "Nine members of one family were killed.",
    "At least 26 civilians died and 12 were wounded.",
    "Some may have died under the rubble.",
    "Supporters vowed to march on the capital.",
    "March on, the crowd chanted.",
    "June told reporters the road was open.",
    "The strike resulted in 2000 deaths, a monitor claimed.",
    "Decades of neglect left the town exposed.",
    "The truce was due to begin by 2000 GMT.",
    "The town has changed since the 1990s.",
    "The ministry issued 24/7 alerts and 12/3 updates.",
    "Clashes since 2019-2020 are not counted here.",
])
def test_no_false_positives(text):
    assert find_dates(text, PUBLISHED) == []


@pytest.mark.parametrize("text, phrase, day, end, precision, kind", [
    ("The count since the beginning of 2019 stands at 40.", "since the beginning of 2019",
     D(2019, 1, 1), D(2020, 1, 21), "year", "range"),
    ("Prices have tripled since the start of the year.", "since the start of the year",
     D(2020, 1, 1), D(2020, 1, 21), "year", "range"),
    ("The wells ran dry at the end of May, farmers said.", "the end of May", D(2019, 5, 1), D(2019, 5, 1), "month", "month"),
    ("Ten shops closed at the end of last month.", "the end of last month", D(2019, 12, 1), D(2019, 12, 1), "month", "month"),
])
def test_parts_of_months_and_years(text, phrase, day, end, precision, kind):
    check(text, phrase, day, precision, kind, end=end)


def test_last_week_of_a_month_is_not_a_period_ending_at_publication():
    check("The decree covers the last week of December.", "December", D(2019, 12, 1), "month", "month")
    check("Raids grew during the last two weeks of fighting.", "during the last two weeks", D(2020, 1, 7), "week",
          "range", end=D(2020, 1, 21))


# ---------------------------------------------------------------------- whole texts

def test_several_mentions_in_text_order_with_offsets():
    text = ("Jets struck the town on Monday, killing nine, the monitor said Tuesday. "
            "On January 9 a truce had been declared; over the past three days it collapsed. "
            "In December, at least 26 people died there.")
    mentions = find_dates(text, PUBLISHED)
    assert [m.text for m in mentions] == ["Monday", "Tuesday", "January 9", "over the past three days", "December"]
    assert all(text[m.start:m.end] == m.text for m in mentions)
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)
    assert all(a.end <= b.start for a, b in zip(mentions, mentions[1:]))


def test_published_may_be_a_datetime():
    assert find_dates("on Monday", dt.datetime(2020, 1, 21, 18, 30))[0].date == D(2020, 1, 20)


def test_empty_and_dateless_text():
    assert find_dates("", PUBLISHED) == []
    assert find_dates("The mayor spoke to the crowd.", PUBLISHED) == []


# ----------------------------------------------------------------------------- resolve

@pytest.mark.parametrize("phrase, day, precision, kind", [
    ("last Friday", D(2020, 1, 17), "day", "weekday"),
    ("as of January 9", D(2020, 1, 9), "day", "month_day"),
    ("earlier this month", D(2020, 1, 1), "month", "month"),
    ("December", D(2019, 12, 1), "month", "month"),
    ("Tuesday", D(2020, 1, 21), "day", "weekday"),
])
def test_resolve_one_phrase(phrase, day, precision, kind):
    m = resolve(phrase, PUBLISHED)
    assert m is not None
    assert (m.date, m.precision, m.kind) == (day, precision, kind)


def test_resolve_range_and_future():
    m = resolve("over the past three days", PUBLISHED)
    assert (m.date, m.end_date, m.kind) == (D(2020, 1, 18), D(2020, 1, 21), "range")
    assert resolve("from midnight on Sunday", PUBLISHED, prefer="future").date == D(2020, 1, 26)


def test_resolve_nothing():
    assert resolve("at least 26", PUBLISHED) is None


def test_month_name_inside_a_place_name_is_not_a_date():
    import datetime as dt

    from vigil.dates import find_dates

    assert find_dates("Two raids hit the village of Mays al-Jabal.", dt.date(2024, 5, 21)) == []


def test_a_date_inside_a_name_is_not_a_date():
    import datetime as dt

    from vigil.dates import find_dates
    assert find_dates("the blast hit the 14th July Bridge", dt.date(2021, 9, 1)) == []
    assert [m.date for m in find_dates("on the 14th of July rebels attacked", dt.date(2021, 9, 1))] \
        == [dt.date(2021, 7, 14)]
