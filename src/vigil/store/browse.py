"""Queries for browsing (the web app): pages in any order with a total, text search, map
points, sums for the charts, and reports with their text. They narrow the same filter as
`iter_incidents`, so a page, its count, its map and its chart always agree."""
from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any

import numpy as np
import sqlalchemy as sa

from vigil import fuse
from vigil.store.engine import Store
from vigil.store.queries import IncidentFilter, _incident_query, _parse_record, _violation_links, check_filter
from vigil.store.schema import incident_claims, incidents, reports

SORTS = {"date": (incidents.c.date.asc().nulls_last(), incidents.c.id.asc()),
         "-date": (incidents.c.date.desc().nulls_last(), incidents.c.id.asc()),
         "killed": (incidents.c.killed.asc().nulls_last(), incidents.c.id.asc()),
         "-killed": (incidents.c.killed.desc().nulls_last(), incidents.c.id.asc())}


@dataclass
class BrowseFilter(IncidentFilter):
    """`IncidentFilter` plus what a browsing person adds: words, order and a page offset."""

    text: str | None = None  # every word must occur in the record (evidence, places, actors, outlets)
    sort: str = "date"
    offset: int = 0
    after: tuple[bool, Any, str] | None = None  # continue after this sort position (a decoded cursor)
    checked: bool = field(default=False, repr=False, compare=False)  # normalised by check_browse already


class UnknownReport(LookupError):
    pass


def check_browse(store: Store, f: BrowseFilter) -> BrowseFilter:
    """The filter normalised by `check_filter` (aliases, case); `FilterError` names valid values.
    The browse queries call it themselves; a caller running several on one filter checks it once."""
    if f.checked:
        return f
    if f.sort not in SORTS:
        raise ValueError(f"unknown sort {f.sort!r}; use one of {', '.join(SORTS)}")
    base = IncidentFilter(**{k.name: getattr(f, k.name) for k in fields(IncidentFilter)})
    return replace(f, **vars(check_filter(store, base)), checked=True)


def _where(f: BrowseFilter, *columns) -> sa.Select:
    """The (checked) filter as a SELECT of `columns`, unordered and unlimited."""
    q = _incident_query(replace(f, limit=None)).order_by(None).with_only_columns(*columns)
    for word in (f.text or "").lower().split():
        needle = json.dumps(word)[1:-1]  # as it is spelt inside the stored JSON (non-ASCII escaped)
        q = q.where(sa.func.lower(sa.cast(incidents.c.record, sa.Text)).contains(needle, autoescape=True))
    return q


def _within(f: IncidentFilter, lat: float | None, lon: float | None) -> bool:
    if not f.near:
        return True
    return lat is not None and lon is not None and fuse.km_between(f.near[0], f.near[1], lat, lon) <= f.near[2]


@dataclass
class Page:
    """One page of a selection: its incidents, how many the filter selects in all, and the sort
    position (has value, value, id) of its last row, from which a cursor continues."""

    items: list[dict[str, Any]]
    total: int
    last: tuple[bool, Any, str] | None
    more: bool  # rows follow this page


def _snapshot(store: Store):
    from vigil.store import snapshot

    return None if store.browse_in_sql else snapshot.current(store)


def _text_ids(store: Store, f: BrowseFilter) -> list[str] | None:
    """Ids the text search allows (an SQL scan of the records), None without words."""
    if not f.text:
        return None
    with store.reader.connect() as conn:
        return list(conn.execute(_where(replace(f, near=None), incidents.c.id)).scalars())


def browse_page(store: Store, f: BrowseFilter, raw: bool = False) -> Page:
    """`f.limit` incidents in `f.sort` order, after the cursor position `f.after` or from `f.offset`,
    with the total the filter selects (ignoring the cursor) and the position of the last one.
    `raw`: the items as JSON texts (see `_records`)."""
    f = check_browse(store, f)
    snap = _snapshot(store)
    if snap is None:
        return _sql_page(store, f, raw)
    from vigil.store import snapshot

    m = snapshot.select(snap, f, _text_ids(store, f))
    total = int(m.sum())
    if f.after is not None:
        m &= snapshot.after(snap, f.sort, f.after)
    selected = total if f.after is None else int(m.sum())
    more = bool(f.limit) and selected > f.offset + f.limit
    rows = snapshot.ordered(snap, m, f.sort, first=f.offset + f.limit if f.limit else None)
    rows = rows[f.offset: f.offset + f.limit if f.limit else None]
    last = None
    if len(rows):
        i = int(rows[-1])
        if f.sort.lstrip("-") == "date":
            last = (bool(snap.has_day[i]), snapshot.day_strings(snap, rows[-1:])[0], str(snap.ids[i]))
        else:
            last = (bool(snap.has_killed[i]), int(snap.killed[i]), str(snap.ids[i]))
    return Page(_records(store, snap.ids[rows].tolist(), snap.violating, raw), total, last, more)


def _sql_page(store: Store, f: BrowseFilter, raw: bool = False) -> Page:
    column = incidents.c.date if f.sort.lstrip("-") == "date" else incidents.c.killed
    q = _where(f, incidents.c.id, incidents.c.lat, incidents.c.lon, column.label("v")).order_by(*SORTS[f.sort])
    with store.reader.connect() as conn:
        total = count_incidents(store, f)
        if f.after is not None:
            present, value, last_id = f.after
            if not present:
                q = q.where(column.is_(None), incidents.c.id > last_id)
            else:
                value = date.fromisoformat(value) if column is incidents.c.date else value
                later = column < value if f.sort.startswith("-") else column > value
                q = q.where(sa.or_(column.is_(None), later, sa.and_(column == value, incidents.c.id > last_id)))
        if f.near:  # the SQL box holds a few extra corners; the exact distance is tested here
            rows = [r for r in conn.execute(q) if _within(f, r.lat, r.lon)]
            rows = rows[f.offset: f.offset + f.limit + 1 if f.limit else None]
        else:
            rows = conn.execute(q.offset(f.offset or None).limit(f.limit + 1 if f.limit else None)).all()
    more = bool(f.limit) and len(rows) > f.limit
    rows = rows[:f.limit] if f.limit else rows
    last = None
    if rows:
        v = rows[-1].v
        last = (v is not None, v.isoformat() if isinstance(v, date) else v, rows[-1].id)
    return Page(_records(store, [r.id for r in rows], raw=raw), total, last, more)


def page_incidents(store: Store, f: BrowseFilter) -> list[dict[str, Any]]:
    """One page of incidents (`f.limit` from `f.offset`, in `f.sort` order), each with its violation links."""
    return browse_page(store, f).items


def count_incidents(store: Store, f: BrowseFilter) -> int:
    """How many incidents the filter selects (the total behind a page)."""
    f = check_browse(store, f)
    snap = _snapshot(store)
    if snap is not None:
        from vigil.store import snapshot

        return int(snapshot.select(snap, f, _text_ids(store, f)).sum())
    with store.reader.connect() as conn:
        if f.near:
            return sum(_within(f, r.lat, r.lon) for r in conn.execute(_where(f, incidents.c.lat, incidents.c.lon)))
        return conn.execute(sa.select(sa.func.count()).select_from(_where(f, incidents.c.id).subquery())).scalar_one()


def incident_points(store: Store, f: BrowseFilter, unplaced_rows: int = 200) -> dict[str, Any]:
    """The map's view of a selection: every incident with coordinates as [id, lat, lon, killed,
    perpetrator key, date]; how many have none (or impossible ones), and the first of those as
    [id, place name, killed, date] to list beside the map."""
    f = check_browse(store, f)
    snap = _snapshot(store)
    points, unplaced = [], []
    if snap is not None:
        from vigil.store import snapshot

        rows = snapshot.ordered(snap, snapshot.select(snap, f, _text_ids(store, f)), "date")
        lat, lon = snap.lat[rows], snap.lon[rows]
        placed = (lat >= -90) & (lat <= 90) & (lon >= -180) & (lon <= 180)  # False for NaN
        perps = list(snap.vocab["perpetrator_key"])
        killed = np.where(snap.has_killed[rows], snap.killed[rows], -1).tolist()
        columns = zip(snap.ids[rows].tolist(), lat.tolist(), lon.tolist(), killed,
                      snap.codes["perpetrator_key"][rows].tolist(), snapshot.day_strings(snap, rows),
                      placed.tolist())
        for i, la, lo, k, p, day, ok in columns:
            if ok:
                points.append([i, la, lo, None if k < 0 else k, perps[p], day])
            elif not f.near:
                unplaced.append([i, None if k < 0 else k, day])
    else:
        q = _where(f, incidents.c.id, incidents.c.lat, incidents.c.lon, incidents.c.killed,
                   incidents.c.perpetrator_key, incidents.c.date).order_by(*SORTS["date"])
        with store.reader.connect() as conn:
            for r in conn.execute(q):
                day = r.date.isoformat() if r.date else None
                if r.lat is None or r.lon is None or not (-90 <= r.lat <= 90 and -180 <= r.lon <= 180):
                    if not f.near:
                        unplaced.append([r.id, r.killed, day])
                elif _within(f, r.lat, r.lon):
                    points.append([r.id, r.lat, r.lon, r.killed, r.perpetrator_key, day])
    names = {}
    if unplaced:
        with store.reader.connect() as conn:
            names = dict(conn.execute(sa.select(incidents.c.id, incidents.c.record).where(
                incidents.c.id.in_([u[0] for u in unplaced[:unplaced_rows]]))).all())
    listed = [[i, ((names[i].get("location") or {}).get("name")), killed, day]
              for i, killed, day in unplaced[:unplaced_rows]]
    return {"fields": ["id", "lat", "lon", "killed", "perpetrator", "date"], "points": points,
            "not_on_map": len(unplaced), "unplaced": listed}


_DIMENSIONS = ("by_day", "by_country", "by_admin1", "by_perpetrator", "by_type")


def incident_stats(store: Store, f: BrowseFilter) -> dict[str, Any]:
    """Incidents and killed (low, best, high sums) in total and by day, country, admin1, perpetrator
    and type: from the snapshot, else by two SQL scans (by day; by the other four together)."""
    f = check_browse(store, f)
    snap = _snapshot(store)
    if snap is not None:
        from vigil.store import snapshot

        rows = np.flatnonzero(snapshot.select(snap, f, _text_ids(store, f)))
        grouped = snapshot.sums(snap, rows)
        total = [len(rows), *(int(a[rows].sum()) for a in (snap.killed_low, snap.killed, snap.killed_high))]
        # days come in order, an undated row first; the figures are ints already: rows built as they
        # are (3,000 days of _stat_row and a sort were most of a stats request's CPU)
        days = grouped["by_day"]
        if days and days[0][0] is None:
            days = days[1:] + days[:1]
        by_day = [{"key": k, "incidents": n, "killed_low": low, "killed_best": best, "killed_high": high}
                  for k, n, low, best, high in days]
    else:
        grouped, total = _sql_sums(store, f)
        by_day = [_stat_row(*row) for row in sorted(grouped["by_day"], key=_key_order)]
    out: dict[str, Any] = {"total": _stat_row(None, *total)}
    out["total"].pop("key")
    out["by_day"] = by_day
    for name in _DIMENSIONS[1:]:
        out[name] = sorted((_stat_row(*row) for row in grouped[name]),
                           key=lambda r: (-r["killed_best"], -r["incidents"], r["key"] or ""))
    return out


def _sql_sums(store: Store, f: BrowseFilter) -> tuple[dict[str, list[tuple[Any, int, int, int, int]]], list[int]]:
    sums = (sa.func.count(), sa.func.sum(incidents.c.killed_low), sa.func.sum(incidents.c.killed),
            sa.func.sum(incidents.c.killed_high))
    day = sa.cast(incidents.c.date, sa.String(10))
    keys = (incidents.c.country_key, incidents.c.admin1_key, incidents.c.perpetrator_key, incidents.c.type)
    with store.reader.connect() as conn:
        if f.near:  # a small box, summed row by row after the exact distance test
            rows = [r for r in conn.execute(_where(f, day, *keys, incidents.c.killed_low, incidents.c.killed,
                                                   incidents.c.killed_high, incidents.c.lat, incidents.c.lon))
                    if _within(f, r[8], r[9])]
            by_day = [(r[0], 1, *r[5:8]) for r in rows]
            rest = [(*r[1:5], 1, *r[5:8]) for r in rows]
        else:
            by_day = conn.execute(_where(f, day, *sums).group_by(day)).all()
            rest = conn.execute(_where(f, *keys, *sums).group_by(*keys)).all()
    groups: dict[str, dict[Any, list[int]]] = {name: {} for name in _DIMENSIONS}
    total = [0, 0, 0, 0]

    def add(acc: list[int], figures: tuple[int, ...]) -> None:
        for j in range(4):
            acc[j] += figures[j] or 0

    for key, *figures in by_day:
        add(groups["by_day"].setdefault(key, [0, 0, 0, 0]), tuple(figures))
    for row in rest:
        figures = tuple(row[4:8])
        add(total, figures)
        for name, key in zip(_DIMENSIONS[1:], row[:4]):
            add(groups[name].setdefault(key, [0, 0, 0, 0]), figures)
    return {name: [(k, *v) for k, v in g.items()] for name, g in groups.items()}, total


def _key_order(item: tuple[Any, Any]) -> tuple[bool, Any]:
    return item[0] is None, item[0] if item[0] is not None else ""


def _stat_row(key: Any, n: int, low: int, best: int, high: int) -> dict[str, Any]:
    return {"key": key, "incidents": int(n), "killed_low": int(low or 0), "killed_best": int(best or 0),
            "killed_high": int(high or 0)}


def get_report(store: Store, doc_id: str) -> dict[str, Any]:
    """A stored report: id, URL, publication date, its text (None when stored before texts were kept)
    and the incidents its claims belong to."""
    with store.reader.connect() as conn:
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
    with store.reader.connect() as conn:
        ids = conn.execute(sa.select(incident_claims.c.incident_id).distinct()
                           .join(reports, reports.c.id == incident_claims.c.report_id)
                           .where(reports.c.content_hash.in_(content_hashes))).scalars().all()
    ids = sorted(i for i in ids if i)
    return _records(store, ids)


def _records(store: Store, ids: list[str], violating: frozenset[str] | None = None,
             raw: bool = False) -> list[Any]:
    """Incident records by id, in the order given, with their violation links (looked up only for
    the `violating` ids when the caller knows which those are). `raw`: each as its JSON text, the
    stored text with the links spliced in, so a page is served without parsing and re-encoding it."""
    rows: dict[str, Any] = {}
    with store.reader.connect() as conn:
        for start in range(0, len(ids), 500):
            rows.update(_record_texts(conn, ids[start:start + 500]))
        links = _violation_links(conn, ids if violating is None else [i for i in ids if i in violating])
    if raw:
        return [_with_links(rows[i], links.get(i, [])) for i in ids if i in rows]
    return [{**_loads(rows[i]), "violations": links.get(i, [])} for i in ids if i in rows]


def _record_texts(conn, ids: list[str]) -> list[tuple[str, str]]:
    """(id, stored record as JSON text) for these ids, in the driver's own SQL: a page of 100 is
    fetched for every list request, and building the same SELECT through SQLAlchemy cost a third more."""
    if not ids:
        return []
    if conn.dialect.name == "postgresql":
        return conn.exec_driver_sql("SELECT id, record::text FROM incidents WHERE id = ANY(%s)", (list(ids),)).all()
    marks = ",".join("?" * len(ids))
    return conn.exec_driver_sql(f"SELECT id, CAST(record AS TEXT) FROM incidents WHERE id IN ({marks})",
                                tuple(ids)).all()


def _with_links(text: str, links: list[str]) -> str:
    body = text.rstrip()
    if body.endswith("}") and '"violations"' not in body:
        inner = body[:-1].rstrip()
        listed = json.dumps(links) if links else "[]"
        return f'{inner}{"" if inner.endswith("{") else ","}"violations":{listed}}}'
    return json.dumps({**_loads(text), "violations": links}, ensure_ascii=False)


_loads = _parse_record  # a stored record's JSON text, parsed by orjson
