"""Ingest: a batch of reports, one transaction; duplicates by content hash, near-copies linked, claims fused."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any, Callable, Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from vigil.store.bulk import insert_returning_ids, insert_rows
from vigil.store.engine import Store, _lock_writers
from vigil.store.fusion import (_add_ceasefire_claim, _add_incident_claims, _refresh_ceasefire, _refresh_incidents,
                               _settle_ledger)
from vigil.store.nearcopy import _link_near_copies, signature, store_bands
from vigil.store.queries import stats, unplaced_names
from vigil.store.schema import ceasefire_claims, reports, total_claims

_reports_by_hash = sa.select(reports.c.content_hash).where(
    reports.c.content_hash.in_(sa.bindparam("hs", expanding=True)))
BATCH_SIZE = 200  # reports per transaction: large enough to amortise the commit, small enough to show progress


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
                   on_done: Callable[[], None] | None = None, batch_size: int = BATCH_SIZE) -> IngestSummary:
    """Store report dicts (`Report.to_dict()` shape, optionally with `text` and `source_path`),
    `batch_size` reports per transaction. A batch that fails is rolled back whole and its reports
    retried one per transaction, so a bad report is named through `on_error` and skipped while the
    others still go in; nothing is ever half-written."""
    summary = IngestSummary()
    before = stats(store)
    try:
        _ingest_all(store, reports_, summary, on_error, on_done, max(1, batch_size))
    except KeyboardInterrupt:  # each batch is its own transaction: what is stored is whole
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
                on_error: Callable[[str, Exception], None] | None, on_done: Callable[[], None] | None,
                batch_size: int) -> None:
    batch: list[dict[str, Any]] = []

    def flush() -> None:
        nonlocal batch
        todo, batch = batch, []
        _store_batch(store, todo, summary, on_error, on_done)

    try:
        for report in reports_:
            summary.read += 1
            batch.append(report)
            if len(batch) >= batch_size:
                flush()
    except KeyboardInterrupt:  # stopped while reading: keep the reports already read (none when storing)
        flush()
        raise
    flush()


def _store_batch(store: Store, batch: list[dict[str, Any]], summary: IngestSummary,
                 on_error: Callable[[str, Exception], None] | None, on_done: Callable[[], None] | None) -> None:
    if not batch:
        return
    try:
        with store.engine.begin() as conn:
            outcomes = _ingest_batch(conn, batch)
    except Exception as e:  # rolled back whole; one bad report must not stop the rest
        if len(batch) > 1:
            for report in batch:  # one transaction each, to name the culprit and store the others
                _store_batch(store, [report], summary, on_error, on_done)
            return
        summary.failed += 1
        name = batch[0].get("source_path") or batch[0].get("doc_id") or "?"
        summary.failures.append(f"{name}: {e}")
        if on_error:
            on_error(str(name), e)
        if on_done:
            on_done()
        return
    for outcome in outcomes:
        if outcome == "duplicate":
            summary.duplicate += 1
        else:
            summary.new += 1
            summary.near_copy += outcome == "near-copy"
        if on_done:
            on_done()


@dataclass
class _Prepared:
    report: dict[str, Any]
    hash: str
    published: date
    minhash: Any
    id: int | None = None


def _prepare(report: dict[str, Any]) -> _Prepared:
    published = date.fromisoformat(str(report["published"])[:10])
    return _Prepared(report, content_hash(report), published, signature(_copy_text(report)))


def _ingest_batch(conn: Connection, batch: list[dict[str, Any]]) -> list[str]:
    """Store a batch in the caller's transaction: reports and their claims in multi-row inserts, then
    every incident and ceasefire the batch touches re-fused once. Returns each report's outcome."""
    _lock_writers(conn, durable=False)
    prepared = [_prepare(r) for r in batch]
    seen = _stored_hashes(conn, [p.hash for p in prepared])
    outcomes: list[Any] = []
    fresh: list[_Prepared] = []
    for p in prepared:
        if p.hash in seen:
            outcomes.append("duplicate")
        else:
            seen.add(p.hash)
            fresh.append(p)
            outcomes.append(p)
    if not fresh:
        return outcomes
    now = datetime.now(timezone.utc)
    rows = [{"content_hash": p.hash, "doc_id": p.report.get("doc_id"), "url": p.report.get("url"),
             "published": p.published, "reports_incident": p.report.get("reports_incident"), "copy_group": p.hash,
             "minhash": p.minhash.hashvalues.tobytes() if p.minhash is not None else None, "ingested_at": now,
             "payload": {k: v for k, v in p.report.items() if k not in ("text", "source_path", "sample")},
             "sample": bool(p.report.get("sample")), "text": p.report.get("text")} for p in fresh]
    for p, rid in zip(fresh, insert_returning_ids(conn, reports, rows)):
        p.id = rid
    touched_incidents: set[str] = set()
    near: set[int] = set()
    candidates = store_bands(conn, [(p.id, p.minhash, p.published) for p in fresh if p.minhash is not None])
    for p in fresh:  # in arrival order: a report is compared with the reports stored before it
        if candidates.get(p.id):
            is_near, regroup = _link_near_copies(conn, p.id, p.hash, p.published, p.minhash, candidates[p.id])
            touched_incidents |= regroup
            if is_near:
                near.add(p.id)
    claims, totals, cfs = [], [], []
    for p in fresh:
        meta = {"report_key": p.hash, "doc_id": p.report.get("doc_id"), "url": p.report.get("url"),
                "published": p.published.isoformat()}
        claims += [(p.id, i, claim, meta) for i, claim in enumerate(p.report.get("incidents") or [])]
        totals += [{"report_id": p.id, "idx": i, "payload": t} for i, t in enumerate(p.report.get("totals") or [])]
        cfs += [(p.id, i, cf, meta) for i, cf in enumerate(p.report.get("ceasefires") or [])]
    touched_incidents = _add_incident_claims(conn, claims, touched_incidents)
    insert_rows(conn, total_claims, totals)
    touched_ceasefires = {_add_ceasefire_claim(conn, *c) for c in cfs}
    if touched_ceasefires:
        since = _earliest_start(conn, touched_ceasefires)  # before the refresh may rename them
        changed = {_refresh_ceasefire(conn, cid) for cid in sorted(touched_ceasefires)} - {None}
        _settle_ledger(conn, changed, since=since, touched=touched_ceasefires)
    _refresh_incidents(conn, touched_incidents)
    return [o if isinstance(o, str) else ("near-copy" if o.id in near else "new") for o in outcomes]


def _earliest_start(conn: Connection, cids: set[str]) -> date | None:
    """The earliest start among these ceasefires' claims, or None when one has no start (then the
    ledger is settled whole)."""
    starts = [r[0] for r in conn.execute(sa.select(ceasefire_claims.c.start).where(
        ceasefire_claims.c.ceasefire_id.in_(sorted(cids))))]
    if not starts or any(s is None for s in starts):
        return None
    return min(starts)


_CHUNK = 500  # bound parameters per IN list


def _stored_hashes(conn: Connection, hashes: list[str]) -> set[str]:
    out: set[str] = set()
    for i in range(0, len(hashes), _CHUNK):
        out |= {r[0] for r in conn.execute(_reports_by_hash, {"hs": hashes[i:i + _CHUNK]})}
    return out
