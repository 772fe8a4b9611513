"""Fusion writes: claims into incidents and ceasefires, corrections applied, violations linked.

Everything here runs inside a writer's transaction (a `Connection`); the rules themselves are the
pure functions of `vigil.fuse` and `vigil.ledger`."""
from __future__ import annotations

import json
import math
from datetime import date, timedelta, timezone
from functools import lru_cache
from typing import Any, Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from vigil import fuse, ledger
from vigil.store.bulk import insert_rows
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


_MAX_TYPES = max(len(fuse.fusable_types(t)) for t in ("airstrike", "other"))  # the strike family is the largest
_MAX_KEYS = 2  # fuse.name_keys: the report's spelling and the gazetteer's


class _Q:
    """Statements built once: constructing SQLAlchemy expressions per call costs more than running them."""

    # fixed-size IN lists (padded by repetition): an expanding list is re-rendered on every execution,
    # and this query runs once per claim
    _types = [sa.bindparam(f"t{i}") for i in range(_MAX_TYPES)]
    _keys = [sa.bindparam(f"k{i}") for i in range(_MAX_KEYS)]
    candidates = _claim_select().where(
        incident_claims.c.type.in_(_types),
        incident_claims.c.fuse_date.between(sa.bindparam("lo"), sa.bindparam("hi")),
        incident_claims.c.incident_id.is_not(None),
        sa.or_(incident_claims.c.gazetteer_id == sa.bindparam("gid"),
               incident_claims.c.name_key.in_(_keys),
               incident_claims.c.matched_key.in_(_keys),
               incident_claims.c.skeleton_key == sa.bindparam("skel"),
               sa.and_(incident_claims.c.lat.between(sa.bindparam("lat_lo"), sa.bindparam("lat_hi")),
                       incident_claims.c.lon.between(sa.bindparam("lon_lo"), sa.bindparam("lon_hi")))))
    claims_of_incidents = _claim_select().where(
        incident_claims.c.incident_id.in_(sa.bindparam("iids", expanding=True)))
    corrections_of = (sa.select(corrections).where(corrections.c.anchor_claim.in_(sa.bindparam("keys", expanding=True)),
                                                   corrections.c.undone_at.is_(None))
                      .order_by(corrections.c.at, corrections.c.id))
    split_keys = sa.select(corrections.c.anchor_claim).where(corrections.c.field == "split",
                                                             corrections.c.undone_at.is_(None))
    delete_actors = sa.delete(incident_actors).where(incident_actors.c.incident_id == sa.bindparam("iid"))
    delete_incident_violations = sa.delete(violations).where(violations.c.incident_id == sa.bindparam("iid"))
    delete_incident = sa.delete(incidents).where(incidents.c.id == sa.bindparam("iid"))
    move_claims = sa.update(incident_claims).where(incident_claims.c.incident_id == sa.bindparam("other")).values(
        incident_id=sa.bindparam("target"))
    incidents_existing = sa.select(incidents.c.id).where(incidents.c.id.in_(sa.bindparam("iids", expanding=True)))
    update_incident = sa.update(incidents).where(incidents.c.id == sa.bindparam("iid"))
    ceasefire_record = sa.select(ceasefires.c.record).where(ceasefires.c.id == sa.bindparam("cid"))
    ceasefires_binding = sa.select(ceasefires.c.id, ceasefires.c.start, ceasefires.c.until,
                                   sa.cast(ceasefires.c.record, sa.Text).label("record")).where(
        ceasefires.c.start <= sa.bindparam("last"),
        sa.or_(ceasefires.c.until.is_(None), ceasefires.c.until >= sa.bindparam("first"))).order_by(ceasefires.c.id)


def _block_params(claim: dict[str, Any], cols: dict[str, Any]) -> dict[str, Any] | None:
    """What the blocking query asks for a claim (None: the claim has no place key to block on)."""
    lo, hi = fuse.block_window(claim)
    keys = sorted(fuse.name_keys(claim.get("location") or {}))
    if not (cols["gazetteer_id"] or keys or cols["lat"] is not None or cols["skeleton_key"]):
        return None
    lat, lon = cols["lat"], cols["lon"]
    dlat = fuse.PLACE_KM / 110.5 + 1e-6
    dlon = fuse.PLACE_KM / (111.32 * math.cos(math.radians(min(89.0, abs(lat) + 1)))) + 1e-6 if lat is not None else None
    return {"types": list(fuse.fusable_types(cols["type"])), "keys": keys or [""], "lo": lo, "hi": hi,
            "gid": cols["gazetteer_id"], "skel": cols["skeleton_key"],
            "lat_lo": None if lat is None else lat - dlat, "lat_hi": None if lat is None else lat + dlat,
            "lon_lo": None if lon is None else lon - dlon, "lon_hi": None if lon is None else lon + dlon}


def _candidates(conn: Connection, claim: dict[str, Any], cols: dict[str, Any]) -> list:
    """Stored claims that could be the same incident: same type, within a day, sharing a place key."""
    p = _block_params(claim, cols)
    if p is None:
        return []
    types, keys = p.pop("types"), p.pop("keys")
    return conn.execute(_Q.candidates, {
        **{f"t{i}": types[min(i, len(types) - 1)] for i in range(_MAX_TYPES)},
        **{f"k{i}": keys[min(i, len(keys) - 1)] for i in range(_MAX_KEYS)}, **p}).all()


# The blocking query of many claims in one statement (PostgreSQL): each claim's parameters are a
# row of a JSON document, and the same conditions as `_Q.candidates` are applied to each row.
_CANDIDATES_MANY = sa.text("""
SELECT q.i, c.claim_key, c.incident_id, c.payload, r.content_hash, r.copy_group, r.doc_id, r.url, r.published
FROM jsonb_to_recordset(CAST(:claims AS jsonb)) AS q(i int, types text[], keys text[], lo date, hi date, gid text,
                                                     skel text, lat_lo float8, lat_hi float8, lon_lo float8,
                                                     lon_hi float8)
CROSS JOIN LATERAL (
    SELECT ic.claim_key, ic.incident_id, ic.payload, ic.report_id FROM incident_claims ic
    WHERE ic.type = ANY(q.types) AND ic.fuse_date BETWEEN q.lo AND q.hi AND ic.incident_id IS NOT NULL
      AND (ic.gazetteer_id = q.gid OR ic.name_key = ANY(q.keys) OR ic.matched_key = ANY(q.keys)
           OR ic.skeleton_key = q.skel
           OR (ic.lat BETWEEN q.lat_lo AND q.lat_hi AND ic.lon BETWEEN q.lon_lo AND q.lon_hi))) AS c
JOIN reports r ON r.id = c.report_id
""")


def _candidates_many(conn: Connection, items: list[tuple[dict[str, Any], dict[str, Any]]]) -> list[list]:
    """`_candidates` of each (claim, columns): on PostgreSQL in one round trip for all of them (the
    stored claims do not change while a batch's claims are matched), elsewhere one query each."""
    if conn.dialect.name != "postgresql":
        return [_candidates(conn, claim, cols) for claim, cols in items]
    out: list[list] = [[] for _ in items]
    params = []
    for i, (claim, cols) in enumerate(items):
        p = _block_params(claim, cols)
        if p is not None:
            params.append({**p, "i": i, "lo": p["lo"].isoformat(), "hi": p["hi"].isoformat()})
    for part in _chunks(params, 2000):
        for r in conn.execute(_CANDIDATES_MANY, {"claims": json.dumps(part)}):
            out[r.i].append(r)
    return out


_INCIDENT = "inc_"  # stored incident ids (`fuse.incident_id`) beside claim keys (hex) in one union-find


def _add_incident_claims(conn: Connection, claims: list[tuple[int, int, dict[str, Any], dict[str, Any]]],
                         touched: set[str]) -> set[str]:
    """Insert a batch's incident claims (report id, index, claim, report meta), merging every incident
    each one matches: stored claims through the blocking query, the batch's own claims in memory under
    the same blocking. Incidents are connected components, so the result is the one a claim-by-claim
    ingest gives. Returns the (provisional) ids of the incidents to re-fuse: `touched` plus the batch's."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        root = parent.setdefault(x, x)
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb

    split: set[str] | None = None
    block = _BatchBlocks()
    rows = []
    prepared = []
    for report_id, index, claim, meta in claims:
        key = fuse.claim_key(meta["report_key"], index)
        prepared.append((report_id, index, claim, key, {**claim, **meta, "claim_key": key},
                         _claim_columns(claim, meta["published"])))
    found = _candidates_many(conn, [(view, cols) for *_, view, cols in prepared])
    for (report_id, index, claim, key, view, cols), candidates in zip(prepared, found):
        parent.setdefault(key, key)
        stored = [r for r in candidates if fuse.same_incident(view, _claim_dict(r))]
        mates = [k for k, other in block.near(view, cols) if fuse.same_incident(view, other)]
        if stored or mates:
            split = {r[0] for r in conn.execute(_Q.split_keys)} if split is None else split
            for r in stored:
                if r.claim_key not in split:
                    union(key, r.incident_id)
            for k in mates:
                if k not in split:
                    union(key, k)
        block.add(key, view, cols)
        rows.append({"claim_key": key, "report_id": report_id, "idx": index, "payload": claim, **cols})
    members: dict[str, list[str]] = {}
    for node in list(parent):
        members.setdefault(find(node), []).append(node)
    target: dict[str, str] = {}
    moves = []
    for root, nodes in members.items():
        old = sorted(n for n in nodes if n.startswith(_INCIDENT))
        keys = [n for n in nodes if not n.startswith(_INCIDENT)]
        target[root] = old[0] if old else fuse.incident_id(keys)
        moves += [{"other": o, "target": target[root]} for o in old[1:]]
    if moves:
        conn.execute(_Q.move_claims, moves)
        for m in moves:
            _drop_incident(conn, m["other"])
    for row in rows:
        row["incident_id"] = target[find(row["claim_key"])]
    insert_rows(conn, incident_claims, rows)
    return {target[find(i)] if i in parent else i for i in touched} | {r["incident_id"] for r in rows}


class _BatchBlocks:
    """The claims of the batch being stored, found under the blocking keys the database query uses
    (type family, fusion date within a day, one place key: gazetteer id, name, consonants, a nearby point)."""

    CELL = 0.05  # degrees; wider than PLACE_KM, so a point's partners are in its cell or the next ones

    def __init__(self) -> None:
        self.by_key: dict[tuple, list[tuple[str, dict[str, Any]]]] = {}

    def _place_keys(self, view: dict[str, Any], cols: dict[str, Any], probe: bool) -> set[tuple]:
        keys: set[tuple] = {("n", k) for k in fuse.name_keys(view.get("location") or {})}
        keys |= {("n", k) for k in (cols["name_key"], cols["matched_key"]) if k}
        if cols["gazetteer_id"]:
            keys.add(("g", cols["gazetteer_id"]))
        if cols["skeleton_key"]:
            keys.add(("s", cols["skeleton_key"]))
        if cols["lat"] is not None:
            y, x = math.floor(cols["lat"] / self.CELL), math.floor(cols["lon"] / self.CELL)
            if probe:
                lat = cols["lat"]
                dlon = fuse.PLACE_KM / (111.32 * math.cos(math.radians(min(89.0, abs(lat) + 1))))
                reach = int(math.ceil(dlon / self.CELL))
                keys |= {("c", y + dy, x + dx) for dy in (-1, 0, 1) for dx in range(-reach, reach + 1)}
            else:
                keys.add(("c", y, x))
        return keys

    def add(self, key: str, view: dict[str, Any], cols: dict[str, Any]) -> None:
        for place in self._place_keys(view, cols, probe=False):
            self.by_key.setdefault((cols["fuse_date"], place), []).append((key, view))

    def near(self, view: dict[str, Any], cols: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        found: dict[str, dict[str, Any]] = {}
        day = cols["fuse_date"]
        for place in self._place_keys(view, cols, probe=True):
            for d in (day - timedelta(days=1), day, day + timedelta(days=1)):
                for k, other in self.by_key.get((d, place), ()):
                    found[k] = other
        return list(found.items())


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
    return _refresh_incidents(conn, [iid])[iid]


def _refresh_incidents(conn: Connection, iids: Iterable[str]) -> dict[str, str | None]:
    """`_refresh_incident` for many incidents at once, a few multi-row statements for all of them.
    Returns each id's final id (None when it has no claims left)."""
    iids = sorted(set(iids))
    claims: dict[str, list[dict[str, Any]]] = {i: [] for i in iids}
    for part in _chunks(iids):
        for r in conn.execute(_Q.claims_of_incidents, {"iids": part}):
            claims[r.incident_id].append(_claim_dict(r))
    machines = {i: fuse.fuse_claims(cs) for i, cs in claims.items() if cs}
    final = {i: (machines[i]["id"] if i in machines else None) for i in iids}
    finals = {f for f in final.values() if f}
    renames = [{"other": i, "target": f} for i, f in final.items() if f and f != i]
    if renames:
        conn.execute(_Q.move_claims, renames)
    _drop_incidents(conn, [i for i, f in final.items() if f != i and i not in finals])
    fixes: dict[str, list] = {}
    for part in _chunks([c["claim_key"] for i in machines for c in claims[i]]):
        for f in conn.execute(_Q.corrections_of, {"keys": part}):
            fixes.setdefault(f.anchor_claim, []).append(f)
    records = []
    for i, machine in machines.items():
        mine = sorted((f for c in claims[i] for f in fixes.get(c["claim_key"], ())
                       if (f.kind or "incident") == "incident"), key=lambda f: (f.at, f.id))
        # the machine record is freshly fused and this loop's own: no correction, no copy needed
        records.append(apply_corrections(machine, [_correction_dict(f) for f in mine]) if mine else machine)
    rejected = [r["id"] for r in records if r.get("status") == "rejected"]  # kept in the claims and history only
    _drop_incidents(conn, rejected)
    _write_incidents(conn, [r for r in records if r.get("status") != "rejected"])
    return final


def _chunks(items: list, size: int = 500) -> Iterable[list]:
    """Slices of a list for IN (...) lists: SQLite and drivers bound the number of parameters."""
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _drop_incidents(conn: Connection, iids: list[str]) -> None:
    if iids:
        rows = [{"iid": i} for i in iids]
        for q in (_Q.delete_incident_violations, _Q.delete_actors, _Q.delete_incident):
            conn.execute(q, rows)


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


def _write_incidents(conn: Connection, records: list[dict[str, Any]]) -> None:
    """Insert or update fused incidents with their actor keys, and replace their violation links by
    testing each against the ceasefires in force on its day."""
    if not records:
        return
    ids = [r["id"] for r in records]
    existing: set[str] = set()
    for part in _chunks(ids):
        existing |= {r[0] for r in conn.execute(_Q.incidents_existing, {"iids": part})}
    cols = [_incident_columns(r) for r in records]
    updates = [{**c, "iid": c["id"]} for c in cols if c["id"] in existing]
    if updates:
        conn.execute(_Q.update_incident, updates)
    inserts = [c for c in cols if c["id"] not in existing]
    insert_rows(conn, incidents, inserts)
    gone = [{"iid": i} for i in ids]
    conn.execute(_Q.delete_actors, gone)
    conn.execute(_Q.delete_incident_violations, gone)
    actors = [{"incident_id": r["id"], "actor_key": k} for r in records
              for k in sorted(actor_keys(r.get("perpetrator"), r.get("perpetrators")))]
    insert_rows(conn, incident_actors, actors)
    days = sorted({date.fromisoformat(r["date"]) for r in records if r.get("date")})
    binding = []  # (start, until, record) of the truces binding on some day of these incidents: one query
    if days:
        binding = [(c.start, c.until, _decoded(c.record))
                   for c in conn.execute(_Q.ceasefires_binding, {"first": days[0], "last": days[-1]})]
    in_force: dict[date, list[dict[str, Any]]] = {}
    links = []
    for r in records:
        if not r.get("date"):
            continue
        day = date.fromisoformat(r["date"])
        if day not in in_force:
            in_force[day] = [cf for start, until, cf in binding
                             if start is not None and start <= day and (until is None or until >= day)]
        links += [_violation_row(cf, r) for cf in in_force[day] if ledger.is_violation(cf, r)]
    insert_rows(conn, violations, links)


def _violation_row(cf: dict[str, Any], incident: dict[str, Any]) -> dict[str, Any]:
    return {"ceasefire_id": cf["id"], "incident_id": incident["id"], "by_declarer": ledger.by_declarer(cf, incident),
            "strength": ledger.violation_strength(cf, incident), "reason": ledger.violation_reason(cf, incident)}


@lru_cache(maxsize=65536)
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


def _settle_ledger(conn: Connection, changed: set[str], since: date | None = None,
                   touched: Iterable[str] = ()) -> None:
    """Set when each truce stops binding (`ledger.settle`: stated end, collapse, supersession,
    horizon) and re-link the violations of every ceasefire whose terms or end changed.

    With `since` (no touched truce starts earlier), only truces still binding on the day before it
    (or not settled yet) are read: one that ended earlier cannot be ended by a later one, nor be
    the next truce of one binding then (it would have ended that one first), so its end stays. The
    store holds thousands of ended truces after years of news; an ingest batch reads a few."""
    q = sa.select(ceasefires.c.id, sa.cast(ceasefires.c.record, sa.Text).label("record"))
    if since is not None:
        q = q.where(sa.or_(ceasefires.c.until.is_(None), ceasefires.c.until >= since - timedelta(days=1),
                           ceasefires.c.id.in_(sorted(set(changed) | set(touched)) or [""])))
    records = [_decoded(r.record) for r in conn.execute(q)]  # shared, read-only: settled into copies
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
    insert_rows(conn, violations, links)


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
    _refresh_incidents(conn, touched)
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
