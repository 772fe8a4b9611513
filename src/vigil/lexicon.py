"""Stand-in lexicon (replaced by the full data-table lexicon)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    canonical: str
    kind: str
    category: str = ""


_ACTORS = {
    "Russia": ["Russian warplanes", "Russian jets", "Russian airstrikes", "Russian air strikes", "Russian forces",
               "Russian Defence Ministry", "Russian", "Russia", "Moscow"],
    "Syrian government": ["regime helicopters", "regime forces", "Assad regime", "Syrian regime", "the regime",
                          "Assad forces", "Syrian army", "regime"],
    "Turkey": ["Turkish drone", "Turkish army", "Turkey", "Turkish"],
    "US-led coalition": ["US-led coalition", "the coalition", "international coalition"],
    "Saudi-led coalition": ["Saudi-led coalition"],
    "Houthis": ["Houthi rebels", "Houthis", "Houthi"],
    "Israel": ["Israeli", "Israel"],
    "Islamic State": ["Islamic State", "ISIS", "IS"],
    "Taliban": ["Taliban"],
    "Ukraine": ["Ukrainian forces"],
}
_SOURCES = {
    "White Helmets": ["White Helmets", "Syrian civil defence group", "civil defence", "Civil Defense"],
    "Syrian Observatory for Human Rights": ["Syrian Observatory for Human Rights", "Syrian Observatory", "Observatory"],
    "Response Coordination Group": ["Response Coordination Group"],
}
_COUNTRIES = {"Syria": ["Syria", "Syrian"], "Yemen": ["Yemen"], "Iraq": ["Iraq"], "Ukraine": ["Ukraine"],
              "Afghanistan": ["Afghanistan", "Afghan"], "Turkey": ["Turkey"], "Russia": ["Russia"]}


@lru_cache(maxsize=None)
def _compiled(kind: str):
    table = {"actor": _ACTORS, "source": _SOURCES, "country": _COUNTRIES}[kind]
    alias = {a.lower(): c for c, al in table.items() for a in al}
    pat = "|".join(re.escape(a) for a in sorted(alias, key=len, reverse=True))
    return re.compile(rf"\b(?:{pat})\b", re.IGNORECASE), alias


def _find(text: str, kind: str) -> list[Mention]:
    rx, alias = _compiled(kind)
    return [Mention(m.start(), m.end(), m.group(), alias[m.group().lower()], kind) for m in rx.finditer(text)]


def find_actors(text: str) -> list[Mention]:
    return _find(text, "actor")


def find_sources(text: str) -> list[Mention]:
    return _find(text, "source")


def find_countries(text: str) -> list[Mention]:
    return _find(text, "country")


def canonical_actor(name: str) -> str | None:
    m = find_actors(name)
    return m[0].canonical if m else None
