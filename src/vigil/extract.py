"""Extract stage: from annotated sentences to incidents, totals and ceasefires.

The codebook's incident is one act at one place on one day, so extraction
is organised around places: a sentence that tells of violence and names
localities yields one incident per locality. Counts are paired with places
by their order in the sentence ("nine in A, eight in B, two each in C and
D"); a count that belongs to no single place becomes a report-level total.
What a sentence leaves unsaid (who did it, who reported it, when, with what)
is carried over from the sentences before it, the way a reader does.
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from functools import lru_cache
from dataclasses import dataclass, field

from vigil.annotate import Annotated, Count, PlaceMention, Sentence, annotate, dateline_end, generic_type
from vigil.model import Ceasefire, Document, Incident, Location, Report, Total

# --------------------------------------------------------------------------- roles of actors

_SAID_AFTER = re.compile(r"^\W{0,3}(?:\w+\s+){0,3}?(?:said|says|announced|reported|claimed|stated|told|confirmed|"
                         r"denied|accused|blamed|documented|added|noted)\b", re.I)
_SOURCE_BEFORE = re.compile(r"(?:according to|said|told|citing|cited|reported by|quoted|per)\s+(?:the\s+)?$", re.I)
_VICTIM_BEFORE = re.compile(r"(?:kill(?:ing|ed|s)?|against|target(?:ing|ed)|wound(?:ing|ed)|injur(?:ing|ed)|on|"
                            r"\d+|members of|positions of|of)\s+(?:the\s+)?(?:\w+\s+)?$", re.I)
_ATTACKS_AFTER = re.compile(r"^\W{0,3}(?:\w+\s+){0,3}?(?:kill(?:ed|s)?|shot|shoot|opened fire|attack(?:ed|s)?|stormed|"
                            r"fired|bombed|shelled|struck|strike|ambush(?:ed)?|execut(?:ed|e)|abduct(?:ed)?|raided|"
                            r"clashed|detonated|blew|set off|targeted|massacred|launched|carried out)\b", re.I)
_CLAIMED_AFTER = re.compile(r"^[^.;]{0,30}?\bclaimed\s+(?:responsibility|the\s+attack|the\s+bombing)", re.I)
_ATTACK_NOUN_AFTER = re.compile(r"^\s+(?:attacks?|air\s*strikes?|airstrikes?|strikes?|shelling|raids?|offensive|"
                                r"assaults?|bombardment|ambush)\b", re.I)
_HOLDER_BEFORE = re.compile(r"\b(?:controlled|held|run|occupied|besieged|seized|captured|backed|supported|"
                            r"led|dominated|linked|affiliated)\s+by\s+(?:the\s+)?(?:\w+\s+)?$", re.I)
_AGENT_BEFORE = re.compile(r"(?:\bby|\bfrom)\s+(?:the\s+)?(?:\w+\s+){0,2}$", re.I)


def agent_actors(s: Sentence, country: str | None = None) -> list[str]:
    """Actors the sentence presents as carrying out the violence, in text order (joint attacks kept).

    Vague names are settled by the report's country ("government forces" in Syria, "the coalition"
    in Yemen)."""
    key = ("agents", country)
    if key not in s.memo:
        s.memo[key] = _agent_actors(s, country)
    return list(s.memo[key])


def _agent_actors(s: Sentence, country: str | None) -> list[str]:
    text, base = s.text, s.start
    agents: list = []
    dateline = s.start + dateline_end(s.text)
    for m in s.actors:
        if m.start < dateline:
            continue  # "KYIV, March 2 (Reuters) -": where the story was filed
        before = text[max(0, m.start - base - 40):m.start - base]
        after = text[m.end - base:]
        if m.text != m.canonical and any(p.start == m.start and p.level in ("locality", "area") for p in s.places):
            continue  # "near the capital Damascus": the city, not its government
        if _CLAIMED_AFTER.match(after) or (_ATTACK_NOUN_AFTER.match(after) and not _SOURCE_BEFORE.search(before)):
            agents.append(m)  # "al-Shabaab claimed responsibility", "a series of Taliban attacks"
            continue
        if _SOURCE_BEFORE.search(before):
            continue
        if _SAID_AFTER.match(after) and not _AGENT_BEFORE.search(before):
            continue
        if _VICTIM_BEFORE.search(before) and not _AGENT_BEFORE.search(before):
            continue
        if any(c.start <= m.start and m.end <= c.end for c in s.counts):
            continue  # "Thirty-three Turkish soldiers were killed": the counted, not the attacker
        if _HOLDER_BEFORE.search(before):
            continue
        if m.category in ("weapon_hint",) and agents:
            continue
        if m.category == "unknown" and not (_AGENT_BEFORE.search(before) or _ATTACKS_AFTER.match(after)):
            continue  # "Police found a body": a vague name acts only when the sentence says it attacked
        agents.append(m)
    names = [_resolved_actor(m.canonical, country) for m in agents]
    agents = [m for m, n in zip(agents, names) if n]
    names = [n for n in names if n]
    if not agents:
        return _nationality_with_weapon(s)
    out = [names[0]]
    for prev, m, name in zip(agents, agents[1:], names[1:]):
        gap = text[prev.end - base:m.start - base]
        if len(gap) <= 25 and re.search(r"\band\b|&|,|\bbacked\b|\bwith\b|\ballied\b", gap):
            if name not in out:
                out.append(name)
        else:
            break
    return sorted(out, key=lambda a: 0 if re.search(r"government|army|forces", a, re.I) else 1)


_WEAPON_AFTER = re.compile(r"\s+(?:[a-z-]+\s+)?(?:shelling|shells|artillery|air\s*strikes?|airstrikes?|strikes?|"
                           r"drones?|warplanes?|jets?|missiles?|rockets?|bombardment|raids?|aircraft|helicopters?|"
                           r"gunboats?|tanks?)\b", re.I)


def _nationality_with_weapon(s: Sentence) -> list[str]:
    """"Turkish shelling", "Israeli jets": a nationality on a weapon names the state that fired it."""
    from vigil.lexicon import government_of

    for m in s.countries:
        if m.text != m.canonical and _WEAPON_AFTER.match(s.text, m.end - s.start) \
                and not _SOURCE_BEFORE.search(s.text, max(0, m.start - s.start - 25), m.start - s.start):
            return [government_of(m.canonical)]
    return []


def _resolved_actor(canonical: str, country: str | None) -> str | None:
    from vigil.lexicon import resolve_actor

    return resolve_actor(canonical, country)


def _only_vague(perp: str | None) -> bool:
    from vigil.lexicon import actor_category

    def vague(name: str) -> bool:  # "gunmen", "militants"; not "al-Shabaab", which is lower-case but named
        category = actor_category(name)
        return category == "unknown" or (category is None and name.islower())

    return bool(perp) and all(vague(p.strip()) for p in perp.split(";"))


def reporting_sources(s: Sentence, country: str | None = None) -> list[str]:
    """Who the sentence says reported it: organisations from the sources table, and named officials."""
    key = ("sources", country)
    if key not in s.memo:
        s.memo[key] = _reporting_sources(s, country)
    return list(s.memo[key])


def _reporting_sources(s: Sentence, country: str | None) -> list[str]:
    from vigil.lexicon import resolve_source

    out: list[str] = []
    dateline = s.start + dateline_end(s.text)
    for m in s.sources:
        if m.start < dateline:
            continue  # "(Reuters) -" names the agency that filed the story, not who reported the toll
        name = resolve_source(m.canonical, country)
        if name not in out:
            out.append(name)
    for name in named_officials(s):
        if name not in out:
            out.append(name)
    return out


_PERSON = r"[A-Z][a-z'’]+(?:\s+(?:(?:al|el|bin|ibn|abu|abdel|abdul|de|van)[-\s])?[A-Z][\w'’-]+){1,3}"
_TITLE = (r"(?:spokes(?:man|woman|person)|governor|mayor|chief|head|minister|official|commander|director|doctor|"
          r"Dr\.?|colonel|general|captain|leader|representative|administrator|coordinator|activist|witness|"
          r"resident|journalist|correspondent|medic|physician|surgeon)")
_OFFICIAL_BEFORE_NAME = re.compile(rf"\b{_TITLE}\s+(?P<name>{_PERSON})")
_NAME_THEN_TITLE = re.compile(rf"(?P<name>{_PERSON}),\s+(?:an?\s+|the\s+)?[^,]{{0,60}}?\b{_TITLE}\b[^,]{{0,60}},")
_SAYS = re.compile(r"\b(?:said|says|told|wrote|stated|reported|added|confirmed|announced)\b|according to", re.I)


def named_officials(s: Sentence) -> list[str]:
    """People the sentence quotes by name and office ("provincial police chief Ajmal Fayez said")."""
    if not _SAYS.search(s.text):
        return []
    names = []
    for rx in (_OFFICIAL_BEFORE_NAME, _NAME_THEN_TITLE):
        for m in rx.finditer(s.text):
            name = m.group("name")
            at = s.start + m.start("name")
            if not _overlaps(at, at + len(name), s.actors) and not _overlaps(at, at + len(name), s.places):
                names.append(name)
    return list(dict.fromkeys(names))


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

    from vigil.geocode import admin1_of

    found = admin1_of(name)
    # "Kharkiv" (the city) is not "Kharkiv Oblast": only a name written as the province counts.
    return bool(found) and fuzz.ratio(_fold(name), _fold(found)) >= 85


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
        if p.level == "reference":
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
        if p.level == "area" or (is_admin1(p.name) and not p.called_locality):
            areas.append(p)
        else:
            localities.append(p)
    return localities, areas


# --------------------------------------------------------------------------- pairing counts with places


# "Mogadishu, Somalia", "Dahyan market in Saada province", "Kale in Myanmar's Sagaing region"
_APPOSITIVE_GAP = re.compile(r",\s*|(?:\s+[a-z]+){0,2}\s+in\s+(?:the\s+)?(?:[A-Z][\w-]*['’]s\s+)?(?:[a-z-]+\s+)?")


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


@dataclass
class Context:
    """What a reader remembers from earlier sentences: actor, sources, date, type, country."""

    perpetrator: str | None = None
    sources: list[str] = field(default_factory=list)
    date: tuple[str, str] | None = None  # (iso date, precision)
    type: str | None = None
    victims: str | None = None
    admin1: str | None = None


_CEASEFIRE_RX = re.compile(r"\b(?:cease-?fire|truce|cessation of hostilities|armistice|de-?escalation (?:agreement|"
                           r"deal|accord|memorandum)|humanitarian pause|halt to (?:the )?fighting)s?\b", re.I)


def extract(doc: Document) -> Report:
    return extract_annotated(annotate(doc))


def extract_annotated(ann: Annotated) -> Report:
    doc = ann.doc
    report = Report(doc=doc)
    country = report_country(ann)
    region = main_province(ann) or country
    ctx = Context()
    mentions: list[Incident] = []  # places named near violence words, without a toll or a strike verb
    truce_sentences: list[Sentence] = []  # about a truce, but with no end date of their own
    for s in ann.sentences:
        _update_context(ctx, s, doc, country)
        if _CEASEFIRE_RX.search(s.text):
            cf = extract_ceasefire(s, doc, region)
            if cf:
                report.ceasefires.append(cf)
            if cf is None or cf.effective_until is None:
                truce_sentences.append(s)
            if s.headline or not any(c.role == "killed" for c in s.counts):
                continue
        if s.headline:
            continue
        if _breakdown_of_earlier_toll(s, report.incidents):
            continue
        weak = _weak_sentence(s)
        incidents, totals = sentence_incidents(s, ctx, country, doc)
        (mentions if weak else report.incidents).extend(incidents)
        report.totals.extend(totals)
    report.incidents = merge_incidents(_drop_areas_detailed_elsewhere(report))
    _add_place_only_mentions(report, merge_incidents(mentions))
    _give_lead_toll_to_single_place(report)
    report.ceasefires = merge_ceasefires(report.ceasefires)
    _end_from_later_duration(report.ceasefires, truce_sentences)
    report.reports_incident = bool(report.incidents)
    return report


def _end_from_later_duration(ceasefires: list[Ceasefire], sentences: list[Sentence]) -> None:
    """"The ceasefire shall remain in effect for seven days", said apart from its start date: with one
    open-ended truce in the report, that is its length."""
    open_ended = [cf for cf in ceasefires if cf.effective_from and cf.effective_until is None]
    if len(open_ended) != 1:
        return
    cf = open_ended[0]
    for s in sentences:
        end = _end_from_duration(s.text, cf.effective_from)
        if end:
            cf.effective_until = end
            if s.span not in cf.evidence_spans:
                cf.evidence_spans.append(s.span)
            return


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
    if d and s.places and not _weak_sentence(s):
        ctx.date = d  # only a sentence about an attack dates the ones told after it
    admin = next((p.name for p in s.places if p.level in ("area", "container") and is_admin1(p.name)), None)
    if admin:
        ctx.admin1 = admin
    if s.types:
        ctx.type = s.types[0]
    if ctx.victims is None and re.search(r"\bcivilians?\b", s.text, re.I):
        ctx.victims = "civilians"


_YEAR_OF_EVENT = re.compile(r"\b(?:a|an|the|in)\s+((?:19|20)\d\d)\s+(?:[a-z-]+\s+){0,2}?(?:attack|shooting|bombing|"
                            r"strike|airstrike|massacre|blast|explosion|raid|offensive|assault|siege|uprising)s?\b")
_DAY_BEFORE = re.compile(r"\b(?:the\s+day\s+before|the\s+previous\s+day|a\s+day\s+earlier)\b(?!\s+yesterday)", re.I)


def _sentence_date(s: Sentence, published) -> tuple[str, str] | None:
    """The day a sentence puts its events on: a named day wins over "overnight" ("attacks overnight and on
    Wednesday killed ..."), a single date over a range."""
    if "date" not in s.memo:
        s.memo["date"] = _work_out_sentence_date(s, published)
    return s.memo["date"]


def _work_out_sentence_date(s: Sentence, published) -> tuple[str, str] | None:
    named = [d for d in s.dates if d.date is not None and d.kind in ("absolute", "month_day", "weekday")]
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
                              r"central|north-?western|north-?eastern|south-?western|south-?eastern|war-torn)\s+$", re.I)


def report_country(ann: Annotated) -> str | None:
    """Where the report's events happen: countries named as places, and the countries of the places named.

    Nationality words count little: "Russian warplanes" in a report from Idlib says who, not where."""
    from vigil.geocode import country_of_place

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
        if s.violent:
            for p in s.places:
                c = country_of_place(p.name)
                if c:
                    counts[c] += 2 * lead
    return counts.most_common(1)[0][0] if counts else None


def main_province(ann: Annotated) -> str | None:
    """The province the report is most about, for a truce whose sentence names no place."""
    counts: Counter = Counter()
    for s in ann.sentences:
        for p in s.places:
            if is_admin1(p.name):
                counts[p.name] += 1
    return counts.most_common(1)[0][0] if counts else None


def sentence_incidents(s: Sentence, ctx: Context, country: str | None, doc: Document
                       ) -> tuple[list[Incident], list[Total]]:
    killed_counts = [c for c in s.counts if c.role == "killed"]
    has_casualties = bool(killed_counts) or any(c.role == "injured" for c in s.counts)
    if not (s.violent or has_casualties):
        return [], []
    localities, areas = incident_places(s)
    places = localities or (areas_as_places(areas, s) if has_casualties and not _aggregate(s) else [])
    blockers = _toll_blockers(s, areas, places)
    killed_by_place, loose_killed = pair_counts(s, places, "killed", blockers)
    nobody_killed = bool(_NOBODY_KILLED.search(s.text)) and not killed_counts
    if places and not localities and loose_killed and not killed_by_place:
        places = []  # "two killed in Kharkiv and Kherson oblasts": a total over regions
    injured_by_place, _ = pair_counts(s, places, "injured")
    date, precision = _sentence_date(s, doc.published) or ctx.date or (doc.published.isoformat(), "day")
    kind = s.types[0] if s.types else (ctx.type or generic_type(s.text) or "other")
    perp = "; ".join(agent_actors(s, country)) or ctx.perpetrator
    if ctx.perpetrator and perp != ctx.perpetrator and _only_vague(perp):
        perp = ctx.perpetrator  # "militants stormed ..." after "Taliban attacks ...": the named actor
    sources = reporting_sources(s, country) or list(ctx.sources)
    provinces = [a for a in areas if is_admin1(a.name)]
    incidents = []
    for i, p in enumerate(places):
        k = killed_by_place.get(i)
        inj = injured_by_place.get(i)
        inc = Incident(
            location=Location(name=p.name, admin1=p.container if p.container and is_admin1(p.container)
                              else _province_of(p, provinces), admin2=p.container if p.container and not is_admin1(p.container)
                              else None, country=country, span=(p.start, p.end), context_admin1=ctx.admin1,
                              feature_hint=_feature_named(s, p)),
            date=date, date_precision=precision, type=kind, perpetrator=perp,
            killed=k.value if k else (0 if nobody_killed else None),
            killed_qualifier=k.qualifier if k else ("exact" if nobody_killed else None),
            injured=inj.value if inj else None,
            victims=_victims(k, ctx, s) if k else (inj.victims if inj else "unknown"),
            children_killed=_breakdown(s, k, "children"), women_killed=_breakdown(s, k, "women"),
            sources=sources, evidence_spans=[s.span],
        )
        if not localities:
            inc.location.geo_precision = "province"
        incidents.append(inc)
    totals = []
    for c in loose_killed:
        area = (areas[0].name if areas else None) or (localities and ", ".join(p.name for p in localities)) or country
        strikes = next((x.value for x in s.counts if x.role == "strikes"), None)
        totals.append(Total(killed=c.value, killed_qualifier=c.qualifier, strikes=strikes,
                            victims=c.victims, area=area or None, period_start=date, period_end=date,
                            sources=sources, evidence_spans=[s.span]))
    return incidents, totals


def _drop_areas_detailed_elsewhere(report: Report) -> list[Incident]:
    """A province-level toll whose villages the report names is a total, not an incident."""
    kept = []
    for inc in report.incidents:
        if inc.location.geo_precision == "province":
            inside = [o for o in report.incidents if o.location.geo_precision is None and _fold(inc.location.name)
                      in (_fold(o.location.admin1 or o.location.context_admin1 or ""), _fold(o.location.admin2 or ""))]
            named_with_it = any(inc.location.name in report.doc.text[a:b] for o in inside for a, b in o.evidence_spans)
            sum_inside = sum(o.killed or 0 for o in inside)
            detailed = named_with_it or (inc.killed is not None and 0 < sum_inside <= inc.killed)
            if detailed:
                if inc.killed is not None:
                    report.totals.append(_as_total(inc))
                continue
        elif len(_contained_in(inc, report.incidents)) >= 2:
            if inc.killed is not None:  # "72 killed in Aleppo city ... in the neighbourhoods of A, B and C"
                report.totals.append(_as_total(inc))
            continue
        kept.append(inc)
    return kept


def _contained_in(city: Incident, incidents: list[Incident]) -> list[Incident]:
    """Incidents the report places inside this one's place (neighbourhoods of a city, villages of a district)."""
    key = _fold(city.location.name)
    return [o for o in incidents if o is not city and o.location.geo_precision is None
            and key in (_fold(o.location.admin1 or ""), _fold(o.location.admin2 or ""))]


def _as_total(inc: Incident) -> Total:
    return Total(killed=inc.killed, killed_qualifier=inc.killed_qualifier, injured=inc.injured,
                 victims=inc.victims, area=inc.location.name, period_start=inc.date, period_end=inc.date,
                 sources=list(inc.sources), evidence_spans=list(inc.evidence_spans))


def _give_lead_toll_to_single_place(report: Report) -> None:
    """A report about one place often gives the toll in a sentence that names only the region:
    "At least 12 people were killed in Yemen's Marib province ... in Al Jalwah district"."""
    places = {_fold(i.location.name) for i in report.incidents}
    if len(places) != 1 or not report.totals or any(i.killed is not None for i in report.incidents):
        return
    total = report.totals[0]
    inc = report.incidents[0]
    if total.killed is None or set(total.evidence_spans) & set(inc.evidence_spans):
        return  # the sentence that names the place gave its toll to a region on purpose
    inc.killed, inc.killed_qualifier = total.killed, total.killed_qualifier
    if total.victims != "unknown":
        inc.victims = total.victims
    if inc.injured is None:
        inc.injured = total.injured
    inc.evidence_spans = sorted(set(inc.evidence_spans) | set(total.evidence_spans))
    report.totals.pop(0)


_DEATH_WORD = re.compile(r"\b(?:kill|dead|died|death|wound|injur|casualt|bod(?:y|ies)|victims?|"
                         r"hit|struck|targeted|pounded|shelled|bombed|explo|destroy|damag)", re.I)
_STRUCK_PLACE = re.compile(r"\b(?:hit|struck|targeted|pounded|shelled|bombed|raided|stormed)\s+(?:the\s+)?"
                           r"(?:\w+\s+){0,3}?(?:villages?|towns?|city|cities|neighbou?rhoods?|areas?)\b", re.I)


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


def _weak_sentence(s: Sentence) -> bool:
    """No toll, and no weapon striking something: the sentence may only be locating an attack told elsewhere."""
    if "weak" not in s.memo:
        s.memo["weak"] = _is_weak(s)
    return s.memo["weak"]


def _is_weak(s: Sentence) -> bool:
    has_casualties = any(c.role in ("killed", "injured") for c in s.counts)
    return not has_casualties and not (s.types and _DEATH_WORD.search(s.text) or _STRUCK_PLACE.search(s.text))


def _add_place_only_mentions(report: Report, mentions: list[Incident]) -> None:
    """Keep a place-only mention when it adds evidence to a known incident, or when the report names
    no other place for the toll it gives ("At least 19 were killed ... The attack took place in Oicha")."""
    if not mentions:
        return
    known = {_fold(i.location.name): i for i in report.incidents}
    for m in mentions:
        if _fold(m.location.name) in known:
            _absorb(known[_fold(m.location.name)], m)
    if report.incidents and all(i.location.geo_precision == "province" for i in report.incidents):
        for inc in report.incidents:  # "12 killed in Marib province ... in Al Jalwah district": the district holds it
            report.totals.insert(0, _as_total(inc))
        report.incidents = []
    if report.incidents:
        return
    text = report.doc.text
    told = [m for m in mentions if _ATTACK_TOLD.search(_sentence_of(text, m))]
    if not any(t.killed is not None for t in report.totals) and not told:
        return  # no toll to place and no attack told at a place: the report names no incident
    best = max(mentions, key=lambda m: (m in told, _in_gazetteer(m.location.name, m.location.country),
                                        text.count(m.location.name), -m.location.span[0]))
    report.incidents.append(best)


# A sentence that tells an attack happened somewhere (not one that only mentions attacks in general)
_ATTACK_TOLD = re.compile(r"\b(?:were|was)\s+(?:attacked|shelled|bombed|struck|hit|targeted|ambushed|raided)\b|"
                          r"\b(?:attacked|raided|stormed|struck|shelled|bombed|targeted)\s+(?:the\s+)?|"
                          r"\b(?:attack|bombing|blast|explosion|strike|shooting)\s+(?:took place|happened|occurred)\b",
                          re.I)


def _sentence_of(text: str, inc: Incident) -> str:
    return " ".join(text[a:b] for a, b in inc.evidence_spans)


def _in_gazetteer(name: str, country: str | None) -> bool:
    from vigil.geocode import known_place

    return known_place(name, country=country)


_HOOD_BEFORE = re.compile(r"\bneighbou?rhoods?\s+of\s+(?:the\s+)?[^.;:]*$", re.I)
_HOOD_AFTER = re.compile(r"\s+(?:neighbou?rhoods?|quarter)\b", re.I)


def _feature_named(s: Sentence, p: PlaceMention) -> str | None:
    """"the neighbourhoods of A, B and C", "the D neighbourhood": the report calls the place a neighbourhood."""
    a, b = p.start - s.start, p.end - s.start
    if _HOOD_AFTER.match(s.text, b) or (p.container and _HOOD_BEFORE.search(s.text, 0, a)):
        return "neighbourhood"
    return None


_NOBODY_KILLED = re.compile(r"\b(?:no\s+one|nobody|no\s+(?:one\s+)?(?:was|were)\s+(?:killed|hurt|injured)|"
                            r"no\s+(?:casualties|deaths|fatalities|injuries)|without\s+casualties)\b", re.I)


def _province_of(p: PlaceMention, provinces: list[PlaceMention]) -> str | None:
    """The province a sentence puts the place in: itself, else the nearest named after it, else before it."""
    if any(q is p for q in provinces):
        return p.name
    after = [q for q in provinces if q.start >= p.end]
    before = [q for q in provinces if q.end <= p.start]
    return after[0].name if after else (before[-1].name if before else None)


def areas_as_places(areas: list[PlaceMention], s: Sentence) -> list[PlaceMention]:
    """A province or region stands for the place when nothing finer is named ("in Balkh, militants ...")."""
    return [a for a in areas if a.level != "container" and not _overlaps(a.start, a.end, s.countries)
            and not _ORG_WORDS.search(a.name)]


_AGGREGATE = re.compile(r"\b(?:since|so far this|this year|last year|past (?:year|month|week)s?|in (?:January|February|"
                        r"March|April|May|June|July|August|September|October|November|December)\b|during (?:the )?"
                        r"(?:month|year|war|conflict)|over the past|monthly|documented the death of|total of|"
                        r"in total|overall|across the country)", re.I)


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


# --------------------------------------------------------------------------- merging within a report


@lru_cache(maxsize=65536)
def _fold(name: str) -> str:
    from unidecode import unidecode

    s = unidecode(name).lower()
    s = re.sub(r"['`’\-\s]+", "", s)
    s = re.sub(r"^(?:al|el|ad|as|ar|at)", "", s)
    return re.sub(r"(.)\1+", r"\1", s)


def merge_incidents(incidents: list[Incident]) -> list[Incident]:
    """Several sentences about one place, day and method are one incident; keep the lowest toll."""
    out: list[Incident] = []
    for inc in incidents:
        same = next((o for o in out if _fold(o.location.name) == _fold(inc.location.name)
                     and o.date == inc.date and (o.type == inc.type or "other" in (o.type, inc.type))), None)
        if same is None:
            out.append(inc)
            continue
        _absorb(same, inc)
    return out


def _absorb(into: Incident, other: Incident) -> None:
    if other.killed is not None:
        if into.killed is None:
            into.killed, into.killed_qualifier = other.killed, other.killed_qualifier
            into.victims = other.victims
        elif other.killed != into.killed:
            hi = max(into.killed, other.killed, into.killed_high or 0)
            if other.killed < into.killed:
                into.killed, into.killed_qualifier = other.killed, other.killed_qualifier
            into.killed_high = hi
    for attr in ("injured", "children_killed", "women_killed", "perpetrator", "location"):
        if getattr(into, attr) is None:
            setattr(into, attr, getattr(other, attr))
    if into.type == "other":
        into.type = other.type
    for src in other.sources:
        if src not in into.sources:
            into.sources.append(src)
    into.evidence_spans.extend(sp for sp in other.evidence_spans if sp not in into.evidence_spans)


# --------------------------------------------------------------------------- ceasefires

_ANNOUNCE_RX = re.compile(r"\b(?:announc|declar|agree|reach|broker|sign|propos|call(?:ed|s|ing)? for|unveil|"
                          r"order(?:ed|s)\b)", re.I)
_JUST_ANNOUNCED_RX = re.compile(r"\b(?:has|have)\s+(?:just\s+)?(?:announc|declar|agreed|reached|brokered|signed|"
                                r"ordered|unveiled)", re.I)
_START_RX = re.compile(r"\b(?:as of|from|start(?:s|ed|ing)?(?: on)?|take effect|took effect|takes effect|go(?:es)? into "
                       r"effect|went into effect|came into (?:force|effect)|come into (?:force|effect)|began|begin(?:s)?|"
                       r"effective|in effect|in force|holding since|since)\b", re.I)
_RANGE_END = re.compile(r"(?:\bto|[-–])\s*(?:(?:\d{1,2}[.:]\d\d|midnight|noon|\d{1,2}\s*[ap]\.?m\.?)\s*"
                        r"(?:hrs?\s+|hours\s+)?(?:on\s+)?)?(?:the\s+)?$", re.I)
_UNTIL_RX = re.compile(r"\b(?:until|till|through|expir(?:e|es|ed|ing)|end(?:s|ed)? on|lasting until)\b", re.I)
_FUTURE_RX = re.compile(r"\b(?:will|would|shall|is to|are to|to take effect|to start|to begin|set to)\b", re.I)


def extract_ceasefire(s: Sentence, doc: Document, region: str | None) -> Ceasefire | None:
    """One ceasefire mention: who declared it, when it was announced, from and until when, where."""
    future = bool(_FUTURE_RX.search(s.text))
    took_effect = re.search(r"\b(?:came|went|took|entered)\s+(?:into\s+)?(?:force|effect)\b", s.text, re.I)
    just_agreed = bool(_ANNOUNCE_RX.search(s.text)) and not took_effect  # "announced a truce from Saturday"
    cf = Ceasefire(evidence_spans=[s.span])
    for past, ahead in _ceasefire_dates(s.text, doc.published):
        role = _date_role(s.text, past)
        if role == "announced" and future and not just_agreed and not _SAY_RX.search(s.text):
            continue  # "the truce will be observed on January 7": a day of the truce, not of its announcement
        # A truce's start or end may lie ahead of the report; its announcement does not.
        nearer_ahead = ahead is not None and (ahead.date - doc.published).days < (doc.published - past.date).days
        coming = (re.search(r"midnight", past.text, re.I) or (just_agreed and past.kind == "weekday"))
        d = ahead if role in ("from", "until") and ahead is not None and (
            future or (coming and nearer_ahead)
            or ((doc.published - past.date).days > 300 and 0 <= (ahead.date - doc.published).days <= 60)) else past
        if role == "until":
            cf.effective_until = cf.effective_until or d.date.isoformat()
        elif role == "from":
            cf.effective_from = cf.effective_from or d.date.isoformat()
            if d.kind == "range" and d.end_date and d.end_date != d.date:  # "from January 6 to January 7"
                cf.effective_until = cf.effective_until or d.end_date.isoformat()
        else:
            cf.announced_on = cf.announced_on or d.date.isoformat()
    if cf.effective_from is None and _START_RX.search(s.text):
        if re.search(r"\b(?:at|from|since)\s+midnight\b|\btonight\b", s.text, re.I):
            coming = future or re.search(r"tonight", s.text, re.I) or just_agreed
            day = doc.published + timedelta(days=1 if coming else 0)  # "agreed ... from midnight": tonight's
            cf.effective_from = day.isoformat()
        elif re.search(r"\b(?:today|\d{1,2}(?::\d\d)?\s*[ap]\.?m\.?)", s.text, re.I):
            cf.effective_from = cf.announced_on or doc.published.isoformat()
    if cf.effective_from and cf.effective_until is None:
        cf.effective_until = _end_from_duration(s.text, cf.effective_from)
    if cf.announced_on is None and not s.dates and (
            (future and _ANNOUNCE_RX.search(s.text)) or _JUST_ANNOUNCED_RX.search(s.text)):
        cf.announced_on = doc.published.isoformat()  # "has ordered a ceasefire": news of the day
    cf.declared_by = ceasefire_declarers(s)
    area_names = [p.name for p in s.places if not _overlaps(p.start, p.end, s.actors)
                  and not _ORG_WORDS.search(p.name) and p.name not in cf.declared_by]
    said_area = _TRUCE_AREA.search(s.text)
    cf.area = _plain_area(said_area.group(1)) if said_area else (area_names[0] if area_names else region)
    if not cf.declared_by and not (cf.effective_from or cf.announced_on or cf.effective_until):
        return None
    return cf


_TRUCE_AREA = re.compile(r"(?i:cease-?fire|truce|cessation of hostilities|armistice|pause)\b[^.;]{0,40}?"
                         r"\b(?i:in|across|for|throughout|covering)\s+(?:the\s+)?(?:[a-z-]+\s+){0,2}"
                         r"([A-Z][\w'’-]+(?:\s+(?:al-|el-)?[A-Z][\w'’-]+)*)")


def _plain_area(name: str) -> str:
    """"Syria's Idlib" -> "Idlib"; "Syrian" -> "Syria"."""
    from vigil.lexicon import canonical_country

    name = re.split(r"['’]s\s+", name)[-1]
    if " " in name or not re.search(r"(?:an|ese|i|ish)$", name):
        return name  # "Gaza" stays Gaza; only a nationality word is read as its country
    return canonical_country(name) or name


def _date_role(text: str, d) -> str:
    """Is this date the truce's start, its end, or the day it was announced?"""
    before = text[max(0, d.start - 60):d.start]
    after = text[d.end:d.end + 30]
    if _UNTIL_RX.search(before[-15:]) or (_RANGE_END.search(before[-22:]) and _START_RX.search(before)):
        return "until"  # "until January 7", "from noon on January 6 to midnight on January 7"
    if _START_RX.search(before[-30:]) or _START_RX.search(after[:15]) or re.search(r"midnight|dawn|noon|\d\s*[ap]\.?m",
                                                                                   d.text):
        return "from"
    if _ANNOUNCE_RX.search(after) or _ANNOUNCE_RX.search(before[-25:]) or _SAY_RX.search(before[-12:]):
        return "announced"
    return "from" if _START_RX.search(text) else "announced"


def _ceasefire_dates(text: str, published) -> list:
    """Day-precision dates, each read as past and as ahead of the report: (past, ahead or None)."""
    from vigil import dates as dates_mod

    past = [m for m in dates_mod.find_dates(text, published, prefer="past") if m.date and m.precision == "day"]
    if not past:
        return []
    ahead = {(m.start, m.end): m for m in dates_mod.find_dates(text, published, prefer="future")
             if m.date and m.precision == "day"}
    return [(m, ahead.get((m.start, m.end))) for m in past]


_SAY_RX = re.compile(r"\b(?:said|says|announced|declared|told|stated)\b", re.I)
_DURATION_RX = re.compile(r"\b(\w+)[- ](day|week|month)s?[- ](?:long\s+)?(?:humanitarian\s+)?(?:cease-?fire|truce)|"
                          r"\bfor\s+(?:a\s+period\s+of\s+)?(\w+)\s+(day|week|month)s\b", re.I)


def _end_from_duration(text: str, start: str) -> str | None:
    """"a seven-day truce from May 22" ends on May 29."""
    from datetime import date as _date

    m = _DURATION_RX.search(text)
    if not m:
        return None
    word, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    from vigil.annotate import _number_value

    n = _number_value(word)
    if not n or n > 400:
        return None
    d0 = _date.fromisoformat(start)
    unit = unit.lower()
    if unit == "month":
        y, mth = divmod(d0.month - 1 + n, 12)
        try:
            return d0.replace(year=d0.year + y, month=mth + 1).isoformat()
        except ValueError:
            return None
    return (d0 + timedelta(days=n * (7 if unit == "week" else 1))).isoformat()


_DECLARER_AFTER = re.compile(r"^[^.;]{0,60}?(?<![-\w])(?:announc|declar|agree|reach|broker|sign|propos|unveil|call(?:ed|s)? for|"
                             r"accept|order|said|says|halt|suspend|offer|back(?:ed|s)?)", re.I)
_AGENT_OF_TRUCE_BEFORE = re.compile(r"(?:\bby|\bbetween|\bwith|\bfrom|\b(?:leaders?|presidents?|governments?|heads?|"
                                    r"representatives?|delegations?|(?:foreign\s+)?ministers?)\s+of)\s+"
                                    r"(?:the\s+)?(?:\w+\s+)?$", re.I)
_AREA_BEFORE = re.compile(r"\b(?:in|across|for|throughout|of|on)\s+(?:the\s+)?(?:\w+\s+)?$", re.I)


# "Russian and Turkish presidents", "the Egyptian mediators": a nationality speaking for its state
_OFFICE_AFTER = re.compile(r"(?:\s+and\s+[A-Z][a-z]+)*\s+(?:presidents?|leaders?|governments?|officials?|"
                           r"foreign\s+ministers?|ministers?|ministry|mediators?|delegations?|negotiators?|"
                           r"envoys?|authorities)\b")


def ceasefire_declarers(s: Sentence) -> list[str]:
    """Parties that announce, agree or broker the truce - not the places it covers, and not the parties
    of another clause ("Russia announced a truce, but the regime and its allies kept attacking")."""
    found: list[str] = []
    last_end = None
    countries = [c for c in s.countries if not _overlaps(c.start, c.end, s.actors)
                 and (c.text.lower() == c.canonical.lower() or _OFFICE_AFTER.match(s.text, c.end - s.start))]
    for m in sorted(list(s.actors) + countries, key=lambda m: m.start):
        before = s.text[max(0, m.start - s.start - 30):m.start - s.start]
        after = s.text[m.end - s.start:]
        if _AREA_BEFORE.search(before) and not _AGENT_OF_TRUCE_BEFORE.search(before):
            continue
        coordinated = last_end is not None and re.fullmatch(r"\s*(?:,|and|&|,\s*and)\s*(?:the\s+)?",
                                                           s.text[last_end - s.start:m.start - s.start])
        if _DECLARER_AFTER.match(after) or _AGENT_OF_TRUCE_BEFORE.search(before) or coordinated:
            name = m.canonical
            if name[:1].isupper():  # "rebels", "the army": not a party to name
                if name not in found:
                    found.append(name)
                last_end = m.end
    return _as_governments(found)


def _as_governments(parties: list[str]) -> list[str]:
    """A state that signs a truce is its government, named as perpetrators are ("Syria" -> "Syrian
    government"), once ("the Yemeni government ... Yemen" is one party)."""
    from vigil.lexicon import government_of

    out: list[str] = []
    for p in parties:
        gov = government_of(p)
        if gov not in out:
            out.append(gov)
    return out


def merge_ceasefires(cfs: list[Ceasefire]) -> list[Ceasefire]:
    out: list[Ceasefire] = []
    for cf in cfs:
        same = next((o for o in out if _same_ceasefire(o, cf)), None)
        if same is None:
            out.append(cf)
            continue
        for attr in ("announced_on", "effective_from", "effective_until", "area"):
            if getattr(same, attr) is None:
                setattr(same, attr, getattr(cf, attr))
        same.declared_by = _as_governments(same.declared_by + cf.declared_by)
        same.evidence_spans += [sp for sp in cf.evidence_spans if sp not in same.evidence_spans]
    return out


def fuzz_ratio(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    return fuzz.ratio(a, b)


def _same_ceasefire(a: Ceasefire, b: Ceasefire) -> bool:
    """Mentions of one truce: no conflicting dates, and shared declarers (or one mention names none)."""
    for attr in ("effective_from", "effective_until"):
        x, y = getattr(a, attr), getattr(b, attr)
        if x and y and x != y:
            return False
    if a.declared_by and b.declared_by and not set(a.declared_by) & set(b.declared_by):
        # Different parties named for one truce in one place ("Russia announced ..." / "a unilateral
        # ceasefire by government forces"): the same truce when the report places both in one area.
        return bool(a.area and b.area and fuzz_ratio(_fold(a.area), _fold(b.area)) >= 85)
    return True
