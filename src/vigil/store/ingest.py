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
from vigil.store.fusion import _add_ceasefire_claim, _add_incident_claim, _refresh_ceasefire, _refresh_incident
from vigil.store.nearcopy import _link_near_copies, signature
from vigil.store.queries import stats
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
    incidents: int = 0
    ceasefires: int = 0
    violations: int = 0

    def line(self) -> str:
        return (f"reports: {self.read} read, {self.new} new, {self.duplicate} duplicate, "
                f"{self.near_copy} near-copy, {self.failed} failed; incidents: {self.incidents}; "
                f"ceasefires: {self.ceasefires}; violations: {self.violations}")


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
    counts = stats(store)
    summary.incidents, summary.ceasefires, summary.violations = (
        counts["incidents"], counts["ceasefires"], counts["violations"])
    return summary


def _ingest_one(conn: Connection, report: dict[str, Any]) -> str:
    _lock_writers(conn, durable=False)
    h = content_hash(report)
    if conn.execute(_report_by_hash, {"h": h}).first():
        return "duplicate"
    published = date.fromisoformat(str(report["published"])[:10])
    mh = signature(_copy_text(report))
    payload = {k: v for k, v in report.items() if k not in ("text", "source_path")}
    report_id = conn.execute(sa.insert(reports).values(
        content_hash=h, doc_id=report.get("doc_id"), url=report.get("url"), published=published,
        reports_incident=report.get("reports_incident"), copy_group=h,
        minhash=mh.hashvalues.tobytes() if mh is not None else None,
        ingested_at=datetime.now(timezone.utc), payload=payload, text=report.get("text"))).inserted_primary_key[0]
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
    for cid in sorted(touched_ceasefires):
        _refresh_ceasefire(conn, cid)
    for iid in sorted(touched_incidents):
        _refresh_incident(conn, iid)
    return "near-copy" if near else "new"
