"""Fusion writes: claims into incidents and ceasefires, corrections applied, violations linked.

Everything here runs inside a writer's transaction (a `Connection`); the rules themselves are the
pure functions of `vigil.fuse` and `vigil.ledger`."""
from __future__ import annotations

import json
import math
from datetime import date, timedelta, timezone
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from vigil import fuse, ledger
from vigil.store.engine import Store, _lock_writers
from vigil.store.schema import (ceasefire_claims, ceasefires, corrections, incident_claims, incidents, reports,
                                violations)


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
        "killed_low": record.get("killed_low"),
        "killed_high": record.get("killed_high"),
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


# ---- the record analysts see ---------------------------------------------------------


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
