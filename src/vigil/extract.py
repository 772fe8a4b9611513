"""Extract stage (placeholder until the engine lands)."""
from __future__ import annotations

from vigil.model import Document, Report


def extract(doc: Document) -> Report:
    return Report(doc=doc)
