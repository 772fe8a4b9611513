"""Ceasefire mentions: parties, announcement, start, end and area, merged per report."""
from __future__ import annotations

import re
from datetime import date, timedelta

from vigil.annotate import Sentence
from vigil.model import Ceasefire, Document
from vigil.extract.places import _ORG_WORDS, _fold, _overlaps

_CEASEFIRE_RX = re.compile(r"\b(?:cease-?fire|truce|cessation of hostilities|(?:unilateral|bilateral|mutual)\s+cessation|armistice|de-?escalation (?:agreement|"
                           r"deal|accord|memorandum|zone)|humanitarian (?:pause|break)|halt to (?:the )?fighting|"
                           r"(?:suspend|halt)(?:s|ed|ing)?\s+(?:(?:its|their|all|military|offensive|combat)\s+)+operations|"
                           r"(?:stop|halt|paus)(?:s|ed|ing|e)?\s+(?:the\s+|its\s+|their\s+)?(?:operation|offensive)|"
                           r"stand\s+down|cease\s+fir(?:e|ing))s?\b", re.I | re.A)
# "recorded 900 ceasefire violations": the truce is only the measure of the violence told
_VIOLATIONS_AFTER = re.compile(r"\s*(?:violations?|breaches)\b", re.I | re.A)


_TRUCE_KEYS = ("cease", "cessation", "truce", "hostilit", "armistice", "escalation", "humanitarian", "halt", "suspend", "stop",
               "paus", "stand down")


def mentions_truce(text: str) -> bool:
    """Does the sentence speak of a truce itself (not only count its violations)?"""
    low = text.lower()
    if not any(k in low for k in _TRUCE_KEYS):
        return False  # the cheap test first: most sentences name no truce
    return any(not _VIOLATIONS_AFTER.match(text, m.end()) for m in _CEASEFIRE_RX.finditer(text))


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


# --------------------------------------------------------------------------- ceasefires

_ANNOUNCE_RX = re.compile(r"\b(?:announc|declar|agree|reach|broker|sign|propos|call(?:ed|s|ing)? for|unveil|decree|"
                          r"order(?:ed|s)\b)", re.I | re.A)
_JUST_ANNOUNCED_RX = re.compile(r"\b(?:has|have)\s+(?:just\s+)?(?:announc|declar|agreed|reached|brokered|signed|"
                                r"ordered|unveiled)", re.I | re.A)
_START_RX = re.compile(r"\b(?:as of|from|start(?:s|ed|ing)?(?: on)?|take effect|took effect|takes effect|go(?:es)? into "
                       r"effect|went into effect|came into (?:force|effect)|come into (?:force|effect)|began|begin(?:s)?|"
                       r"effective|in effect|in force|holding since|since)\b", re.I | re.A)
_RANGE_END = re.compile(r"(?:\bto|[-–])\s*(?:(?:\d{1,2}[.:]\d\d|midnight|noon|\d{1,2}\s*[ap]\.?m\.?)\s*"
                        r"(?:hrs?\s+|hours\s+)?(?:on\s+)?)?(?:the\s+)?$", re.I | re.A)
_UNTIL_RX = re.compile(r"\b(?:until|till|through|expir(?:e|es|ed|ing)|end(?:s|ed)? on|lasting until)\b", re.I | re.A)
_FUTURE_RX = re.compile(r"\b(?:will|would|shall|is to|are to|to take effect|to start|to begin|set to|"
                        r"(?:is|was|are|were) due to|to come into)\b", re.I | re.A)
# "due to come into effect at 02:00 local time": a clock time of the truce's start, without a day
_CLOCK = re.compile(r"\bat\s+(\d{1,2})[:.](\d\d)\b(?!\s*[ap]\.?m)")


def extract_ceasefire(s: Sentence, doc: Document, region: str | None, country: str | None = None) -> Ceasefire | None:
    """One ceasefire mention: who declared it, when it was announced, from and until when, where."""
    if _CALL_RX.search(s.text) and not _DONE_RX.search(s.text):
        return None  # "the UN called for a truce": a bare call or appeal is no truce (decision h)
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
            told = date.fromisoformat(cf.announced_on) if cf.announced_on else doc.published
            day = told + timedelta(days=1 if coming else 0)  # "agreed (on Sunday) ... from midnight": that night's
            cf.effective_from = day.isoformat()
        elif re.search(r"\b(?:today|\d{1,2}(?::\d\d)?\s*[ap]\.?m\.?)", s.text, re.I):
            cf.effective_from = cf.announced_on or doc.published.isoformat()
        elif (clock := _CLOCK.search(s.text)) and int(clock.group(1)) < 24:
            told = date.fromisoformat(cf.announced_on) if cf.announced_on else doc.published
            ahead = future and int(clock.group(1)) < 6  # the small hours after the day it was agreed
            cf.effective_from = (told + timedelta(days=1 if ahead else 0)).isoformat()
    if cf.effective_from and cf.effective_until is None:
        cf.effective_until = _end_from_duration(s.text, cf.effective_from)
    if cf.announced_on and cf.effective_until and cf.announced_on > cf.effective_until:
        cf.announced_on = None  # "said on the 22nd ... after the truce ended on the 19th": another act's day
    if cf.announced_on is None and not s.dates and (
            (future and _ANNOUNCE_RX.search(s.text)) or _JUST_ANNOUNCED_RX.search(s.text)):
        cf.announced_on = doc.published.isoformat()  # "has ordered a ceasefire": news of the day
    cf.declared_by = ceasefire_declarers(s)
    if len(cf.declared_by) > 1 and _UNILATERAL.search(s.text):
        cf.declared_by = cf.declared_by[:1]  # "X announced a unilateral truce, after rejecting Y's plan": X alone
    area_names = [p.name for p in s.places if not _overlaps(p.start, p.end, s.actors)
                  and not _ORG_WORDS.search(p.name) and p.name not in cf.declared_by]
    said_area = _TRUCE_AREA.search(s.text)
    provinces = _PROVINCE_LIST.search(s.text)
    if said_area:
        cf.area = _plain_area(said_area.group(1))
    elif provinces:
        cf.area = provinces.group(0)  # "Idlib and Aleppo provinces"
    elif not (cf.effective_from or cf.announced_on or cf.effective_until) and country:
        cf.area = country  # a truce named in passing, with no day of its own: the country's
    else:
        cf.area = area_names[0] if area_names else region
    if not cf.declared_by and not (cf.effective_from or cf.announced_on or cf.effective_until):
        return None
    return cf


_TRUCE_AREA = re.compile(r"(?i:cease-?fire|truce|cessation of hostilities|armistice|pause)\b[^.;]{0,40}?"
                         r"\b(?i:in|across|for|throughout|covering)\s+(?:the\s+)?(?:[a-z-]+\s+){0,2}"
                         r"(?!(?:January|February|March|April|May|June|July|August|September|October|November|"
                         r"December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Ramadan|Eid)\b)"
                         r"([A-Z][\w'’-]+(?:\s+(?:al-|el-)?[A-Z][\w'’-]+)*)")


_CALL_RX = re.compile(r"\b(?:call(?:ed|s|ing)?\s+for|urg(?:ed|es|ing)|appeal(?:ed|s|ing)?\s+for|"
                      r"demand(?:ed|s|ing)?|plead(?:ed|s|ing)?\s+for|press(?:ed|es|ing)?\s+for)\b", re.I | re.A)
_DONE_RX = re.compile(r"\b(?:agreed|agreement|deal|announc\w*|declar\w*|signed|reached|brokered|took effect|"
                      r"went into effect|came into (?:force|effect)|in effect|in force|began|holding|violat\w*|"
                      r"broke|collapsed|extend\w*|since|started|resolution|adopted)\b", re.I | re.A)
_UNILATERAL = re.compile(r"\bunilateral(?:ly)?\b", re.I | re.A)
_PROVINCE_LIST = re.compile(r"\b[A-Z][\w'’-]+(?:,\s+[A-Z][\w'’-]+)*\s+and\s+[A-Z][\w'’-]+\s+(?:provinces|governorates|"
                            r"regions|oblasts|states)\b")


def _plain_area(name: str) -> str:
    """"Syria's Idlib" -> "Idlib"; "Syrian" -> "Syria"."""
    from vigil.lexicon import canonical_country

    name = re.split(r"['’]s\s+", name)[-1]
    if " " in name or not re.search(r"(?:an|ese|i|ish)$", name):
        return name  # "Gaza" stays Gaza; only a nationality word is read as its country
    return canonical_country(name) or name


_ENDED_BEFORE = re.compile(r"\b(?:over|ended|collapsed|expired|lapsed|broke\s+down|fell\s+apart|came\s+to\s+an\s+end)"
                           r"\s+(?:on\s+)?(?:the\s+)?$", re.I | re.A)  # "declared over on 19 September": its end


def _date_role(text: str, d) -> str:
    """Is this date the truce's start, its end, or the day it was announced?"""
    before = text[max(0, d.start - 60):d.start]
    after = text[d.end:d.end + 30]
    if _UNTIL_RX.search(before[-15:]) or (_RANGE_END.search(before[-22:]) and _START_RX.search(before)) \
            or _ENDED_BEFORE.search(before[-40:]):
        return "until"  # "until January 7", "from noon on January 6 to midnight on January 7"
    if _START_RX.search(before[-30:]) or _START_RX.search(after[:15]) or re.search(r"midnight|dawn|noon|\d\s*[ap]\.?m",
                                                                                   d.text):
        return "from"
    clause = re.split(r"[,;:]", before)[-1][-45:]  # "signed a truce in Doha on Monday": the signing's day
    if _ANNOUNCE_RX.search(after) or _ANNOUNCE_RX.search(before[-25:]) or _SAY_RX.search(before[-12:]) \
            or (_ANNOUNCE_RX.search(clause) and not _START_RX.search(clause)):
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


_SAY_RX = re.compile(r"\b(?:said|says|announced|declared|told|stated)\b", re.I | re.A)
_DURATION_RX = re.compile(r"\b(\w+)[- ](hour|day|week|month)s?[- ](?:long\s+)?(?:humanitarian\s+)?(?:cease-?fire|truce)|"
                          r"\bfor\s+(?:a\s+period\s+of\s+)?(\w+)\s+(hour|day|week|month)s\b", re.I | re.A)


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
    if unit == "hour":  # "a 72-hour truce": whole days only; a truce shorter than a day ends the day it began
        return (d0 + timedelta(days=n // 24)).isoformat() if n % 24 == 0 else None
    return (d0 + timedelta(days=n * (7 if unit == "week" else 1))).isoformat()


_DECLARER_AFTER = re.compile(r"^[^.;]{0,60}?(?<![-\w])(?:announc|declar|agree|reach|broker|sign|propos|unveil|decree|call(?:ed|s)? (?:for|a|an)\b|"
                             r"accept|order|said|says|halt|suspend|offer|back(?:ed|s)?|end(?:ed|s)?\b|adopt|paus|stand|mediat)", re.I | re.A)
_AGENT_OF_TRUCE_BEFORE = re.compile(r"(?:(?:\bby|\bbetween|\bwith|\bfrom|\b(?:leaders?|presidents?|governments?|heads?|"
                                    r"representatives?|delegations?|(?:foreign\s+)?ministers?)\s+of)\s+"
                                    r"(?:the\s+)?(?:\w+\s+)?"
                                    r"|\bbetween\s+[^.;,]{1,50}?\s+and\s+(?:the\s+)?)$", re.I | re.A)
_AREA_BEFORE = re.compile(r"\b(?:in|across|for|throughout|of|on)\s+(?:the\s+)?(?:\w+\s+)?$", re.I | re.A)


# "Russian and Turkish presidents", "the Egyptian mediators": a nationality speaking for its state
_OFFICE_AFTER = re.compile(r"(?:\s+and\s+[A-Z][a-z]+)*\s+(?i:presidents?|leaders?|governments?|officials?|"
                           r"foreign\s+ministers?|ministers?|ministry|mediators?|delegations?|negotiators?|"
                           r"envoys?|authorities|counterparts?|prime\s+ministers?|defen[cs]e\s+ministers?)\b")


_APPOSITION = re.compile(r"^\s*,\s+(?:one of|a|an|the|which|who|whose|an alliance|a coalition|founded|formed|led|"
                         r"backed|based|created|set up)\b[^,;.]{0,140},")


def ceasefire_declarers(s: Sentence) -> list[str]:
    """Parties that announce, agree or broker the truce - not the places it covers, and not the parties
    of another clause ("Russia announced a truce, but the regime and its allies kept attacking")."""
    found: list[str] = []
    last_end = None
    starts = {m.start - s.start for m in s.actors}
    countries = [c for c in s.countries if not _overlaps(c.start, c.end, s.actors)
                 and (c.text.lower() == c.canonical.lower() or _OFFICE_AFTER.match(s.text, c.end - s.start))
                 and not _owns_actor(s.text, c.end - s.start, starts)]
    un_bodies = [m for m in s.sources if m.canonical in _UN_BODIES]  # "the UN envoy announced ..."
    truce = _CEASEFIRE_RX.search(s.text)
    for m in sorted(list(s.actors) + countries + un_bodies, key=lambda m: m.start):
        before = s.text[max(0, m.start - s.start - 60):m.start - s.start]
        if truce and m.end - s.start < truce.start() and _OTHER_CLAUSE.search(s.text, m.end - s.start, truce.start()):
            continue  # "X said it was starting an offensive after the truce ended": X did not declare it
        after = s.text[m.end - s.start:]
        if _AREA_BEFORE.search(before) and not _AGENT_OF_TRUCE_BEFORE.search(before):
            continue
        coordinated = last_end is not None and re.fullmatch(r"\s*(?:,|and|&|,\s*and)\s*(?:the\s+)?",
                                                           s.text[last_end - s.start:m.start - s.start])
        apposition = _APPOSITION.match(after)  # "X, one of the groups fighting the army, announced ..."
        if apposition:
            after = after[apposition.end():]
        if _DECLARER_AFTER.match(after) or _AGENT_OF_TRUCE_BEFORE.search(before) or coordinated:
            name = m.canonical
            if name[:1].isupper():  # "rebels", "the army": not a party to name
                if name not in found:
                    found.append(name)
                last_end = m.end
    return _as_governments(found)


def _owns_actor(text: str, at: int, actor_starts: set[int]) -> bool:
    """"Sudan's paramilitary RSF announced ...": the country only says whose the group is."""
    m = re.match(r"['’]s\s+(?:([a-z-]+)\s+)?", text[at:])
    return bool(m) and bool({at + m.end(), at + (m.start(1) if m.group(1) else m.end())} & actor_starts)


_OTHER_CLAUSE = re.compile(r"\b(?:after|before|following|since)\b", re.I | re.A)


_UN_BODIES = frozenset({"United Nations", "UN Security Council"})


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


def _retold(a: Ceasefire, b: Ceasefire) -> bool:
    """"The truce agreed on 13 December starts on the 18th" and, later, "the truce ... (said today)": a
    mention with no period of its own that names the same parties and area tells the known truce again."""
    bare = [c for c in (a, b) if not (c.effective_from or c.effective_until)]
    return (len(bare) == 1 and bool(set(a.declared_by) & set(b.declared_by))
            and bool(a.area and b.area and fuzz_ratio(_fold(a.area), _fold(b.area)) >= 85))


def _same_ceasefire(a: Ceasefire, b: Ceasefire) -> bool:
    """Mentions of one truce: no conflicting dates, and shared declarers (or one mention names none)."""
    for attr in ("effective_from", "effective_until", "announced_on"):
        x, y = getattr(a, attr), getattr(b, attr)
        if x and y and x != y:
            if attr == "announced_on" and _retold(a, b):
                continue
            return False
    if a.declared_by and b.declared_by and not set(a.declared_by) & set(b.declared_by):
        dated = [any(getattr(c, attr) for attr in ("effective_from", "effective_until", "announced_on")) for c in (a, b)]
        if dated[0] != dated[1]:
            return False  # "Russia declared an Easter truce from Saturday" / "the US and Ukraine proposed one": two
        # Different parties named for one truce in one place ("Russia announced ..." / "a unilateral
        # ceasefire by government forces"): the same truce when the report places both in one area.
        return bool(a.area and b.area and fuzz_ratio(_fold(a.area), _fold(b.area)) >= 85)
    return True



_PRONOUN_SUBJECT = re.compile(r"^\W*(?:they|the two(?:\s+\w+)?|both(?:\s+sides)?)\s+(?:\w+\s+){0,2}?"
                              r"(?:say|said|announc|agree|declar|reach|sign)", re.I | re.A)


def declarers_by_pronoun(s: Sentence, before: Sentence | None) -> list[str]:
    """"The Varnian president and his Ostran counterpart met. They say a truce starts at midnight.":
    'they' are the parties named in the sentence before."""
    if before is None or not _PRONOUN_SUBJECT.match(s.text):
        return []
    found: list[str] = []
    for m in sorted(list(before.actors) + list(before.countries), key=lambda m: m.start):
        prefix = before.text[max(0, m.start - before.start - 30):m.start - before.start]
        speaks = m.text.lower() == m.canonical.lower() or _OFFICE_AFTER.match(before.text, m.end - before.start)
        if speaks and m.canonical[:1].isupper() and not _AREA_BEFORE.search(prefix) and m.canonical not in found:
            found.append(m.canonical)
    return _as_governments(found) if len(found) >= 2 else []
