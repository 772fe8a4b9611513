"""Analysts' corrections: validated overrides anchored to a claim, so they survive re-fusion.

Every correction is one row (who, when, why), whatever it does: set a field of an incident or a
ceasefire, reject an incident ("not an incident") or a ceasefire ("not a ceasefire"), merge two
incidents, split a report's claim off an incident, or withdraw (delete) a report. Any of them can be
undone; the row stays, marked undone, so `history` tells the whole story. Field values are checked
against the codebook before anything is written.
"""
from __future__ import annotations

import json
import re
from datetime import date, datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from vigil import fuse
from vigil.model import INCIDENT_TYPES, PRECISIONS, QUALIFIERS, VICTIMS
from vigil.store.engine import Store, _lock_writers
from vigil.store.fusion import (_correction_dict, _drop_incident, _rebuild, _refresh_ceasefire, _refresh_incident,
                                _settle_ledger)
from vigil.store.queries import (UnknownIncident, _current_ceasefire_id, _current_incident_id, get_ceasefire,
                                 get_incident)
from vigil.store.schema import ceasefire_claims, corrections, incident_claims, reports

GRADES = ("confirmed", "fair", "weak", "contested")
GEO_PRECISIONS = ("place", "district", "province", "country")
CORRECTABLE = ("date", "date_precision", "type", "perpetrator", "killed", "killed_qualifier", "injured", "victims",
               "children_killed", "women_killed", "killed_low", "killed_high", "killed_best", "grade",
               "location.name", "location.matched_name", "location.admin1", "location.admin2",
               "location.country", "location.lat", "location.lon", "location.geo_precision")
CEASEFIRE_CORRECTABLE = ("declared_by", "announced_on", "effective_from", "effective_until", "area")
_INT_FIELDS = {"killed", "injured", "children_killed", "women_killed", "killed_low", "killed_high", "killed_best"}
_CHOICES = {"type": INCIDENT_TYPES, "date_precision": PRECISIONS + ("unknown",), "killed_qualifier": QUALIFIERS,
            "victims": VICTIMS, "grade": GRADES, "location.geo_precision": GEO_PRECISIONS}
_DATE_FIELDS = {"date", "announced_on", "effective_from", "effective_until"}
_RANGES = {"location.lat": (-90.0, 90.0), "location.lon": (-180.0, 180.0)}


class CorrectionError(ValueError):
    """A correction that cannot be made as asked (bad field or value); nothing was written."""


def parse_value(raw: str) -> Any:
    """FIELD=VALUE values: JSON when they parse (12, null, 36.1), else the text itself."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def validate(field_name: str, value: Any, kind: str = "incident") -> Any:
    """The value to store for FIELD, checked against the codebook; raises `CorrectionError` saying
    what is allowed."""
    allowed = CORRECTABLE if kind == "incident" else CEASEFIRE_CORRECTABLE
    if field_name not in allowed:
        raise CorrectionError(f"cannot correct {field_name!r} of a {kind}; correctable fields: {', '.join(allowed)}")
    if value is None:
        return None
    if field_name in _INT_FIELDS:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise CorrectionError(f"{field_name} takes a whole number of 0 or more, or null, not {value!r}")
        return value
    if field_name in _CHOICES:
        choice = str(value).strip().lower()
        if choice not in _CHOICES[field_name]:
            raise CorrectionError(f"{field_name} must be one of {', '.join(_CHOICES[field_name])}, not {value!r}")
        return choice
    if field_name in _DATE_FIELDS:
        try:
            return date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise CorrectionError(f"{field_name} takes a real date as YYYY-MM-DD, not {value!r}") from None
    if field_name in _RANGES:
        lo, hi = _RANGES[field_name]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= value <= hi:
            raise CorrectionError(f"{field_name} takes a number from {lo:g} to {hi:g}, not {value!r}")
        return float(value)
    if field_name == "declared_by":
        parts = value if isinstance(value, list) else re.split(r"\s*;\s*", str(value))
        return sorted({str(p).strip() for p in parts if str(p).strip()})
    return str(value)


def _is_ceasefire_id(target: str) -> bool:
    return target.startswith("cf_")


def _insert(conn: Connection, *, anchor: str, target: str, field_name: str, value: Any, by: str,
            note: str | None, kind: str) -> int:
    return conn.execute(sa.insert(corrections).values(
        anchor_claim=anchor, incident_id=target[:16], field=field_name, value=value, by=by, note=note,
        at=datetime.now(timezone.utc), kind=kind)).inserted_primary_key[0]


def _incident_anchor(conn: Connection, iid: str) -> str:
    return conn.execute(sa.select(sa.func.min(incident_claims.c.claim_key))
                        .where(incident_claims.c.incident_id == iid)).scalar_one()


def _ceasefire_anchor(conn: Connection, cid: str) -> str:
    return conn.execute(sa.select(sa.func.min(ceasefire_claims.c.claim_key))
                        .where(ceasefire_claims.c.ceasefire_id == cid)).scalar_one()


def correct(store: Store, target_id: str, field_name: str, value: Any, by: str, note: str | None = None) -> dict:
    """Record an analyst's override of one field of an incident (`inc_...`) or a ceasefire (`cf_...`);
    returns the corrected record, with the machine value kept under `machine`."""
    if _is_ceasefire_id(target_id):
        value = validate(field_name, value, "ceasefire")
        with store.engine.begin() as conn:
            _lock_writers(conn)
            cid = _current_ceasefire_id(conn, target_id)
            _insert(conn, anchor=_ceasefire_anchor(conn, cid), target=cid, field_name=field_name, value=value,
                    by=by, note=note, kind="ceasefire")
            _settle_ledger(conn, {_refresh_ceasefire(conn, cid)} - {None})
        return get_ceasefire(store, cid)
    value = validate(field_name, value)
    with store.engine.begin() as conn:
        _lock_writers(conn)
        current = _current_incident_id(conn, target_id)
        _insert(conn, anchor=_incident_anchor(conn, current), target=current, field_name=field_name, value=value,
                by=by, note=note, kind="incident")
        final = _refresh_incident(conn, current)
    return get_incident(store, final)


def reject(store: Store, target_id: str, by: str, note: str | None = None) -> str:
    """Mark an incident "not an incident" or a ceasefire "not a ceasefire": it leaves every output
    (a ceasefire stops flagging) but stays in the claims and the history. Returns the id."""
    with store.engine.begin() as conn:
        _lock_writers(conn)
        if _is_ceasefire_id(target_id):
            cid = _current_ceasefire_id(conn, target_id)
            _insert(conn, anchor=_ceasefire_anchor(conn, cid), target=cid, field_name="status",
                    value="not a ceasefire", by=by, note=note, kind="ceasefire")
            _settle_ledger(conn, {_refresh_ceasefire(conn, cid)} - {None})
            return cid
        iid = _current_incident_id(conn, target_id)
        _insert(conn, anchor=_incident_anchor(conn, iid), target=iid, field_name="status", value="rejected",
                by=by, note=note, kind="incident")
        _refresh_incident(conn, iid)
        return iid


def merge(store: Store, first_id: str, second_id: str, by: str, note: str | None = None) -> dict:
    """Make two incidents one (their claims fuse together from now on, also after `rebuild`)."""
    with store.engine.begin() as conn:
        _lock_writers(conn)
        a, b = _current_incident_id(conn, first_id), _current_incident_id(conn, second_id)
        if a == b:
            raise CorrectionError(f"{first_id} and {second_id} are already one incident ({a})")
        _insert(conn, anchor=_incident_anchor(conn, a), target=a, field_name="merge",
                value=_incident_anchor(conn, b), by=by, note=note, kind="incident")
        keep = min(a, b)
        conn.execute(sa.update(incident_claims).where(incident_claims.c.incident_id.in_([a, b]))
                     .values(incident_id=keep))
        _drop_incident(conn, max(a, b))
        final = _refresh_incident(conn, keep)
    return get_incident(store, final)


def split(store: Store, incident_id: str, claim: str, by: str, note: str | None = None) -> tuple[dict, dict]:
    """Take one report's claim out of an incident into an incident of its own (it is never joined
    again). `claim` is a source's `doc_id` or a claim key. Returns (what is left, the new incident)."""
    with store.engine.begin() as conn:
        _lock_writers(conn)
        iid = _current_incident_id(conn, incident_id)
        rows = conn.execute(sa.select(incident_claims.c.claim_key, reports.c.doc_id)
                            .join(reports, reports.c.id == incident_claims.c.report_id)
                            .where(incident_claims.c.incident_id == iid)).all()
        chosen = [r.claim_key for r in rows if claim in (r.claim_key, r.doc_id)]
        if len(rows) < 2:
            raise CorrectionError(f"{iid} rests on one claim; there is nothing to split off")
        if len(chosen) != 1:
            listed = ", ".join(sorted(f"{r.doc_id} ({r.claim_key})" for r in rows))
            raise CorrectionError(f"{claim!r} names {'no' if not chosen else 'more than one'} claim of {iid}; "
                                  f"its claims: {listed}")
        key = chosen[0]
        _insert(conn, anchor=key, target=iid, field_name="split", value=key, by=by, note=note, kind="incident")
        new_id = fuse.incident_id([key])
        rest_id = fuse.incident_id([r.claim_key for r in rows if r.claim_key != key])
        conn.execute(sa.update(incident_claims).where(incident_claims.c.incident_id == iid,
                                                      incident_claims.c.claim_key != key).values(incident_id=rest_id))
        conn.execute(sa.update(incident_claims).where(incident_claims.c.claim_key == key).values(incident_id=new_id))
        if iid not in (rest_id, new_id):
            _drop_incident(conn, iid)
        rest = _refresh_incident(conn, rest_id)
        alone = _refresh_incident(conn, new_id)
    return get_incident(store, rest), get_incident(store, alone)


def delete_report(store: Store, doc_id: str, by: str, note: str | None = None) -> dict[str, Any]:
    """Withdraw a report: its claims stop counting in every incident and ceasefire (undoable).
    Returns what was withdrawn."""
    with store.engine.begin() as conn:
        _lock_writers(conn)
        rows = conn.execute(sa.select(reports.c.id, reports.c.content_hash, reports.c.doc_id, reports.c.withdrawn)
                            .where(sa.or_(reports.c.doc_id == doc_id, reports.c.content_hash == doc_id))).all()
        if not rows:
            raise UnknownIncident(f"no report {doc_id!r} (give its doc_id, as in an incident's sources)")
        if len(rows) > 1:
            raise CorrectionError(f"{len(rows)} reports have the doc_id {doc_id!r}; give the content hash instead: "
                                  + ", ".join(r.content_hash for r in rows))
        r = rows[0]
        if r.withdrawn:
            raise CorrectionError(f"report {doc_id!r} is already withdrawn")
        _insert(conn, anchor=r.content_hash, target=str(r.id), field_name="withdrawn", value=True, by=by, note=note,
                kind="report")
        conn.execute(sa.update(reports).where(reports.c.id == r.id).values(withdrawn=True))
        iids = {x[0] for x in conn.execute(sa.select(incident_claims.c.incident_id).where(
            incident_claims.c.report_id == r.id, incident_claims.c.incident_id.is_not(None)))}
        cids = {x[0] for x in conn.execute(sa.select(ceasefire_claims.c.ceasefire_id).where(
            ceasefire_claims.c.report_id == r.id, ceasefire_claims.c.ceasefire_id.is_not(None)))}
        conn.execute(sa.update(incident_claims).where(incident_claims.c.report_id == r.id).values(incident_id=None))
        conn.execute(sa.update(ceasefire_claims).where(ceasefire_claims.c.report_id == r.id)
                     .values(ceasefire_id=None))
        for iid in sorted(iids):
            _refresh_incident(conn, iid)
        changed = {_refresh_ceasefire(conn, cid) for cid in sorted(cids)} - {None}
        if cids:
            _settle_ledger(conn, changed | cids)
    return {"doc_id": r.doc_id, "incidents": sorted(iids), "ceasefires": sorted(cids)}


def undo(store: Store, correction_id: int, by: str) -> dict[str, Any]:
    """Undo one correction (its row stays, marked undone). Undoing a merge, split or report deletion
    re-fuses the database from its claims, as `rebuild` does."""
    with store.engine.begin() as conn:
        _lock_writers(conn)
        row = conn.execute(sa.select(corrections).where(corrections.c.id == correction_id)).first()
        if row is None:
            raise UnknownIncident(f"no correction #{correction_id} (see `vigil history`)")
        if row.undone_at is not None:
            raise CorrectionError(f"correction #{correction_id} was already undone by {row.undone_by}")
        conn.execute(sa.update(corrections).where(corrections.c.id == correction_id)
                     .values(undone_at=datetime.now(timezone.utc), undone_by=by))
        if row.kind == "report":
            conn.execute(sa.update(reports).where(reports.c.content_hash == row.anchor_claim).values(withdrawn=False))
            _rebuild(conn)
        elif row.field in ("merge", "split"):
            _rebuild(conn)
        elif row.kind == "ceasefire":
            cid = conn.execute(sa.select(ceasefire_claims.c.ceasefire_id)
                               .where(ceasefire_claims.c.claim_key == row.anchor_claim)).scalar()
            if cid:
                _settle_ledger(conn, {_refresh_ceasefire(conn, cid)} - {None} | {cid})
        else:
            iid = conn.execute(sa.select(incident_claims.c.incident_id)
                               .where(incident_claims.c.claim_key == row.anchor_claim)).scalar()
            if iid:
                _refresh_incident(conn, iid)
    return _history_entry({**row._mapping, "undone_by": by, "undone_at": datetime.now(timezone.utc)})


def _history_entry(row) -> dict[str, Any]:
    d = _correction_dict(_Row(row))
    d["kind"] = row["kind"] or "incident"
    d["target"] = d.pop("incident_id")
    d["undone"] = None if row["undone_at"] is None else {
        "by": row["undone_by"], "at": row["undone_at"].replace(
            tzinfo=row["undone_at"].tzinfo or timezone.utc).isoformat(timespec="seconds")}
    return d


class _Row:
    def __init__(self, mapping) -> None:
        self.__dict__.update(dict(mapping))


def history(store: Store, target_id: str | None = None) -> list[dict[str, Any]]:
    """What analysts did, oldest first: to one incident, ceasefire or report (by id or doc_id), or to all."""
    with store.engine.connect() as conn:
        q = sa.select(corrections).order_by(corrections.c.at, corrections.c.id)
        if target_id:
            keys = _keys_of(conn, target_id)
            q = q.where(sa.or_(corrections.c.anchor_claim.in_(keys), corrections.c.incident_id == target_id[:16],
                               sa.and_(corrections.c.field == "merge",
                                       sa.cast(corrections.c.value, sa.Text).in_([json.dumps(k) for k in keys]))))
        return [_history_entry(r._mapping) for r in conn.execute(q)]


def _keys_of(conn: Connection, target_id: str) -> list[str]:
    """Claim keys (or report hashes) whose corrections concern the target."""
    if _is_ceasefire_id(target_id):
        cid = _current_ceasefire_id(conn, target_id)
        return [r[0] for r in conn.execute(sa.select(ceasefire_claims.c.claim_key)
                                           .where(ceasefire_claims.c.ceasefire_id == cid))]
    if target_id.startswith("inc_"):
        iid = _current_incident_id(conn, target_id)
        return [r[0] for r in conn.execute(sa.select(incident_claims.c.claim_key)
                                           .where(incident_claims.c.incident_id == iid))]
    rows = conn.execute(sa.select(reports.c.content_hash).where(
        sa.or_(reports.c.doc_id == target_id, reports.c.content_hash == target_id))).all()
    if not rows:
        raise UnknownIncident(f"no incident, ceasefire or report {target_id!r}")
    return [r[0] for r in rows]
