"""Report-level geocoding: every incident location of a report, placed with the report's context.

The words around each name (the province named next to it, "X district", "neighbourhood of Y city"),
the extractor's hints, the report's country, and the report's other places (a joint choice: a second
pass prefers readings close to the places already pinned confidently).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache

from rapidfuzz import fuzz

from vigil.geo import gazetteer
from vigil.geo.gazetteer import VILLAGE_GAZETTEER_COUNTRIES, Place
from vigil.geo.admin import (admin1_cc, admin1_country, admin1_exact, admin1_of, admin2_of, country_code,
                             country_codes, district_alone, km)
from vigil.geo.query import geo_words, parse_query
from vigil.geo.resolver import (AMBIGUITY_MARGIN, EXACT, THRESHOLD, Candidate, choose, decide, near_key,
                                resolve_cached)
from vigil.geo.names import exact_key
from vigil.model import Location, Report

DEMONYMS = {"Syrian": "SY", "Iraqi": "IQ", "Yemeni": "YE", "Afghan": "AF", "Ukrainian": "UA", "Libyan": "LY",
            "Lebanese": "LB", "Somali": "SO", "Malian": "ML", "Nigerian": "NG", "Congolese": "CD",
            "Palestinian": "PS", "Israeli": "IL", "Pakistani": "PK", "Burkinabe": "BF", "Sudanese": "SD"}


_SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-Z\"“])|\n\s*\n")


# Words after which a single capitalised word is read as a province under another spelling too.
_PROVINCE_CUE = re.compile(r"(?:\b(?:in|of|(?:north|south)(?:-?(?:east|west))?(?:ern)?|east(?:ern)?|west(?:ern)?|rural|"
                           r"central|countryside)\s+|[(,]\s*)$", re.I)


def _mentions(text: str, cc: str | None) -> list[tuple[int, int, str, str]]:
    """Province mentions in the text: (start, end, canonical admin1, country code)."""
    out = []
    for m in re.finditer(r"[A-Z][\w’'`\-]*(?:\s+[A-Z][\w’'`\-]*){0,3}", text):
        words = m.group(0).split()
        # try the longest run first: "Deir ez-Zor", "Rif Dimashq", "Kharkiv Oblast"
        for n in range(len(words), 0, -1):
            phrase = " ".join(words[:n])
            a1 = admin1_exact(phrase, cc) if len(phrase) > 2 else None
            start = m.start()
            if a1 is None and n == 1 and len(phrase) >= 5 and _PROVINCE_CUE.search(text, max(0, start - 25), start):
                a1 = admin1_of(phrase, cc)  # "in northern Hasakeh", "(Hasakeh)": another spelling, after a cue
            if a1 and admin1_cc(a1) != "US":  # "Washington" in a conflict report is the government
                before = text[max(0, start - 25):start].lower()
                if "damascus" in phrase.lower() and re.search(r"(countryside of|rural)\s*(the\s*)?$", before):
                    a1 = admin1_of("Rif Dimashq", "SY") or a1
                out.append((start, start + len(phrase), a1, admin1_cc(a1)))
                break
    return out


def province_countries(text: str) -> Counter[str]:
    """Countries of the provinces a text names, with how often: where a terse note happens when it names
    no country and none of its places is a city or province the extractor knows by itself
    ("... in Tesmil village of Orsk district, Parwan")."""
    return Counter(c for *_, a1, _ in _mentions(text, None) if (c := admin1_country(a1)))


def _with_country_provinces(mentions: list[tuple[int, int, str, str]], text: str,
                            cc: str) -> list[tuple[int, int, str, str]]:
    """Add the provinces of the report's country that are read as provinces only inside it ("Delta",
    "Rivers", "Kogi": words or towns elsewhere, Nigerian states in a report about Nigeria)."""
    extra = [m for m in _mentions(text, cc) if not any(m[0] < e and s < m[1] for s, e, _, _ in mentions)]
    return sorted(mentions + extra) if extra else mentions


def _report_country(report: Report, mentions: list[tuple[int, int, str, str]]) -> str | None:
    """The report's country: the extractor's hints, where its place names exist, the provinces and countries it names."""
    votes: Counter[str] = Counter()
    g = gazetteer.load()
    for name in {inc.location.name for inc in report.incidents if inc.location.name}:
        for alt in parse_query(name).alternatives[:1]:
            ccs = {p.cc for p, _, derived, same, _, _ in g.by_keys(exact_key(alt), "\0") if same and not derived}
            for cc in sorted(ccs):  # sorted: ties between countries are settled the same way in every run
                votes[cc] += 2.0 / len(ccs)
    for inc in report.incidents:
        cc = country_code(inc.location.country)
        if cc:
            votes[cc] += 3
    for *_, cc in mentions:
        if cc:
            votes[cc] += 0.5
    demonym_votes: Counter[str] = Counter()
    for word in re.findall(r"\b[A-Z][a-z]+(?:\s[A-Z][a-z]+)?\b", report.doc.text):
        cc = country_codes().get(exact_key(word))
        if cc:
            votes[cc] += 0.5
        elif word in DEMONYMS:
            demonym_votes[DEMONYMS[word]] += 0.25
    for cc, v in demonym_votes.items():
        votes[cc] += min(1.0, v)  # demonyms also name perpetrators ("Russian jets"): capped
    if not votes:
        return None
    for cc in VILLAGE_GAZETTEER_COUNTRIES:  # ties go to the countries Vigil knows village by village
        if cc in votes:
            votes[cc] += 0.1
    return votes.most_common(1)[0][0]


def _name_span(text: str, loc: Location) -> tuple[int, int] | None:
    if loc.span:
        return loc.span
    i = text.find(loc.name)
    return (i, i + len(loc.name)) if i >= 0 else None


def _context_admin1(text: str, span: tuple[int, int] | None,
                    mentions: list[tuple[int, int, str, str]]) -> str | None:
    """The province named nearest the place, inside its sentence ("Idlib's Bara", "countryside of Aleppo")."""
    if span is None:
        return None
    a, b = span
    left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, a)), default=0)
    nxt = _SENTENCE_END.search(text, b)
    right = nxt.start() + 1 if nxt else len(text)
    best_m, best_d = None, 10**9
    for s, e, a1, _ in mentions:
        if s >= a and e <= b:  # the place itself ("Idlib" as a city)
            continue
        if left <= s and e <= right:
            d = a - e if e <= a else s - b
            if d < best_d:
                best_m, best_d = a1, d
    return best_m


def _canonical_hints(loc: Location) -> None:
    """The extractor's hints in Vigil's spelling ('Idleb' -> 'Idlib', 'SY' -> 'Syria'); unknown ones kept."""
    cc = country_code(loc.country)
    if cc:
        loc.country = gazetteer.country_name(cc)
    if loc.admin1:
        loc.admin1 = admin1_of(loc.admin1, cc) or loc.admin1


def _fill(loc: Location, c: Candidate | None, admin1: str | None, country: str | None) -> None:
    if c is None:
        loc.admin1 = loc.admin1 or admin1
        loc.country = loc.country or country
        return
    loc.matched_name, loc.gazetteer_id = c.matched_name or None, c.gazetteer_id or None
    loc.lat, loc.lon = round(c.lat, 5), round(c.lon, 5)
    loc.geo_precision = c.precision
    loc.admin1 = loc.admin1 or c.admin1  # an extractor's hint wins over the gazetteer
    loc.admin2 = c.admin2 if c.admin1 == loc.admin1 or loc.admin1 is None else loc.admin2
    loc.country = loc.country or c.country


@dataclass
class _LocQuery:
    """One incident location and the hints gathered for it."""

    loc: Location
    admin1: str | None  # the extractor's (strong)
    soft_admin1: str | None  # the province named next to it in the text
    country: str | None  # the extractor's, or the country of its admin1 hint (strong)
    soft_country: str | None  # from the nearby province or the report as a whole
    admin2: str | None = None  # a district the extractor gave (a city there is not a district hint)
    name: str = ""  # what is resolved: the report's name, or "X neighbourhood of Y city" when the text says so
    district_name: str | None = None  # a district the text names that the gazetteer lacks as a unit ("Akure North LGA")


def geocode_report(report: Report) -> Report:
    """Fill lat/lon/admin fields of every incident location in place; abstain when unsure.

    Pure in the report: context is the text around each name, the extractor's
    hints and the other places of the same report (a joint choice: a second
    pass prefers readings close to the places already pinned confidently).
    """
    for inc in report.incidents:
        if inc.location and not inc.location.name and inc.location.lat is None:
            inc.location.geo_status, inc.location.geo_reason = "not_found", "the report names no place"
    locs = [inc.location for inc in report.incidents if inc.location and inc.location.name]
    text = report.doc.text or ""
    mentions = _mentions(text, None)
    report_cc = _report_country(report, mentions)
    if report_cc:
        mentions = _with_country_provinces(mentions, text, report_cc)
    for inc in report.incidents:
        if inc.location and not inc.location.name and inc.location.lat is None:
            _canonical_hints(inc.location)
            _admin_fallback(_LocQuery(inc.location, inc.location.admin1, None, inc.location.country, report_cc))
    if not locs:
        return report
    named_ccs = {m[3] for m in mentions if m[3]} | _countries_named(text)
    queries = [_hints_for(loc, text, mentions, report_cc, named_ccs) for loc in locs]
    first = _choose_all(queries, lambda i: ())
    anchors = [(c.lat, c.lon, q.loc.name) if c and c.precision == "place" and c.score >= EXACT else None
               for q, c in zip(queries, first)]

    def near_for(i: int) -> tuple[tuple[float, float], ...]:
        return near_key([(a[0], a[1]) for j, a in enumerate(anchors)
                          if a and j != i and a[2] != queries[i].loc.name])

    chosen = _choose_all(queries, near_for) if any(anchors) else first
    chosen = _sibling_areas(queries, chosen, text)
    for i, (q, c) in enumerate(zip(queries, chosen)):
        if c is None:
            c = _without_hints(q, report_cc, named_ccs | _peoples_named(text), near_for(i))
            if c is not None:  # the extractor's province or country did not fit the name: the gazetteer's wins
                q.loc.admin1, q.loc.admin2, q.loc.country = c.admin1, c.admin2, c.country
        if c is None:
            c = _spelled_otherwise(q, text, report_cc, named_ccs, near_for(i))
        country = q.country or gazetteer.country_name(q.soft_country)
        _fill(q.loc, c, q.admin1 or q.soft_admin1, country)
        _status(q, c, near_for(i))
        if c is None:
            _country_of_namesakes(q, near_for(i))
            _admin_fallback(q)
    return report


def _country_of_namesakes(q: _LocQuery, near: tuple) -> None:
    """A place the report gives no country, ambiguous between namesakes that all lie in one country: the
    incident is in that country (its centre stands for it, as for any place without a pin)."""
    loc = q.loc
    if loc.country or q.country or q.soft_country or q.soft_admin1 or loc.admin1:
        return
    cands = list(resolve_cached(q.name or loc.name, None, None, None, None, near, 8, q.admin2))
    if not cands or cands[0].score < THRESHOLD:
        return
    group = [c for c in cands if c.score > cands[0].score - AMBIGUITY_MARGIN]
    ccs = {country_code(c.country) for c in group}
    if len(group) > 1 and len(ccs) == 1 and None not in ccs:
        q.soft_country = ccs.pop()


def _unit(kind: str, name: str | None, cc: str | None, admin1: str | None = None) -> Place | None:
    """The gazetteer's entry for a district, province or country (its centre), or None."""
    if not name:
        return None
    column = {"admin2": "admin2", "admin1": "admin1"}.get(kind)
    for p, _, derived in gazetteer.load().by_key("key", exact_key(name)):
        if derived or p.kind != kind or (cc and p.cc != cc):
            continue
        if column and getattr(p, column) != name or (admin1 and p.admin1 != admin1):
            continue
        return p
    return None


def _admin_fallback(q: _LocQuery) -> None:
    """A place the gazetteer cannot pin goes on the map at the unit the report puts it in: its district
    (the extractor's or the sentence's), else its province, else its country, with `geo_precision` saying
    which and no `gazetteer_id`. `geo_status` keeps why the place itself was not pinned (not_found,
    ambiguous...), and `geo_reason` says where the point stands.

    A wrong village pin is worse than none, but a unit's centre marked as such is not wrong: the incident
    is counted on the map and under its province, and fusion treats it as an area, never as a place."""
    loc = q.loc
    cc = country_code(loc.country) or country_code(q.country) or q.soft_country
    a1 = admin1_of(loc.admin1, cc) if loc.admin1 else None
    a1 = a1 or (admin1_of(q.soft_admin1, cc) if q.soft_admin1 else None)
    cc = cc or (admin1_cc(a1) if a1 else None) or None
    town = _district_town(q.district_name, a1, cc) \
        if q.district_name and a1 and cc and not q.admin2 and not _knows_districts(cc) else None
    if town is not None:
        loc.lat, loc.lon = round(town.lat, 5), round(town.lon, 5)
        loc.geo_precision = "district"
        loc.admin1 = loc.admin1 or town.admin1
        loc.country = loc.country or town.country
        why = loc.geo_reason or "the place is not in the gazetteer"
        loc.geo_reason = f"{why}; put at the town its district is named after ({town.matched_name})"
        return
    for kind, name, precision in (("admin2", q.admin2, "district"), ("admin1", a1, "province"),
                                  ("country", gazetteer.country_name(cc) if cc else None, "country")):
        unit = _unit(kind, name, cc, a1 if kind == "admin2" else None)
        if unit is None:
            continue
        loc.lat, loc.lon = round(unit.lat, 5), round(unit.lon, 5)
        loc.geo_precision = precision
        loc.admin1 = loc.admin1 or (unit.admin1 if kind != "country" else None)
        loc.admin2 = loc.admin2 or (unit.admin2 if kind == "admin2" else None)
        loc.country = loc.country or gazetteer.country_name(unit.cc)
        why = loc.geo_reason or "the place is not in the gazetteer"
        loc.geo_reason = f"{why}; put at the centre of its {precision} ({unit.name})"
        return


@lru_cache(maxsize=256)
def _knows_districts(cc: str) -> bool:
    """The gazetteer lists the country's districts: a district name it cannot match is not read as a town."""
    g = gazetteer.load()
    return any(g.con.execute(f"SELECT 1 FROM {schema}.places WHERE cc = ? AND kind = 'admin2' LIMIT 1",
                             (cc,)).fetchone() for schema in g.schemas)


def _district_town(district: str, admin1: str, cc: str | None) -> Candidate | None:
    """The town a district is named after, in the district's province, where the gazetteer lists no districts:
    "Akure North LGA" -> Akure, "A/B LGA" -> A or B (district words and compass qualifiers dropped,
    each part of "A/B" tried). None when no part is clearly a town of that province."""
    country = gazetteer.country_name(cc) if cc else None
    for part in district.split("/"):
        words = [w for w in part.split() if w.lower().strip(".,") not in DISTRICT_UNIT_WORDS]
        while len(words) > 1 and words[-1].lower() in DISTRICT_QUALIFIERS:
            words = words[:-1]
        if not words:
            continue
        c = choose(list(resolve_cached(" ".join(words), admin1, None, country, None, (), 8)))
        if c is not None and c.feature == "place" and c.admin1 == admin1 and c.score >= THRESHOLD:
            return c
    return None


def _countries_named(text: str) -> set[str]:
    """Country codes of the countries the text names ("... were part of Syria until ...")."""
    codes = country_codes()
    out = set()
    for m in re.finditer(r"\b[A-Z][a-z]+(?:\s[A-Z][a-z]+)?\b", text):
        for phrase in (m.group(0), m.group(0).split()[0]):
            cc = codes.get(exact_key(phrase))
            if cc:
                out.add(cc)
                break
    return out


def _peoples_named(text: str) -> set[str]:
    """Country codes of the peoples the text names in the plural ("clashes between Palestinians and the
    police"): people of that country are where it happened. (A singular demonym often names an attacker:
    "Russian jets".)"""
    return {DEMONYMS[m.group(1)] for m in re.finditer(r"\b([A-Z][a-z]+)s\b", text) if m.group(1) in DEMONYMS}


TYPO_RATIO = 88.0  # another spelling in the same report this close is the same name (one of them mistyped)


def _spelled_otherwise(q: _LocQuery, text: str, report_cc: str | None, named_ccs: set[str],
                       near: tuple) -> Candidate | None:
    """A name the gazetteer lacks that the report also writes one letter apart ("Dayr Harnubah" beside
    "Dayr Sharnubah"): the other spelling is read, with the same hints, when it alone is a known place."""
    name = q.loc.name
    words = name.split()
    if len(name) < 6 or not words[0][:1].isupper():
        return None
    pattern = r"\b[A-Z][\w'’`\-]*" + r"\s+[A-Z][\w'’`\-]*" * (len(words) - 1) + r"\b"
    variants = {m.group(0) for m in re.finditer(pattern, text)}
    found = {}
    for v in variants:
        if v == name or exact_key(v) == exact_key(name) or fuzz.ratio(v.lower(), name.lower()) < TYPO_RATIO:
            continue
        c = choose(list(resolve_cached(v, q.admin1, q.soft_admin1, q.country, q.soft_country, near, 8, q.admin2)),
                   register=not near)
        if c is None:
            c = _without_hints(_LocQuery(q.loc, q.admin1, q.soft_admin1, q.country, q.soft_country, q.admin2, v),
                               report_cc, named_ccs, near)
        if c is not None and c.feature == "place" and exact_key(v) in gazetteer.load().name_keys(c.place_id):
            found[c.gazetteer_id] = replace(c, name=name)  # the other spelling is the place's own, letter for letter
    if len(found) != 1:
        return None
    c = found.popitem()[1]
    q.loc.admin1, q.loc.admin2, q.loc.country = c.admin1, c.admin2, c.country
    return c


def _without_hints(q: _LocQuery, report_cc: str | None, mention_ccs: set[str], near: tuple) -> Candidate | None:
    """A name the hints ruled out ("Damascus" with Aleppo as province, a Gaza town said to be in Israel) is
    read without them, and kept when its reading is clear and lies in a country the report is about (its
    country, the hinted one, or one whose province, name or people in the plural the report names)."""
    if not (q.admin1 or q.country or q.admin2):
        return None
    c = choose(list(resolve_cached(q.name or q.loc.name, None, None, None, None, near, 8, None)), register=not near)
    if c is None or c.feature == "area":
        return None
    a1 = admin1_of(q.admin1, country_code(q.country)) if q.admin1 else None
    if a1 and c.feature == "place" and c.admin1 != a1 and country_code(c.country) == admin1_cc(a1) \
            and c.population < CITY_POPULATION and not _near_province(c.lat, c.lon, a1, admin1_cc(a1)):
        # a province of the same country far from the named one: a city overrules the hint ("Damascus" under
        # Aleppo), a village or small town there is a namesake of a place the gazetteer lacks. Next to the
        # named province, the source may have the border wrong.
        return None
    ok = {x for x in (report_cc, country_code(q.country), country_code(q.soft_country), a1 and admin1_cc(a1)) if x}
    ok |= mention_ccs
    return c if country_code(c.country) in ok else None


PROVINCE_EDGE_KM = 50.0


def _near_province(lat: float, lon: float, admin1: str, cc: str) -> bool:
    """True when a point lies within PROVINCE_EDGE_KM of the province's extent (the circle around the mean of
    its places that holds them all); True too when the gazetteer has no places of it to tell."""
    extent = _province_extent(admin1, cc)
    return extent is None or km(lat, lon, extent[0], extent[1]) <= extent[2] + PROVINCE_EDGE_KM


@lru_cache(maxsize=256)
def _province_extent(admin1: str, cc: str) -> tuple[float, float, float] | None:
    """(lat, lon, radius in km) of a province's places, or None when it has none."""
    g = gazetteer.load()
    pts = [(p.lat, p.lon) for p in (g.place(i) for i in set(g.block(cc, admin1)[2])) if p.kind == "place"]
    if not pts:
        return None
    lat, lon = sum(a for a, _ in pts) / len(pts), sum(b for _, b in pts) / len(pts)
    return lat, lon, max(km(lat, lon, a, b) for a, b in pts)


def _status(q: _LocQuery, c: Candidate | None, near: tuple) -> None:
    """Say how the place was found, and for one without coordinates why not (`geo_status`, `geo_reason`)."""
    loc = q.loc
    if c is not None and c.feature != "area":
        loc.geo_status, loc.geo_reason = "located", None
        return
    if c is not None:
        loc.geo_status, loc.geo_reason = "area", c.note or None
        return
    query = parse_query(q.name or loc.name)
    cands = list(resolve_cached(q.name or loc.name, q.admin1, q.soft_admin1, q.country, q.soft_country,
                                near, 8, q.admin2))
    if query.landmark and not cands:
        loc.geo_status, loc.geo_reason = "landmark", "a landmark (field, plant, base...) the gazetteer has no entry for"
        return
    _, why = decide(cands, register=not near)
    status = "ambiguous" if why.startswith("ambiguous") else "not_found" if not cands else "weak_match"
    loc.geo_status, loc.geo_reason = status, why


SIBLING_KM = 30.0  # list-mates this close together stand for the area an unresolved list-mate lies in


def _sentence_bounds(text: str, a: int, b: int) -> tuple[int, int]:
    left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, a)), default=0)
    nxt = _SENTENCE_END.search(text, b)
    return left, (nxt.start() + 1 if nxt else len(text))


def _sibling_areas(queries: list[_LocQuery], chosen: list[Candidate | None], text: str) -> list[Candidate | None]:
    """An unresolved place listed with others ("nine in A, eight in B, two each in C and D") lies among them.

    When at least two of its list-mates in the same sentence are pinned to places, in one province and
    within SIBLING_KM of each other, it gets their centroid as an area ("district" precision, no gazetteer
    entry): a ceasefire check needs a position, and places listed together are close.
    """
    out = list(chosen)
    spans = [_name_span(text, q.loc) for q in queries]
    for i, (q, c) in enumerate(zip(queries, chosen)):
        if c is not None or spans[i] is None or q.loc.geo_precision or parse_query(q.loc.name).want != "place":
            continue
        lo, hi = _sentence_bounds(text, *spans[i])
        mates: dict[str, Candidate] = {}
        for j, m in enumerate(chosen):
            if j != i and m is not None and m.feature == "place" and spans[j] and lo <= spans[j][0] < hi \
                    and queries[j].loc.name != q.loc.name:
                mates.setdefault(m.gazetteer_id, m)
        sibs = list(mates.values())
        if len(sibs) < 2 or len({m.admin1 for m in sibs}) != 1 or len({m.country for m in sibs}) != 1:
            continue
        a1 = sibs[0].admin1
        if (q.admin1 and admin1_of(q.admin1) not in (None, a1)) or \
                max(km(x.lat, x.lon, y.lat, y.lon) for x in sibs for y in sibs) > SIBLING_KM:
            continue
        a2s = {m.admin2 for m in sibs}
        out[i] = Candidate(name=q.loc.name, matched_name="", lat=sum(m.lat for m in sibs) / len(sibs),
                           lon=sum(m.lon for m in sibs) / len(sibs), admin1=a1,
                           admin2=a2s.pop() if len(a2s) == 1 else None, country=sibs[0].country, feature="area",
                           note="listed with " + ", ".join(m.matched_name for m in sibs) + "; put at their centre",
                           precision="district", gazetteer_id="", population=0, score=0.0)
    return out


def _hints_for(loc: Location, text: str, mentions: list[tuple[int, int, str, str]],
               report_cc: str | None, named_ccs: set[str] = frozenset()) -> _LocQuery:
    _canonical_hints(loc)
    alts = parse_query(loc.name).alternatives
    is_province = bool(alts) and admin1_exact(alts[0]) is not None
    ctx_a1 = None if loc.admin1 or is_province else _context_admin1(text, _name_span(text, loc), mentions)
    country = loc.country or (admin1_country(loc.admin1) if loc.admin1 else None)
    if ctx_a1 and not loc.admin1 and country and country_code(country) not in named_ccs | {admin1_cc(ctx_a1)}:
        # the province named beside the place outweighs a country the text never names (the extractor's guess)
        country = loc.country = None
    soft_country = None if country else (admin1_cc(ctx_a1) if ctx_a1 else None) or report_cc
    a2 = admin2_of(loc.admin2, loc.admin1 or ctx_a1, country or soft_country) if loc.admin2 else None
    if a2 and not loc.admin1 and ctx_a1 and admin1_of(loc.admin2, country_code(country) or soft_country) == ctx_a1:
        a2 = None  # the extractor's "district" is the province named beside the place ("X town in Hasakeh")
    if a2 is None and not is_province:
        a2 = _context_district(text, _name_span(text, loc), loc.admin1 or ctx_a1, country or soft_country)
    if a2 is None and not is_province and not (loc.admin1 or ctx_a1 or country):
        # no province or country beside the place, but a district in its sentence that names both
        unit = _lone_district(text, _name_span(text, loc))
        if unit and soft_country in (None, unit[2]):
            a2, ctx_a1, soft_country = unit
    district_name = None if a2 or is_province else \
        _district_named(text, _name_span(text, loc), loc, loc.admin1 or ctx_a1, country or soft_country)
    city = None if a2 or parse_query(loc.name).city else \
        _city_around(loc, text, loc.admin1 or ctx_a1 or loc.context_admin1)
    name = f"{loc.name} neighbourhood of {city} city" if city else loc.name
    if ctx_a1 and _bracket_province(text, _name_span(text, loc), country or soft_country) == ctx_a1:
        # "X (Chikun LGA, Kaduna)": the note's own admin path, as firm as an extractor's province
        return _LocQuery(loc, ctx_a1, None, country or gazetteer.country_name(admin1_cc(ctx_a1)), soft_country,
                         a2, name, district_name)
    return _LocQuery(loc, loc.admin1, ctx_a1, country, soft_country, a2, name, district_name)


def _bracket_province(text: str, span: tuple[int, int] | None, country: str | None) -> str | None:
    """The province of ACLED-style brackets right after the name, "X (District, Province)", or None."""
    m = _PAREN_DISTRICT.match(text, span[1]) if span else None
    return admin1_of(m.group(2), country) if m else None


def _district_named(text: str, span: tuple[int, int] | None, loc: Location, admin1: str | None,
                    country: str | None) -> str | None:
    """The district the text or the extractor gives a place, as written, when the gazetteer has no such unit:
    "X (Akure North LGA, Ondo)" (district, province in brackets after the name), or the extractor's admin2."""
    if not admin1:
        return None
    m = _PAREN_DISTRICT.match(text, span[1]) if span else None
    if m and admin1_of(m.group(2), country) == admin1_of(admin1, country):
        return m.group(1)
    return loc.admin2 or None


_DISTRICT_MENTION = re.compile(r"((?:[A-Z][\w'’`\-]*\s+){0,3}[A-Z][\w'’`\-]*)\s+"
                               r"(?:district|subdistrict|sub-district)\b")


DISTRICT_UNIT_WORDS = frozenset(geo_words("district_unit"))  # "Akure North LGA", "Harem district"
DISTRICT_QUALIFIERS = frozenset(geo_words("district_qualifier"))  # "Akure North": named after a town
_PAREN_DISTRICT = re.compile(r"\s*\(\s*([A-Z][^,()]{2,40}?)\s*,\s*([A-Z][^,()]{2,40}?)\s*\)")


def _context_district(text: str, span: tuple[int, int] | None, admin1: str | None,
                      country: str | None) -> str | None:
    """A district named in the place's sentence ("in Harem district"), when exactly one and in its province."""
    if span is None or not admin1:
        return None
    m = _PAREN_DISTRICT.match(text, span[1])
    if m and admin1_of(m.group(2), country) == admin1:  # "X (Al-Qamishli, Al-Hasakeh)": district, province
        a2 = admin2_of(m.group(1), admin1, country)
        if a2:
            return a2
    lo, hi = _sentence_bounds(text, *span)
    found = set()
    for m in _DISTRICT_MENTION.finditer(text, lo, hi):
        if m.start() <= span[0] < m.end():
            continue  # the place itself ("Ar Rastan district")
        words = m.group(1).split()
        for k in range(len(words)):  # "the Harem", "Jets struck Harem": the shortest tail that is a district
            a2 = admin2_of(" ".join(words[k:]), admin1, country)
            if a2:
                found.add(a2)
                break
    return found.pop() if len(found) == 1 else None


def _lone_district(text: str, span: tuple[int, int] | None) -> tuple[str, str, str] | None:
    """(district, province, country code) of the one district the place's sentence names ("near Orvan
    district"), read without a province: only a name that is one district's in the whole gazetteer."""
    if span is None:
        return None
    lo, hi = _sentence_bounds(text, *span)
    found = set()
    for m in _DISTRICT_MENTION.finditer(text, lo, hi):
        if m.start() <= span[0] < m.end():
            continue  # the place itself
        words = m.group(1).split()
        for k in range(len(words)):  # "near Orvan": the shortest tail that is a district
            unit = district_alone(" ".join(words[k:]))
            if unit:
                found.add(unit)
                break
    return found.pop() if len(found) == 1 else None


_NAME_RUN = r"[A-Z][\w'’`\-]*(?:\s+[A-Z][\w'’`\-]*){0,2}"
_CITY_AFTER = re.compile(rf"\s*(?P<hood>(?:neighbou?rhoods?|quarter|district|area)\s+)?(?:of|in)\s+(?:the\s+)?"
                         rf"(?P<of>city\s+of\s+)?(?P<city>{_NAME_RUN})(?P<said>\s+city)?")
_CITY_BEFORE = re.compile(rf"(?P<city>{_NAME_RUN})\s+city(?:['’]s|\s*[-–:,])\s*(?:the\s+)?$")
_HOOD_WORDS = frozenset("neighbourhood neighborhood neighbourhoods neighborhoods quarter quarters".split())
_LINKS = frozenset("and al el ash as ad ar at az an ad-".split())


def _hood_after(text: str, b: int) -> bool:
    """ "X neighbourhood", "X and Y neighbourhoods", "X, Y and Z quarters": a neighbourhood word ends the list."""
    for tok in re.findall(r"[\w'’`\-]+|,", text[b:b + 120]):
        if tok.lower() in _HOOD_WORDS:
            return True
        if not (tok == "," or tok.lower() in _LINKS or tok[0].isupper() or tok.lower().startswith(("al-", "el-"))):
            return False
    return False


_HOOD_WORD = re.compile(r"\b(?:neighbou?rhoods?|quarter)\b", re.I)


def _city_around(loc: Location, text: str, province: str | None = None) -> str | None:
    """The city a place is said to be a neighbourhood of: "X neighbourhood of Aleppo city", "in Homs city",
    "Aleppo city's X", or the extractor's container for a name it calls a neighbourhood."""
    span = _name_span(text, loc)
    hood = bool(_HOOD_WORD.search(loc.name)) or loc.feature_hint == "neighbourhood"
    if span:
        a, b = span
        m = _CITY_AFTER.match(text, b, min(len(text), b + 90))
        if m and (m.group("hood") or m.group("said") or m.group("of")):
            if not (m.group("hood") or "").lower().startswith(("district", "area")) or m.group("said"):
                return m.group("city")
        m = _CITY_BEFORE.search(text, max(0, a - 60), a)
        if m:
            return m.group("city")
        hood = hood or _hood_after(text, b) or bool(_HOOD_BEFORE.search(text, max(0, a - 40), a)) \
            or bool(_HOOD_APPOSITIVE.match(text, b))
    if hood and loc.admin2:
        return re.sub(r"\s+city$", "", loc.admin2.strip(), flags=re.I)
    if hood and province:
        return province  # "Sukkari neighbourhood" in Aleppo province: the province's seat city
    if hood:
        return _report_city(text, loc.name)  # "the neighbourhood of X" in a report about one city
    return None


# "the old neighbourhood of X"; "X, a crowded neighbourhood near ..."
_HOOD_BEFORE = re.compile(r"\b(?:neighbou?rhood|quarter)\s+of\s+(?:the\s+)?$", re.I)
_HOOD_APPOSITIVE = re.compile(r"\s*,\s+(?:an?|the)\s+(?:[\w\-]+\s+){0,3}(?:neighbou?rhood|quarter)\b", re.I)
CITY_POPULATION = 100_000


def _report_city(text: str, hood: str) -> str | None:
    """The city a report is about: the big city (100,000 people or more) it names most often, at least
    twice and more often than any other."""
    g = gazetteer.load()
    counts: Counter[str] = Counter()
    for m in re.finditer(r"\b[A-Z][a-z]+(?:[\s\-][A-Z][a-z]+)?\b", text):
        for phrase in (m.group(0), m.group(0).split()[0]):
            key = exact_key(phrase)
            if phrase in hood or len(key) < 4:
                continue
            if any(p.kind == "place" and p.population >= CITY_POPULATION
                   for p, _, derived, same, _, _ in g.by_keys(key, "\0") if same and not derived):
                counts[phrase] += 1
                break
    top = counts.most_common(2)
    if top and top[0][1] >= 2 and (len(top) == 1 or top[0][1] > top[1][1]):
        return top[0][0]
    return None


def _choose_all(queries: list[_LocQuery], near_for) -> list[Candidate | None]:
    return [choose(list(resolve_cached(q.name or q.loc.name, q.admin1, q.soft_admin1, q.country, q.soft_country,
                                         near_for(i), 8, q.admin2)), register=not near_for(i))
            for i, q in enumerate(queries)]


gazetteer.on_reset(_knows_districts.cache_clear)
gazetteer.on_reset(_province_extent.cache_clear)
