"""Counts of people (and of strikes) in a sentence, with qualifier, noun and role."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from vigil.geo.query import _english_function_words

# --------------------------------------------------------------------------- numbers

_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
          "sixteen seventeen eighteen nineteen").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_NUMWORD = r"(?:" + "|".join(_UNITS + _TENS + ["hundred", "thousand"]) + r")"
_NUMBER_WORDS = rf"{_NUMWORD}(?:(?:[- ]|\s+and\s+){_NUMWORD})*"
_DIGITS = r"\d{1,3}(?:,\d{3})+|\d+"
_VAGUE = {"dozens": 12, "a dozen": 12, "scores": 20, "tens": 10, "hundreds": 100, "a handful": 3,
          "a few": 2, "several": 2}
_ARTICLE = r"(?:another|a single|one more|an|a)"
_ARTICLE_RX = re.compile(_ARTICLE)

_QUALIFIERS = [
    (r"at least|no (?:fewer|less) than|not less than|a minimum of|at a minimum", "at_least"),
    (r"more than|over|upwards of|in excess of|above", "more_than"),
    (r"around|about|approximately|nearly|almost|roughly|some|an estimated|close to|up to around", "about"),
    (r"up to|as many as|at most", "up_to"),
]
_QUALIFIER_RX = "|".join(f"(?P<q{i}>{p})" for i, (p, _) in enumerate(_QUALIFIERS))

# Nouns that count people, and who they are.
_CIVILIAN_NOUNS = ("civilians? children child kids? women woman girls? boys? infants? babies baby pilgrims? "
                   "worshipp?ers? students? residents? villagers? farmers? famil(?:y|ies) relatives? "
                   "passengers? shoppers? patients? doctors? journalists? teachers? refugees? "
                   "mourners? guests? wedding-goers? members\\s+of\\s+(?:a|an|one|the)\\s+(?:[\\w-]+\\s+){0,3}?famil(?:y|ies) "
                   "family\\s+members? aid\\s+workers? medics? paramedics? rescuers? volunteers? "
                   "(?:elderly|old)\\s+(?:men|man|women|woman|people) minors? workers? labou?rers? herders? "
                   "herdsm[ae]n fisherm[ae]n shepherds? traders? merchants? vendors? drivers? engineers? "
                   "nurses? civil\\s+servants? protesters? protestors? demonstrators?").split()
_COMBATANT_NOUNS = ("soldiers? troops? policem[ae]n police\\s+officers? officers? fighters? militants? rebels? "
                    "insurgents? jihadists? guards? personnel servicem[ae]n recruits? militiam[ae]n "
                    "militia\\s+members? gunm[ae]n terrorists? members\\s+of\\s+(?:the\\s+)?[\\w\\s-]{0,40}?forces "
                    "security\\s+forces pro-government\\s+forces government\\s+forces commanders? "
                    "lieutenants? captains? colonels? sergeants? generals? conscripts? "
                    "(?:security|army|police|military)\\s+(?:personnel|members|officers) agents? arbakis? "
                    "peshmergas? paramilitar(?:y|ies) cadets? sailors? airm[ae]n marines? snipers? "
                    "mercenar(?:y|ies) combatants? attackers? assailants? raiders? bombers? kidnappers? abductors?").split()
_NEUTRAL_NOUNS = ("people persons? individuals? others bodies body corpses? members? men man victims? officials? "
                  "casualties lives [A-Z][a-z]+is [A-Z][a-z]+ans [A-Z][a-z]+ians").split()
_PERSON_NOUN = "|".join(_CIVILIAN_NOUNS + _COMBATANT_NOUNS + _NEUTRAL_NOUNS)
_CIVILIAN_RX = re.compile(r"^(?:" + "|".join(_CIVILIAN_NOUNS) + r")$", re.I | re.A)
_COMBATANT_RX = re.compile(r"^(?:" + "|".join(_COMBATANT_NOUNS) + r")$", re.I | re.A)
_ADJ = (r"(?!(?:whom|them|were|was|are|is|in|at|and|of|on|by|from|to|each|while|who|which|had|have|has|since|after|before|"
        r"when|as|for|during|amid|but|or|into|than|said|says|according|"
        r"killed|wounded|injured|dead|died|carrying|transporting|containing|including|mostly|with)\b)(?:[a-z][a-z'-]*[a-z]|\d+-year-old|\d+(?:st|nd|rd|th)|[A-Z][a-z]+(?:-[a-z]+)?)")  # a modifier before the noun

_COUNT_RX = re.compile(
    rf"(?<![\w.,-])(?:(?:{_QUALIFIER_RX})\s+)?"
    rf"(?P<num>{_DIGITS}|{_NUMBER_WORDS}|dozens|a dozen|scores|tens|hundreds|{_ARTICLE})\b"
    rf"(?P<each>\s+each)?"
    rf"(?:\s+(?:of\s+(?:the\s+)?)?(?P<mods>(?:{_ADJ}\s+){{0,4}}?)(?P<noun>{_PERSON_NOUN})\b)?",
    re.IGNORECASE | re.A,
)
_NOT_A_COUNT_AFTER = re.compile(r"\s*(?:%|per ?cent|percent|km|kilomet|mile|metre|meter|year|month|week|day|hour|"
                                r"minute|a\.m|p\.m|am\b|pm\b|GMT|o'clock|st\b|nd\b|rd\b|th\b|:\d)", re.I | re.A)
_MONTH_BEFORE = re.compile(r"(?:January|February|March|April|May|June|July|August|September|October|November|"
                           r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?\s*$")


@dataclass
class Count:
    start: int
    end: int
    value: int
    qualifier: str
    noun: str | None
    each: bool = False
    role: str = "other"  # killed | injured | children | women | strikes | other
    victims: str = "unknown"
    thing: bool = False  # it counts things ("two vehicles"): never a toll


def _number_value(token: str) -> int | None:
    t = token.lower().strip()
    if t in _VAGUE:
        return _VAGUE[t]
    if _ARTICLE_RX.fullmatch(t):
        return 1
    if re.fullmatch(_DIGITS, t):
        return int(t.replace(",", ""))
    try:
        from text_to_num import text2num

        return int(text2num(t.replace(" and ", " "), "en"))
    except (ValueError, ImportError):
        words = re.split(r"[- ]+", t)
        return _UNITS.index(words[0]) if words and words[0] in _UNITS else None


def _victims_of(noun: str | None, mods: str | None = None) -> str:
    if not noun:
        return "unknown"
    n = noun.strip()
    if re.fullmatch(r"members?", n, re.I) and mods and re.search(r"\b[A-Z]", mods):
        return "combatants"  # "two Hezbollah members"
    if _CIVILIAN_RX.match(n):
        return "civilians"
    if _COMBATANT_RX.match(n):
        return "combatants"
    if mods and re.fullmatch(r"people|persons|men|women|others|individuals", n, re.I) and _CIVILIAN_MODS.search(mods):
        return "civilians"  # "12 displaced people", "three unarmed men"
    return "unknown"


_CIVILIAN_MODS = re.compile(r"\b(?:displaced|unarmed|innocent|civilian|elderly|homeless|fleeing)\b", re.I | re.A)


_AND_ONE_MORE = re.compile(r"\s+and\s+(?:(?:an?|another|his|her|their)\s+)?(?:[a-z-]+\s+)?(?:child|woman|man|boy|girl|baby|infant|"
                           r"teenager|policeman|soldier|civilian|person|relative|son|daughter|wife|husband|brother|sister|"
                           r"father|mother|nephew|niece|grandson|granddaughter|driver|bodyguard|guard|companion|colleague|aide|assistant)\b",
                           re.I | re.A)


_ONE_AND_BEFORE = re.compile(r"\b(?:the|his|her|their|a)\s+((?:wife|husband|mother|father|son|daughter|brother|"
                             r"sister|grandmother|grandfather|child)\s+and\s+)$", re.I | re.A)
_OF_THINGS = re.compile(r"\s+of\s+(?!(?:them|those|the\s+(?:dead|victims|people|wounded))\b)")
_LEFT_BEFORE = re.compile(r"\b(?:left|leaving)\s+(?:(?:at least|more than|over|about|around|nearly)\s+)?$", re.I | re.A)
_AGE_BEFORE = re.compile(rf"\b(?:{_PERSON_NOUN}|boy|girl|son|daughter|father|mother|brother|sister),\s*$", re.I)
_SPEAKS_AFTER = re.compile(r",?\s+(?:says|said|told|stated|added|confirmed|reported)\b(?!\s+to\b)", re.I | re.A)
_NO_BEFORE = re.compile(r"\b(?:no|not a single)\s*$", re.I | re.A)


_NEXT_WORD = re.compile(r"\s+([a-z-]+)(?:\s+([a-z]+))?")  # the noun, or a modifier and the noun


@lru_cache(maxsize=1)
def _thing_nouns() -> frozenset[str]:
    from vigil.annotate.sentences import _word_file

    return _word_file("thing_nouns.txt")


def find_counts(text: str, base: int = 0) -> list[Count]:
    """Counts of people (and of strikes) in one sentence, offsets shifted by `base`."""
    out: list[Count] = []
    for m in _COUNT_RX.finditer(text):
        if out and m.start() < out[-1].end - base:
            continue  # "a nurse and a driver": the second is already in the first count
        num = m.group("num")
        noun = m.group("noun")
        at = m.start("num")
        if _NOT_A_COUNT_AFTER.match(text, m.end("num")) or _MONTH_BEFORE.search(text, max(0, at - 12), at):
            continue
        low = num.lower()
        is_article = bool(_ARTICLE_RX.fullmatch(low))
        if is_article and (not noun or noun.lower().endswith("s") and noun.lower() not in ("mass",)
                           and not re.fullmatch(r"(?:policem[ae]n|gunm[ae]n|man|woman|child|body|corpse)", noun, re.I)):
            if not noun:
                continue
        if is_article and noun and re.fullmatch(r"(?:others?|people|lives|casualties)", noun, re.I):
            continue
        if low == "one" and _NO_BEFORE.search(text, max(0, at - 14), at):
            continue  # "no one was killed": nobody, not one
        if low in ("several", "a few") and not noun:
            continue
        if not noun and text[m.end("num"):m.end("num") + 3].lstrip().startswith(",") \
                and _AGE_BEFORE.search(text, max(0, at - 30), at):
            continue  # "a man, 59, was killed": an age
        if noun and "s" in text[m.end():m.end() + 12] and _SPEAKS_AFTER.match(text, m.end()):
            continue  # "a health official says ...": the one who speaks is no victim
        thing = False
        if not noun and (nxt := _NEXT_WORD.match(text, m.end())) and (
                nxt.group(1) in _thing_nouns() or nxt.group(2) in _thing_nouns() and nxt.group(1) not in _english_function_words()):
            thing = True  # "a convoy of two vehicles": things, not people
        if low in _VAGUE and not noun and _OF_THINGS.match(text, m.end("num")):
            continue  # "hundreds of rounds were seized": things, not people
        value = _number_value(num)
        if value is None:
            continue
        if re.fullmatch(r"\d{4}", num) and 1900 <= value <= 2100 and not noun:
            continue  # a year
        qualifier = "exact"
        for i, (_, q) in enumerate(_QUALIFIERS):
            if m.group(f"q{i}"):
                qualifier = q
        if low in ("dozens", "scores", "tens", "hundreds") and qualifier == "exact":
            qualifier = "at_least"
        start = m.start() if qualifier != "exact" else m.start("num")
        end = m.end() if noun else m.end("num") + (len(m.group("each")) if m.group("each") else 0)
        more = _AND_ONE_MORE.match(text, end) if is_article and noun else None
        if more:  # "a child and woman were killed": two
            value += 1
            end = more.end()
        one_before = _ONE_AND_BEFORE.search(text, max(0, start - 40), start) if noun and not is_article else None
        if one_before:  # "the wife and three children of X were killed": four
            value += 1
            start = one_before.start(1)
        out.append(Count(start + base, end + base, value, qualifier, noun, each=bool(m.group("each")),
                         victims=_victims_of(noun, m.group("mods")), thing=thing))
    return out


# Role of a count: what the sentence says happened to the people counted.
_KILLED_AFTER = re.compile(
    r"^[^,;.]{0,100}?\b(?:were|was|have been|had been|has been|are|being|got)?\s*"
    r"(?:killed|dead|deaths|fatalities|died|die|perished|lost their lives|lost lives|martyred|slain|massacred|slaughtered|butchered|executed|shot dead|murdered|"
    r"beheaded|killed and|were found dead|found dead|bodies|to death)\b", re.I | re.A)
_INJURED_AFTER = re.compile(r"^[^,;.]{0,40}?\b(?:wounded|injured|hurt|maimed|injuries|wounds)\b", re.I | re.A)
_KILLED_BEFORE = re.compile(
    r"(?:\bkill(?:ing|ed|s)?|\bshot dead|\bshooting dead|\bshot and killed|\bshooting and killing|\bgunned down|\bgunning down|\bbeheaded|\bassassinat(?:ed|ing|es)|\bclaim(?:ing|ed|s)? the lives of|"
    r"\bclaim(?:ing|ed|s)?|\bneutrali[sz](?:ed|ing|es|e)|\bdeaths? of|\bkilling of|\bleft|\bleaving|\btoll\b[^.;]{0,150}?"
    r"(?:to|at|of|reached|hit|stood at|rose to|climbed to)|\bdeath toll (?:to|at)|"
    r"\btotal (?:number )?of\b[^.;]{0,40}?\b(?:killed|dead|deaths)\b[^.;]{0,100}?\bto|\bkilled at least|\bexecut(?:ed|ing)|"
    r"\bmassacre of|\bbodies of|\b(?:hack(?:ed|ing)|stabb(?:ed|ing)|beat(?:en|ing)?|burn(?:ed|t|ing)|bludgeon(?:ed|ing)|"
    r"club(?:bed|bing)|ston(?:ed|ing)|hang(?:ed|ing))\s+to\s+death)\s+$", re.I | re.A)
_INJURED_BEFORE = re.compile(r"(?:\bwound(?:ing|ed|s)?|\binjur(?:ing|ed|es)|\bhurt(?:ing)?)\s+(?:(?:at least|more than|"
                             r"about|around|over|nearly)\s+)?$", re.I | re.A)
_BREAKDOWN_BEFORE = re.compile(r"(?:\binclud(?:ing|ed)|\bamong (?:them|whom|the dead|those killed|the victims)"
                               r"|\bof (?:them|whom))[:\s]+(?:(?:at least|more than|about|around)\s+)?$", re.I | re.A)
_VICTIMS_INCLUDED = re.compile(r"\b(?:victims|dead|those killed|fatalities)\s+(?:included|were|are)\s+$", re.I | re.A)
_BREAKDOWN_AFTER = re.compile(r"^\s+of (?:whom|them|the dead|the victims|those killed|the fatalities),?\s+"
                              r"(?:(?:were|are|was)\s+)?(children|women|minors|kids)", re.I | re.A)
_STRIKE_NOUN = re.compile(r"^\s*(?:[a-z-]+\s+){0,2}?(?:air ?strikes?|air ?raids?|raids?|strikes?|shells?|rockets?|"
                          r"missiles?|barrel bombs?|attacks?|bombs?|sorties|drones?|explosions?|shootings?|"
                          r"bombings?|blasts?|incidents?|clashes|assaults?|operations?|mortars?|grenades?)\b", re.I | re.A)
_SUPERSEDED_BEFORE = re.compile(r"(?:earlier|previous|initial|preliminary|first)\s+(?:death\s+)?(?:toll|figure|count|"
                                r"report)s?\s+(?:of\s+)?(?:at least\s+)?$|\b(?:earlier|initially|first)\s+"
                                r"(?:said|reported|put the (?:death )?toll at)\s+$", re.I | re.A)
_AMONG_AFTER = re.compile(r"^\s+(?:were|was|are)\s+(?:also\s+)?among\b", re.I | re.A)
# "two of the dead, ...", "a resident of Tesmil, ...": not "a resident of Tesmil was killed, ..." (the verb is the count's)
_OF_PHRASE = re.compile(r"^\s+of\s+(?!whom|them)(?:the\s+)?(?:(?:dead|victims|killed|fatalities)\b[^,;.]{0,50}?|"
                        r"(?:(?!\b(?:was|were|is|are|has|have|had|killed|died)\b)[^,;.]){0,50}?)(?=,)")


_KILLED_OR_INJURED = re.compile(r"^[^,;.]{0,60}?\b(?:killed|dead)\s+(?:or|and(?:/or)?|and/or)\s+"
                                r"(?:injured|wounded|hurt)\b", re.I | re.A)
_AGE_AFTER = re.compile(r"^,\s*(?:aged\s+)?\d{1,3}(?:-year-old)?\s*,")  # "a man, 59, was killed"
_PARENTHETICAL = re.compile(r"^\s*(?:,|\s[-–—])\s*(?:including|among them|among whom|of whom|mostly|many of them|"
                            r"most of them|all of them|some of them|one of them|"
                            r"(?:\d+|[a-z]+(?:-[a-z]+)?)\s+of\s+(?:them|whom))\b[^,;–—]*(?:,|[-–—])")


_APPOSITION = re.compile(r"^,\s+(?:the|a|an|his|her|their)\s+[^,;.]{1,60},(?=\s+(?:were|was|had been|have been)\b)")
_BARE_COUNT_AT_PLACE = re.compile(r"\s+(?:each\s+)?(?:in|at)\s+(?:the\s+)?(?:[a-z-]+\s+)?[A-Z]")
_DEATH_NOUN = re.compile(r"\b(?:victims|dead|deaths|death toll|fatalities|killed|died)\b", re.I | re.A)


def assign_roles(sentence: str, base: int, counts: list[Count]) -> None:
    """Decide for each count whether it counts the killed, the injured, a breakdown or strikes."""
    prev_role = None
    prev_victims = None
    for c in counts:
        if c.role != "other" or c.thing:
            continue
        before = sentence[max(0, c.start - base - 170):c.start - base]
        after = _PARENTHETICAL.sub("", _OF_PHRASE.sub("", _AGE_AFTER.sub("", sentence[c.end - base:], count=1),
                                                      count=1), count=1)
        after = _APPOSITION.sub("", after, count=1)  # "..., the leader of a militia, were killed"
        if _SUPERSEDED_BEFORE.search(before):
            c.role = "superseded"  # "updating an earlier toll of six": the latest figure stands
            continue
        if c.noun is None and _STRIKE_NOUN.match(after):
            c.role = "strikes"
            continue
        m = _BREAKDOWN_AFTER.match(after)
        if _AMONG_AFTER.match(after):
            noun = (c.noun or "").lower()  # "Two children were among 12 people killed"
            c.role = ("children" if re.match(r"child|kid|minor|boy|girl|infant|bab", noun)
                      else "women" if re.match(r"wom[ae]n", noun) else "breakdown")
        elif _BREAKDOWN_BEFORE.search(before) and prev_role is not None:
            noun = (c.noun or "").lower()
            c.role = ("children" if re.match(r"child|kid|minor|boy|girl|infant|bab", noun)
                      else "women" if re.match(r"wom[ae]n", noun) else "breakdown")
        elif m:
            c.role = "children" if m.group(1).lower() in ("children", "minors", "kids") else "women"
        elif _INJURED_BEFORE.search(before):
            c.role = "injured"
        elif _VICTIMS_INCLUDED.search(before):
            c.role = "killed"
        elif _KILLED_BEFORE.search(before):
            c.role = "killed"
            if _LEFT_BEFORE.search(before) and _killed_or_injured_after(after) == "injured":
                c.role = "injured"  # "left 60 people injured"
        elif _killed_or_injured_after(after) is not None:
            c.role = _killed_or_injured_after(after)
        elif c.noun and re.fullmatch(r"bod(?:y|ies)|corpses?", c.noun, re.I):
            c.role = "killed"
        elif c.noun and c.noun.lower() == "casualties" and re.search(r"\bfatal\s+$", sentence[:c.end - base - 10]):
            c.role = "killed"  # "46 fatal casualties"
        elif c.noun is None and _BARE_COUNT_AT_PLACE.match(after) and _DEATH_NOUN.search(sentence):
            c.role = "killed"  # "the victims were distributed as follows: 8 in Kafrnabl, 5 in Heesh"
            if prev_victims:
                c.victims = prev_victims
        elif prev_role in ("killed", "injured") and (c.noun is None or c.each or re.match(r"\s*(?:in|at|,|and)\b", after)):
            c.role = prev_role  # elliptical list: "nine in A, eight in B"
            if c.noun is None and prev_victims:
                c.victims = prev_victims
        if c.role == "killed" and _KILLED_OR_INJURED.match(after):
            c.role = "casualties"  # "150 people were killed or injured": the dead and the hurt together
        if c.role in ("killed", "injured"):
            prev_role = c.role
            prev_victims = c.victims
    _join_summed_counts(sentence, base, counts)


def _join_summed_counts(sentence: str, base: int, counts: list[Count]) -> None:
    """"35 civilians and two unidentified people were killed": one toll of 37."""
    i = 0
    while i + 1 < len(counts):
        a, b = counts[i], counts[i + 1]
        gap = sentence[a.end - base:b.start - base]
        if (a.role == b.role == "killed" and a.noun and b.noun and not a.each and not b.each
                and re.fullmatch(r"\s+and\s+", gap) and a.qualifier == b.qualifier):
            a.value += b.value
            a.end = b.end
            if a.victims != b.victims:
                a.victims = "mixed" if "unknown" not in (a.victims, b.victims) else a.victims
            del counts[i + 1]
            continue
        i += 1


# "an Islamic State sniper killed two soldiers": the counted did the killing; their victims follow the verb.
_AGENT_AFTER = re.compile(
    r"^\s+(?!(?:were|was|are|is|have|has|had|been|being|got)\b)(?:[a-z-]+\s+){0,2}?"
    r"(?:killed|shot\s+dead|gunned\s+down|murdered|executed|beheaded|massacred)\s+(?:at\s+least\s+|more\s+than\s+)?"
    r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens|several|the|his|her|their)\b",
    re.I | re.A)


def _killed_or_injured_after(after: str) -> str | None:
    if _AGENT_AFTER.match(after):
        return None
    k = _KILLED_AFTER.match(after)
    i = _INJURED_AFTER.match(after)
    if k and i:
        return "killed" if k.end() <= i.end() else "injured"
    return "killed" if k else "injured" if i else None


