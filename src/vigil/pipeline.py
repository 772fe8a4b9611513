"""The per-report pipeline: annotate -> extract -> geocode.

`process` is a pure function of one `Document`, so it can be mapped over
worker processes (multiprocessing here, Dask workers later) with no shared
state but the lazily loaded lexicons and gazetteer in each process.
"""
from __future__ import annotations

from vigil.extract import extract
from vigil.geo import geocode_report
from vigil.model import Document, Report


def process(doc: Document) -> Report:
    return geocode_report(extract(doc))
