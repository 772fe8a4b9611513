"""The browsing columns of every incident held in memory as numpy arrays, so a filtered page, its
total, the map points and the chart sums cost a few vectorised passes instead of an SQL scan each.

The snapshot is built from the database (~0.5 s for 100,000 incidents) and kept until
`data_version` moves: database triggers bump it on every write to the incidents, their actors,
the violations or the ceasefires (whoever writes: this process, a CLI ingest, another worker), so
each request pays one one-row read to know its snapshot is current. What it answers is exactly
what the SQL queries in `browse` answer (tests compare the two after ingests and corrections).
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterator

import numpy as np
import sqlalchemy as sa

from vigil import fuse
from vigil.store.engine import Store, data_version
from vigil.store.fusion import admin1_key
from vigil.store.queries import IncidentFilter, near_box, perpetrator_key
from vigil.store.schema import incident_actors, incidents, violations

MAX_ROWS = 5_000_000  # above this the browse queries stay in SQL (memory: ~70 bytes an incident)
KEYS = ("country_key", "admin1_key", "perpetrator_key", "type", "grade")
_EPOCH = date(1970, 1, 1)
_LOCK = threading.Lock()


@dataclass
class Snapshot:
    version: int
    ids: np.ndarray  # str
    day: np.ndarray  # days since 1970-01-01 (0 where has_day is False)
    has_day: np.ndarray
    codes: dict[str, np.ndarray]  # per KEYS column: index into vocab[column]; 0 is NULL
    vocab: dict[str, dict[Any, int]]
    lat: np.ndarray  # NaN for NULL
    lon: np.ndarray
    cell: np.ndarray  # -1 for NULL
    killed: np.ndarray  # 0 where has_killed is False
    has_killed: np.ndarray
    killed_low: np.ndarray  # NULL as 0: they are only summed
    killed_high: np.ndarray
    actors: dict[str, np.ndarray]  # actor key -> row numbers
    figures: np.ndarray  # killed low, best, high as float rows (bincount weights; NULL as 0)
    violating: frozenset[str]  # ids of the incidents with a possible ceasefire violation
    _orders: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ids)

    def rank(self, sort: str) -> np.ndarray:
        """Each row's place in `order(sort)`."""
        key = f"rank{sort}"
        if key not in self._orders:
            order = self.order(sort)
            rank = np.empty(len(order), dtype=np.int64)
            rank[order] = np.arange(len(order))
            self._orders[key] = rank
        return self._orders[key]

    def order(self, sort: str) -> np.ndarray:
        """Row numbers in a browse order: the sort key (NULLs last), then the id."""
        if sort not in self._orders:
            rank = np.argsort(np.argsort(self.ids, kind="stable"), kind="stable")
            value, present = (self.day, self.has_day) if sort.lstrip("-") == "date" else (self.killed, self.has_killed)
            self._orders[sort] = np.lexsort((rank, -value if sort.startswith("-") else value, ~present))
        return self._orders[sort]


_KNOWN: ContextVar[tuple[int, int] | None] = ContextVar("vigil_known_data_version", default=None)


@contextmanager
def known_version(store: Store, version: int) -> Iterator[None]:
    """Within the block (one request, in this thread or task), the snapshot takes `version`, just
    read by the caller, as the store's data version instead of reading it again."""
    token = _KNOWN.set((id(store), version))
    try:
        yield
    finally:
        _KNOWN.reset(token)


def current(store: Store) -> Snapshot | None:
    """The store's snapshot, rebuilt if a write happened since it was made; None for a database too
    big to hold (the callers then ask SQL)."""
    known = _KNOWN.get()
    if known is not None and known[0] == id(store):
        version = known[1]
    else:
        with store.reader.connect() as conn:
            version = data_version(conn)
    snap = getattr(store, "_snapshot", None)
    if snap is not None and snap.version == version:
        return snap
    if getattr(store, "_snapshot_too_big", None) == version:
        return None
    with _LOCK:  # one build at a time; requests arriving meanwhile use its result
        snap = getattr(store, "_snapshot", None)
        if snap is not None and snap.version >= version:
            return snap
        with store.reader.connect() as conn:
            snap = build(conn)
        if snap is None:
            store._snapshot_too_big = version  # type: ignore[attr-defined]
            return None
        store._snapshot = snap  # type: ignore[attr-defined]
    return snap


def build(conn) -> Snapshot | None:
    # the version first: a write landing during the reads only makes the next request rebuild
    version = data_version(conn)
    if conn.execute(sa.select(sa.func.count()).select_from(incidents)).scalar_one() > MAX_ROWS:
        return None
    rows = conn.execute(sa.select(incidents.c.id, sa.cast(incidents.c.date, sa.String(10)), incidents.c.lat,
                                  incidents.c.lon, incidents.c.cell, incidents.c.killed, incidents.c.killed_low,
                                  incidents.c.killed_high, *(incidents.c[k] for k in KEYS))).all()
    cols = list(zip(*rows)) if rows else [()] * (8 + len(KEYS))
    ids = np.array(cols[0], dtype="U") if rows else np.array([], dtype="U16")
    days = np.array(cols[1], dtype="datetime64[D]")
    has_day = ~np.isnat(days)
    day = np.where(has_day, days.astype("int64"), 0)
    killed_raw = cols[5]
    codes, vocab = {}, {}
    for j, name in enumerate(KEYS):
        index: dict[Any, int] = {None: 0}
        codes[name] = np.fromiter((index.setdefault(v, len(index)) for v in cols[8 + j]), dtype=np.int32,
                                  count=len(rows))
        vocab[name] = index
    violating = frozenset(conn.execute(sa.select(violations.c.incident_id).distinct()).scalars())
    where = {i: n for n, i in enumerate(cols[0])}
    members: dict[str, list[int]] = {}
    for incident_id, key in conn.execute(sa.select(incident_actors.c.incident_id, incident_actors.c.actor_key)):
        if incident_id in where:
            members.setdefault(key, []).append(where[incident_id])
    return Snapshot(
        version=version, ids=ids, day=day, has_day=has_day, codes=codes, vocab=vocab,
        lat=_floats(cols[2]), lon=_floats(cols[3]),
        cell=np.fromiter((-1 if c is None else c for c in cols[4]), dtype=np.int64, count=len(rows)),
        killed=np.fromiter((k or 0 for k in killed_raw), dtype=np.int64, count=len(rows)),
        has_killed=np.fromiter((k is not None for k in killed_raw), dtype=bool, count=len(rows)),
        killed_low=np.fromiter((k or 0 for k in cols[6]), dtype=np.int64, count=len(rows)),
        killed_high=np.fromiter((k or 0 for k in cols[7]), dtype=np.int64, count=len(rows)),
        actors={k: np.array(v, dtype=np.int64) for k, v in members.items()},
        figures=np.array([[k or 0 for k in cols[6]], [k or 0 for k in killed_raw], [k or 0 for k in cols[7]]],
                         dtype=np.float64).reshape(3, len(rows)),
        violating=violating)


def _floats(values) -> np.ndarray:
    return np.fromiter((np.nan if v is None else v for v in values), dtype=np.float64, count=len(values))


def _day(d: date) -> int:
    return (d - _EPOCH).days


def select(snap: Snapshot, f: IncidentFilter, among: list[str] | None = None) -> np.ndarray:
    """A boolean mask of the rows the (checked) filter selects, as `queries._incident_query` would;
    `among`: ids another condition (text search) already allows."""
    m = np.ones(len(snap), dtype=bool)
    if f.since:
        m &= snap.has_day & (snap.day >= _day(f.since))
    if f.until:
        m &= snap.has_day & (snap.day <= _day(f.until))
    if f.country:
        keys = f.country if isinstance(f.country, list) else [f.country]
        m &= _one_of(snap, "country_key", keys)
    if f.admin1:
        m &= _equal(snap, "admin1_key", admin1_key(f.admin1))
    if f.perpetrator:
        rows = snap.actors.get(perpetrator_key(f.perpetrator))
        hit = np.zeros(len(snap), dtype=bool)
        if rows is not None:
            hit[rows] = True
        m &= hit
    if f.type:
        m &= _equal(snap, "type", f.type.strip().lower())
    if f.grade:
        m &= _equal(snap, "grade", f.grade.strip().lower())
    if among is not None:
        m &= np.isin(snap.ids, np.array(among, dtype=snap.ids.dtype if len(snap) else "U"))
    if f.near:
        lat_lo, lat_hi, lon_lo, lon_hi, cells = near_box(f.near)
        m &= (snap.lat >= lat_lo) & (snap.lat <= lat_hi) & (snap.lon >= lon_lo) & (snap.lon <= lon_hi)
        if cells is not None:
            m &= np.isin(snap.cell, cells)
        rows = np.flatnonzero(m)  # the exact distance, on the rows the box lets through
        m[rows] = _within(f.near, snap.lat[rows], snap.lon[rows])
    return m


def _within(near: tuple[float, float, float], lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """`fuse.km_between(...) <= km` for many points: vectorised, with the few points within a metre of
    the circle decided by `fuse.km_between` itself, so the answer is the SQL path's to the last bit."""
    lat0, lon0, km = near
    p1, p2 = np.radians(lat0), np.radians(lat)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon - lon0) / 2) ** 2
    d = 6371.0088 * 2 * np.arcsin(np.sqrt(np.minimum(1.0, a)))
    inside = d <= km
    for i in np.flatnonzero(np.abs(d - km) < 1e-3):
        inside[i] = fuse.km_between(lat0, lon0, float(lat[i]), float(lon[i])) <= km
    return inside


def _one_of(snap: Snapshot, column: str, values: list[Any]) -> np.ndarray:
    wanted = np.zeros(len(snap.vocab[column]), dtype=bool)  # a lookup table over the codes: no sort
    wanted[[snap.vocab[column][v] for v in values if v in snap.vocab[column]]] = True
    return wanted[snap.codes[column]]


def _equal(snap: Snapshot, column: str, value: Any) -> np.ndarray:
    code = snap.vocab[column].get(value)
    if code is None:
        return np.zeros(len(snap), dtype=bool)
    return snap.codes[column] == code


def after(snap: Snapshot, sort: str, key: tuple[bool, Any, str]) -> np.ndarray:
    """Rows strictly after a cursor position (has value, value, id) in `sort` order."""
    present, value, last_id = key
    own, has = (snap.day, snap.has_day) if sort.lstrip("-") == "date" else (snap.killed, snap.has_killed)
    same_id = snap.ids > last_id
    if not present:  # NULLs come last, among themselves by id
        return ~has & same_id
    if sort.lstrip("-") == "date":
        value = _day(date.fromisoformat(value))
    later = own < value if sort.startswith("-") else own > value
    return ~has | (has & (later | ((own == value) & same_id)))


def ordered(snap: Snapshot, m: np.ndarray, sort: str, first: int | None = None) -> np.ndarray:
    """The selected row numbers in `sort` order; with `first`, only the first that many. A small
    selection (a month, a province) is sorted by its rows' ranks, not by a pass over every row."""
    rows = np.flatnonzero(m)
    if len(rows) * 8 > len(snap):
        order = snap.order(sort)
        out = order[m[order]]
        return out if first is None else out[:first]
    rank = snap.rank(sort)[rows]
    if first is not None and first < len(rows):
        keep = np.argpartition(rank, first - 1)[:first] if first > 0 else rank[:0].astype(np.int64)
        rows, rank = rows[keep], rank[keep]
    return rows[np.argsort(rank, kind="stable")]


def day_strings(snap: Snapshot, rows: np.ndarray) -> list[str | None]:
    text = np.datetime_as_string(snap.day[rows].astype("datetime64[D]"), unit="D").tolist()
    return [t if h else None for t, h in zip(text, snap.has_day[rows].tolist())]


_GROUPS = (("by_country", "country_key"), ("by_admin1", "admin1_key"), ("by_perpetrator", "perpetrator_key"),
           ("by_type", "type"))


def _combos(snap: Snapshot) -> tuple[np.ndarray, np.ndarray]:
    """Each row's combination of country, admin1, perpetrator and type as one small code, and each
    combination's four codes (made once per snapshot): the four breakdowns are then summed in one
    pass over the rows and a pass over a few hundred combinations, not four passes over the rows."""
    if "combos" not in snap._orders:
        stacked = np.stack([snap.codes[column].astype(np.int64) for _, column in _GROUPS], axis=1) \
            if len(snap) else np.zeros((0, len(_GROUPS)), dtype=np.int64)
        members, combo = np.unique(stacked, axis=0, return_inverse=True)
        snap._orders["combos"] = combo.reshape(-1).astype(np.intp)
        snap._orders["combo_members"] = members
    return snap._orders["combos"], snap._orders["combo_members"]


def _grouped(code: np.ndarray, weights: list[np.ndarray], length: int) -> tuple[np.ndarray, list[np.ndarray]]:
    return (np.bincount(code, minlength=length),
            [np.bincount(code, weights=w, minlength=length) for w in weights])


def sums(snap: Snapshot, rows: np.ndarray) -> dict[str, list[tuple[Any, int, int, int, int]]]:
    """Per day and per country, admin1, perpetrator and type: [incidents, killed low, best, high]
    for the given rows (keys as stored; None for NULL)."""
    out: dict[str, list[tuple[Any, int, int, int, int]]] = {}
    whole = len(rows) == len(snap)  # every row, in order: no copies
    pick = (lambda a: a) if whole else (lambda a: a[rows])
    figures = [pick(snap.figures[j]) for j in range(3)]  # one row of the 2-D array at a time: contiguous
    has_day = pick(snap.has_day)
    days = pick(snap.day)
    first = int(days[has_day].min()) if has_day.any() else 0
    day_code = np.where(has_day, days - first + 1, 0)
    n, totals = _grouped(day_code, figures, int(day_code.max()) + 1 if len(day_code) else 1)
    present = np.flatnonzero(n)
    keys = np.datetime_as_string((present + (first - 1)).astype("datetime64[D]"), unit="D").tolist()
    if len(present) and present[0] == 0:
        keys[0] = None
    out["by_day"] = _rows(keys, n, totals, present)
    combo, members = _combos(snap)
    n_combo, totals_combo = _grouped(pick(combo), figures, len(members))
    for j, (name, column) in enumerate(_GROUPS):
        vocab = list(snap.vocab[column])
        _, (n, *totals) = _grouped(members[:, j], [n_combo.astype(np.float64), *totals_combo], len(vocab))
        n = np.rint(n).astype(np.int64)
        present = np.flatnonzero(n)
        out[name] = _rows([vocab[c] for c in present.tolist()], n, totals, present)
    return out


def _rows(keys: list[Any], n: np.ndarray, totals: list[np.ndarray], present: np.ndarray
          ) -> list[tuple[Any, int, int, int, int]]:
    columns = [n[present].tolist()] + [np.rint(t[present]).astype(np.int64).tolist() for t in totals]
    return list(zip(keys, *columns))
