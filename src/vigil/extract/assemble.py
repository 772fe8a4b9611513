"""Document-level assembly: sentence frames joined into the report's incidents."""
from __future__ import annotations

import re

from vigil.annotate.counts import _CIVILIAN_NOUNS
from vigil.model import Incident, Location, Report, Total
from vigil.extract.places import _fold, _in_gazetteer, is_admin1
from vigil.extract.roles import _only_vague

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
    from vigil.extract.incidents import period_of_record

    if any(period_of_record(report.doc.text[a:b]) for a, b in total.evidence_spans):
        return  # "the war has killed 300 since January": a period's count, not this attack's
    inc.killed, inc.killed_qualifier = total.killed, total.killed_qualifier
    if total.victims != "unknown":
        inc.victims = total.victims
    if inc.injured is None:
        inc.injured = total.injured
    if inc.date_precision != "day" and total.period_start:  # the toll's day is the act's day
        inc.date, inc.date_precision = total.period_start, "day"
    inc.evidence_spans = sorted(set(inc.evidence_spans) | set(total.evidence_spans))
    report.totals.pop(0)


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


# "The encounter took place in the Tesmil area": the report's one event, located by a sentence of its own
_TOOK_PLACE = re.compile(r"\b(?:the|this|that)\s+(?:\w+\s+)?(?:attack|encounter|clash(?:es)?|fighting|raid|ambush|"
                         r"strike|bombing|blast|explosion|shooting|assault|incident)\s+(?:took place|happened|"
                         r"occurred|was carried out)\s+(?:in|at|on|near)\b", re.I | re.A)


def move_to_where_it_took_place(report: Report, sentences: list) -> None:
    """A report of one incident told at a district or town that then says where "the encounter took
    place" ("... in the Tesmil area of the district") puts that incident there: that sentence names the
    act's own place. Only with one incident, and one place named in that sentence."""
    if len(report.incidents) != 1:
        return
    inc = report.incidents[0]
    for s in sentences:
        if s.headline or s.counts or not _TOOK_PLACE.search(s.text):
            continue
        places = [p for p in s.places if p.level == "locality" and _fold(p.name) != _fold(inc.location.name)
                  and not is_admin1(p.name) and not any(c.start < p.end and p.start < c.end for c in s.countries)]
        if len(places) != 1 or (s.types and not any(_compatible_types(t, inc.type) for t in s.types)):
            continue
        p = places[0]
        old = inc.location
        inc.location = Location(name=p.name, country=old.country, span=(p.start, p.end),
                                admin1=old.admin1 if old.geo_precision is None else old.name,
                                admin2=old.name if old.geo_precision is None else None,
                                context_admin1=old.context_admin1)
        inc.evidence_spans = sorted(set(inc.evidence_spans) | {s.span})
        return


# A sentence that tells an attack happened somewhere (not one that only mentions attacks in general)
_ATTACK_TOLD = re.compile(r"\b(?:were|was)\s+(?:attacked|shelled|bombed|struck|hit|targeted|ambushed|raided)\b|"
                          r"\b(?:attacked|raided|stormed|struck|shelled|bombed|targeted)\s+(?:the\s+)?|"
                          r"\b(?:attack|bombing|blast|explosion|strike|shooting)\s+(?:took place|happened|occurred)\b",
                          re.I | re.A)


def _sentence_of(text: str, inc: Incident) -> str:
    return " ".join(text[a:b] for a, b in inc.evidence_spans)


# --------------------------------------------------------------------------- merging within a report


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


def drop_reference_points(report: Report) -> None:
    """"Explosions were heard in the vicinity of Varsk ... the village of Tesmil, west of Varsk, was
    targeted": a place told without a toll that the report also uses as the reference point of the
    place struck that day is not an incident of its own."""
    text = report.doc.text
    kept = []
    for inc in report.incidents:
        key = _fold(inc.location.name)
        struck = [o for o in report.incidents if o is not inc and inc.killed is None and o.location.geo_precision is None
                  and _days_apart(o.date, inc.date) <= 1 and _fold(o.location.name) != key
                  and set(inc.evidence_spans) - set(o.evidence_spans)  # told apart, not in one sentence
                  and any(_REFERENCE_TO.search(text[a:b]) and _named_as_reference(text[a:b], inc.location.name)
                          for a, b in o.evidence_spans)]
        if struck:
            struck[0].evidence_spans = sorted(set(struck[0].evidence_spans) | set(inc.evidence_spans))
            continue
        kept.append(inc)
    report.incidents = kept


_REFERENCE_TO = re.compile(r"\b(?:north|south|east|west|northeast|northwest|southeast|southwest|outside)\b"
                           r"(?:\s+of)?\s+(?:the\s+(?:city|town|capital)\s+(?:of\s+)?)?", re.I | re.A)


def _named_as_reference(sentence: str, name: str) -> bool:
    return any(sentence.startswith(name, m.end()) for m in _REFERENCE_TO.finditer(sentence))


# "killed in Orvan county following a raid on Tesmil cattle camp": the act that killed them, and where
_CAUSING_ACT_ON = re.compile(r"\b(?:following|after|during|in)\s+(?:an?|the)\s+(?:[\w-]+\s+){0,2}?(?:raid|attack|strike|"
                             r"air\s*strike|assault|ambush|shelling|bombing)\s+(?:on|at|in|against)\s+(?:the\s+)?$", re.I | re.A)


def area_toll_to_the_place_of_its_act(report: Report, sentences: list) -> None:
    """"Five people were killed in Orvan county following a raid on Tesmil cattle camp": a toll the
    sentence gives for a district or region belongs to the one place of the act that caused it."""
    where = {(s.start, s.end): s for s in sentences}
    for total in list(report.totals):
        if total.killed is None or len(total.evidence_spans) != 1:
            continue
        s = where.get(tuple(total.evidence_spans[0]))
        if s is None or len([c for c in s.counts if c.role == "killed"]) != 1:
            continue
        own = [i for i in report.incidents if i.evidence_spans and tuple(i.evidence_spans[0]) == s.span]
        if len(own) != 1 or own[0].killed is not None or own[0].location.span is None:
            continue
        inc = own[0]
        at = inc.location.span[0] - s.start
        if not _CAUSING_ACT_ON.search(s.text, max(0, at - 60), at):
            continue
        inc.killed, inc.killed_qualifier, inc.injured = total.killed, total.killed_qualifier, inc.injured or total.injured
        if total.victims != "unknown":
            inc.victims = total.victims
        report.totals.remove(total)


def merge_across_midnight(report: Report) -> None:
    """"Four soldiers were killed in strikes near Varsk on Monday ... the strikes came at 2:20 am (23:20 GMT
    Sunday)": a place told twice a day apart with one method, once without a toll, is one incident, on
    the day that carries the toll."""
    out: list[Incident] = []
    for inc in report.incidents:
        same = next((o for o in out if _fold(o.location.name) == _fold(inc.location.name)
                     and _days_apart(o.date, inc.date) == 1 and o.type == inc.type
                     and (o.killed is None) != (inc.killed is None)), None)
        if same is None:
            out.append(inc)
            continue
        if same.killed is None:
            same.date, same.date_precision = inc.date, inc.date_precision
        _absorb(same, inc)
    report.incidents = out


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
    if other.perpetrator and _only_vague(into.perpetrator) and not _only_vague(other.perpetrator):
        into.perpetrator = other.perpetrator  # "insurgents" in one sentence, "Taliban militants" in another
    if into.type == "other":
        into.type = other.type
    for src in other.sources:
        if src not in into.sources:
            into.sources.append(src)
    into.evidence_spans.extend(sp for sp in other.evidence_spans if sp not in into.evidence_spans)




def _may_deny(text: str) -> bool:
    low = text.lower()
    return "no" in low or "neither" in low or "without" in low or "zero" in low


def zero_tolls_said_apart(report: Report, sentences: list) -> None:
    """"No fatalities were reported" in its own sentence: the incidents it speaks of had a toll of 0.

    In a short report (an analyst's note, a brief) it covers every incident without a toll; in a longer
    one only those told in the sentence just before it."""
    from vigil.extract.incidents import _NOBODY_KILLED

    said = [s for s in sentences if not s.headline and _may_deny(s.text) and _NOBODY_KILLED.search(s.text)
            and not any(c.role == "killed" for c in s.counts)]
    if not said:
        return
    short = sum(1 for s in sentences if not s.headline) <= 4
    for inc in report.incidents:
        if inc.killed is not None:
            continue
        for s in said:
            before = [x for x in sentences if x.end <= s.start and not x.headline]
            just_before = before[-1].span if before else None
            if short or just_before in inc.evidence_spans or s.span in inc.evidence_spans:
                inc.killed, inc.killed_qualifier = 0, "exact"
                if s.span not in inc.evidence_spans:
                    inc.evidence_spans.append(s.span)
                break


def blame_to_unattributed(report: Report, sentences: list, country: str | None) -> None:
    """A blame statement ("officials blamed X for the attack") names the attacker of the report's incidents
    that name none, when the report blames one actor only and does not call the blame disputed."""
    from vigil.extract.roles import blamed_actors

    if not any(inc.perpetrator is None for inc in report.incidents):
        return
    blamed: list[str] = []
    for s in sentences:
        names, disputed = blamed_actors(s, country)
        if disputed:
            return
        blamed.extend(n for n in names if n not in blamed)
    if len(blamed) != 1:
        return
    for inc in report.incidents:
        if inc.perpetrator is None:
            inc.perpetrator = blamed[0]


def drop_nameless_perpetrators(report: Report) -> None:
    """"Gunmen", "attackers", "armed men" name no actor (codebook decision c): such a perpetrator is null."""
    from vigil.lexicon import names_no_actor

    for inc in report.incidents:
        if inc.perpetrator:
            parts = [p for p in inc.perpetrator.split("; ") if not names_no_actor(p)]
            inc.perpetrator = "; ".join(parts) or None


_STRIKES = {"airstrike", "drone_strike", "shelling"}


def _compatible_types(a: str, b: str) -> bool:
    return a == b or "other" in (a, b) or {a, b} <= _STRIKES


def _days_apart(a: str | None, b: str | None) -> int:
    from datetime import date

    if not a or not b:
        return 0
    return abs((date.fromisoformat(a) - date.fromisoformat(b)).days)


def province_toll_to_its_place(report: Report) -> None:
    """"Shelling killed 14 in Lorvan province on Monday. The shells hit the market of Tesmil.": the toll
    given for a province (or region) belongs to the one place the report names for that act.

    A province-level incident with a toll and exactly one place-level incident without one, told for
    the same day and a compatible method (and, when the text says, inside that province), are one
    incident at the place. With several such places the toll is a total over them."""
    for prov in [i for i in report.incidents if i.location.geo_precision == "province" and i.killed is not None]:
        key = _fold(prov.location.name)
        places = [o for o in report.incidents if o.location.geo_precision is None and o.killed is None
                  and _days_apart(o.date, prov.date) <= 1 and _compatible_types(o.type, prov.type)
                  and _fold(o.location.admin1 or o.location.context_admin1 or prov.location.name) == key]
        if not places:
            continue
        report.incidents.remove(prov)
        if len(places) > 1:
            report.totals.append(_as_total(prov))
            continue
        place = places[0]
        place.killed, place.killed_qualifier = prov.killed, prov.killed_qualifier
        place.killed_high = place.killed_high or prov.killed_high
        for attr in ("injured", "children_killed", "women_killed", "perpetrator"):
            if getattr(place, attr) is None:
                setattr(place, attr, getattr(prov, attr))
        if prov.perpetrator and _only_vague(place.perpetrator) and not _only_vague(prov.perpetrator):
            place.perpetrator = prov.perpetrator  # "the insurgents ... in Tesmil" + "Red Front fighters attacked"
        if place.victims == "unknown":
            place.victims = prov.victims
        if place.type == "other":
            place.type = prov.type
        place.location.admin1 = place.location.admin1 or prov.location.name
        for src in prov.sources:
            if src not in place.sources:
                place.sources.append(src)
        place.evidence_spans = sorted(set(place.evidence_spans) | set(prov.evidence_spans))


def city_into_its_place(report: Report) -> None:
    """"Strikes killed 12 in Lorvan city. ... the strikes hit two buses in Lorvan's Tesmil quarter.": a city
    told with one act and the one place the report puts inside it, for the same day, method and toll
    (or no toll on one side), are one incident at the finer place."""
    for city in [i for i in report.incidents if i.location.geo_precision is None]:
        key = _fold(city.location.name)
        inside = [o for o in report.incidents if o is not city and o.location.geo_precision is None
                  and key in (_fold(o.location.admin1 or ""), _fold(o.location.admin2 or ""))]
        if len(inside) != 1:
            continue
        place = inside[0]
        if _days_apart(place.date, city.date) > 1 or not _compatible_types(place.type, city.type):
            continue
        if None not in (place.killed, city.killed) and place.killed != city.killed:
            continue  # two tolls: two acts, or a total and a part
        if place.killed is None:
            place.killed, place.killed_qualifier, place.victims = city.killed, city.killed_qualifier, \
                place.victims if city.victims == "unknown" else city.victims
        _absorb(place, city)
        report.incidents.remove(city)


def total_status_to_its_places(report: Report) -> None:
    """"Troops killed eight fighters and destroyed their camps at Orvan and Tesmil": the toll is a total
    over both places, and what it says of the dead holds at each place without a toll (decision a).
    Not when the sentence gives other tolls of other or unknown status: then it is not said of all."""
    for total in report.totals:
        if total.victims not in ("civilians", "combatants") or not total.evidence_spans:
            continue
        said = set(total.evidence_spans)
        if any(o.victims != total.victims for o in report.totals if said & set(o.evidence_spans)):
            continue
        for inc in report.incidents:
            if inc.killed is None and inc.victims == "unknown" and said & set(inc.evidence_spans):
                inc.victims = total.victims


_DEATHS_SAID = re.compile(r"\b(?:fatalit(?:y|ies)|casualties|killing|killed|dead|deaths|losses)\b", re.I | re.A)
_NO_DEATHS_KNOWN = re.compile(
    r"\bno\s+(?:information|info|details|word|reports?)\s+(?:about|on|of|regarding)\s+(?:any\s+)?(?:the\s+)?"
    r"(?:casualties|fatalities|deaths|losses)|\b(?:casualties|fatalities|losses)\s+(?:were\s+|are\s+|remain\s+)?"
    r"(?:unknown|unclear|not\s+known)|\b(?:no|nor|neither|without|zero)\s+(?:\w+\s+){0,2}?(?:casualties|fatalities|deaths|"
    r"losses|dead)\b", re.I | re.A)
# The nouns that count civilians (annotate.counts), and a few words for the unarmed that count no one.
_UNARMED_WORDS = re.compile(r"\b(?:" + "|".join(_CIVILIAN_NOUNS) + r"|passers-?by|displaced|idps?)\b", re.I | re.A)


def clash_dead_are_fighters(report: Report, sentences: list) -> None:
    """"Rebels clashed with army units in Orvan, incurring fatalities": when armed sides fought and the
    report says people died there without a toll or saying who, the dead are combatants (decision a: the text says
    who was hit). The act's sentence and the one after it are read; a word for the unarmed, or a note that
    casualties are unknown, leaves the status unknown."""
    starts = {s.start: i for i, s in enumerate(sentences)}
    for inc in report.incidents:
        if inc.type != "ground_clash" or inc.killed is not None or inc.victims != "unknown" or not inc.evidence_spans:
            continue
        idx = sorted(starts[a] for a, _ in inc.evidence_spans if a in starts)
        if not idx:
            continue
        text = " ".join(sentences[i].text for i in idx)
        if idx[-1] + 1 < len(sentences):
            text += " " + sentences[idx[-1] + 1].text
        if _DEATHS_SAID.search(text) and not _NO_DEATHS_KNOWN.search(text) and not _UNARMED_WORDS.search(text):
            inc.victims = "combatants"


def toll_said_for_its_only_place(report: Report) -> None:
    """"Shells hit a camp near Tesmil, killing 12": when the act's own site has no name, the toll kept
    as a total over the place the sentence names is that place's incident's toll."""
    for total in list(report.totals):
        if total.killed is None or len(total.evidence_spans) != 1 or not total.area:
            continue
        own = [i for i in report.incidents if i.evidence_spans and tuple(i.evidence_spans[0]) == tuple(total.evidence_spans[0])]
        if len(own) != 1 or own[0].killed is not None or _fold(own[0].location.name) != _fold(total.area):
            continue
        inc = own[0]
        inc.killed, inc.killed_qualifier = total.killed, total.killed_qualifier
        inc.injured = inc.injured if inc.injured is not None else total.injured
        if total.victims != "unknown":
            inc.victims = total.victims
        report.totals.remove(total)


_ALSO_KILLED = re.compile(r"\balso\s+(?:been\s+)?(?:killed|died|perished|dead)\b|\b(?:killed|died|dead)\s+as\s+well\b",
                          re.I | re.A)


def also_killed_joins_the_toll(report: Report, sentences: list) -> None:
    """"Six policemen were killed in Orvan. Two attackers were also killed.": a toll the next sentence
    adds, with no place of its own, is part of the same incident's toll (a group sum); the victims are
    mixed when one group is civilian and the other combatant (decision b)."""
    index = {s.span: i for i, s in enumerate(sentences)}
    for total in list(report.totals):
        if total.killed is None or len(total.evidence_spans) != 1:
            continue
        k = index.get(tuple(total.evidence_spans[0]))
        if not k or sentences[k].places or not _ALSO_KILLED.search(sentences[k].text):
            continue
        before = sentences[k - 1].span
        own = [i for i in report.incidents if i.evidence_spans and tuple(i.evidence_spans[0]) == before]
        if len(own) != 1 or own[0].killed is None:
            continue
        inc = own[0]
        inc.killed += total.killed
        pair = {inc.victims, total.victims}
        inc.victims = (inc.victims if len(pair) == 1 else "mixed" if pair == {"civilians", "combatants"}
                       else "unknown")
        inc.evidence_spans = sorted(set(inc.evidence_spans) | set(total.evidence_spans))
        report.totals.remove(total)


def one_attack_one_method(report: Report) -> None:
    """"Militia attacked Tesmil, Orvan and Pelin. One resident of Pelin was killed.": the places of one
    attack (one sentence, attacker and day) share what the report says of it: a massacre by gunmen found
    at one of them is a shooting at each (codebook decision e), and when all its dead are civilians, so
    are the victims at its places without a toll (decision a)."""
    groups: dict[tuple, list[Incident]] = {}
    for inc in report.incidents:
        if inc.evidence_spans and inc.perpetrator:
            groups.setdefault((tuple(inc.evidence_spans[0]), inc.perpetrator, inc.date), []).append(inc)
    for members in groups.values():
        if len(members) < 2:
            continue
        types = {i.type for i in members}
        if types != {"shooting", "other"}:
            continue
        for i in members:
            i.type = "shooting"
        if {i.victims for i in members if i.killed} == {"civilians"}:
            for i in members:
                if i.killed is None and i.victims == "unknown":
                    i.victims = "civilians"


_VAGUE_WORDS = re.compile(r"\b(?:dozens|scores|tens|hundreds|thousands|several|a few|a handful|many|a number)\b", re.I | re.A)


_RESTATED_TOLL = re.compile(r"\b(?:put|puts|putting|gave|gives|placed|places|set|sets)\s+the\s+(?:death\s+)?toll\s+at\b|"
                            r"\b(?:another|other|a\s+second)\s+sources?\b", re.I | re.A)


def adjacent_toll_to_place(report: Report, sentences: list) -> None:
    """A toll told in a sentence that names no place of its own goes to the one place named next to it:
    "A cafe in Tesmil was shelled on Friday. Two people were killed." and "One person was killed in
    the Lorvan region on Monday. Shells hit the centre of Tesmil." (the region's incident is dropped).

    Only when exactly one place-level incident without a toll sits in the neighbouring sentences (two
    after a lead sentence), told for a compatible method and day, and the toll is not a period's count."""
    from vigil.extract.incidents import _aggregate, period_of_record

    where = {(s.start, s.end): k for k, s in enumerate(sentences)}

    def first_sentence(inc: Incident) -> int | None:
        return where.get(tuple(inc.evidence_spans[0])) if inc.evidence_spans else None

    located = [i for i in report.incidents if i.location.geo_precision is None]
    taken: set[int] = set()
    for k, s in enumerate(sentences):
        kills = [c for c in s.counts if c.role == "killed"]
        if len(kills) != 1 or s.headline or period_of_record(s.text) or _aggregate(s):
            continue
        count = kills[0]
        if _VAGUE_WORDS.search(s.text, max(0, count.start - s.start - 2), count.end - s.start + 1):
            continue
        if any(first_sentence(i) == k or (i.killed is not None and any(where.get(tuple(sp)) == k
                                                                       for sp in i.evidence_spans))
               for i in located):
            continue  # the sentence placed its own toll, or chose to leave its places without one
        if k and _RESTATED_TOLL.search(s.text) and any(
                i.killed is not None and where.get(tuple(sp)) == k - 1 for i in located for sp in i.evidence_spans):
            continue  # "A monitor put the toll at 19.": another figure for the toll just told, not a new place's
        reach = 2 if k <= 1 else 1
        back = next((j for j in range(k - 1, max(-1, k - 4), -1) if sentences[j].places), None)
        near = [i for i in located if i.killed is None and id(i) not in taken
                and (j := first_sentence(i)) is not None and (0 < abs(j - k) <= reach or j == back)]
        if len({_fold(i.location.name) for i in near}) != 1:
            continue
        place = near[0]
        if s.types and not any(_compatible_types(t, place.type) for t in s.types):
            continue
        own_day = next((d.date for d in s.dates if d.date is not None and d.precision == "day"), None)
        if own_day is not None and _days_apart(own_day.isoformat(), place.date) > 1:
            continue
        place.killed, place.killed_qualifier = count.value, count.qualifier
        if count.victims != "unknown":
            place.victims = count.victims
        if place.date_precision != "day":  # "a few days ago ... in Tesmil" + "14 dead after strikes": the toll's day
            place.date, place.date_precision = (own_day or report.doc.published).isoformat(), "day"
        place.evidence_spans = sorted(set(place.evidence_spans) | {(s.start, s.end)})
        taken.add(id(place))
        report.incidents = [i for i in report.incidents
                            if not (i.location.geo_precision == "province" and first_sentence(i) == k)]


def _second_figure_cues() -> re.Pattern:
    from vigil.annotate import _word_file

    words = sorted(_word_file("second_figure_cues.txt"), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.I | re.A)


_SECOND_FIGURE = _second_figure_cues()
_ADDED = re.compile(r"\b(?:also|more|another|other|further|additional)\b", re.I | re.A)


def second_source_lower_toll(report: Report, sentences: list) -> None:
    """"Nine policemen were killed in Tesmil. Police said only three died.": when a sentence that
    places nothing gives another source's lower figure for the toll told beside it, the incident
    takes the lower one (the codebook's rule when sources inside one report disagree).

    Only for one killed count, next to exactly one incident with a higher toll of the same kind of
    victims, a compatible method, and a sentence that says whose figure it is."""
    from vigil.extract.incidents import _aggregate, period_of_record

    where = {(s.start, s.end): k for k, s in enumerate(sentences)}
    told = [i for i in report.incidents if i.killed is not None]
    for k, s in enumerate(sentences):
        kills = [c for c in s.counts if c.role == "killed"]
        if (len(kills) != 1 or s.headline or s.places or period_of_record(s.text) or _aggregate(s)
                or not _SECOND_FIGURE.search(s.text)):
            continue
        count = kills[0]
        if _VAGUE_WORDS.search(s.text, max(0, count.start - s.start - 2), count.end - s.start + 1):
            continue
        if _ADDED.search(s.text):
            continue  # "two more were also killed": more dead, not another figure
        near = [i for i in told if any(0 < abs(where.get(tuple(sp), -9) - k) <= 1 for sp in i.evidence_spans)
                and not any(where.get(tuple(sp)) == k for sp in i.evidence_spans)]
        if len(near) != 1:
            continue
        inc = near[0]
        if not (count.value < inc.killed and (count.victims == inc.victims or "unknown" in (count.victims, inc.victims))):
            continue
        if s.types and not any(_compatible_types(t, inc.type) for t in s.types):
            continue
        inc.killed, inc.killed_qualifier, inc.killed_high = count.value, count.qualifier, max(inc.killed_high or 0, inc.killed) or None
        inc.evidence_spans = sorted(set(inc.evidence_spans) | {(s.start, s.end)})
