"""Syndicated near-copies: MinHash signatures and LSH band buckets kept in the database."""
from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from vigil.store.bulk import insert_rows
from vigil.store.schema import incident_claims, near_copies, report_bands, reports

NEAR_COPY_THRESHOLD = 0.5  # estimated Jaccard of word 3-shingles; a lightly edited reprint scores ~0.7
NUM_PERM = 128
MINHASH_SCHEME = "affine32"  # stored signatures are only comparable within one datasketch scheme
SHINGLE = 3
# A syndicated copy is published within days of its original. Reports further apart are not
# compared: short templated reports (truce announcements, commentary) share most of their
# shingles with hundreds of others, and without a bound every new one was compared with, and
# chained into the copy groups of, a share of everything stored before it (on a generated corpus,
# 4.9 candidates and 0.51 matches per report at 20,000 reports and growing linearly; within 30
# days, 0.28 matches, level from 10,000 on).
NEAR_COPY_DAYS = 30


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


class _Q:
    # Reports sharing a bucket, published within the batch's window, read off the band key alone: a
    # templated corpus puts a share of everything stored in the same buckets, so without the window in
    # the key the rows read (and the lookups of their reports' days) grew with the store.
    bands_by_bucket = (sa.select(report_bands.c.band, report_bands.c.bucket, report_bands.c.report_id,
                                 report_bands.c.published)
                       .where(report_bands.c.bucket.in_(sa.bindparam("buckets", expanding=True)),
                              report_bands.c.published.between(sa.bindparam("lo"), sa.bindparam("hi"))))
    bands_by_bucket_array = sa.text("SELECT band, bucket, report_id, published FROM report_bands "
                                    "WHERE bucket = ANY(CAST(:buckets AS bigint[])) AND published BETWEEN :lo AND :hi"
                                    ).bindparams(sa.bindparam("lo", type_=sa.Date), sa.bindparam("hi", type_=sa.Date))


def store_bands(conn: Connection, signed: list[tuple[int, object, date]]) -> dict[int, set[int]]:
    """Persist the LSH band buckets of reports (id, MinHash, published) in one multi-row insert, and return
    for each the reports stored before it (smaller id), published within `NEAR_COPY_DAYS` of it, that share
    a band bucket: its near-copy candidates."""
    buckets = {rid: _band_buckets(mh) for rid, mh, _ in signed}
    published = {rid: day for rid, _, day in signed}
    rows = [{"band": b, "bucket": k, "report_id": rid, "published": published[rid]}
            for rid, bs in buckets.items() for b, k in bs]
    if not rows:
        return {}
    insert_rows(conn, report_bands, rows)
    window = timedelta(days=NEAR_COPY_DAYS)
    span = {"lo": min(published.values()) - window, "hi": max(published.values()) + window}
    sharing: dict[tuple[int, int], list[tuple[int, date]]] = {}
    wanted = sorted({k for bs in buckets.values() for _, k in bs})
    if conn.dialect.name == "postgresql":  # one array parameter: no IN list of thousands to render and parse
        parts = [{"buckets": wanted, **span}]
        query = _Q.bands_by_bucket_array
    else:
        parts = [{"buckets": wanted[i:i + 500], **span} for i in range(0, len(wanted), 500)]
        query = _Q.bands_by_bucket
    for part in parts:
        for r in conn.execute(query, part):
            sharing.setdefault((r.band, r.bucket), []).append((r.report_id, r.published))
    return {rid: {o for b in bs for o, day in sharing.get(b, ())
                  if o < rid and abs(day - published[rid]) <= window} for rid, bs in buckets.items()}


def _link_near_copies(conn: Connection, report_id: int, h: str, published: date, mh,
                      cand_ids: set[int]) -> tuple[bool, set[str]]:
    """Link the report to the candidates (from `store_bands`) it nearly copies, and merge their copy groups.
    Returns (is a near-copy, incidents whose independence count may have changed)."""
    if not cand_ids:
        return False, set()
    window = timedelta(days=NEAR_COPY_DAYS)
    rows = conn.execute(sa.select(reports.c.id, reports.c.minhash, reports.c.copy_group, reports.c.published,
                                  reports.c.content_hash).where(
        reports.c.id.in_(sorted(cand_ids)), reports.c.published.between(published - window, published + window))).all()
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
    # One lookup per group on (copy_group, published): groups of templated reports chain through the
    # window to thousands of members, and reading each member's row per new report grew with the store.
    firsts = [conn.execute(sa.select(sa.func.min(reports.c.published)).where(reports.c.copy_group == g)).scalar()
              for g in sorted(old_groups)]
    first_before = min((d for d in firsts if d is not None), default=None)
    renamed = (old_groups | {h}) - {group}  # the members already in `group` keep their rows untouched
    conn.execute(sa.update(reports).where(reports.c.copy_group.in_(sorted(renamed))).values(copy_group=group))
    if len(old_groups) == 1 and first_before is not None and published > first_before:
        # A later copy joining one group: the group's other incidents keep their sources and original;
        # only the incidents this report's own claims touch (refreshed by the caller) change.
        return True, set()
    members = sa.select(reports.c.id).where(reports.c.copy_group == group)
    touched = {r[0] for r in conn.execute(
        sa.select(incident_claims.c.incident_id).where(incident_claims.c.report_id.in_(members),
                                                       incident_claims.c.incident_id.is_not(None)).distinct())}
    return True, touched
