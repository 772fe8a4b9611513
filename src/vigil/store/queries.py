"""Read queries: filtered incidents (streamed), one incident, ceasefires with their sums, violations."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from vigil import fuse, ledger
from vigil.store.engine import Store
from vigil.store.fusion import _incident_columns, admin1_key, cells_covering
from vigil.store.schema import ceasefires, corrections, incident_claims, incidents, reports, violations


class UnknownIncident(LookupError):
    pass


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
