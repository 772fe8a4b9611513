"""Places filled in later: re-run the geocoder over stored claims (after a gazetteer import or an
upgrade), then re-fuse, since better places change which claims are one incident."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from vigil.store.engine import Store, _lock_writers
from vigil.store.fusion import _claim_columns, _rebuild
from vigil.store.schema import incident_claims, incidents, reports

_RESULT_FIELDS = ("matched_name", "lat", "lon", "geo_precision", "gazetteer_id")  # what the geocoder decides


@dataclass
class GeocodeChange:
    claims: int = 0  # claims re-geocoded
    claims_changed: int = 0
    gained: int = 0  # incidents that had no coordinates and now have
    moved: int = 0  # incidents whose coordinates changed
    lost: int = 0  # incidents that had coordinates and now have none (the geocoder abstains now)
    without_before: int = 0
    without_after: int = 0
    incidents_before: int = 0
    incidents_after: int = 0

    def line(self) -> str:
        return (f"geocoded {self.claims} claims again ({self.claims_changed} changed): {self.gained} incidents "
                f"gained coordinates, {self.moved} moved, {self.lost} lost them; without coordinates: "
                f"{self.without_before} of {self.incidents_before} before, {self.without_after} of "
                f"{self.incidents_after} after")


def _coordinates_by_claim(conn: Connection) -> dict[str, tuple[float, float] | None]:
    rows = conn.execute(sa.select(incident_claims.c.claim_key, incidents.c.lat, incidents.c.lon)
                        .join(incidents, incidents.c.id == incident_claims.c.incident_id)).all()
    return {r.claim_key: (None if r.lat is None or r.lon is None else (round(r.lat, 4), round(r.lon, 4)))
            for r in rows}


def _without(conn: Connection) -> tuple[int, int]:
    total = conn.execute(sa.select(sa.func.count()).select_from(incidents)).scalar_one()
    return conn.execute(sa.select(sa.func.count()).where(incidents.c.lat.is_(None))).scalar_one(), total


def regeocode(store: Store, on_progress: Callable[[int, int], None] | None = None) -> GeocodeChange:
    """Geocode every stored incident claim again from its report (its text and the place hints the
    extractor gave), store what changed, re-fuse, and count what moved. Claims of reports stored
    before texts were kept are only tried when they have no coordinates."""
    from vigil.geo import geocode_report
    from vigil.model import Document, Incident, Location, Report

    change = GeocodeChange()
    with store.engine.begin() as conn:
        _lock_writers(conn)
        before = _coordinates_by_claim(conn)
        change.without_before, change.incidents_before = _without(conn)
        report_rows = conn.execute(sa.select(reports.c.id, reports.c.doc_id, reports.c.published, reports.c.text)
                                   .where(sa.or_(reports.c.withdrawn.is_(None), reports.c.withdrawn.is_(False)))
                                   .order_by(reports.c.id)).all()
        for n, rep in enumerate(report_rows, 1):
            claims = conn.execute(sa.select(incident_claims.c.id, incident_claims.c.payload)
                                  .where(incident_claims.c.report_id == rep.id)
                                  .order_by(incident_claims.c.idx)).all()
            if claims:
                _regeocode_report(conn, rep, claims, change, geocode_report, Document, Incident, Location, Report)
            if on_progress:
                on_progress(n, len(report_rows))
        _rebuild(conn)
        after = _coordinates_by_claim(conn)
        change.without_after, change.incidents_after = _without(conn)
        groups: dict[str, list[str]] = {}
        for r in conn.execute(sa.select(incident_claims.c.incident_id, incident_claims.c.claim_key)
                              .where(incident_claims.c.incident_id.is_not(None))):
            groups.setdefault(r.incident_id, []).append(r.claim_key)
    for keys in groups.values():
        now = after.get(keys[0])
        was = {before.get(k) for k in keys if k in before}
        if now is not None and was and was <= {None}:
            change.gained += 1
        elif now is not None and was - {None} and now not in was:
            change.moved += 1
        elif now is None and was - {None}:
            change.lost += 1
    return change


def _regeocode_report(conn: Connection, rep, claims, change: GeocodeChange, geocode_report, Document, Incident,
                      Location, Report) -> None:
    """Re-geocode one report's claims. With the report's text, the extractor is run again to recover
    every hint it gave the geocoder (the sentence, the province named earlier, "neighbourhood"), and a
    claim takes the new place when the extractor still reads the same name at that position. Without
    the text (or when the extractor now reads differently) the stored place hints are used, and only
    claims without coordinates may change. A place is never dropped: a claim that had coordinates
    keeps them when the geocoder now abstains."""
    from vigil.extract import extract

    doc = Document(doc_id=rep.doc_id or "", published=rep.published if isinstance(rep.published, date)
                   else date.fromisoformat(str(rep.published)), text=rep.text or "")
    fresh: list = []
    if rep.text:
        try:
            fresh = [inc.location for inc in geocode_report(extract(doc)).incidents]
        except Exception:  # a report the current extractor cannot read: fall back to the stored hints
            fresh = []
    hints = []
    for c in claims:
        loc = dict(c.payload.get("location") or {})
        kept = {k: loc.get(k) for k in ("name", "admin1", "admin2", "country")}
        hints.append(Location(**{**kept, "name": kept["name"] or ""}))
    report = Report(doc=doc, incidents=[Incident(location=h) for h in hints])
    geocode_report(report)
    for i, (c, inc) in enumerate(zip(claims, report.incidents)):
        old: dict[str, Any] = c.payload.get("location") or {}
        if not old.get("name"):
            continue  # nothing to look up
        same_reading = i < len(fresh) and fresh[i] is not None and fresh[i].name == old.get("name")
        if not same_reading and old.get("lat") is not None:
            continue
        change.claims += 1
        found = (fresh[i] if same_reading else inc.location).to_dict()
        if found.get("lat") is None and old.get("lat") is not None:
            continue  # the geocoder abstains now: keep the place it had
        new = {**old, **{k: v for k, v in found.items() if k != "name"}}
        if all(old.get(k) == new.get(k) for k in (*_RESULT_FIELDS, "admin1", "admin2", "country")):
            continue
        change.claims_changed += 1
        payload = {**c.payload, "location": new}
        conn.execute(sa.update(incident_claims).where(incident_claims.c.id == c.id).values(
            payload=payload, **_claim_columns(payload, rep.published.isoformat())))
