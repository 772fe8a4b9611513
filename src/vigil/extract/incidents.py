"""Sentence frames: the incidents and totals one sentence tells, with what earlier sentences left to it."""
from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from dataclasses import dataclass, field

from vigil.annotate import Annotated, Count, PlaceMention, Sentence, generic_type, has_act, only_mutual_acts
from vigil.model import Document, Incident, Location, Total
from vigil.lexicon import canonical_country
from vigil.extract.places import _ORG_WORDS, _in_gazetteer, _overlaps, _toll_blockers, incident_places, is_admin1, pair_counts
from vigil.extract.roles import _only_vague, agent_actors, attacker_referred_back, clash_initiator, side_that_attacked, reporting_sources


@dataclass
class Context:
    """What a reader remembers from earlier sentences: actor, sources, date, type, country."""

    perpetrator: str | None = None
    sources: list[str] = field(default_factory=list)
    date: tuple[str, str] | None = None  # (iso date, precision)
    type: str | None = None
    victims: str | None = None
    admin1: str | None = None


def _update_context(ctx: Context, s: Sentence, doc: Document, country: str | None) -> None:
    if s.headline:
        return
    if not (s.violent or s.counts):
        if s.sources and not ctx.sources:
            ctx.sources = reporting_sources(s, country)
        return
    agents = agent_actors(s, country)
    if agents and ctx.perpetrator is None and not _only_vague("; ".join(agents)):
        ctx.perpetrator = "; ".join(agents)  # the lead's attribution covers the strikes told after it
    srcs = reporting_sources(s, country)
    if srcs:
        ctx.sources = srcs
    d = _sentence_date(s, doc.published)
    if d and d[1] != "year" and s.places and not _weak_sentence(s):
        ctx.date = d  # only a sentence about an attack dates the ones told after it; "this year" is a period
    elif d and d[1] == "month" and ctx.date is None and not s.places:
        ctx.date = d  # "25 massacres were documented in September": the month of the acts told after it
    admin = next((p.name for p in s.places if p.level in ("area", "container") and is_admin1(p.name)), None)
    if admin:
        ctx.admin1 = admin
    if s.types:
        ctx.type = s.types[0]
    if ctx.victims is None and re.search(r"\bcivilians?\b", s.text, re.I):
        ctx.victims = "civilians"


_YEAR_OF_EVENT = re.compile(r"\b(?:a|an|the|in)\s+((?:19|20)\d\d)\s+(?:[a-z-]+\s+){0,2}?(?:attack|shooting|bombing|"
                            r"strike|airstrike|massacre|blast|explosion|raid|offensive|assault|siege|uprising)s?\b")
_DAY_BEFORE = re.compile(r"\b(?:the\s+day\s+before|the\s+previous\s+day|a\s+day\s+(?:earlier|before)|"
                         r"(?:over|in|during)\s+the\s+(?:past|last)\s+(?:day|24\s+hours))\b(?!\s+yesterday)", re.I | re.A)


def _sentence_date(s: Sentence, published) -> tuple[str, str] | None:
    """The day a sentence puts its events on: a named day wins over "overnight" ("attacks overnight and on
    Wednesday killed ..."), a single date over a range."""
    if "date" not in s.memo:
        s.memo["date"] = _work_out_sentence_date(s, published)
    return s.memo["date"]


# "an official said on Monday": the day of the telling, not of the act
_SAID_ON_BEFORE = re.compile(r"\b(?:said|says|announced|reported|told\s+\w+|stated|added|confirmed|wrote)\s+"
                             r"(?:late\s+|early\s+)?(?:on\s+)?(?:\w+\s*\(\s*)?$", re.I | re.A)


# "... in Sinjar, which endured years of war in 2014": a year inside a describing clause is background.
_RELATIVE_CLAUSE = re.compile(r",\s+(?:which|who|whose|where|one of|once|home to|a|an)\b")


_ACT_BEFORE_DATE = re.compile(r"\b(?:attacks?|strikes?|air\s*strikes?|airstrikes?|shelling|raids?|bombings?|"
                              r"explosions?|blasts?|ambush|assault|clashes|fighting|killed|struck|hit|shelled|"
                              r"bombed|attacked|stormed)\s+(?:late\s+|early\s+)?(?:on\s+)?(?:the\s+)?$", re.I | re.A)


def _work_out_sentence_date(s: Sentence, published) -> tuple[str, str] | None:
    background = [d for d in s.dates if d.precision == "year" and _RELATIVE_CLAUSE.search(s.text, 0, d.start - s.start)]
    if background:  # "..., which endured a massacre in 2014": that year is not the day of this act
        s = Sentence(s.start, s.end, s.text, dates=[d for d in s.dates if d not in background])
    dates = [d for d in s.dates if not _SAID_ON_BEFORE.search(s.text, max(0, d.start - s.start - 30),
                                                               d.start - s.start)]
    if len(dates) < len(s.dates) and any(d.date is not None and d.precision == "day" for d in dates):
        s = Sentence(s.start, s.end, s.text, dates=dates)  # the act's own dates only
    named = [d for d in s.dates if d.date is not None and d.kind in ("absolute", "month_day", "weekday")]
    if len({d.date for d in named}) > 1:  # "visited on Sunday the site of an attack on Saturday": the act's day
        named.sort(key=lambda d: not _ACT_BEFORE_DATE.search(s.text, max(0, d.start - s.start - 40), d.start - s.start))
    past_event = _YEAR_OF_EVENT.search(s.text)
    if past_event and not named:  # "since a 2008 shooting killed eight": that attack's year
        return f"{past_event.group(1)}-01-01", "year"
    if _DAY_BEFORE.search(s.text):  # "condemned on Wednesday the raids the day before": Tuesday
        base = named[0].date if named else published
        return (base - timedelta(days=1)).isoformat(), "day"
    if named:
        return named[0].date.isoformat(), named[0].precision
    for d in s.dates:
        if d.date is not None and d.kind != "range":
            return d.date.isoformat(), d.precision
    for d in s.dates:
        if d.date is not None:
            return (d.end_date or d.date).isoformat(), "day"
    return None


_LOCATIVE_BEFORE = re.compile(r"\b(?:in|across|of|throughout|inside|into|from|northern|southern|eastern|western|"
                              r"central|north-?western|north-?eastern|south-?western|south-?eastern|war-torn)\s+$", re.I | re.A)


def report_country(ann: Annotated) -> str | None:
    """Where the report's events happen: countries named as places, and the countries of the places named.

    Nationality words count little: "Russian warplanes" in a report from Idlib says who, not where."""
    from vigil.geo import country_of_place, province_countries
    from vigil.lexicon import home_of

    counts: Counter = Counter()
    for i, s in enumerate(ann.sentences):
        lead = 2 if i < 3 else 1
        for m in s.countries:
            if m.text != m.canonical:
                if not _overlaps(m.start, m.end, s.actors):  # "Israeli drone": who, not where
                    counts[m.canonical] += 0.25 * lead
            elif _LOCATIVE_BEFORE.search(s.text, 0, m.start - s.start):
                counts[m.canonical] += 3 * lead
            else:
                counts[m.canonical] += lead
        for m in s.actors:
            home = home_of(m.canonical) if m.category == "state_forces" else None
            if home:  # "the Syrian army clashed ...": a government's forces fight at home more often than not
                counts[home] += lead
        if s.violent:
            for p in s.places:
                c = country_of_place(p.name)
                if c:  # a province is strong evidence; one village may have a namesake abroad
                    counts[c] += (3 if is_admin1(p.name) else 1) * lead
    text = ann.doc.text
    units: Counter = Counter()
    for m in _UNIT_WORDS.finditer(text):
        if m.start() == 0 or not (text[m.start() - 1].isalnum() or text[m.start() - 1] == "_"):
            units[_UNIT_COUNTRY[m.group()]] += 1  # a whole word: "Chikun LGA", not "...xLGA"
    for country, n in units.items():
        counts[country] += 3 * min(n, 3)  # "Chikun LGA": only Nigeria has local government areas
    if not counts:  # a terse note: "... in Tesmil village of Orsk district, Parwan": the provinces it names
        counts = province_countries(text)
    return counts.most_common(1)[0][0] if counts else None


def _unit_countries() -> dict[str, str]:
    from vigil.lexicon import DATA_DIR

    rows = [line.split("\t") for line in (DATA_DIR / "admin_unit_countries.tsv").read_text(encoding="utf-8")
            .splitlines() if line.strip() and not line.startswith("#")]
    return {unit.strip(): country.strip() for unit, country in rows}


_UNIT_COUNTRY = _unit_countries()
# One scan of the report for all unit words; it starts with a literal, so the scan skips ahead fast.
_UNIT_WORDS = re.compile("(?:" + "|".join(map(re.escape, sorted(_UNIT_COUNTRY, key=len, reverse=True))) + r")\b")


def main_province(ann: Annotated) -> str | None:
    """The province the report is most about, for a truce whose sentence names no place."""
    counts: Counter = Counter()
    for s in ann.sentences:
        for p in s.places:
            if is_admin1(p.name):
                counts[p.name] += 1
    return counts.most_common(1)[0][0] if counts else None


def sentence_incidents(s: Sentence, ctx: Context, country: str | None, doc: Document, area_acts: bool = False
                       ) -> tuple[list[Incident], list[Total]]:
    """Incidents and totals one sentence tells. With `area_acts`, an act told only for a province or region
    ("clashes took place in the countryside of Lorvan") is an incident there, as for a report that names
    no smaller place."""
    killed_counts = [c for c in s.counts if c.role == "killed"]
    has_casualties = bool(killed_counts) or any(c.role == "injured" for c in s.counts)
    if not (s.violent or has_casualties):
        return [], []
    localities, areas = incident_places(s)
    if not localities and (has_casualties or has_act(s.text)):
        # "clashes near X": with no other place struck, the landmark is where it happened
        localities = [p for p in s.places if p.level == "reference" and not _overlaps(p.start, p.end, s.countries)]
    record = period_of_record(s.text) and all(_vague_count(s, c) for c in killed_counts) \
        and (not has_casualties or killed_counts)
    if not has_casualties and _INTENT_GATE.search(s.text) and _INTENT.search(s.text) and not _DONE_ACT.search(s.text):
        return [], []  # "as troops prepare for an offensive on X": an act ahead, not one that happened
    if not record and killed_counts and _many_acts_without_a_day(s):
        record = True  # "80 people lost their lives in 206 incidents in Varsk": a tally, not one act
    if record:
        localities = []  # "attacks on X since January", "dozens killed over the past days": a period's record
    places = localities or (areas_as_places(areas, s) if (has_casualties or (area_acts and has_act(s.text)))
                            and not record and not _aggregate(s) else [])
    blockers = _toll_blockers(s, areas, places)
    killed_by_place, loose_killed = pair_counts(s, places, "killed", blockers)
    nobody_killed = bool(_NOBODY_KILLED.search(s.text)) and not killed_counts
    if places and not localities and loose_killed and not killed_by_place:
        places = []  # "two killed in Kharkiv and Kherson oblasts": a total over regions
    injured_by_place, _ = pair_counts(s, places, "injured")
    date, precision = _sentence_date(s, doc.published) or ctx.date or (doc.published.isoformat(), "day")
    if s.types:
        kind = s.types[0]
    elif _MILITARY_TARGET.search(s.text) and has_act(s.text):
        kind = "ground_clash"  # its own attack on troops or police (decision e), not the method told before
    else:
        kind = ctx.type or generic_type(s.text) or "other"
    if kind == "ground_clash" and _unarmed_clash(s.text):
        kind = "other"
    elif kind == "shooting" and only_mutual_acts(s.text):
        kind = "ground_clash"  # "the two sides exchanged machine-gun fire": an armed clash, not a shooting
    blamed = None if agent_actors(s, country) else _blamed_here(s, country)
    perp = "; ".join(agent_actors(s, country)) or blamed or ctx.perpetrator
    if ctx.perpetrator and perp != ctx.perpetrator and _only_vague(perp) and not blamed:
        perp = ctx.perpetrator  # "militants stormed ..." after "Taliban attacks ...": the named actor
    if only_mutual_acts(s.text):
        perp = clash_initiator(s, country)  # "A clashed with B": neither did it, unless one side raided first
    elif referred := attacker_referred_back(s, country):
        perp = referred  # "clashes between A and B after an attack by the latter"
    elif (said := side_that_attacked(s, country)) and (not perp or len(agent_actors(s, country)) > 1):
        perp = said  # "clashes between A and B after an attack by B", "... during operations against B"
    if kind == "bombing" and perp and _BOMBED_VERB.search(s.text) and not _BOMB_DEVICE.search(s.text) and any(
            m.canonical in perp.split("; ") and m.category in ("state", "state_forces", "coalition") for m in s.actors):
        kind = "airstrike"  # "the junta bombed a camp": a state's forces bomb from the air, not with a planted device
    sources = reporting_sources(s, country) or list(ctx.sources)
    provinces = [a for a in areas if is_admin1(a.name)]
    incidents = []
    for i, p in enumerate(places):
        k = killed_by_place.get(i)
        inj = injured_by_place.get(i)
        inc = Incident(
            location=Location(name=p.name, admin1=p.container if p.container and is_admin1(p.container)
                              else _province_of(p, provinces), admin2=p.container if p.container and not is_admin1(p.container)
                              and not canonical_country(p.container) else None, country=country, span=(p.start, p.end), context_admin1=ctx.admin1,
                              feature_hint=_feature_named(s, p)),
            date=date, date_precision=precision, type=kind, perpetrator=perp,
            killed=k.value if k else (0 if nobody_killed else None),
            killed_qualifier=k.qualifier if k else ("exact" if nobody_killed else None),
            injured=inj.value if inj else None,
            victims=_victims(k, ctx, s) if k else (inj.victims if inj else "unknown"),
            children_killed=_breakdown(s, k, "children"), women_killed=_breakdown(s, k, "women"),
            sources=sources, evidence_spans=[s.span],
        )
        if inc.victims == "unknown" and (k is not None or inj is None):
            if "target" not in s.memo:
                s.memo["target"] = target_victims(s.text)
            inc.victims = s.memo["target"]
        if inc.type == "other" and not s.types and (inc.victims == "combatants" or _MILITARY_TARGET.search(s.text)):
            inc.type = "ground_clash"  # codebook decision e: an attack on troops with no method stated
        elif inc.type == "other" and not s.types and inc.killed and inc.victims == "civilians" \
                and _armed_on_the_ground(perp):
            inc.type = "shooting"  # civilians killed by gunmen or a force on the ground, no method named
        if not localities:
            inc.location.geo_precision = "province"
        incidents.append(inc)
    totals = []
    for c in loose_killed:
        area = (areas[0].name if areas else None) or (localities and ", ".join(p.name for p in localities)) or country
        strikes = next((x.value for x in s.counts if x.role == "strikes"), None)
        vague = _vague_count(s, c)  # "killing hundreds": no number (decision g); a count of strikes may remain
        if vague and strikes is None:
            continue
        totals.append(Total(killed=None if vague else c.value, killed_qualifier=None if vague else c.qualifier,
                            strikes=strikes,
                            victims=c.victims if c.victims != "unknown" else s.memo.setdefault("target", target_victims(s.text)),
                            area=area or None, period_start=date, period_end=date,
                            sources=sources, evidence_spans=[s.span]))
    return incidents, totals


_DEATH_WORD = re.compile(r"\b(?:kill|dead|died|death|wound|injur|casualt|bod(?:y|ies)|victims?|"
                         r"hit|struck|targeted|pounded|shelled|bombed|explo|destroy|damag)", re.I | re.A)
_STRUCK_PLACE = re.compile(r"\b(?:hit|struck|targeted|pounded|shelled|bombed|raided|stormed)\s+(?:the\s+)?"
                           r"(?:\w+\s+){0,3}?(?:villages?|towns?|city|cities|neighbou?rhoods?|areas?)\b", re.I | re.A)


def _blamed_here(s: Sentence, country: str | None) -> str | None:
    """"A car bomb killed 11, state media reported, blaming 'terrorists'": the sentence's own blame comes
    before an attacker carried from earlier sentences."""
    if "blam" not in s.text and "accus" not in s.text and "behind" not in s.text:
        return None
    from vigil.extract.roles import blamed_actors

    names, disputed = blamed_actors(s, country, keep_vague=True)
    return names[0] if len(names) == 1 and not disputed else None


def _breakdown_of_earlier_toll(s: Sentence, incidents: list[Incident]) -> bool:
    """"The monitor said 14 of the dead were children": a breakdown of the toll just given, not a new toll."""
    roles = {c.role for c in s.counts}
    if not roles or not roles <= {"children", "women", "other", "strikes"} or s.places or not incidents:
        return False
    last = incidents[-1]
    if last.killed is None:
        return False
    for c in s.counts:
        if c.role == "children" and last.children_killed is None and c.value <= last.killed:
            last.children_killed = c.value
        elif c.role == "women" and last.women_killed is None and c.value <= last.killed:
            last.women_killed = c.value
        else:
            continue
        last.evidence_spans.append(s.span)
    return True


_ARREST = re.compile(r"\b(?:arrest(?:s|ed|ing)?|detain(?:s|ed|ing)?|detention|apprehend(?:s|ed|ing)?|rounded\s+up|"
                     r"round-?ups?|searche[ds]|search\s+and\s+arrest)\b", re.I | re.A)
_HARM = re.compile(r"\b(?:kill\w*|dead|died|deaths?|wound\w*|injur\w*|hurt|shot|shoot\w*|fired|fire|firing|gunfire|"
                   r"clash\w*|explo\w*|bomb\w*|shell\w*|strikes?|struck|airstrikes?|ied|mines?|beat\w*|tortur\w*|"
                   r"abduct\w*|kidnap\w*|attack\w*|assault\w*|ambush\w*|stabb\w*|massacre\w*|execut\w*)\b",
                   re.I | re.A)


def arrests_only(text: str) -> bool:
    """"Troops raided houses in Tesmil and arrested five men": an arrest with no harm told is no violent act."""
    return bool(_ARREST.search(text)) and not _HARM.search(text)


def _weak_sentence(s: Sentence) -> bool:
    """No toll, and no weapon striking something: the sentence may only be locating an attack told elsewhere."""
    if "weak" not in s.memo:
        s.memo["weak"] = _is_weak(s)
    return s.memo["weak"]


def _is_weak(s: Sentence) -> bool:
    has_casualties = any(c.role in ("killed", "injured") for c in s.counts)
    return not has_casualties and not (s.types and _DEATH_WORD.search(s.text) or _STRUCK_PLACE.search(s.text)
                                       or has_act(s.text))


_HOOD_BEFORE = re.compile(r"\bneighbou?rhoods?\s+of\s+(?:the\s+)?[^.;:]*$", re.I | re.A)
_HOOD_AFTER = re.compile(r"\s+(?:neighbou?rhoods?|quarter)\b", re.I | re.A)


def _feature_named(s: Sentence, p: PlaceMention) -> str | None:
    """"the neighbourhoods of A, B and C", "the D neighbourhood": the report calls the place a neighbourhood."""
    a, b = p.start - s.start, p.end - s.start
    if _HOOD_AFTER.match(s.text, b) or (p.container and _HOOD_BEFORE.search(s.text, 0, a)):
        return "neighbourhood"
    return None


# "No fatalities were reported", "neither injuries nor fatalities", "there were no reported casualties",
# "nobody was hurt": a toll of 0. "No information about casualties" is no toll at all.
_NOBODY_KILLED = re.compile(
    r"\b(?:no\s+one|nobody|no\s+(?:one\s+)?(?:was|were)\s+(?:killed|hurt|injured)|"
    r"no\s+reports?\s+of\s+(?:any\s+)?(?:casualties|deaths|fatalities)|"
    r"no\s+(?:injuries|casualties|wounded)\s+(?:or|and|nor)\s+(?:fatalities|deaths|dead)|"
    r"(?:no|neither|nor|zero)\s+(?:(?:reported|known|human|immediate|civilian)\s+)?(?:casualties|deaths|fatalities|"
    r"dead|loss(?:es)?\s+of\s+life)|without\s+(?:any\s+)?(?:casualties|fatalities|deaths)|"
    r"(?:did|does)\s+not\s+(?:result\s+in|cause)\s+(?:any\s+)?(?:casualties|deaths|fatalities)|"
    r"(?:causing|caused|leaving|left|with|without)\s+(?:no|any)\s+(?:injuries|injured|wounded)|no\s+one\s+(?:was\s+)?hurt)\b", re.I | re.A)


def _armed_on_the_ground(perp: str | None) -> bool:
    """A force that kills face to face (an army, police, rebels, a militia), not a state striking from afar."""
    from vigil.lexicon import actor_category

    return bool(perp) and all(actor_category(p.strip()) in ("state_forces", "rebel", "jihadist", "militia")
                              for p in perp.split(";"))


# An attack on a military post, unit or vehicle (codebook decision e).
# "an attack on an army post" (the target), not "an attack by rebels" (the attacker)
_MILITARY_TARGET = re.compile(r"\b(?:attack(?:ed|s)?|ambush(?:ed)?|raid(?:ed)?|assault(?:ed)?|stormed|operation)\b"
                              r"(?:(?!\bby\b)[^.;]){0,40}?\b(?:on|against)?\s*(?:an?\s+|the\s+)?"
                              r"(?:(?!\bby\b)[^.;]){0,25}?\b(?:soldiers|troops|"
                              r"forces|army|police|policemen|checkpoints?|check\s+points?|posts?|base|convoy|patrol|"
                              r"positions?|barracks|brigade|battalion|unit|militants|fighters|insurgents|rebels|jihadists|"
                              r"militiamen|guards|outposts?)\b", re.I | re.A)


def _province_of(p: PlaceMention, provinces: list[PlaceMention]) -> str | None:
    """The province a sentence puts the place in: itself, else the nearest named after it, else before it."""
    if any(q is p for q in provinces):
        return p.name
    after = [q for q in provinces if q.start >= p.end]
    before = [q for q in provinces if q.end <= p.start]
    return after[0].name if after else (before[-1].name if before else None)


def areas_as_places(areas: list[PlaceMention], s: Sentence) -> list[PlaceMention]:
    """A province or region stands for the place when nothing finer is named ("in Balkh, militants ...")."""
    regions = [a for a in areas if a.level != "container" and not _overlaps(a.start, a.end, s.countries)
               and not _ORG_WORDS.search(a.name)]
    return regions or [a for a in areas if a.level not in ("container", "reference") and _SITE.search(a.name)
                       and _in_gazetteer(_SITE.sub("", a.name).strip(), None)]


# "near Tesmil Airport": with nothing else named, a site named after its town is where it happened
_SITE = re.compile(r"\s+(?:Airport|Airbase|Air Base|Station|Base|Prison|Bridge|Checkpoint|Crossing)$")


_AGGREGATE = re.compile(r"\b(?:since|so far this|this year|last year|past (?:year|month|week)s?|in (?:January|February|"
                        r"March|April|May|June|July|August|September|October|November|December)\b|during (?:the )?"
                        r"(?:month|year|war|conflict)|over the past|monthly|documented the death of|total of|"
                        r"in total|overall|across the country)", re.I | re.A)


# A period rather than a moment: "attacks on X since January", "every day", "within the last month"
_PERIOD = re.compile(r"\b(?:since|so far this|this year|(?:over\s+)?the (?:past|last) (?:year|month)|(?:past|last) (?:few |several |\w+ )?(?:years|months|weeks)|"
                     r"within the (?:last|past)|every (?:day|week|month)|on a daily basis|over the past|monthly|during (?:the )?"
                     r"(?:month|year|war|conflict)|in (?:January|February|March|April|May|June|July|August|September|"
                     r"October|November|December)(?! \d)|overall|across the country)\b", re.I | re.A)


# "the heaviest since planes first struck the city in August": a comparison, not the period of the acts told
_COMPARISON = re.compile(r"\b(?:\w+est|worst|first|most\s+\w+)\s+(?:\w+\s+){0,3}?since\b[^,;.]*", re.I | re.A)


def period_of_record(text: str) -> bool:
    """Does the sentence count over a period ("since January", "this year") rather than tell one act?"""
    m = _PERIOD.search(text)
    if m is None:
        return False
    if "since" in text.lower() and _COMPARISON.search(text):
        return bool(_PERIOD.search(_COMPARISON.sub(" ", text)))
    return True


_INTENT = re.compile(r"\b(?:prepar(?:e|es|ed|ing)\s+(?:for|to)|plan(?:s|ned|ning)?\s+to|threaten(?:s|ed|ing)?\s+to|"
                     r"vow(?:s|ed|ing)?\s+to|(?:is|are|was|were)\s+expected\s+to|poised\s+to|gearing\s+up\s+for)\b",
                     re.I | re.A)
_INTENT_GATE = re.compile(r"prepar|plan|threat|vow|expected|poised|gearing", re.I | re.A)
_DONE_ACT = re.compile(r"\b(?:attacked|struck|shelled|hit|bombed|clashed|fired|stormed|raided|killed|destroyed|"
                       r"exploded|targeted|ambushed|seized|captured)\b", re.I | re.A)
def _target_words() -> tuple[re.Pattern, dict[str, str]]:
    from vigil.lexicon import DATA_DIR

    rows = [line.split("\t") for line in (DATA_DIR / "target_victims.tsv").read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    kinds = {w.strip(): v.strip() for w, v in rows}
    words = "|".join(re.escape(w) for w in sorted(kinds, key=len, reverse=True))
    rx = re.compile(r"\b(?:hit|hitting|struck|striking|target(?:ed|ing)|opened\s+fire\s+on|fired\s+on|attack(?:ed|ing)?|"
                    r"attacks?\s+on|shell(?:ed|ing)|bomb(?:ed|ing)|storm(?:ed|ing)|raid(?:ed|ing)?|strikes?\s+on|"
                    r"ambush(?:ed|ing)?|abduct(?:ed|ing)|kidnapp?(?:ed|ing)|assault(?:ed|ing)|beat(?:en|ing)?|"
                    r"fir(?:ed|ing)\s+[^.;]{0,100}?\s(?:at|on)(?=\s))\s+(?:[\w'’-]+\s+){0,4}?(" + words + r")\b", re.I | re.A)
    return rx, kinds


_TARGET_RX, _TARGET_KIND = _target_words()
_TARGET_GATE = frozenset(w.split()[-1] for w in _TARGET_KIND)


_BOMBED_VERB = re.compile(r"\bbomb(?:ed|ing|s)\b", re.I | re.A)
_BOMB_DEVICE = re.compile(r"\b(?:car|truck|suicide|roadside|barrel|cluster|planted|ieds?|explosive|devices?|mines?|landmines?|"
                          r"grenades?|bomber|booby|vest|bombs?)\b", re.I | re.A)


def _unarmed_parties() -> re.Pattern:
    from vigil.annotate.sentences import _word_file

    words = "|".join(re.escape(w) for w in sorted(_word_file("unarmed_parties.txt"), key=len, reverse=True))
    return re.compile(rf"\bclash(?:es|ed)?\s+(?:\w+\s+){{0,2}}?(?:between|with)\s+(?:\w+\s+){{0,3}}?(?:{words})\b"
                      rf"|\b(?:{words})\s+(?:\w+\s+){{0,2}}?clashed\b", re.I | re.A)


_UNARMED_CLASH = _unarmed_parties()
_ARMS_USED = re.compile(r"\b(?:gunm[ae]n|gunfire|gunshots?|fighters|militants|militiam[ae]n|armed|rifles?|killed|dead|"
                        r"killing|shot|shells?|rockets?|mortars?|grenades?|bombs?|explosives?)\b", re.I | re.A)


def _unarmed_clash(text: str) -> bool:
    """"Protesters clashed with police": a scuffle, not an armed battle, unless arms or deaths are told."""
    return bool(_UNARMED_CLASH.search(text)) and not _ARMS_USED.search(text)


def target_victims(text: str) -> str:
    """"raiders opened fire on farmers", "a strike hit a wedding": who was hit, when the toll does not say."""
    if _TARGET_GATE.isdisjoint(re.findall(r"[a-z]+", text.lower())):
        return "unknown"
    m = _TARGET_RX.search(text)
    return _TARGET_KIND[m.group(1).lower()] if m else "unknown"


_VAGUE_COUNT = re.compile(r"(?:(?:at least|more than|over|about|some)\s+)?(?:dozens|scores|tens|hundreds|several|"
                          r"a few|a dozen|a handful)\b", re.I | re.A)


def _vague_count(s: Sentence, c: Count) -> bool:
    """"dozens", "scores": no number (codebook decision g)."""
    return bool(_VAGUE_COUNT.match(s.text, c.start - s.start))


def _many_acts_without_a_day(s: Sentence) -> bool:
    """A toll told over more than three counted acts, with no day named for them."""
    return any(c.role == "strikes" and c.value > 3 and _INCIDENTS_AFTER.match(s.text, c.end - s.start)
               for c in s.counts) and not any(d.precision == "day" for d in s.dates)


# "in 206 incidents", "in five terror attacks": counted events (not "six air raids" on one place)
_INCIDENTS_AFTER = re.compile(r"\s+(?:[a-z-]+\s+){0,2}?(?:incidents|attacks|activities|operations|acts|events)\b")


def _aggregate(s: Sentence) -> bool:
    many_strikes = any(c.role == "strikes" and c.value > 3 for c in s.counts)
    return many_strikes or bool(_AGGREGATE.search(s.text))


def _victims(k: Count, ctx: Context, s: Sentence | None = None) -> str:
    if k.victims != "unknown":
        return k.victims
    if s is not None and (_breakdown(s, k, "children") or _breakdown(s, k, "women")):
        return "civilians"  # "23 people, including three children"
    return ctx.victims or "unknown"


def _breakdown(s: Sentence, k: Count | None, what: str) -> int | None:
    if k is None:
        return None
    noun = (k.noun or "").lower()
    if what == "children" and re.match(r"child|kid|minor|boy|girl|infant|bab", noun):
        return k.value
    if what == "women" and re.match(r"wom[ae]n", noun):
        return k.value
    before = [c for c in s.counts if c.end <= k.start and c.role == what]
    if before and re.search(r"\bamong\s+(?:the\s+)?$", s.text[:k.start - s.start]):
        return before[-1].value  # "Three children were among 11 people killed"
    after = [c for c in s.counts if c.start > k.start]
    for c in after:
        if c.role in ("killed", "injured"):
            break
        if c.role == what:
            return c.value
    return None


