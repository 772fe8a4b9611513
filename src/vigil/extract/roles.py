"""Roles of the actors a sentence names: who attacked, who reported it."""
from __future__ import annotations

import re

from vigil.annotate import Sentence, dateline_end
from vigil.extract.places import _overlaps

# --------------------------------------------------------------------------- roles of actors

_SAID_AFTER = re.compile(r"^\W{0,3}(?:\w+\s+){0,3}?(?:said|says|announced|reported|claimed|stated|told|confirmed|"
                         r"denied|accused|blamed|documented|added|noted)\b", re.I | re.A)
_SOURCE_BEFORE = re.compile(r"(?:according to|said|told|citing|cited|reported by|quoted|per)\s+(?:the\s+)?$", re.I | re.A)
_VICTIM_BEFORE = re.compile(r"(?:kill(?:ing|ed|s)?|against|target(?:ing|ed)|wound(?:ing|ed)|injur(?:ing|ed)|on|"
                            r"attack(?:ed|ing|s)?|ambush(?:ed|ing)?|raid(?:ed|ing)?|storm(?:ed|ing)?|"
                            r"\d+|members of|positions of|of)\s+(?:the\s+)?"
                            r"(?:(?!(?:after|when|as|while|before|because|since|and|but|once|until)\s)\w+\s+)?$", re.I | re.A)
_ATTACKS_AFTER = re.compile(r"^\W{0,3}(?:\w+\s+){0,3}?(?:kill(?:ed|s)?|shot|shoot|opened fire|attack(?:ed|s)?|stormed|"
                            r"fired|bombed|shelled|struck|strike|ambush(?:ed)?|execut(?:ed|e)|abduct(?:ed)?|raided|"
                            r"clashed|detonated|blew|set off|targeted|massacred|launched|carried out|"
                            r"neutrali[sz]ed|eliminated|overran|captured|seized|took control|dislodged|"
                            r"repell?ed|repulsed|thwarted|foiled|bombarded|pounded|gunned down|stabbed)\b", re.I | re.A)
_CLAIMED_AFTER = re.compile(r"^[^.;]{0,30}?\bclaim(?:ed|s)\s+(?:responsibility|the\s+attack|the\s+bombing|"
                            r"(?:to\s+have|that\s+(?:it|they)\s+(?:had\s+)?)\s*(?:killed|attacked|shot|downed|destroyed|"
                            r"carried\s+out))", re.I | re.A)
# "the coalition announced that it had killed 95 fighters": who speaks of its own act did it
_OWN_ACT_AFTER = re.compile(r"^[^.;]{0,30}?\b(?:said|says|announced|stated|confirmed|reported)\s+(?:on\s+\w+\s+)?"
                            r"(?:that\s+)?(?:it|they)\s+(?:has\s+|have\s+|had\s+)?(?:killed|struck|destroyed|"
                            r"targeted|shot|downed|attacked|hit|carried\s+out|launched|neutrali[sz]ed|eliminated)\b", re.I | re.A)
_ATTACK_NOUN_AFTER = re.compile(r"^\s+(?:attacks?|air\s*strikes?|airstrikes?|strikes?|shelling|raids?|offensive|"
                                r"assaults?|bombardment|ambush|incursions?|advances?|infiltration)\b", re.I | re.A)
_COUNT_BEFORE = re.compile(r"\b\d+\s+(?:[a-z-]+\s+)?$")
_HOLDER_BEFORE = re.compile(r"\b(?:controlled|held|run|occupied|besieged|seized|captured|backed|supported|"
                            r"led|dominated|linked|affiliated)\s+by\s+(?:the\s+)?(?:\w+\s+)?$", re.I | re.A)
_AGENT_BEFORE = re.compile(r"(?:\bby|\bfrom|\b(?:attacks?|assaults?|incursions?|offensive|advance|infiltration)\s+of)"
                           r"\s+(?:the\s+)?(?:\w+\s+){0,2}$", re.I | re.A)
_ENDS_WITH_ATTACK_NOUN = re.compile(r"\s(?:attacks?|air\s*strikes?|airstrikes?|strikes?|shelling|raids?|bombardment)$",
                                    re.I | re.A)  # the lexicon's "government air strikes"
_RELATIVE_CLAUSE = re.compile(r",\s+(?:which|where|whom?|whose)\b[^,;]*")
# "repelled an attack by X", "thwarted X incursions": the defenders are named first, the attacker after.
_REPELLED = re.compile(r"\b(?:repell?ed|repuls(?:ed|ing)|thwart(?:ed|ing)|foil(?:ed|ing)|fended\s+off|beat\s+back|"
                       r"fought\s+off|pushed\s+back|repel(?:ling|s)?)\b", re.I | re.A)


# A country or nationality that only says where: "Ukraine's Kharkiv region", "the Ukrainian city of Dnipro".
_NAMES_A_PLACE = re.compile(r"(?:['’]s\s+(?:(?:[a-z-]+\s+){0,2}(?:region|province|oblast|governorate|city|town|"
                            r"village|capital|border|territory|coast|port|countryside|district)\b|[A-Z][a-z])"
                            r"|\s+(?:[a-z-]+\s+)?(?:city|town|village|region|province|oblast|port|capital|"
                            r"territory|border\s+town)\s+of\b)")
_IN_PLACE_BEFORE = re.compile(r"\b(?:in|of|across|inside|into|throughout|near|to|border\s+with|bordering)\s+"
                              r"(?:the\s+)?(?:[a-z-]+\s+)?$", re.I | re.A)
# "police stations", "army posts": the force's buildings are what was attacked, not who attacked.
_FACILITY_AFTER = re.compile(r"\s+(?:stations?|posts?|outposts?|headquarters|checkpoints?|bases?|barracks|academy|"
                             r"compounds?|buildings?|facilit(?:y|ies)|camps?|vehicles?|convoys?)\b", re.I | re.A)


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
        if m.text != m.canonical and any(p.start == m.start and p.level in ("locality", "area", "reference")
                                         for p in s.places):
            continue  # "near the capital Damascus": the city, not its government
        if _FACILITY_AFTER.match(text, m.end - base):
            continue
        if m.text.lower() == "terrorist" and _ATTACK_NOUN_AFTER.match(after):
            continue  # "a barbaric terrorist attack": how the attack is called, not who made it
        if m.category == "state" and _NAMES_A_PLACE.match(text, m.end - base) \
                and not _ATTACK_NOUN_AFTER.match(after):
            continue  # "Ukraine's Kharkiv region", "the Ukrainian city of Dnipro": where, not who
        if m.category == "state" and m.text == m.canonical and _IN_PLACE_BEFORE.search(before) \
                and not _AGENT_BEFORE.search(before):
            continue  # "a village in Ukraine"
        if _CLAIMED_AFTER.match(after) or _OWN_ACT_AFTER.match(after) or (_ATTACK_NOUN_AFTER.match(after) and not _SOURCE_BEFORE.search(before)) \
                or (_ENDS_WITH_ATTACK_NOUN.search(m.text) and not _SOURCE_BEFORE.search(before)):
            agents.append(m)  # "al-Shabaab claimed responsibility", "a series of Taliban attacks"
            continue
        if _SOURCE_BEFORE.search(before):
            continue
        if _SAID_AFTER.match(after) and not _AGENT_BEFORE.search(before):
            continue
        if _VICTIM_BEFORE.search(before) and not _AGENT_BEFORE.search(before) \
                and not (_COUNT_BEFORE.search(before) and _attacks_actively(after)):
            continue  # "killing 5 soldiers"; but "some 200 militiamen stormed ..." are the attackers
        if any(c.start <= m.start and m.end <= c.end for c in s.counts) and not _attacks_actively(after):
            continue  # "Thirty-three Turkish soldiers were killed": the counted, not the attacker
        if _WEAPON_OF_BEFORE.search(before):
            agents.append(m)  # "a drone operated by government forces": who flew it attacked
            continue
        if _HOLDER_BEFORE.search(before):
            continue
        if m.category in ("weapon_hint",) and agents:
            continue
        if m.category == "unknown" and not (_AGENT_BEFORE.search(before) or _ATTACKS_AFTER.match(after)):
            continue  # "Police found a body": a vague name acts only when the sentence says it attacked
        agents.append(m)
    repelled = _REPELLED.search(text)
    if repelled and any(m.start - base > repelled.end() for m in agents):
        agents = [m for m in agents if m.start - base > repelled.end()]  # the attack repelled is the act
    if len(agents) > 1:
        clauses = [(c.start(), c.end()) for c in _RELATIVE_CLAUSE.finditer(text)]
        outside = [m for m in agents if not any(a <= m.start - base < b for a, b in clauses)]
        if outside:
            agents = outside  # "strikes on Varsk, which rebels seized last month": background, not the act
    low = text.lower()
    unnamed = "unidentified" in low or "unknown" in low or "unspecified" in low or "unnamed" in low
    names = ["gunmen" if unnamed and (_UNNAMED_BEFORE.search(text, max(0, m.start - base - 30), m.start - base)
                                      or _UNNAMED_START.match(m.text)) else _resolved_actor(m.canonical, country) for m in agents]  # "an unidentified armed group": no one named
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


def _initiative_verbs() -> str:
    from vigil.annotate.sentences import _word_file

    words = sorted(_word_file("initiative_verbs.txt"), key=len, reverse=True)
    return "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)


_INITIATIVE = _initiative_verbs()
# "the rebels raided a post ...": the actor, a few words at most, then the verb (not "were attacked")
_TAKES_INITIATIVE_AFTER = re.compile(rf"^\W{{0,3}}(?:(?!(?:were|was|are|is|been|being|and|with|by)\b)\w+\s+){{0,3}}?"
                                     rf"(?:{_INITIATIVE})\b", re.I | re.A)
# "troops clashed with the militants at Orsk and killed two of them": the subject also did the one-sided act
_CLASHED_THEN_ACTED_AFTER = re.compile(rf"^\W{{0,3}}(?:\w+\s+){{0,3}}?(?:clashed|fought|battled|engaged)\b[^.;]*?"
                                       rf"\band\s+(?:later\s+|then\s+|subsequently\s+|eventually\s+)?"
                                       rf"(?:{_INITIATIVE})\b", re.I | re.A)


def clash_initiator(s: Sentence, country: str | None = None) -> str | None:
    """Who took the initiative in a clash both sides fought, when the sentence says it; else None.

    "A clashed with B" names no perpetrator, but "A raided the post and clashed with B", "A clashed
    with B and killed three" and "clashes between A and B after an attack by A" do: the side of the
    one-sided act."""
    named = attacker_referred_back(s, country) or side_that_attacked(s, country)
    if named:
        return named
    text, base = s.text, s.start
    for m in _sides(s):
        after = text[m.end - base:]
        if _TAKES_INITIATIVE_AFTER.match(after) or _CLASHED_THEN_ACTED_AFTER.match(after):
            return _resolved_actor(m.canonical, country)
    return None


def _sides(s: Sentence) -> list:
    """The actors a sentence names as parties, in text order: not weapons, vague names or the counted
    ("two militants were killed" are not a side that acted)."""
    return [m for m in s.actors if m.category not in ("weapon_hint", "unknown")
            and not any(c.start <= m.start and m.end <= c.end for c in s.counts)]


# "following an infiltration attack by the latter", "an attack launched by the Red Front"
_ATTACK_BY = re.compile(r"\b(?:attacks?|assaults?|offensive|incursions?|infiltrations?|raids?|ambush|advances?|"
                        r"(?:infiltration\s+)?(?:attempts?|attacks?))\s+(?:(?:launched|carried\s+out|conducted|"
                        r"mounted|led|initiated)\s+)?by\s+(?:the\s+)?(?:(former|latter)\b)?", re.I | re.A)
# "during combing operations against the Red Front": the other side ran them
_OPERATION_AGAINST = re.compile(r"\b(?:operations?|offensive|campaign|raids?|sweeps?|attacks?|assaults?)\s+"
                                r"(?:against|targeting|on)\s+(?:the\s+)?(?:\w+\s+){0,2}$", re.I | re.A)


def _distinct(mentions: list) -> list:
    """The first mention of each actor, in text order."""
    distinct: list = []
    for m in mentions:
        if all(m.canonical != d.canonical for d in distinct):
            distinct.append(m)
    return distinct


_ALLY_BEFORE = re.compile(r"\b(?:backed|supported|assisted|aided|accompanied|joined)\s+by\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$",
                          re.I | re.A)


def attacker_referred_back(s: Sentence, country: str | None = None) -> str | None:
    """"clashes between A and B following an attack by the latter": B, the side the phrase refers to.
    The parties are the named sides, generic ones ("government forces") included, not their backers."""
    if len(s.actors) < 2:
        return None  # most sentences: no two parties to refer back to
    distinct = _distinct([m for m in s.actors if m.category != "weapon_hint"
                          and not any(c.start <= m.start and m.end <= c.end for c in s.counts)
                          and not _ALLY_BEFORE.search(s.text, max(0, m.start - s.start - 40), m.start - s.start)])
    for hit in _ATTACK_BY.finditer(s.text):
        if hit.group(1):
            before = [m for m in distinct if m.end - s.start <= hit.start()]
            if len(before) >= 2:
                return _resolved_actor((before[0] if hit.group(1).lower() == "former" else before[1]).canonical, country)
    return None


def side_that_attacked(s: Sentence, country: str | None = None) -> str | None:
    """The side a clash sentence says attacked: "an infiltration attempt by A", or, of two sides, the one
    not targeted by "operations against B". None when the sentence does not say ("by the former/latter"
    is `attacker_referred_back`)."""
    if not s.actors:
        return None
    text, base = s.text, s.start
    sides = _sides(s)
    for hit in _ATTACK_BY.finditer(text):
        after = [m for m in sides if m.start - base == hit.end()]
        if not hit.group(1) and after:
            return _resolved_actor(after[0].canonical, country)
    distinct = _distinct(sides)
    if len(distinct) == 2:
        for m in sides:
            if _OPERATION_AGAINST.search(text, max(0, m.start - base - 60), m.start - base):
                other = distinct[1] if m.canonical == distinct[0].canonical else distinct[0]
                return _resolved_actor(other.canonical, country)
    return None


_WEAPON_AFTER = re.compile(r"\s+(?:[a-z-]+\s+)?(?:shelling|shells|artillery|air\s*strikes?|airstrikes?|strikes?|"
                           r"drones?|warplanes?|jets?|missiles?|rockets?|bombardment|raids?|aircraft|helicopters?|"
                           r"gunboats?|tanks?)\b", re.I | re.A)


_PASSIVE_AFTER = re.compile(r"^\W{0,3}(?:\w+\s+){0,3}?(?:were|was|are|is|been|being|got)\s", re.I | re.A)


def _attacks_actively(after: str) -> bool:
    """"200 gunmen stormed ...", not "four soldiers were killed": the counted are the ones acting."""
    return bool(_ATTACKS_AFTER.match(after)) and not _PASSIVE_AFTER.match(after)


def _nationality_with_weapon(s: Sentence) -> list[str]:
    """"Turkish shelling", "Israeli jets": a nationality on a weapon names the state that fired it."""
    from vigil.lexicon import government_of

    for m in s.countries:
        if m.text == m.canonical or _SOURCE_BEFORE.search(s.text, max(0, m.start - s.start - 25), m.start - s.start):
            continue
        if _WEAPON_AFTER.match(s.text, m.end - s.start):
            return [government_of(m.canonical)]
        force = _FORCE_AFTER.match(s.text, m.end - s.start)
        if force and (_AGENT_BEFORE.search(s.text, max(0, m.start - s.start - 40), m.start - s.start)
                      or _attacks_actively(s.text[force.end():])):
            return [government_of(m.canonical)]  # "killed by Afghan commando forces", "Malian troops raided"
    return []


_WEAPON_OF_BEFORE = re.compile(r"\b(?:drones?|uavs?|aircraft|jets?|warplanes?|planes?|missiles?|rockets?|helicopters?)"
                               r"\s+(?:[\w-]+\s+)?(?:controlled|operated|flown|launched|fired|piloted)\s+by\s+"
                               r"(?:the\s+)?(?:\w+\s+)?$", re.I | re.A)
_UNNAMED_BEFORE = re.compile(r"\b(?:unidentified|unknown|unspecified|unnamed)\s+(?:[a-z-]+\s+)?$", re.I | re.A)
_UNNAMED_START = re.compile(r"(?:unidentified|unknown|unspecified|unnamed)\s", re.I | re.A)
_FORCE_AFTER = re.compile(r"\s+(?:[a-z-]+\s+)?(?:forces|troops|soldiers|commandos?|army|police|military|"
                          r"gendarmes|gendarmerie)\b")


def _resolved_actor(canonical: str, country: str | None) -> str | None:
    from vigil.lexicon import resolve_actor

    return resolve_actor(canonical, country)


def _only_vague(perp: str | None) -> bool:
    from vigil.lexicon import actor_category

    def vague(name: str) -> bool:  # "gunmen", "militants"; not "al-Shabaab", which is lower-case but named
        category = actor_category(name)
        return category == "unknown" or (category is None and name.islower())

    return bool(perp) and all(vague(p.strip()) for p in perp.split(";"))


# Blame said about an attack told elsewhere: "officials blamed X for the attack", "accused X of ...",
# "blamed the bombing on X", "X was behind the attack", "attributed the strike to X".
_BLAMED_BEFORE = re.compile(r"\b(?:blam(?:ed|es|ing)|accus(?:ed|es|ing)|held|holds)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?[\"“‘']?$"
                            r"|\b(?:blamed|pinned)\s+(?:the|this|that|it)\s*(?:\w+\s+){0,2}?on\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$"
                            r"|\battributed\s+(?:the|it)\s*(?:\w+\s+){0,2}?to\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$", re.I | re.A)
_BLAMED_AFTER = re.compile(r"^[\"”’']?\s+(?:for|of\s+(?:carrying|launching|firing|being|the)|responsible)"
                           r"|^\s+(?:was|were|is|are)\s+(?:\w+\s+)?(?:behind|responsible|to\s+blame)\b", re.I | re.A)
_DISPUTE = re.compile(r"\b(?:blamed each other|traded blame|each side blamed|blamed one another|denied (?:any\s+)?"
                      r"(?:responsibility|involvement)|source of the fire (?:is|was|remains) unknown)\b", re.I | re.A)


def blamed_actors(s: Sentence, country: str | None = None, keep_vague: bool = False) -> tuple[list[str], bool]:
    """Actors the sentence blames for an attack, and whether it says the blame is disputed. Generic labels
    ("terrorists") count only with `keep_vague`: the blame of the act's own sentence."""
    text, base = s.text, s.start
    found: list[str] = []
    for m in s.actors:
        before = text[max(0, m.start - base - 60):m.start - base]
        after = text[m.end - base:m.end - base + 40]
        named_before = _BLAMED_BEFORE.search(before)
        claimed = _CLAIMED_AFTER.match(text[m.end - base:])  # "X claimed responsibility for the attack"
        if (named_before and (_BLAMED_AFTER.match(after) or " on " in named_before.group() or
                              "attributed" in named_before.group().lower())) or _BLAMED_AFTER.match(after) \
                and re.match(r"^\s+(?:was|were|is|are)", after) or claimed:
            name = _resolved_actor(m.canonical, country)
            if name and name not in found and (keep_vague or not _only_vague(name)):
                found.append(name)
    return found, bool(_DISPUTE.search(text))


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
_SAYS = re.compile(r"\b(?:said|says|told|wrote|stated|reported|added|confirmed|announced)\b|according to", re.I | re.A)


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


