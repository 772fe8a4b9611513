"""Geocode stage: put each incident's place on the map (placeholder until the resolver lands)."""
from __future__ import annotations

from vigil.model import Report


def geocode_report(report: Report) -> Report:
    """Fill lat/lon/admin fields of every incident location; abstain when unsure."""
    return report
