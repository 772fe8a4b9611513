"""Find actors, reporting sources and countries in report text, with offsets.

The knowledge lives in three human-editable tables in `vigil/data/`
(`actors.tsv`, `sources.tsv`, `countries.tsv`); this module only compiles them
into one shared Aho-Corasick automaton (built lazily, once per process) and
scans the lowercased report once for all three finders, whatever the table size.

Table conventions (shared by the three files):
- `#` starts a comment line; the first non-comment row is a header.
- Aliases are `|`-joined and matched case-insensitively at word boundaries.
  Words with two or more capitals inside an alias ("IS", "SAA", "US forces",
  "LeT") must appear with the same capitals in the text, so "IS" never
  matches the verb "is". An alias written with a leading `=` must match
  exactly as written ("=Chad").
- A 4th column is optional: in actors.tsv, `home` (the country whose
  government a `state_forces` row is, where a coalition fights, or `*` for
  phrases the report's country settles); in sources.tsv, `by_country` (what a
  generic source becomes in a given country). See `resolve_actor` and
  `resolve_source`.
- `{mil}` expands to the military nouns listed on the table's `{mil}` row,
  `{nat}` to every country demonym, `{country}` to every country name, and a
  canonical `{gov}` to the country's government actor (see `government_of`).
  Rows written out explicitly win over template expansions.
- A hyphen or a space between words may be written either way in the text
  ("al-Shabaab" / "al Shabaab"); apostrophes are optional ("Hay'at" / "Hayat").
- Canonical `-` marks a stop phrase: it is matched (so it can win as the
  longest match) and then dropped ("Latin America" is not the United States).

Overlaps are resolved longest-first: "Russian Defence Ministry" is one
mention, not "Russian" + "Defence Ministry".
"""
from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import ahocorasick

__all__ = [
    "Country",
    "Mention",
    "actor_category",
    "canonical_actor",
    "canonical_country",
    "canonical_source",
    "codebook_actors",
    "countries",
    "country_iso2",
    "find_actors",
    "find_countries",
    "find_sources",
    "government_of",
    "home_of",
    "resolve_actor",
    "resolve_source",
    "table_sizes",
]

DATA_DIR = Path(__file__).parent / "data"

STOP = "-"
# Prefixes that turn a name into something else ("pro-Russian", "anti-IS").
_NEGATING_PREFIX = re.compile(r"(?:^|[^\w])(?:pro|anti|non|ex|counter|post|pre)-$", re.IGNORECASE)
# Suffixes that name a proxy rather than the actor ("Iran-backed", "IS-linked").
_PROXY_SUFFIX = re.compile(
    r"-(?:backed|allied|aligned|affiliated|linked|sponsored|supported|inspired|leaning|friendly)\b",
    re.IGNORECASE,
)
# All-caps aliases that are also English words: in an all-caps headline
# ("WHO IS TO BLAME") they are words, not names.
_WORDLIKE_ACRONYMS = frozenset({"IS", "US", "WHO", "IT", "AS", "AT", "AN", "NO", "ON", "OR", "SO", "AP", "AM"})
_APOSTROPHES = "\u2019\u2018\u02bc\u0060\u00b4"
_SPACES = "\n\r\t\f\v\u00a0\u2002\u2003\u2009\u200a\u202f"
_REPLACEMENTS = {**{c: "'" for c in _APOSTROPHES}, **{c: " " for c in _SPACES}, "\u2010": "-", "\u2011": "-"}
# One character for one character, so offsets do not move (a regex is much
# faster than str.translate with non-ASCII keys).
_SPECIAL_CHAR = re.compile("[" + re.escape("".join(_REPLACEMENTS)) + "]")
_MULTISPACE = re.compile(r" {2,}")
# A word with two or more capitals ("IS", "SAA", "LeT", "MoD") is a name: its case must match.
_NAME_WORD = re.compile(r"(?<![^\W_])[^\W_]*?[A-Z][^\W_]*?[A-Z][^\W_]*(?![^\W_])")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Mention:
    """One name found in a text: offsets into the text passed in, and what it means."""

    start: int
    end: int
    text: str
    canonical: str
    kind: str  # "actor" | "source" | "country"
    category: str = ""  # actors/sources: the table's category; countries: the ISO2 code


@dataclass(frozen=True)
class Country:
    canonical: str
    iso2: str
    names: tuple[str, ...]  # canonical first, then alternates
    demonyms: tuple[str, ...]  # first = adjective used for "{nat} ..." aliases


@dataclass(frozen=True)
class CodebookActor:
    """One row of the codebook's canonical actor table: the name gold and output use, and its aliases."""

    canonical: str
    group: str  # the table's section ("States (country name)", "Syria", "Generic labels", ...)
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class _Entry:
    """One compiled alias: what it maps to and which letters must keep their case."""

    canonical: str
    category: str
    length: int
    exact: tuple[tuple[int, str], ...]  # (offset in alias, required character)
    wordlike: bool  # an all-caps alias that is also an English word ("IS", "WHO")


@dataclass(frozen=True)
class _Row:
    canonical: str
    category: str
    aliases: tuple[str, ...]
    home: tuple[str, ...] = ()  # actors: home countries; sources: the by_country template


# ---------------------------------------------------------------- public API


def find_actors(text: str) -> list[Mention]:
    """Perpetrator phrases ("Russian jets" -> Russia), longest match, in text order."""
    return _actor_table().find(text)


def find_sources(text: str) -> list[Mention]:
    """Who a claim may be attributed to ("the Observatory" -> Syrian Observatory for Human Rights)."""
    return _source_table().find(text)


def find_countries(text: str) -> list[Mention]:
    """Country names and demonyms, normalized to the canonical country ("Syrian" -> Syria, category "SY")."""
    return _country_table().find(text)


def canonical_actor(name: str) -> str | None:
    """Normalize a free phrase ("the Russian air force") to a canonical actor, or None."""
    return _longest_canonical(find_actors(name))


def canonical_source(name: str) -> str | None:
    """Normalize a free phrase ("a Britain-based war monitor") to a canonical source, or None."""
    return _longest_canonical(find_sources(name))


def canonical_country(name: str) -> str | None:
    """Normalize a country name or demonym ("Congolese") to the canonical country, or None."""
    return _longest_canonical(find_countries(name))


def country_iso2(country: str) -> str | None:
    """ISO 3166-1 alpha-2 code of a canonical country name (or any alias of it)."""
    info = _countries_by_name().get(country) or _countries_by_name().get(canonical_country(country) or "")
    return info.iso2 if info else None


@cache
def codebook_actors() -> tuple[CodebookActor, ...]:
    """The codebook's canonical actor names (`canonical_actors.tsv`), in table order.

    The contract for `perpetrator` and `declared_by`: the scorer folds every alias to
    its canonical name, and the extractor's lexicon (`actors.tsv`) must write only these.
    """
    rows = []
    for cells in _read_tsv("canonical_actors.tsv"):
        cells += [""] * (3 - len(cells))
        rows.append(CodebookActor(cells[0], cells[1], _split(cells[2])))
    return tuple(rows)


def actor_category(canonical: str) -> str | None:
    """Category of a canonical actor ("Russia" -> "state"), None when unknown."""
    row = _actor_rows_by_canonical().get(canonical)
    return row.category if row else None


@lru_cache(maxsize=1)
def _nameless() -> frozenset[str]:
    lines = (DATA_DIR / "nameless_actors.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(x.strip().lower() for x in lines if x.strip() and not x.startswith("#"))


def names_no_actor(canonical: str) -> bool:
    """Labels that say someone attacked without saying who ("gunmen"): never a perpetrator."""
    return canonical.strip().lower() in _nameless()


def home_of(canonical: str) -> str | None:
    """The country whose own forces a `state_forces` actor is ("Syrian government" -> "Syria"), else None."""
    row = _actor_rows_by_canonical().get(canonical)
    if row is None or row.category != "state_forces":
        return None
    plain = [h for h in row.home if h != "*" and "=" not in h]
    return plain[0] if plain else None


def government_of(country: str) -> str:
    """The canonical actor for a country's government forces.

    It is the `state_forces` row whose `home` names the country ("Syria" ->
    "Syrian government"), else the country itself ("Russia" -> "Russia").
    """
    for row in _actor_rows():
        if row.category == "state_forces" and country in row.home:
            return row.canonical
    return country


def resolve_source(canonical: str, country: str | None) -> str:
    """Make a generic source specific to the report's country, when the table says how.

    "military sources" in a Lebanon report is "Lebanese military sources";
    sources without a `by_country` entry, or an unknown country, come back unchanged.
    """
    row = _source_rows_by_canonical().get(canonical)
    info = _countries_by_name().get(country or "")
    if row is None or not row.home or info is None or not info.demonyms:
        return canonical
    return row.home[0].replace("{nat}", info.demonyms[0]).replace("{country}", info.canonical)


def resolve_actor(canonical: str, country: str | None) -> str | None:
    """Turn a context-dependent canonical into a specific actor, given the incident's country.

    Rows whose `home` is `*` depend on where the report is: "government forces"
    in Syria is the Syrian government, "the coalition" in Yemen is the
    Saudi-led coalition, "the regime" in Myanmar the Myanmar military. A row's
    "Country=Actor" home entries settle it in those countries ("rebels" in Ukraine are
    the Russian-backed separatists); with "*" they alone settle it. Specific actors come
    back unchanged; a generic one that the country cannot settle comes back as None.
    """
    row = _actor_rows_by_canonical().get(canonical)
    if row is None:
        return canonical
    settled = dict(h.split("=", 1) for h in row.home if "=" in h)  # "occupation forces": Palestine=Israel
    if country in settled:
        return settled[country]
    if "*" not in row.home:
        return canonical
    if country is None or settled:
        return None
    if row.category == "coalition":
        for other in _actor_rows():
            if other.category == "coalition" and country in other.home:
                return other.canonical
        return None
    return government_of(country)


# ------------------------------------------------------------------ matching


class _Table:
    """One lexicon's aliases (lowercased key -> readings) and its match rules."""

    def __init__(self, kind: str, slot: int, pairs: list[tuple[str, str, str]], reject_proxies: bool) -> None:
        self.kind = kind
        self.slot = slot  # position of this table's readings in the shared automaton's values
        self.reject_proxies = reject_proxies
        entries: dict[str, list[_Entry]] = {}
        for alias, canonical, category in pairs:
            for key, entry in _compile_alias(alias, canonical, category):
                bucket = entries.setdefault(key, [])
                if all(e.exact != entry.exact for e in bucket):
                    bucket.append(entry)  # the first row listing an alias wins
        # Try case-constrained readings first: "US" before "us" if both exist.
        self.entries = {key: tuple(sorted(bucket, key=lambda e: -len(e.exact))) for key, bucket in entries.items()}
        self.size = len(self.entries)

    def find(self, text: str) -> list[Mention]:
        norm, hits, to_orig = _scan(text)
        candidates = []
        for end_index, buckets in hits:
            bucket = buckets[self.slot]
            if bucket is None:
                continue
            end = end_index + 1
            start = end - bucket[0].length  # one key per bucket, so one length
            if not self._at_word_boundaries(norm, start, end):
                continue
            for entry in bucket:
                if self._accepts(norm, start, end, entry):
                    candidates.append((start, end, entry))
                    break
        return [
            self._mention(text, to_orig(start), to_orig(end), entry)
            for start, end, entry in _longest_non_overlapping(candidates, len(norm))
            if entry.canonical != STOP
        ]

    def _at_word_boundaries(self, norm: str, start: int, end: int) -> bool:
        """Whole words only, not after "pro-"/"anti-", and (for actors) not before "-backed"."""
        if end < len(norm) and (
            norm[end].isalnum() or (self.reject_proxies and norm[end] == "-" and _PROXY_SUFFIX.match(norm, end))
        ):
            return False
        return start == 0 or not (
            norm[start - 1].isalnum()
            or (norm[start - 1] == "-" and _NEGATING_PREFIX.search(norm, max(0, start - 9), start))
        )

    def _accepts(self, norm: str, start: int, end: int, entry: _Entry) -> bool:
        """Case rules of one alias: its capitalised words must match, and no shouting headline."""
        if any(norm[start + offset] != char for offset, char in entry.exact):
            return False
        return not (entry.wordlike and _in_shouting(norm, start, end))

    def _mention(self, text: str, start: int, end: int, entry: _Entry) -> Mention:
        return Mention(start, end, text[start:end], entry.canonical, self.kind, entry.category)


def _compile_alias(alias: str, canonical: str, category: str) -> Iterator[tuple[str, _Entry]]:
    """Yield (lowercased key, entry) for an alias and its hyphen/apostrophe variants."""
    exact_all = alias.startswith("=")
    alias = alias.lstrip("=")
    if _SPECIAL_CHAR.search(alias) or "  " in alias:
        alias = _normalize(alias)[0]
    for variant in _spelling_variants(alias.strip()):
        key = _lower_same_length(variant)
        if exact_all:
            exact = tuple((i, c) for i, c in enumerate(variant) if c.isalpha())
        else:
            exact = tuple(
                (i, c) for m in _NAME_WORD.finditer(variant) for i, c in enumerate(m.group(), m.start()) if c.isalpha()
            )
        wordlike = variant in _WORDLIKE_ACRONYMS
        yield key, _Entry(canonical, category, len(variant), exact, wordlike)


def _spelling_variants(alias: str) -> set[str]:
    """The alias plus the forms news text commonly uses for it (spaces for hyphens, no apostrophes)."""
    variants = {alias, alias.replace("-", " ")}
    variants |= {v.replace("'s ", "s ").replace("'", "") for v in variants if "'" in v and not v.endswith("'")}
    return {v for v in variants if v}


def _in_shouting(norm: str, start: int, end: int) -> bool:
    """True when the words around a match are all capitals (a headline), so "IS" is the verb."""
    before = _WORD.findall(norm, max(0, start - 40), start)
    after = _WORD.findall(norm, end, end + 40)
    neighbours = ([before[-1]] if before else []) + ([after[0]] if after else [])
    return bool(neighbours) and all(w.isupper() and len(w) >= 2 for w in neighbours)


def _longest_non_overlapping(
    candidates: list[tuple[int, int, _Entry]], length: int
) -> list[tuple[int, int, _Entry]]:
    """Keep the longest matches first, drop any that overlap a kept one, return in text order."""
    if len(candidates) < 2:
        return candidates
    taken = bytearray(length)
    kept = []
    for start, end, entry in sorted(candidates, key=lambda c: (c[0] - c[1], c[0])):
        if taken.find(1, start, end) == -1:
            taken[start:end] = b"\x01" * (end - start)
            kept.append((start, end, entry))
    kept.sort(key=lambda c: c[0])
    return kept


def _normalize(text: str) -> tuple[str, Callable[[int], int]]:
    """Unify apostrophes, hyphens and whitespace without changing offsets we cannot map back.

    Returns the normalized text and a function mapping a normalized offset to
    an offset in the original text (runs of whitespace collapse to one space).
    """
    norm = _SPECIAL_CHAR.sub(lambda m: _REPLACEMENTS[m.group()], text)
    runs = list(_MULTISPACE.finditer(norm))
    if not runs:
        return norm, _identity
    pieces, norm_starts, orig_starts = [], [], []
    pos = shift = 0
    for run in runs:
        pieces.append(norm[pos : run.start() + 1])
        norm_starts.append(pos - shift)
        orig_starts.append(pos)
        shift += run.end() - run.start() - 1
        pos = run.end()
    pieces.append(norm[pos:])
    norm_starts.append(pos - shift)
    orig_starts.append(pos)

    def to_orig(i: int) -> int:
        k = bisect.bisect_right(norm_starts, i) - 1
        return orig_starts[k] + (i - norm_starts[k])

    return "".join(pieces), to_orig


def _identity(i: int) -> int:
    return i


def _lower_same_length(s: str) -> str:
    """Lowercase without changing length (a few characters, like 'İ', lowercase to two)."""
    low = s.lower()
    if len(low) == len(s):
        return low
    return "".join(c.lower()[0] for c in s)


def _longest_canonical(mentions: list[Mention]) -> str | None:
    if not mentions:
        return None
    return max(mentions, key=lambda m: m.end - m.start).canonical


# ------------------------------------------------------------------- loading


def _read_tsv(name: str) -> list[list[str]]:
    """Rows of a data table, without comments, blank lines or the header row."""
    rows = []
    for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append([cell.strip() for cell in line.split("\t")])
    return rows[1:]


def _split(cell: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in cell.split("|") if a.strip())


@cache
def _country_cells() -> tuple[tuple[str, str, str, str], ...]:
    rows = []
    for cells in _read_tsv("countries.tsv"):
        cells += [""] * (4 - len(cells))
        rows.append(tuple(cells[:4]))
    return tuple(rows)


@cache
def countries() -> tuple[Country, ...]:
    """All countries of `countries.tsv` (stop-phrase rows left out)."""
    result = []
    for canonical, iso2, names, demonyms in _country_cells():
        if canonical == STOP:
            continue
        alternates = _split(names)
        listed = {a.lstrip("=") for a in alternates}
        own = () if canonical in listed else (canonical,)
        result.append(Country(canonical, iso2, own + alternates, _split(demonyms)))
    return tuple(result)


def _with_plurals(demonyms: tuple[str, ...]) -> tuple[str, ...]:
    """Add the regular plurals news text uses for people ("Afghans", "Iraqis")."""
    plurals = tuple(d + "s" for d in demonyms if d[-1:] in ("n", "i") and d + "s" not in demonyms)
    return demonyms + plurals


@cache
def _countries_by_name() -> dict[str, Country]:
    return {c.canonical: c for c in countries()}


@cache
def _actor_rows() -> tuple[_Row, ...]:
    return tuple(_rows("actors.tsv"))


@cache
def _actor_rows_by_canonical() -> dict[str, _Row]:
    rows: dict[str, _Row] = {}
    for row in _actor_rows():
        rows.setdefault(row.canonical, row)
    return rows


@cache
def _source_rows_by_canonical() -> dict[str, _Row]:
    rows: dict[str, _Row] = {}
    for row in _rows("sources.tsv"):
        rows.setdefault(row.canonical, row)
    return rows


def _rows(name: str) -> list[_Row]:
    rows = []
    for cells in _read_tsv(name):
        cells += [""] * (4 - len(cells))
        canonical, category, aliases, home = cells[:4]
        rows.append(_Row(canonical, category, _split(aliases), _split(home)))
    return rows


def _expand_rows(rows: list[_Row]) -> list[tuple[str, str, str]]:
    """(alias, canonical, category) triples: explicit rows first, then template expansions."""
    mil = next((r.aliases for r in rows if r.canonical == "{mil}"), ())
    explicit, templated = [], []
    for row in rows:
        if row.canonical == "{mil}":
            continue
        for alias in row.aliases:
            target = templated if _is_template(alias) or _is_template(row.canonical) else explicit
            target.extend(_expand(alias, row, mil))
    seen: set[str] = set()
    unique = []
    for alias, canonical, category in explicit + templated:
        key = alias if alias.startswith("=") or _NAME_WORD.search(alias) else alias.lower()
        if key not in seen:  # "Health Ministry" and "health ministry" are one key
            seen.add(key)
            unique.append((alias, canonical, category))
    return unique


def _is_template(s: str) -> bool:
    """Country placeholders make a row generic; a bare {mil} row is still explicit."""
    return any(p in s for p in ("{nat}", "{country}", "{gov}"))


def _expand(alias: str, row: _Row, mil: tuple[str, ...]) -> Iterator[tuple[str, str, str]]:
    """Yield (alias, canonical, category) for every filling of the alias's placeholders."""
    mils = mil if "{mil}" in alias else ("",)
    if not any(p in alias + row.canonical for p in ("{nat}", "{country}", "{gov}")):
        for m in mils:
            yield alias.replace("{mil}", m), row.canonical, row.category
        return
    for country in countries():
        canonical, category = _fill_canonical(row, country)
        if canonical is None:
            continue
        nats = country.demonyms if "{nat}" in alias else ("",)
        names = _everyday_names(country) if "{country}" in alias else ("",)
        for nat, name, m in itertools.product(nats, names, mils):
            yield alias.replace("{nat}", nat).replace("{country}", name).replace("{mil}", m), canonical, category


def _everyday_names(country: Country) -> tuple[str, ...]:
    """Names used in phrases like "{country}'s army": not the formal "Islamic Republic of ..."."""
    names = tuple(n.lstrip("=") for n in country.names)
    return names[:1] + tuple(n for n in names[1:] if " of " not in n and n.count(" ") < 2)


def _fill_canonical(row: _Row, country: Country) -> tuple[str | None, str]:
    canonical = row.canonical
    if "{nat}" in canonical:
        if not country.demonyms:
            return None, row.category
        canonical = canonical.replace("{nat}", country.demonyms[0])
    canonical = canonical.replace("{country}", country.canonical)
    if "{gov}" in canonical:
        government = government_of(country.canonical)
        category = "state" if government == country.canonical else "state_forces"
        return canonical.replace("{gov}", government), category
    return canonical, row.category


def _country_pairs() -> list[tuple[str, str, str]]:
    pairs = []
    for country in countries():
        for alias in country.names + _with_plurals(country.demonyms):
            pairs.append((alias, country.canonical, country.iso2))
    for canonical, _, names, _ in _country_cells():
        if canonical == STOP:
            pairs.extend((a, STOP, "") for a in _split(names))
    return pairs


@cache
def _tables() -> tuple[_Table, _Table, _Table]:
    """The three lexicons, built together because they share one automaton."""
    return (
        _Table("actor", 0, _expand_rows(list(_actor_rows())), reject_proxies=True),
        _Table("source", 1, _expand_rows(_rows("sources.tsv")), reject_proxies=False),
        _Table("country", 2, _country_pairs(), reject_proxies=False),
    )


@cache
def _automaton() -> ahocorasick.Automaton:
    """One automaton over all aliases: a report is scanned once for the three finders.

    Each key's value holds one reading-tuple per table (None where a table
    lacks the key).
    """
    tables = _tables()
    automaton = ahocorasick.Automaton()
    for key in set().union(*(t.entries for t in tables)):
        automaton.add_word(key, tuple(t.entries.get(key) for t in tables))
    automaton.make_automaton()
    return automaton


def _actor_table() -> _Table:
    return _tables()[0]


def _source_table() -> _Table:
    return _tables()[1]


def _country_table() -> _Table:
    return _tables()[2]


@lru_cache(maxsize=8)
def _scan(text: str) -> tuple[str, list[tuple[int, tuple]], Callable[[int], int]]:
    """Normalized text, every alias hit in it, and the offset map, shared by the three finders."""
    norm, to_orig = _normalize(text)
    return norm, list(_automaton().iter(_lower_same_length(norm))), to_orig


def table_sizes() -> dict[str, int]:
    """Number of compiled (lowercased) aliases per table, for reports and tests."""
    _automaton()
    return {"actors": _actor_table().size, "sources": _source_table().size, "countries": _country_table().size}
