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
from vigil.store.schema import (ceasefire_claims, ceasefires, corrections, incident_actors, incident_claims,
                                incidents, reports, violations)


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
        incident_claims.c.type.in_(sa.bindparam("types", expanding=True)),
        incident_claims.c.fuse_date.between(sa.bindparam("lo"), sa.bindparam("hi")),
        incident_claims.c.incident_id.is_not(None),
        sa.or_(incident_claims.c.gazetteer_id == sa.bindparam("gid"),
               incident_claims.c.name_key.in_(sa.bindparam("keys", expanding=True)),
               incident_claims.c.matched_key.in_(sa.bindparam("keys", expanding=True)),
               incident_claims.c.skeleton_key == sa.bindparam("skel"),
               sa.and_(incident_claims.c.lat.between(sa.bindparam("lat_lo"), sa.bindparam("lat_hi")),
                       incident_claims.c.lon.between(sa.bindparam("lon_lo"), sa.bindparam("lon_hi")))))
    claims_of_incident = _claim_select().where(incident_claims.c.incident_id == sa.bindparam("iid"))
    corrections_of = (sa.select(corrections).where(corrections.c.anchor_claim.in_(sa.bindparam("keys", expanding=True)),
                                                   corrections.c.undone_at.is_(None))
                      .order_by(corrections.c.at, corrections.c.id))
    split_keys = sa.select(corrections.c.anchor_claim).where(corrections.c.field == "split",
                                                             corrections.c.undone_at.is_(None))
    delete_actors = sa.delete(incident_actors).where(incident_actors.c.incident_id == sa.bindparam("iid"))
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
        "types": list(fuse.fusable_types(cols["type"])), "lo": lo, "hi": hi, "gid": cols["gazetteer_id"], "keys": keys or [""],
        "skel": cols["skeleton_key"],
        "lat_lo": None if lat is None else lat - dlat, "lat_hi": None if lat is None else lat + dlat,
        "lon_lo": None if lon is None else lon - dlon, "lon_hi": None if lon is None else lon + dlon}).all()


def _add_incident_claim(conn: Connection, report_id: int, index: int, claim: dict[str, Any],
                        meta: dict[str, Any]) -> str:
    """Insert one claim, merging every incident it matches; returns its (provisional) incident id."""
    key = fuse.claim_key(meta["report_key"], index)
    view = {**claim, **meta, "claim_key": key}
    cols = _claim_columns(claim, meta["published"])
    linked = _linked_incidents(conn, view, cols)
    target = min(linked) if linked else fuse.incident_id([key])
    for other in linked - {target}:
        conn.execute(sa.update(incident_claims).where(incident_claims.c.incident_id == other)
                     .values(incident_id=target))
        _drop_incident(conn, other)
    conn.execute(sa.insert(incident_claims).values(claim_key=key, report_id=report_id, idx=index,
                                                   incident_id=target, payload=claim, **cols))
    return target


def _linked_incidents(conn: Connection, view: dict[str, Any], cols: dict[str, Any]) -> set[str]:
    """Incidents a claim belongs with; a claim an analyst split off is never joined again."""
    rows = [row for row in _candidates(conn, view, cols) if fuse.same_incident(view, _claim_dict(row))]
    if rows:
        split = {r[0] for r in conn.execute(_Q.split_keys)}
        rows = [row for row in rows if row.claim_key not in split]
    return {row.incident_id for row in rows}


def _drop_incident(conn: Connection, iid: str) -> None:
    conn.execute(_Q.delete_incident_violations, {"iid": iid})
    conn.execute(_Q.delete_actors, {"iid": iid})
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
    record = apply_corrections(machine, [_correction_dict(f) for f in fixes if (f.kind or "incident") == "incident"])
    if record.get("status") == "rejected":  # not an incident: kept in the claims and the history only
        _drop_incident(conn, final)
        return final
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


def actor_keys(perpetrator: str | None, perpetrators: list[dict[str, Any]] | None = None) -> set[str]:
    """Filter keys of every actor an incident is attributed to, jointly ("Syrian government; Russia")
    or by any source, under its canonical name ("Russian forces" -> russia)."""
    names = [perpetrator or ""] + [p.get("perpetrator") or "" for p in perpetrators or []]
    return {_actor_key(part.strip()) for n in names for part in n.split(";")} - {""}


@lru_cache(maxsize=16384)
def _actor_key(name: str) -> str:
    from vigil.lexicon import canonical_actor

    return ledger.plain(canonical_actor(name) or name) if name else ""


def _write_incident(conn: Connection, record: dict[str, Any]) -> None:
    cols = _incident_columns(record)
    if conn.execute(_Q.incident_exists, {"iid": record["id"]}).first():
        conn.execute(_Q.update_incident, {**cols, "iid": record["id"]})
        conn.execute(_Q.delete_actors, {"iid": record["id"]})
    else:
        conn.execute(sa.insert(incidents), cols)
    keys = actor_keys(record.get("perpetrator"), record.get("perpetrators"))
    if keys:
        conn.execute(sa.insert(incident_actors), [{"incident_id": record["id"], "actor_key": k} for k in sorted(keys)])


def _revalidate_incident(conn: Connection, record: dict[str, Any]) -> None:
    """Replace the incident's violation links by testing it against ceasefires in force on its day."""
    conn.execute(_Q.delete_incident_violations, {"iid": record["id"]})
    if not record.get("date"):
        return
    day = date.fromisoformat(record["date"])
    rows = [_decoded(r.record) for r in conn.execute(_Q.ceasefires_in_force, {"day": day})]
    links = [_violation_row(cf, record) for cf in rows if ledger.is_violation(cf, record)]
    if links:
        conn.execute(sa.insert(violations), links)


def _violation_row(cf: dict[str, Any], incident: dict[str, Any]) -> dict[str, Any]:
    return {"ceasefire_id": cf["id"], "incident_id": incident["id"], "by_declarer": ledger.by_declarer(cf, incident),
            "strength": ledger.violation_strength(cf, incident), "reason": ledger.violation_reason(cf, incident)}


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


_TERMS = ("declared_by", "announced_on", "effective_from", "effective_until", "area", "area_used", "status")


def _same_terms(old: dict[str, Any] | None, new: dict[str, Any]) -> bool:
    """Do two versions of a ceasefire flag the same incidents (same parties, dates and area)?"""
    return old is not None and all(old.get(k) == new.get(k) for k in _TERMS)


def _drop_ceasefire(conn: Connection, cid: str) -> None:
    conn.execute(sa.delete(violations).where(violations.c.ceasefire_id == cid))
    conn.execute(sa.delete(ceasefires).where(ceasefires.c.id == cid))


def _refresh_ceasefire(conn: Connection, cid: str) -> str | None:
    """Re-merge a ceasefire from its claims and apply corrections. Returns its id when its terms
    changed (its end and violations are then set by `_settle_ledger`), else None."""
    rows = conn.execute(_cf_claim_select().where(ceasefire_claims.c.ceasefire_id == cid)).all()
    if not rows:
        _drop_ceasefire(conn, cid)
        return None
    claims = [{**r.payload, "claim_key": r.claim_key, "report_key": r.content_hash, "doc_id": r.doc_id,
               "url": r.url, "published": r.published.isoformat()} for r in rows]
    machine = ledger.merge_ceasefires(claims)
    fixes = conn.execute(_Q.corrections_of, {"keys": [c["claim_key"] for c in claims]}).all()
    record = ledger.finish(apply_corrections(machine, [_correction_dict(f) for f in fixes if f.kind == "ceasefire"]))
    if record["id"] != cid:
        conn.execute(sa.update(ceasefire_claims).where(ceasefire_claims.c.ceasefire_id == cid)
                     .values(ceasefire_id=record["id"]))
        _drop_ceasefire(conn, cid)
    old = conn.execute(_Q.ceasefire_record, {"cid": record["id"]}).scalar()
    if _same_terms(old, record):
        # Another report retelling the same truce: its terms, hence its violations, are unchanged
        # (its end may move with the horizon: `_settle_ledger` sees to that).
        record.update({k: old[k] for k in ("in_force_until", "ended_by") if k in old})
        conn.execute(sa.update(ceasefires).where(ceasefires.c.id == record["id"]).values(record=record))
        return None
    _drop_ceasefire(conn, record["id"])
    conn.execute(sa.insert(ceasefires).values(id=record["id"], start=_binding_start(record), until=None,
                                              record=record))
    return record["id"]


def _binding_start(record: dict[str, Any]) -> date | None:
    return None if record.get("status") == "not a ceasefire" else ledger.start_of(record)


def _settle_ledger(conn: Connection, changed: set[str]) -> None:
    """Set when each truce stops binding (`ledger.settle`: stated end, collapse, supersession,
    horizon) and re-link the violations of every ceasefire whose terms or end changed."""
    rows = conn.execute(sa.select(ceasefires.c.id, ceasefires.c.record)).all()
    records = [r.record for r in rows]
    ends = ledger.settle(records)
    for rec in records:
        until, why = ends.get(rec["id"], (None, None))
        if rec["id"] not in changed and "in_force_until" in rec and rec["in_force_until"] == until \
                and rec.get("ended_by") == why:
            continue
        new = {**rec, "in_force_until": until, "ended_by": why}
        conn.execute(sa.update(ceasefires).where(ceasefires.c.id == rec["id"]).values(
            record=new, start=_binding_start(new), until=date.fromisoformat(until) if until else None))
        _link_ceasefire(conn, new)


def _link_ceasefire(conn: Connection, record: dict[str, Any]) -> None:
    """Replace a ceasefire's violation links: incidents inside its area while it was in force."""
    conn.execute(sa.delete(violations).where(violations.c.ceasefire_id == record["id"]))
    start = _binding_start(record)
    areas = ledger.areas_of(record)
    if start is None or not any(a.placed for a in areas):
        return
    until = record.get("in_force_until")
    q = sa.select(incidents.c.id, incidents.c.record).where(incidents.c.date >= start)
    if until is not None:
        q = q.where(incidents.c.date <= date.fromisoformat(until))
    if all(a.country for a in areas):  # zones and countries: only incidents in (or not yet placed in) that country
        q = q.where(sa.or_(incidents.c.country_key.in_(sorted({a.country for a in areas})),
                           incidents.c.country_key.is_(None)))
    links = [_violation_row(record, r.record) for r in conn.execute(q) if ledger.is_violation(record, r.record)]
    if links:
        conn.execute(sa.insert(violations), links)


# ---- re-fusion -----------------------------------------------------------------------


def rebuild(store: Store) -> None:
    """Re-fuse every incident and re-merge every ceasefire from the stored claims, and re-test
    violations (e.g. after the fusion rules change). Corrections are kept: they are anchored to
    claims, not to incidents."""
    with store.engine.begin() as conn:
        _lock_writers(conn)
        _rebuild(conn)


def _rebuild(conn: Connection) -> None:
    """`rebuild` inside a writer's transaction: claims of withdrawn reports count nowhere; analysts'
    splits stay apart and their merges together."""
    for t in (violations, incident_actors, incidents, ceasefires):
        conn.execute(sa.delete(t))
    conn.execute(sa.update(incident_claims).values(incident_id=None))
    conn.execute(sa.update(ceasefire_claims).values(ceasefire_id=None))
    live = sa.or_(reports.c.withdrawn.is_(None), reports.c.withdrawn.is_(False))
    split = {r[0] for r in conn.execute(_Q.split_keys)}
    touched: set[str] = set()
    rows = conn.execute(sa.select(incident_claims.c.id, incident_claims.c.claim_key, incident_claims.c.payload,
                                  reports.c.content_hash, reports.c.doc_id, reports.c.url, reports.c.published)
                        .join(reports, reports.c.id == incident_claims.c.report_id).where(live)
                        .order_by(incident_claims.c.claim_key)).all()
    for r in rows:
        view = {**r.payload, "report_key": r.content_hash, "doc_id": r.doc_id, "url": r.url,
                "published": r.published.isoformat(), "claim_key": r.claim_key}
        cols = _claim_columns(r.payload, view["published"])
        linked = set() if r.claim_key in split else _linked_incidents(conn, view, cols)
        target = min(linked) if linked else fuse.incident_id([r.claim_key])
        for other in linked - {target}:
            conn.execute(sa.update(incident_claims).where(incident_claims.c.incident_id == other)
                         .values(incident_id=target))
            touched.discard(other)
        conn.execute(sa.update(incident_claims).where(incident_claims.c.id == r.id).values(incident_id=target))
        touched.add(target)
    merges = conn.execute(sa.select(corrections.c.anchor_claim, corrections.c.value).where(
        corrections.c.field == "merge", corrections.c.undone_at.is_(None)).order_by(corrections.c.id)).all()
    for m in merges:
        ids = {conn.execute(sa.select(incident_claims.c.incident_id).where(incident_claims.c.claim_key == k))
               .scalar() for k in (m.anchor_claim, m.value)} - {None}
        if len(ids) == 2:
            keep = min(ids)
            conn.execute(sa.update(incident_claims).where(incident_claims.c.incident_id.in_(ids - {keep}))
                         .values(incident_id=keep))
            touched -= ids - {keep}
    cf_rows = conn.execute(_cf_claim_select().add_columns(ceasefire_claims.c.id).where(live)
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
    changed = {_refresh_ceasefire(conn, cid) for cid in sorted(cf_touched)} - {None}
    _settle_ledger(conn, changed)


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
    return {"id": row.id, "field": row.field, "value": row.value, "by": row.by, "note": row.note,
            "at": row.at.replace(tzinfo=row.at.tzinfo or timezone.utc).isoformat(timespec="seconds"),
            "incident_id": row.incident_id}


STRUCTURAL = ("merge", "split")  # corrections of how claims group, not of a field
_RANGE_OF = {"killed": ("killed_low", "killed_high", "killed_best")}


def apply_corrections(machine: dict[str, Any], fixes: list[dict[str, Any]]) -> dict[str, Any]:
    """The record analysts see: the latest correction of each field wins, and the machine's value
    is kept beside it under `machine`. A corrected toll is the whole range (`killed=12` sets
    killed_low/high/best to 12 unless those are corrected too), so every export shows it."""
    record = json.loads(json.dumps(machine))
    if not fixes:
        return record
    record["machine"] = {}
    fields = [f for f in fixes if f["field"] not in STRUCTURAL]
    explicit = {f["field"] for f in fields}
    for f in fields:
        implied = [k for k in _RANGE_OF.get(f["field"], ()) if k not in explicit and k in machine]
        for path in [f["field"], *implied]:
            if path not in record["machine"]:
                record["machine"][path] = _get(machine, path)
            _set(record, path, f["value"])
    if not record["machine"]:
        del record["machine"]
    record["corrections"] = fixes
    return record
