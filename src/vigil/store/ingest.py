"""Ingest: one report, one transaction; duplicates by content hash, near-copies linked, claims fused."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any, Callable, Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from vigil.store.engine import Store, _lock_writers
from vigil.store.fusion import (_add_ceasefire_claim, _add_incident_claim, _refresh_ceasefire, _refresh_incident,
                               _settle_ledger)
from vigil.store.nearcopy import _link_near_copies, signature
from vigil.store.queries import stats, unplaced_names
from vigil.store.schema import reports, total_claims

_report_by_hash = sa.select(reports.c.id).where(reports.c.content_hash == sa.bindparam("h"))


@dataclass
class IngestSummary:
    read: int = 0
    new: int = 0
    duplicate: int = 0
    near_copy: int = 0
    failed: int = 0
    failures: list[str] = field(default_factory=list)
    incidents: int = 0  # database totals after the run
    ceasefires: int = 0
    violations: int = 0
    added: dict[str, int] = field(default_factory=dict)  # what this run changed: incidents, ceasefires, violations
    without_coordinates: int = 0
    unplaced: list[tuple[str, int]] = field(default_factory=list)  # most frequent names left without coordinates
    samples: int = 0  # sample reports in the database (vigil demo's)
    interrupted: bool = False
    total: int | None = None  # reports offered, when known (for "N of M stored")

    def line(self) -> str:
        added = ", ".join(f"{n:+d} {k}" for k, n in self.added.items()) or "nothing"
        out = (f"reports: {self.read} read, {self.new} new, {self.duplicate} duplicate, "
               f"{self.near_copy} near-copy, {self.failed} failed; this run: {added}; "
               f"database: {self.incidents} incidents, {self.ceasefires} ceasefires, {self.violations} violations")
        if self.incidents:
            out += f"; without coordinates: {self.without_coordinates} of {self.incidents}"
            if self.unplaced:
                out += " (most frequent: " + ", ".join(f"{n} x{k}" for n, k in self.unplaced) + ")"
        return out


def content_hash(report: dict[str, Any]) -> str:
    """Identity of a report: its text and publication date (the whole dict when there is no text)."""
    if report.get("text"):
        basis = f"{report['published']}\n{report['text']}"
    else:
        basis = json.dumps({k: v for k, v in report.items() if k not in ("source_path",)},
                           sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()


def _copy_text(report: dict[str, Any]) -> str:
    """What near-copy detection compares: the report text, or its evidence sentences when only a dict is given."""
    if report.get("text"):
        return report["text"]
    parts = [s for kind in ("incidents", "totals", "ceasefires") for c in report.get(kind) or []
             for s in c.get("evidence") or []]
    return " ".join(dict.fromkeys(parts))


def ingest_reports(store: Store, reports_: Iterable[dict[str, Any]], *,
                   on_error: Callable[[str, Exception], None] | None = None,
                   on_done: Callable[[], None] | None = None) -> IngestSummary:
    """Store report dicts (`Report.to_dict()` shape, optionally with `text` and `source_path`),
    one transaction each; a failing report is reported through `on_error` and skipped."""
    summary = IngestSummary()
    before = stats(store)
    try:
        _ingest_all(store, reports_, summary, on_error, on_done)
    except KeyboardInterrupt:  # each report is its own transaction: what is stored is whole
        summary.interrupted = True
    _summarise(store, summary, before)
    return summary


def _summarise(store: Store, summary: IngestSummary, before: dict[str, int]) -> None:
    counts = stats(store)
    summary.incidents, summary.ceasefires, summary.violations = (
        counts["incidents"], counts["ceasefires"], counts["violations"])
    summary.added = {k: counts[k] - before[k] for k in ("incidents", "ceasefires", "violations")}
    summary.without_coordinates, summary.samples = counts["without_coordinates"], counts["samples"]
    summary.unplaced = unplaced_names(store, 5) if counts["without_coordinates"] else []


def _ingest_all(store: Store, reports_: Iterable[dict[str, Any]], summary: IngestSummary,
                on_error: Callable[[str, Exception], None] | None, on_done: Callable[[], None] | None) -> None:
    for report in reports_:
        summary.read += 1
        try:
            with store.engine.begin() as conn:
                outcome = _ingest_one(conn, report)
        except Exception as e:  # one bad report must not stop the rest
            summary.failed += 1
            name = report.get("source_path") or report.get("doc_id") or "?"
            summary.failures.append(f"{name}: {e}")
            if on_error:
                on_error(str(name), e)
        else:
            if outcome == "duplicate":
                summary.duplicate += 1
            else:
                summary.new += 1
                summary.near_copy += outcome == "near-copy"
        if on_done:
            on_done()


def _ingest_one(conn: Connection, report: dict[str, Any]) -> str:
    _lock_writers(conn, durable=False)
    h = content_hash(report)
    if conn.execute(_report_by_hash, {"h": h}).first():
        return "duplicate"
    published = date.fromisoformat(str(report["published"])[:10])
    mh = signature(_copy_text(report))
    payload = {k: v for k, v in report.items() if k not in ("text", "source_path", "sample")}
    report_id = conn.execute(sa.insert(reports).values(
        content_hash=h, doc_id=report.get("doc_id"), url=report.get("url"), published=published,
        reports_incident=report.get("reports_incident"), copy_group=h,
        minhash=mh.hashvalues.tobytes() if mh is not None else None,
        ingested_at=datetime.now(timezone.utc), payload=payload, sample=bool(report.get("sample")),
        text=report.get("text"))).inserted_primary_key[0]
    touched_incidents: set[str] = set()
    near = False
    if mh is not None:
        near, regroup = _link_near_copies(conn, report_id, h, published, mh)
        touched_incidents |= regroup
    meta = {"report_key": h, "doc_id": report.get("doc_id"), "url": report.get("url"),
            "published": published.isoformat()}
    for i, claim in enumerate(report.get("incidents") or []):
        touched_incidents.add(_add_incident_claim(conn, report_id, i, claim, meta))
    for i, total in enumerate(report.get("totals") or []):
        conn.execute(sa.insert(total_claims).values(report_id=report_id, idx=i, payload=total))
    touched_ceasefires = {_add_ceasefire_claim(conn, report_id, i, cf, meta)
                          for i, cf in enumerate(report.get("ceasefires") or [])}
    if touched_ceasefires:
        _settle_ledger(conn, {_refresh_ceasefire(conn, cid) for cid in sorted(touched_ceasefires)} - {None})
    for iid in sorted(touched_incidents):
        _refresh_incident(conn, iid)
    return "near-copy" if near else "new"
