"""Queries for browsing (the web app): pages in any order with a total, text search, grade, map
points, sums for the charts, and reports with their text. They narrow the same filter as
`iter_incidents`, so a page, its count, its map and its chart always agree."""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import sqlalchemy as sa

from vigil import fuse
from vigil.store.engine import Store
from vigil.store.queries import IncidentFilter, _incident_query, _violation_links
from vigil.store.schema import incident_claims, incidents, reports

SORTS = {"date": (incidents.c.date.asc().nulls_last(), incidents.c.id.asc()),
         "-date": (incidents.c.date.desc().nulls_last(), incidents.c.id.asc()),
         "killed": (incidents.c.killed.asc().nulls_last(), incidents.c.id.asc()),
         "-killed": (incidents.c.killed.desc().nulls_last(), incidents.c.id.asc())}
GRADES = ("confirmed", "fair", "weak", "contested")


@dataclass
class BrowseFilter(IncidentFilter):
    """`IncidentFilter` plus what a browsing person adds: grade, words, order and a page offset."""

    grade: str | None = None
    text: str | None = None  # every word must occur in the record (evidence, places, actors, outlets)
    sort: str = "date"
    offset: int = 0


class UnknownReport(LookupError):
    pass


def _where(f: BrowseFilter, *columns) -> sa.Select:
    """The filter as a SELECT of `columns` (unordered, unlimited)."""
    if f.sort not in SORTS:
        raise ValueError(f"unknown sort {f.sort!r}; use one of {', '.join(SORTS)}")
    q = _incident_query(replace(f, limit=None)).order_by(None).with_only_columns(*columns)
    if f.grade:
        if f.grade.lower() not in GRADES:
            raise ValueError(f"unknown grade {f.grade!r}; use one of {', '.join(GRADES)}")
        q = q.where(incidents.c.grade == f.grade.lower())
    for word in (f.text or "").lower().split():
        needle = json.dumps(word)[1:-1]  # as it is spelt inside the stored JSON (non-ASCII escaped)
        q = q.where(sa.func.lower(sa.cast(incidents.c.record, sa.Text)).contains(needle, autoescape=True))
    return q


def _within(f: IncidentFilter, lat: float | None, lon: float | None) -> bool:
    if not f.near:
        return True
    return lat is not None and lon is not None and fuse.km_between(f.near[0], f.near[1], lat, lon) <= f.near[2]


def page_incidents(store: Store, f: BrowseFilter) -> list[dict[str, Any]]:
    """One page of incidents (`f.limit` from `f.offset`, in `f.sort` order), each with its violation links."""
    q = _where(f, incidents.c.id, incidents.c.lat, incidents.c.lon).order_by(*SORTS[f.sort])
    with store.engine.connect() as conn:
        if f.near:  # the SQL box holds a few extra corners; the exact distance is tested here
            ids = [r.id for r in conn.execute(q) if _within(f, r.lat, r.lon)]
            ids = ids[f.offset: f.offset + f.limit if f.limit else None]
        else:
            if f.offset:
                q = q.offset(f.offset)
            if f.limit:
                q = q.limit(f.limit)
            ids = [r.id for r in conn.execute(q)]
    return _records(store, ids)


def count_incidents(store: Store, f: BrowseFilter) -> int:
    """How many incidents the filter selects (the total behind a page)."""
    with store.engine.connect() as conn:
        if f.near:
            return sum(_within(f, r.lat, r.lon) for r in conn.execute(_where(f, incidents.c.lat, incidents.c.lon)))
        return conn.execute(sa.select(sa.func.count()).select_from(_where(f, incidents.c.id).subquery())).scalar_one()


def incident_points(store: Store, f: BrowseFilter, unplaced_rows: int = 200) -> dict[str, Any]:
    """The map's view of a selection: every incident with coordinates as [id, lat, lon, killed,
    perpetrator key, date]; how many have none (or impossible ones), and the first of those as
    [id, place name, killed, date] to list beside the map."""
    q = _where(f, incidents.c.id, incidents.c.lat, incidents.c.lon, incidents.c.killed,
               incidents.c.perpetrator_key, incidents.c.date).order_by(*SORTS["date"])
    points, unplaced = [], []
    with store.engine.connect() as conn:
        for r in conn.execute(q):
            day = r.date.isoformat() if r.date else None
            if r.lat is None or r.lon is None or not (-90 <= r.lat <= 90 and -180 <= r.lon <= 180):
                if not f.near:
                    unplaced.append([r.id, r.killed, day])
            elif _within(f, r.lat, r.lon):
                points.append([r.id, r.lat, r.lon, r.killed, r.perpetrator_key, day])
        names = dict(conn.execute(sa.select(incidents.c.id, incidents.c.record).where(
            incidents.c.id.in_([u[0] for u in unplaced[:unplaced_rows]]))).all()) if unplaced else {}
    listed = [[i, ((names[i].get("location") or {}).get("name")), killed, day]
              for i, killed, day in unplaced[:unplaced_rows]]
    return {"fields": ["id", "lat", "lon", "killed", "perpetrator", "date"], "points": points,
            "not_on_map": len(unplaced), "unplaced": listed}


_DIMENSIONS = {"by_day": incidents.c.date, "by_admin1": incidents.c.admin1_key,
               "by_perpetrator": incidents.c.perpetrator_key, "by_type": incidents.c.type,
               "by_country": incidents.c.country_key}


def incident_stats(store: Store, f: BrowseFilter) -> dict[str, Any]:
    """Incidents and killed (low, best, high sums) in total and by day, admin1, perpetrator, type and country."""
    sums = (sa.func.count().label("incidents"), sa.func.coalesce(sa.func.sum(incidents.c.killed_low), 0),
            sa.func.coalesce(sa.func.sum(incidents.c.killed), 0),
            sa.func.coalesce(sa.func.sum(incidents.c.killed_high), 0))
    out: dict[str, Any] = {}
    with store.engine.connect() as conn:
        if f.near:
            rows = [r for r in conn.execute(_where(f, incidents.c.lat, incidents.c.lon, *_DIMENSIONS.values(),
                                                   incidents.c.killed_low, incidents.c.killed, incidents.c.killed_high))
                    if _within(f, r.lat, r.lon)]
            groups: dict[str, dict[Any, list[int]]] = {name: {} for name in ("total", *_DIMENSIONS)}
            for r in rows:
                for name, col in [("total", None), *_DIMENSIONS.items()]:
                    acc = groups[name].setdefault(None if col is None else r._mapping[col], [0, 0, 0, 0])
                    for i, v in enumerate((1, r.killed_low, r.killed, r.killed_high)):
                        acc[i] += v or 0
            for name, col in _DIMENSIONS.items():
                out[name] = [_stat_row(k, *v) for k, v in sorted(groups[name].items(), key=_key_order)]
            out["total"] = _stat_row(None, *groups["total"].get(None, [0, 0, 0, 0]))
        else:
            for name, col in _DIMENSIONS.items():
                q = _where(f, col, *sums).group_by(col).order_by(col)
                out[name] = [_stat_row(*r) for r in conn.execute(q)]
            out["total"] = _stat_row(None, *conn.execute(_where(f, *sums)).one())
    out["total"].pop("key")
    for name in ("by_admin1", "by_perpetrator", "by_type", "by_country"):
        out[name].sort(key=lambda r: (-r["killed_best"], -r["incidents"], r["key"] or ""))
    return out


def _key_order(item: tuple[Any, Any]) -> tuple[bool, Any]:
    return item[0] is None, item[0] if item[0] is not None else ""


def _stat_row(key: Any, n: int, low: int, best: int, high: int) -> dict[str, Any]:
    return {"key": key.isoformat() if isinstance(key, date) else key, "incidents": int(n),
            "killed_low": int(low or 0), "killed_best": int(best or 0), "killed_high": int(high or 0)}


def get_report(store: Store, doc_id: str) -> dict[str, Any]:
    """A stored report: id, URL, publication date, its text (None when stored before texts were kept)
    and the incidents its claims belong to."""
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(reports.c.id, reports.c.doc_id, reports.c.url, reports.c.published,
                                     reports.c.text, reports.c.near_copy_of)
                           .where(reports.c.doc_id == doc_id).order_by(reports.c.id).limit(1)).first()
        if row is None:
            raise UnknownReport(f"no report {doc_id!r}")
        linked = conn.execute(sa.select(incident_claims.c.incident_id).distinct()
                              .where(incident_claims.c.report_id == row.id)).scalars().all()
        original = (conn.execute(sa.select(reports.c.doc_id).where(reports.c.id == row.near_copy_of)).scalar()
                    if row.near_copy_of else None)
    return {"doc_id": row.doc_id, "url": row.url, "published": row.published.isoformat(), "text": row.text,
            "copy_of": original, "incidents": sorted(i for i in linked if i)}


def incidents_of_reports(store: Store, content_hashes: list[str]) -> list[dict[str, Any]]:
    """The incidents that claims of these reports (by content hash) belong to now."""
    if not content_hashes:
        return []
    with store.engine.connect() as conn:
        ids = conn.execute(sa.select(incident_claims.c.incident_id).distinct()
                           .join(reports, reports.c.id == incident_claims.c.report_id)
                           .where(reports.c.content_hash.in_(content_hashes))).scalars().all()
    ids = sorted(i for i in ids if i)
    return _records(store, ids)


def _records(store: Store, ids: list[str]) -> list[dict[str, Any]]:
    """Incident records by id, in the order given, with their violation links."""
    rows: dict[str, Any] = {}
    with store.engine.connect() as conn:
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            rows.update(conn.execute(sa.select(incidents.c.id, incidents.c.record).where(incidents.c.id.in_(part))).all())
        links = _violation_links(conn, ids)
    return [{**rows[i], "violations": links.get(i, [])} for i in ids if i in rows]
