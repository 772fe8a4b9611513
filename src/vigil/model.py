"""The records Vigil passes between stages.

The JSON shape is fixed by the codebook (shared by gold annotations, `extract`
output and the scorer); these dataclasses are its typed form. Every extracted
value keeps the character offsets of the sentences it rests on, so an analyst
can check it against the report.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

Span = tuple[int, int]  # [start, end) character offsets into Document.text

INCIDENT_TYPES = ("airstrike", "drone_strike", "shelling", "bombing", "ground_clash", "shooting", "other")
QUALIFIERS = ("exact", "at_least", "about", "more_than", "up_to")
VICTIMS = ("civilians", "combatants", "mixed", "unknown")
PRECISIONS = ("day", "week", "month", "year")


@dataclass(frozen=True)
class Document:
    """One report: the body after the `date YYYY-MM-DD` header, and where it came from."""

    doc_id: str
    published: date
    text: str
    url: str | None = None
    path: str | None = None


@dataclass
class Location:
    name: str
    matched_name: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    geo_precision: str | None = None  # place | district | province | country
    gazetteer_id: str | None = None
    span: Span | None = None  # where the name stands in the text
    # The province an earlier sentence was about ("strikes on southern Idlib ... nine in A"): a weak hint,
    # weaker than admin1 (which the sentence itself gives), for the geocoder. Not part of the output.
    context_admin1: str | None = None
    # What the report calls the place when it says ("neighbourhood"): lets the geocoder put an unknown
    # neighbourhood at its city. Not part of the output.
    feature_hint: str | None = None
    # Set by the geocoder: located | area | not_found | ambiguous | weak_match | landmark, and in words why
    # (docs/codebook-notes.md).
    geo_status: str | None = None
    geo_reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {
            "name": self.name,
            "matched_name": self.matched_name,
            "admin1": self.admin1,
            "admin2": self.admin2,
            "country": self.country,
            "lat": self.lat,
            "lon": self.lon,
            "geo_precision": self.geo_precision,
            "gazetteer_id": self.gazetteer_id,
        }
        if self.geo_status:
            out["geo_status"] = self.geo_status
            if self.geo_reason:
                out["geo_reason"] = self.geo_reason
        return out


@dataclass
class Incident:
    location: Location
    date: str | None = None
    date_precision: str = "day"
    type: str = "other"
    perpetrator: str | None = None
    killed: int | None = None
    killed_qualifier: str | None = None
    killed_high: int | None = None
    injured: int | None = None
    victims: str = "unknown"
    children_killed: int | None = None
    women_killed: int | None = None
    sources: list[str] = field(default_factory=list)
    evidence_spans: list[Span] = field(default_factory=list)

    def to_dict(self, text: str) -> dict[str, Any]:
        d = {
            "date": self.date,
            "date_precision": self.date_precision,
            "type": self.type,
            "perpetrator": self.perpetrator,
            "location": self.location.to_dict(),
            "killed": self.killed,
            "killed_qualifier": self.killed_qualifier,
            "injured": self.injured,
            "victims": self.victims,
            "children_killed": self.children_killed,
            "women_killed": self.women_killed,
            "sources": list(self.sources),
        }
        if self.killed_high is not None:
            d["killed_high"] = self.killed_high
        d.update(_evidence(text, self.evidence_spans))
        return d


@dataclass
class Total:
    killed: int | None = None
    killed_qualifier: str | None = None
    strikes: int | None = None
    injured: int | None = None
    victims: str = "unknown"
    area: str | None = None
    period_start: str | None = None
    period_end: str | None = None
    sources: list[str] = field(default_factory=list)
    evidence_spans: list[Span] = field(default_factory=list)

    def to_dict(self, text: str) -> dict[str, Any]:
        d = {
            "killed": self.killed,
            "killed_qualifier": self.killed_qualifier,
            "strikes": self.strikes,
            "injured": self.injured,
            "victims": self.victims,
            "area": self.area,
            "period_start": self.period_start,
            "period_end": self.period_end,
            "sources": list(self.sources),
        }
        d.update(_evidence(text, self.evidence_spans))
        return d


@dataclass
class Ceasefire:
    declared_by: list[str] = field(default_factory=list)
    announced_on: str | None = None
    effective_from: str | None = None
    effective_until: str | None = None
    area: str | None = None
    evidence_spans: list[Span] = field(default_factory=list)

    def to_dict(self, text: str) -> dict[str, Any]:
        d = {
            "declared_by": list(self.declared_by),
            "announced_on": self.announced_on,
            "effective_from": self.effective_from,
            "effective_until": self.effective_until,
            "area": self.area,
        }
        d.update(_evidence(text, self.evidence_spans))
        return d


@dataclass
class Report:
    doc: Document
    reports_incident: bool = False
    incidents: list[Incident] = field(default_factory=list)
    totals: list[Total] = field(default_factory=list)
    ceasefires: list[Ceasefire] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The codebook report object, plus `evidence_spans` on every claim."""
        text = self.doc.text
        return {
            "doc_id": self.doc.doc_id,
            "url": self.doc.url,
            "published": self.doc.published.isoformat(),
            "reports_incident": self.reports_incident,
            "incidents": [i.to_dict(text) for i in self.incidents],
            "totals": [t.to_dict(text) for t in self.totals],
            "ceasefires": [c.to_dict(text) for c in self.ceasefires],
        }


def _evidence(text: str, spans: list[Span]) -> dict[str, Any]:
    ordered = sorted(set(spans))
    return {
        "evidence": [text[a:b] for a, b in ordered],
        "evidence_spans": [[a, b] for a, b in ordered],
    }
