"""The incident store: the only module that talks to the database.

SQLite by default (`vigil.db` in the working directory), PostgreSQL by URL
(`postgresql+psycopg://user:pw@host/db`); `--db URL` or `VIGIL_DB` choose.
The schema lives in Alembic migrations inside the package
(`vigil/migrations`) and is brought up to date every time a store is opened,
so the CLI, a worker process or a web app all see the same tables.

What is kept
    * reports (content hash, publication date, the report dict) with their
      MinHash signature and LSH band buckets, so syndicated near-copies are
      found across runs without loading every signature;
    * every claim as the report made it (incidents, totals, ceasefires), with
      its evidence and evidence spans;
    * fused incidents and merged ceasefires (rebuilt from the claims by the
      pure functions in `vigil.fuse` and `vigil.ledger`), possible
      violations, and analysts' corrections.

How ingest stays incremental and order-independent
    One report is one transaction. Each new incident claim is compared only
    with stored claims of the same type dated within a day and sharing a
    place key (index `ix_incident_claims_block`); every incident it matches
    is merged with it and re-fused from all its claims. Incidents are
    connected components of the `fuse.same_incident` relation, and their ids
    are their smallest claim key, so any arrival order ends in the same
    incidents with the same ids. Corrections are anchored to a claim, so they
    follow that claim into whatever incident it belongs to after re-fusion.

Writers
    Store transactions are short and run one at a time (an advisory lock on
    PostgreSQL, the database lock on SQLite), so extraction can run in many
    processes while fusion stays exact. Readers never wait on PostgreSQL, and
    on SQLite (WAL mode) they see the last committed report.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from importlib.resources import files
from typing import Any, Callable, Iterable, Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from vigil import fuse, ledger

DEFAULT_URL = "sqlite:///vigil.db"
NEAR_COPY_THRESHOLD = 0.5  # estimated Jaccard of word 3-shingles; a lightly edited reprint scores ~0.7
NUM_PERM = 128
MINHASH_SCHEME = "affine32"  # stored signatures are only comparable within one datasketch scheme
SHINGLE = 3
WRITER_LOCK = 0x5617_11  # PostgreSQL advisory lock key held by each writing transaction

metadata = sa.MetaData()

reports = sa.Table(
    "reports", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("doc_id", sa.String(512)),
    sa.Column("url", sa.Text),
    sa.Column("published", sa.Date, nullable=False),
    sa.Column("reports_incident", sa.Boolean),
    sa.Column("copy_group", sa.String(64), nullable=False, index=True),
    sa.Column("near_copy_of", sa.Integer, sa.ForeignKey("reports.id")),
    sa.Column("minhash", sa.LargeBinary),
    sa.Column("ingested_at", sa.DateTime(timezone=True)),
    sa.Column("payload", sa.JSON),
)
report_bands = sa.Table(
    "report_bands", metadata,
    sa.Column("band", sa.Integer, primary_key=True),
    sa.Column("bucket", sa.BigInteger, primary_key=True),
    sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id"), primary_key=True),
    sa.Index("ix_report_bands_bucket", "bucket"),
)
near_copies = sa.Table(
    "near_copies", metadata,
    sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id"), primary_key=True),
    sa.Column("other_id", sa.Integer, sa.ForeignKey("reports.id"), primary_key=True),
    sa.Column("similarity", sa.Float),
)
incident_claims = sa.Table(
    "incident_claims", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("claim_key", sa.String(20), nullable=False, unique=True),
    sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id"), nullable=False, index=True),
    sa.Column("idx", sa.Integer, nullable=False),
    sa.Column("incident_id", sa.String(16), index=True),
    sa.Column("type", sa.String(32), nullable=False),
    sa.Column("fuse_date", sa.Date, nullable=False),
    sa.Column("gazetteer_id", sa.String(64), index=True),
    sa.Column("name_key", sa.String(200), index=True),
    sa.Column("matched_key", sa.String(200), index=True),
    sa.Column("lat", sa.Float),
    sa.Column("lon", sa.Float),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("skeleton_key", sa.String(200), index=True),
    sa.Index("ix_incident_claims_block", "type", "fuse_date"),
)
total_claims = sa.Table(
    "total_claims", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id"), nullable=False, index=True),
    sa.Column("idx", sa.Integer, nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),
)
incidents = sa.Table(
    "incidents", metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("date", sa.Date),
    sa.Column("type", sa.String(32)),
    sa.Column("country_key", sa.String(100)),
    sa.Column("admin1_key", sa.String(100)),
    sa.Column("perpetrator_key", sa.String(100)),
    sa.Column("lat", sa.Float),
    sa.Column("lon", sa.Float),
    sa.Column("killed", sa.Integer),
    sa.Column("grade", sa.String(16)),
    sa.Column("record", sa.JSON, nullable=False),
    sa.Column("cell", sa.Integer),  # 0.1-degree grid cell (see grid_cell), for --near
    sa.Index("ix_incidents_date", "date"),
    sa.Index("ix_incidents_country_date", "country_key", "date"),
    sa.Index("ix_incidents_admin1_date", "admin1_key", "date"),
    sa.Index("ix_incidents_perpetrator_date", "perpetrator_key", "date"),
    sa.Index("ix_incidents_type_date", "type", "date"),
    sa.Index("ix_incidents_lat_lon", "lat", "lon"),
    sa.Index("ix_incidents_cell_date", "cell", "date"),
)
corrections = sa.Table(
    "corrections", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("anchor_claim", sa.String(20), nullable=False, index=True),
    sa.Column("incident_id", sa.String(16), nullable=False),
    sa.Column("field", sa.String(64), nullable=False),
    sa.Column("value", sa.JSON),
    sa.Column("by", sa.String(200), nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
)
ceasefire_claims = sa.Table(
    "ceasefire_claims", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("claim_key", sa.String(20), nullable=False, unique=True),
    sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id"), nullable=False, index=True),
    sa.Column("idx", sa.Integer, nullable=False),
    sa.Column("ceasefire_id", sa.String(16), index=True),
    sa.Column("start", sa.Date, index=True),
    sa.Column("payload", sa.JSON, nullable=False),
)
ceasefires = sa.Table(
    "ceasefires", metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("start", sa.Date, index=True),
    sa.Column("until", sa.Date),
    sa.Column("record", sa.JSON, nullable=False),
)
violations = sa.Table(
    "violations", metadata,
    sa.Column("ceasefire_id", sa.String(16), primary_key=True),
    sa.Column("incident_id", sa.String(16), primary_key=True, index=True),
    sa.Column("by_declarer", sa.Boolean, nullable=False),
)

CORRECTABLE = ("date", "date_precision", "type", "perpetrator", "killed", "killed_qualifier", "injured", "victims",
               "children_killed", "women_killed", "killed_low", "killed_high", "killed_best", "grade",
               "location.name", "location.matched_name", "location.admin1", "location.admin2",
               "location.country", "location.lat", "location.lon", "location.geo_precision")
_INT_FIELDS = {"killed", "injured", "children_killed", "women_killed", "killed_low", "killed_high", "killed_best"}


# ---- opening ----------------------------------------------------------------------


def database_url(db: str | None = None) -> str:
    """`--db`, else `VIGIL_DB`, else ./vigil.db; a bare path means a SQLite file."""
    url = db or os.environ.get("VIGIL_DB") or DEFAULT_URL
    return url if "://" in url else f"sqlite:///{url}"


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")  # readers do not block the ingest writer
    cur.execute("PRAGMA synchronous=NORMAL")  # durable at checkpoints; one fsync per report is the bottleneck otherwise
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


SCHEMA_REVISION = "0004"  # the newest file in vigil/migrations/versions (a test keeps the two in step)


def _current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision shipped in the package
    (a quick version check first, so opening an up-to-date store costs one query)."""
    if _current_revision(engine) == SCHEMA_REVISION:
        return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(files("vigil") / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


class Store:
    """An open incident database (see `open_store`)."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # the public operations are module functions taking the store first; these are conveniences
    def ingest(self, reports_: Iterable[dict[str, Any]], **kw) -> "IngestSummary":
        return ingest_reports(self, reports_, **kw)


def open_store(db: str | None = None) -> Store:
    """Open (and migrate) the database named by `db` / `VIGIL_DB` / ./vigil.db."""
    url = database_url(db)
    engine = sa.create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    migrate(engine)
    return Store(engine)


# ---- near-copies -------------------------------------------------------------------


@lru_cache(maxsize=1)
def _lsh_ranges() -> list[tuple[int, int]]:
    """Band boundaries datasketch picks for the threshold (25 bands of 5 rows for 0.5 / 128)."""
    from datasketch import MinHashLSH

    return list(MinHashLSH(threshold=NEAR_COPY_THRESHOLD, num_perm=NUM_PERM).hashranges)


def _shingles(text: str) -> set[bytes]:
    words = re.findall(r"\w+", text.lower())
    if len(words) < SHINGLE:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i:i + SHINGLE]).encode() for i in range(len(words) - SHINGLE + 1)}


def signature(text: str):
    """MinHash of the text's word 3-shingles, or None for an empty text."""
    sh = _shingles(text)
    if not sh:
        return None
    m = _empty_minhash().copy()  # copying skips regenerating the 128 permutations
    m.update_batch(list(sh))
    return m


@lru_cache(maxsize=1)
def _empty_minhash():
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, scheme=MINHASH_SCHEME)


def _band_buckets(mh) -> list[tuple[int, int]]:
    out = []
    for band, (a, b) in enumerate(_lsh_ranges()):
        digest = hashlib.blake2b(mh.hashvalues[a:b].tobytes(), digest_size=8).digest()
        out.append((band, int.from_bytes(digest, "big", signed=True)))
    return out


def _jaccard(mh, blob: bytes) -> float:
    """Estimated Jaccard similarity against a stored signature: the share of equal minima,
    as `MinHash.jaccard` computes it, without rebuilding a MinHash object."""
    from array import array

    other = array("I", blob)  # affine32 signatures are uint32
    mine = mh.hashvalues.tolist()
    if len(other) != len(mine):
        return 0.0
    return sum(a == b for a, b in zip(mine, other)) / len(mine)


# ---- ingest ------------------------------------------------------------------------


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


def _lock_writers(conn: Connection, durable: bool = True) -> None:
    """One writer at a time on PostgreSQL (a transaction-scoped advisory lock): fusion reads then
    writes, so two concurrent ingests could otherwise each create half of one incident. Extraction
    can run in parallel; only the short store transactions queue. SQLite serialises writers itself."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%d)" % WRITER_LOCK)
        if not durable:
            # A crash may lose the last few commits but never corrupts; re-running ingest restores
            # them (reports are identified by content), so waiting for the WAL flush buys nothing.
            # Corrections are an analyst's work and stay durable.
            conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")


def _ingest_one(conn: Connection, report: dict[str, Any]) -> str:
    _lock_writers(conn, durable=False)
    h = content_hash(report)
    if conn.execute(_Q.report_by_hash, {"h": h}).first():
        return "duplicate"
    published = date.fromisoformat(str(report["published"])[:10])
    mh = signature(_copy_text(report))
    payload = {k: v for k, v in report.items() if k not in ("text", "source_path")}
    report_id = conn.execute(sa.insert(reports).values(
        content_hash=h, doc_id=report.get("doc_id"), url=report.get("url"), published=published,
        reports_incident=report.get("reports_incident"), copy_group=h,
        minhash=mh.hashvalues.tobytes() if mh is not None else None,
        ingested_at=datetime.now(timezone.utc), payload=payload)).inserted_primary_key[0]
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


def _link_near_copies(conn: Connection, report_id: int, h: str, published: date, mh) -> tuple[bool, set[str]]:
    """Persist the LSH bands; link the report to stored reports it nearly copies and merge their copy groups.
    Returns (is a near-copy, incidents whose independence count may have changed)."""
    buckets = _band_buckets(mh)
    wanted = set(buckets)
    cand_ids = {r.report_id for r in conn.execute(_Q.bands_by_bucket, {"buckets": [k for _, k in buckets]})
                if (r.band, r.bucket) in wanted}
    conn.execute(sa.insert(report_bands), [{"band": b, "bucket": k, "report_id": report_id} for b, k in buckets])
    if not cand_ids:
        return False, set()
    rows = conn.execute(sa.select(reports.c.id, reports.c.minhash, reports.c.copy_group, reports.c.published,
                                  reports.c.content_hash).where(reports.c.id.in_(cand_ids))).all()
    matches = [(r, _jaccard(mh, r.minhash)) for r in rows if r.minhash is not None]
    matches = [(r, j) for r, j in matches if j >= NEAR_COPY_THRESHOLD]
    if not matches:
        return False, set()
    conn.execute(sa.insert(near_copies), [{"report_id": report_id, "other_id": r.id, "similarity": j}
                                          for r, j in matches])
    original = min((r for r, _ in matches), key=lambda r: (r.published, r.content_hash))
    conn.execute(sa.update(reports).where(reports.c.id == report_id).values(near_copy_of=original.id))
    old_groups = {r.copy_group for r, _ in matches}
    group = min(old_groups | {h})
    first_before = conn.execute(sa.select(sa.func.min(reports.c.published)).where(
        reports.c.copy_group.in_(old_groups))).scalar()
    conn.execute(sa.update(reports).where(reports.c.copy_group.in_(old_groups | {h})).values(copy_group=group))
    if len(old_groups) == 1 and first_before is not None and published > first_before:
        # A later copy joining one group: the group's other incidents keep their sources and original;
        # only the incidents this report's own claims touch (refreshed by the caller) change.
        return True, set()
    members = sa.select(reports.c.id).where(reports.c.copy_group == group)
    touched = {r[0] for r in conn.execute(
        sa.select(incident_claims.c.incident_id).where(incident_claims.c.report_id.in_(members),
                                                       incident_claims.c.incident_id.is_not(None)).distinct())}
    return True, touched


def _claim_columns(claim: dict[str, Any], published: str) -> dict[str, Any]:
    loc = claim.get("location") or {}
    full = {**claim, "published": published}
    return {
        "type": claim.get("type") or "other",
        "fuse_date": fuse.fusion_date(full),
        "gazetteer_id": str(loc["gazetteer_id"]) if loc.get("gazetteer_id") else None,
        "name_key": fuse.fold_name(loc.get("name")) or None,
        "matched_key": fuse.fold_name(loc.get("matched_name")) or None,
        "lat": loc.get("lat") if fuse.has_point(loc) else None,
        "lon": loc.get("lon") if fuse.has_point(loc) else None,
        "skeleton_key": fuse.skeleton_key(loc),
    }


def _claim_select():
    return (sa.select(incident_claims.c.claim_key, incident_claims.c.incident_id, incident_claims.c.payload,
                      reports.c.content_hash, reports.c.copy_group, reports.c.doc_id, reports.c.url,
                      reports.c.published)
            .join(reports, reports.c.id == incident_claims.c.report_id))


def _claim_dict(row) -> dict[str, Any]:
    return {**row.payload, "claim_key": row.claim_key, "report_key": row.content_hash,
            "copy_group": row.copy_group, "doc_id": row.doc_id, "url": row.url,
            "published": row.published.isoformat()}


class _Q:
    """Statements built once: constructing SQLAlchemy expressions per call costs more than running them."""

    report_by_hash = sa.select(reports.c.id).where(reports.c.content_hash == sa.bindparam("h"))
    bands_by_bucket = (sa.select(report_bands.c.band, report_bands.c.bucket, report_bands.c.report_id)
                       .where(report_bands.c.bucket.in_(sa.bindparam("buckets", expanding=True))))
    candidates = _claim_select().where(
        incident_claims.c.type == sa.bindparam("type"),
        incident_claims.c.fuse_date.between(sa.bindparam("lo"), sa.bindparam("hi")),
        incident_claims.c.incident_id.is_not(None),
        sa.or_(incident_claims.c.gazetteer_id == sa.bindparam("gid"),
               incident_claims.c.name_key.in_(sa.bindparam("keys", expanding=True)),
               incident_claims.c.matched_key.in_(sa.bindparam("keys", expanding=True)),
               incident_claims.c.skeleton_key == sa.bindparam("skel"),
               sa.and_(incident_claims.c.lat.between(sa.bindparam("lat_lo"), sa.bindparam("lat_hi")),
                       incident_claims.c.lon.between(sa.bindparam("lon_lo"), sa.bindparam("lon_hi")))))
    claims_of_incident = _claim_select().where(incident_claims.c.incident_id == sa.bindparam("iid"))
    corrections_of = (sa.select(corrections).where(corrections.c.anchor_claim.in_(sa.bindparam("keys", expanding=True)))
                      .order_by(corrections.c.at, corrections.c.id))
    delete_incident_violations = sa.delete(violations).where(violations.c.incident_id == sa.bindparam("iid"))
    delete_incident = sa.delete(incidents).where(incidents.c.id == sa.bindparam("iid"))
    incident_exists = sa.select(incidents.c.id).where(incidents.c.id == sa.bindparam("iid"))
    update_incident = sa.update(incidents).where(incidents.c.id == sa.bindparam("iid"))
    ceasefire_record = sa.select(ceasefires.c.record).where(ceasefires.c.id == sa.bindparam("cid"))
    ceasefires_in_force = sa.select(ceasefires.c.id, sa.cast(ceasefires.c.record, sa.Text).label("record")).where(
        ceasefires.c.start <= sa.bindparam("day"),
        sa.or_(ceasefires.c.until.is_(None), ceasefires.c.until >= sa.bindparam("day")))


def _candidates(conn: Connection, claim: dict[str, Any], cols: dict[str, Any]) -> list:
    """Stored claims that could be the same incident: same type, within a day, sharing a place key."""
    lo, hi = fuse.block_window(claim)
    keys = sorted(fuse.name_keys(claim.get("location") or {}))
    if not (cols["gazetteer_id"] or keys or cols["lat"] is not None or cols["skeleton_key"]):
        return []
    lat, lon = cols["lat"], cols["lon"]
    dlat = fuse.PLACE_KM / 110.5 + 1e-6
    dlon = fuse.PLACE_KM / (111.32 * math.cos(math.radians(min(89.0, abs(lat) + 1)))) + 1e-6 if lat is not None else None
    return conn.execute(_Q.candidates, {
        "type": cols["type"], "lo": lo, "hi": hi, "gid": cols["gazetteer_id"], "keys": keys or [""],
        "skel": cols["skeleton_key"],
        "lat_lo": None if lat is None else lat - dlat, "lat_hi": None if lat is None else lat + dlat,
        "lon_lo": None if lon is None else lon - dlon, "lon_hi": None if lon is None else lon + dlon}).all()


def _add_incident_claim(conn: Connection, report_id: int, index: int, claim: dict[str, Any],
                        meta: dict[str, Any]) -> str:
    """Insert one claim, merging every incident it matches; returns its (provisional) incident id."""
    key = fuse.claim_key(meta["report_key"], index)
    view = {**claim, **meta, "claim_key": key}
    cols = _claim_columns(claim, meta["published"])
    linked = {row.incident_id for row in _candidates(conn, view, cols)
              if fuse.same_incident(view, _claim_dict(row))}
    target = min(linked) if linked else fuse.incident_id([key])
    for other in linked - {target}:
        conn.execute(sa.update(incident_claims).where(incident_claims.c.incident_id == other)
                     .values(incident_id=target))
        _drop_incident(conn, other)
    conn.execute(sa.insert(incident_claims).values(claim_key=key, report_id=report_id, idx=index,
                                                   incident_id=target, payload=claim, **cols))
    return target


def _drop_incident(conn: Connection, iid: str) -> None:
    conn.execute(_Q.delete_incident_violations, {"iid": iid})
    conn.execute(_Q.delete_incident, {"iid": iid})


def _refresh_incident(conn: Connection, iid: str) -> str | None:
    """Re-fuse an incident from its claims, apply corrections, re-test ceasefires. Returns the final id."""
    claims = [_claim_dict(r) for r in conn.execute(_Q.claims_of_incident, {"iid": iid})]
    if not claims:
        _drop_incident(conn, iid)
        return None
    machine = fuse.fuse_claims(claims)
    final = machine["id"]
    if final != iid:
        conn.execute(sa.update(incident_claims).where(incident_claims.c.incident_id == iid).values(incident_id=final))
        _drop_incident(conn, iid)
    fixes = conn.execute(_Q.corrections_of, {"keys": [c["claim_key"] for c in claims]}).all()
    record = apply_corrections(machine, [_correction_dict(f) for f in fixes])
    _write_incident(conn, record)
    _revalidate_incident(conn, record)
    return final


def _incident_columns(record: dict[str, Any]) -> dict[str, Any]:
    loc = record.get("location") or {}
    return {
        "id": record["id"],
        "date": date.fromisoformat(record["date"]) if record.get("date") else None,
        "type": record.get("type"),
        "country_key": ledger.plain(loc.get("country")) or None,
        "admin1_key": admin1_key(loc.get("admin1")),
        "perpetrator_key": ledger.plain(record.get("perpetrator")) or None,
        "lat": loc.get("lat"),
        "lon": loc.get("lon"),
        "killed": record.get("killed"),
        "grade": record.get("grade"),
        "record": record,
        "cell": grid_cell(loc.get("lat"), loc.get("lon")),
    }


GRID = 10  # cells per degree
MAX_NEAR_CELLS = 400


def grid_cell(lat: float | None, lon: float | None) -> int | None:
    """A 0.1-degree grid cell number: `--near` becomes an indexed IN over a few cells plus the date,
    which both databases plan well (a lat/lon box and a date range compete for one index)."""
    if lat is None or lon is None:
        return None
    return (math.floor(lat * GRID) + 90 * GRID) * 10000 + (math.floor(lon * GRID) + 180 * GRID)


def cells_covering(lat_lo: float, lat_hi: float, lon_lo: float, lon_hi: float) -> list[int] | None:
    """The grid cells a box touches, or None when there are too many to list."""
    rows = range(math.floor(lat_lo * GRID), math.floor(lat_hi * GRID) + 1)
    cols = range(math.floor(lon_lo * GRID), math.floor(lon_hi * GRID) + 1)
    if len(rows) * len(cols) > MAX_NEAR_CELLS:
        return None
    return [(r + 90 * GRID) * 10000 + (c + 180 * GRID) for r in rows for c in cols]


def admin1_key(name: str | None) -> str | None:
    """One key per province whatever the spelling (Idleb/Idlib), for filtering."""
    keys = ledger.admin_keys(1, name)
    return min(keys) if keys else None


def _write_incident(conn: Connection, record: dict[str, Any]) -> None:
    cols = _incident_columns(record)
    if conn.execute(_Q.incident_exists, {"iid": record["id"]}).first():
        conn.execute(_Q.update_incident, {**cols, "iid": record["id"]})
    else:
        conn.execute(sa.insert(incidents), cols)


def _revalidate_incident(conn: Connection, record: dict[str, Any]) -> None:
    """Replace the incident's violation links by testing it against ceasefires in force on its day."""
    conn.execute(_Q.delete_incident_violations, {"iid": record["id"]})
    if not record.get("date"):
        return
    day = date.fromisoformat(record["date"])
    rows = [(r.id, _decoded(r.record)) for r in conn.execute(_Q.ceasefires_in_force, {"day": day})]
    links = [{"ceasefire_id": cid, "incident_id": record["id"], "by_declarer": ledger.by_declarer(cf, record)}
             for cid, cf in rows if ledger.is_violation(cf, record)]
    if links:
        conn.execute(sa.insert(violations), links)


@lru_cache(maxsize=4096)
def _decoded(record_json: str) -> dict[str, Any]:
    """A ceasefire record read as text and decoded once per distinct text: every re-fused incident is
    tested against the ceasefires in force on its day, which are few and rarely change. Read-only."""
    return json.loads(record_json)


# ---- ceasefires ----------------------------------------------------------------------


def _add_ceasefire_claim(conn: Connection, report_id: int, index: int, cf: dict[str, Any],
                         meta: dict[str, Any]) -> str:
    key = ledger.ceasefire_key(meta["report_key"], index)
    start = ledger.start_of(cf)
    q = _cf_claim_select().where(ceasefire_claims.c.ceasefire_id.is_not(None))
    if start is not None:
        q = q.where(ceasefire_claims.c.start.between(start - timedelta(days=1), start + timedelta(days=1)))
    else:
        q = q.where(ceasefire_claims.c.start.is_(None))
    linked = {row.ceasefire_id for row in conn.execute(q) if ledger.same_ceasefire(cf, row.payload)}
    target = min(linked) if linked else "cf_" + key[:12]
    for other in linked - {target}:
        conn.execute(sa.update(ceasefire_claims).where(ceasefire_claims.c.ceasefire_id == other)
                     .values(ceasefire_id=target))
        _drop_ceasefire(conn, other)
    conn.execute(sa.insert(ceasefire_claims).values(claim_key=key, report_id=report_id, idx=index,
                                                    ceasefire_id=target, start=start, payload=cf))
    return target


def _cf_claim_select():
    return (sa.select(ceasefire_claims.c.claim_key, ceasefire_claims.c.ceasefire_id, ceasefire_claims.c.payload,
                      reports.c.content_hash, reports.c.doc_id, reports.c.url, reports.c.published)
            .join(reports, reports.c.id == ceasefire_claims.c.report_id))


_TERMS = ("declared_by", "announced_on", "effective_from", "effective_until", "area")


def _same_terms(old: dict[str, Any] | None, new: dict[str, Any]) -> bool:
    """Do two versions of a ceasefire flag the same incidents (same parties, dates and area)?"""
    return old is not None and all(old.get(k) == new.get(k) for k in _TERMS)


def _drop_ceasefire(conn: Connection, cid: str) -> None:
    conn.execute(sa.delete(violations).where(violations.c.ceasefire_id == cid))
    conn.execute(sa.delete(ceasefires).where(ceasefires.c.id == cid))


def _refresh_ceasefire(conn: Connection, cid: str) -> None:
    """Re-merge a ceasefire from its claims and re-test every incident in its period."""
    rows = conn.execute(_cf_claim_select().where(ceasefire_claims.c.ceasefire_id == cid)).all()
    claims = [{**r.payload, "claim_key": r.claim_key, "report_key": r.content_hash, "doc_id": r.doc_id,
               "url": r.url, "published": r.published.isoformat()} for r in rows]
    record = ledger.merge_ceasefires(claims)
    if record["id"] != cid:
        conn.execute(sa.update(ceasefire_claims).where(ceasefire_claims.c.ceasefire_id == cid)
                     .values(ceasefire_id=record["id"]))
    elif _same_terms(conn.execute(_Q.ceasefire_record, {"cid": cid}).scalar(), record):
        # Another report retelling the same truce: its terms, hence its violations, are unchanged.
        conn.execute(sa.update(ceasefires).where(ceasefires.c.id == cid).values(record=record))
        return
    _drop_ceasefire(conn, cid)
    start = ledger.start_of(record)
    until = date.fromisoformat(record["effective_until"]) if record.get("effective_until") else None
    conn.execute(sa.insert(ceasefires).values(id=record["id"], start=start, until=until, record=record))
    areas = ledger.resolve_area(record.get("area"))
    if start is None or not areas:
        return
    q = sa.select(incidents.c.id, incidents.c.record).where(incidents.c.date >= start)
    if until is not None:
        q = q.where(incidents.c.date <= until)
    if all(a.country for a in areas):  # zones and countries: only incidents in (or not yet placed in) that country
        q = q.where(sa.or_(incidents.c.country_key.in_(sorted({a.country for a in areas})),
                           incidents.c.country_key.is_(None)))
    links = [{"ceasefire_id": record["id"], "incident_id": r.id, "by_declarer": ledger.by_declarer(record, r.record)}
             for r in conn.execute(q) if ledger.is_violation(record, r.record)]
    if links:
        conn.execute(sa.insert(violations), links)


# ---- re-fusion -----------------------------------------------------------------------


def rebuild(store: Store) -> None:
    """Re-fuse every incident and re-merge every ceasefire from the stored claims, and re-test
    violations (e.g. after the fusion rules change). Corrections are kept: they are anchored to
    claims, not to incidents."""
    with store.engine.begin() as conn:
        _lock_writers(conn)
        for t in (violations, incidents, ceasefires):
            conn.execute(sa.delete(t))
        conn.execute(sa.update(incident_claims).values(incident_id=None))
        conn.execute(sa.update(ceasefire_claims).values(ceasefire_id=None))
        touched: set[str] = set()
        rows = conn.execute(sa.select(incident_claims.c.id, incident_claims.c.claim_key, incident_claims.c.payload,
                                      reports.c.content_hash, reports.c.doc_id, reports.c.url, reports.c.published)
                            .join(reports, reports.c.id == incident_claims.c.report_id)
                            .order_by(incident_claims.c.claim_key)).all()
        for r in rows:
            view = {**r.payload, "report_key": r.content_hash, "doc_id": r.doc_id, "url": r.url,
                    "published": r.published.isoformat(), "claim_key": r.claim_key}
            cols = _claim_columns(r.payload, view["published"])
            linked = {row.incident_id for row in _candidates(conn, view, cols)
                      if fuse.same_incident(view, _claim_dict(row))}
            target = min(linked) if linked else fuse.incident_id([r.claim_key])
            for other in linked - {target}:
                conn.execute(sa.update(incident_claims).where(incident_claims.c.incident_id == other)
                             .values(incident_id=target))
                touched.discard(other)
            conn.execute(sa.update(incident_claims).where(incident_claims.c.id == r.id).values(incident_id=target))
            touched.add(target)
        cf_rows = conn.execute(_cf_claim_select().add_columns(ceasefire_claims.c.id)
                               .order_by(ceasefire_claims.c.claim_key)).all()
        cf_touched: set[str] = set()
        for r in cf_rows:
            start = ledger.start_of(r.payload)
            q = sa.select(ceasefire_claims.c.ceasefire_id, ceasefire_claims.c.payload).where(
                ceasefire_claims.c.ceasefire_id.is_not(None))
            q = q.where(ceasefire_claims.c.start.between(start - timedelta(days=1), start + timedelta(days=1))
                        if start else ceasefire_claims.c.start.is_(None))
            linked = {row.ceasefire_id for row in conn.execute(q) if ledger.same_ceasefire(r.payload, row.payload)}
            target = min(linked) if linked else "cf_" + r.claim_key[:12]
            for other in linked - {target}:
                conn.execute(sa.update(ceasefire_claims).where(ceasefire_claims.c.ceasefire_id == other)
                             .values(ceasefire_id=target))
                cf_touched.discard(other)
            conn.execute(sa.update(ceasefire_claims).where(ceasefire_claims.c.id == r.id).values(ceasefire_id=target))
            cf_touched.add(target)
        for iid in sorted(touched):
            _refresh_incident(conn, iid)
        for cid in sorted(cf_touched):
            _refresh_ceasefire(conn, cid)


# ---- corrections ----------------------------------------------------------------------


def parse_value(raw: str) -> Any:
    """FIELD=VALUE values: JSON when they parse (12, null, 36.1), else the text itself."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _get(record: dict[str, Any], path: str) -> Any:
    head, _, rest = path.partition(".")
    return (record.get(head) or {}).get(rest) if rest else record.get(head)


def _set(record: dict[str, Any], path: str, value: Any) -> None:
    head, _, rest = path.partition(".")
    if rest:
        record[head] = {**(record.get(head) or {}), rest: value}
    else:
        record[head] = value


def _correction_dict(row) -> dict[str, Any]:
    return {"field": row.field, "value": row.value, "by": row.by, "note": row.note,
            "at": row.at.replace(tzinfo=row.at.tzinfo or timezone.utc).isoformat(timespec="seconds"),
            "incident_id": row.incident_id}


def apply_corrections(machine: dict[str, Any], fixes: list[dict[str, Any]]) -> dict[str, Any]:
    """The record analysts see: the latest correction of each field wins, and the machine's value
    is kept beside it under `machine`."""
    record = json.loads(json.dumps(machine))
    if not fixes:
        return record
    record["machine"] = {}
    for f in fixes:
        if f["field"] not in record["machine"]:
            record["machine"][f["field"]] = _get(machine, f["field"])
        _set(record, f["field"], f["value"])
    record["corrections"] = fixes
    return record


class UnknownIncident(LookupError):
    pass


def correct(store: Store, incident_id: str, field_name: str, value: Any, by: str, note: str | None = None) -> dict:
    """Record an analyst's override of one field; returns the corrected incident."""
    if field_name not in CORRECTABLE:
        raise ValueError(f"cannot correct {field_name!r}; correctable fields: {', '.join(CORRECTABLE)}")
    if field_name in _INT_FIELDS and value is not None and not isinstance(value, int):
        raise ValueError(f"{field_name} takes a whole number or null, not {value!r}")
    with store.engine.begin() as conn:
        _lock_writers(conn)
        current = _current_incident_id(conn, incident_id)
        anchor = conn.execute(sa.select(sa.func.min(incident_claims.c.claim_key))
                              .where(incident_claims.c.incident_id == current)).scalar_one()
        conn.execute(sa.insert(corrections).values(anchor_claim=anchor, incident_id=current, field=field_name,
                                                   value=value, by=by, note=note, at=datetime.now(timezone.utc)))
        final = _refresh_incident(conn, current)
    return get_incident(store, final)


def _current_incident_id(conn: Connection, incident_id: str) -> str:
    """The incident an id names now: itself, or (after a merge) the incident holding the claim it came from."""
    if conn.execute(sa.select(incidents.c.id).where(incidents.c.id == incident_id)).first():
        return incident_id
    prefix = incident_id.removeprefix("inc_")
    if prefix and re.fullmatch(r"[0-9a-f]+", prefix):
        row = conn.execute(sa.select(incident_claims.c.incident_id).where(
            incident_claims.c.claim_key.like(prefix + "%"))).first()
        if row and row[0]:
            return row[0]
    raise UnknownIncident(f"no incident {incident_id!r}")


# ---- queries ------------------------------------------------------------------------------


@dataclass
class IncidentFilter:
    since: date | None = None
    until: date | None = None
    country: str | None = None
    admin1: str | None = None
    perpetrator: str | None = None
    type: str | None = None
    near: tuple[float, float, float] | None = None  # lat, lon, km
    limit: int | None = None


def query_incidents(store: Store, f: IncidentFilter | None = None) -> list[dict[str, Any]]:
    """Fused incidents matching the filter, oldest first, each with its violation links."""
    return list(iter_incidents(store, f))


def _incident_query(f: IncidentFilter):
    q = sa.select(incidents.c.id, incidents.c.record)
    if f.since:
        q = q.where(incidents.c.date >= f.since)
    if f.until:
        q = q.where(incidents.c.date <= f.until)
    if f.country:
        q = q.where(incidents.c.country_key == ledger.plain(f.country))
    if f.admin1:
        q = q.where(incidents.c.admin1_key == admin1_key(f.admin1))
    if f.perpetrator:
        q = q.where(incidents.c.perpetrator_key == ledger.plain(f.perpetrator))
    if f.type:
        q = q.where(incidents.c.type == f.type)
    if f.near:
        lat, lon, km = f.near
        dlat = km / 110.5
        dlon = km / max(1e-6, 111.32 * math.cos(math.radians(min(89.9, abs(lat) + dlat))))
        q = q.where(incidents.c.lat.between(lat - dlat, lat + dlat), incidents.c.lon.between(lon - dlon, lon + dlon))
        cells = cells_covering(lat - dlat, lat + dlat, lon - dlon, lon + dlon)
        if cells is not None:
            q = q.where(incidents.c.cell.in_(cells))
    q = q.order_by(incidents.c.date.asc().nulls_last(), incidents.c.id)
    if f.limit and not f.near:
        q = q.limit(f.limit)
    return q


def iter_incidents(store: Store, f: IncidentFilter | None = None, chunk: int = 2000) -> Iterator[dict[str, Any]]:
    """Like `query_incidents`, but streamed in chunks, so exporting a million incidents
    does not hold them all in memory."""
    f = f or IncidentFilter()
    sent = 0
    with store.engine.connect() as conn, store.engine.connect() as links_conn:
        result = conn.execution_options(stream_results=True, yield_per=chunk).execute(_incident_query(f))
        for part in result.partitions(chunk):
            if f.near:
                lat, lon, km = f.near
                part = [r for r in part if fuse.km_between(lat, lon, r.record["location"]["lat"],
                                                           r.record["location"]["lon"]) <= km]
            if f.limit:
                part = part[: max(0, f.limit - sent)]
            links = _violation_links(links_conn, [r.id for r in part])
            for r in part:
                yield {**r.record, "violations": links.get(r.id, [])}
            sent += len(part)
            if f.limit and sent >= f.limit:
                break


def _violation_links(conn: Connection, ids: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for chunk in range(0, len(ids), 500):
        part = ids[chunk:chunk + 500]
        for r in conn.execute(sa.select(violations.c.incident_id, violations.c.ceasefire_id)
                              .where(violations.c.incident_id.in_(part)).order_by(violations.c.ceasefire_id)):
            out.setdefault(r.incident_id, []).append(r.ceasefire_id)
    return out


def get_incident(store: Store, incident_id: str) -> dict[str, Any]:
    with store.engine.connect() as conn:
        current = _current_incident_id(conn, incident_id)
        row = conn.execute(sa.select(incidents.c.id, incidents.c.record).where(incidents.c.id == current)).one()
        links = _violation_links(conn, [row.id])
    return {**row.record, "violations": links.get(row.id, [])}


def query_ceasefires(store: Store) -> list[dict[str, Any]]:
    """Merged ceasefires with their possible violations: how many, how many by the declarers
    themselves, and the casualties in them (sums of the incidents' best, low and high figures)."""
    q = (sa.select(violations.c.ceasefire_id, violations.c.by_declarer, incidents.c.record)
         .join(incidents, incidents.c.id == violations.c.incident_id))
    sums: dict[str, dict[str, int]] = {}
    with store.engine.connect() as conn:
        for r in conn.execute(q):
            acc = sums.setdefault(r.ceasefire_id, {"violations": 0, "violations_by_declarers": 0,
                                                   "violations_killed": 0, "violations_killed_low": 0,
                                                   "violations_killed_high": 0, "violations_injured": 0})
            acc["violations"] += 1
            acc["violations_by_declarers"] += bool(r.by_declarer)
            for key, f in (("violations_killed", "killed"), ("violations_killed_low", "killed_low"),
                           ("violations_killed_high", "killed_high"), ("violations_injured", "injured")):
                acc[key] += r.record.get(f) or 0
        rows = conn.execute(sa.select(ceasefires.c.id, ceasefires.c.record)
                            .order_by(ceasefires.c.start.asc().nulls_last(), ceasefires.c.id)).all()
    empty = {"violations": 0, "violations_by_declarers": 0, "violations_killed": 0, "violations_killed_low": 0,
             "violations_killed_high": 0, "violations_injured": 0}
    return [{**r.record, **sums.get(r.id, empty)} for r in rows]


def query_violations(store: Store, ceasefire_id: str | None = None) -> list[dict[str, Any]]:
    """Every (ceasefire, incident) possible-violation link with what an analyst needs to judge it."""
    q = (sa.select(violations.c.ceasefire_id, violations.c.by_declarer, incidents.c.record, ceasefires.c.record.label("cf"))
         .join(incidents, incidents.c.id == violations.c.incident_id)
         .join(ceasefires, ceasefires.c.id == violations.c.ceasefire_id)
         .order_by(violations.c.ceasefire_id, incidents.c.date, incidents.c.id))
    if ceasefire_id:
        q = q.where(violations.c.ceasefire_id == ceasefire_id)
    out = []
    with store.engine.connect() as conn:
        for r in conn.execute(q):
            inc = r.record
            out.append({"ceasefire_id": r.ceasefire_id, "declared_by": r.cf["declared_by"],
                        "area": r.cf["area"], "incident_id": inc["id"], "date": inc["date"], "type": inc["type"],
                        "place": (inc.get("location") or {}).get("name"),
                        "admin1": (inc.get("location") or {}).get("admin1"),
                        "perpetrator": inc.get("perpetrator"), "by_declarer": bool(r.by_declarer),
                        "killed": inc.get("killed"), "killed_low": inc.get("killed_low"),
                        "killed_high": inc.get("killed_high"), "grade": inc.get("grade")})
    return out


def stats(store: Store) -> dict[str, int]:
    with store.engine.connect() as conn:
        count = lambda t: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()  # noqa: E731
        return {"reports": count(reports), "incidents": count(incidents), "ceasefires": count(ceasefires),
                "violations": count(violations), "corrections": count(corrections)}


def bulk_insert_incidents(store: Store, records: Iterable[dict[str, Any]], batch: int = 20_000) -> int:
    """Load already-fused incident records as they are (benchmarks, restores); no fusion, no ledger."""
    n = 0
    buf: list[dict[str, Any]] = []
    with store.engine.begin() as conn:
        for rec in records:
            buf.append(_incident_columns(rec))
            if len(buf) >= batch:
                conn.execute(sa.insert(incidents), buf)
                n += len(buf)
                buf = []
        if buf:
            conn.execute(sa.insert(incidents), buf)
            n += len(buf)
    return n


def analyze(store: Store) -> None:
    """Refresh the planner's statistics (after bulk loads), so filtered queries pick the right index."""
    with store.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")


