"""Analysts' corrections: validated overrides anchored to a claim, so they survive re-fusion."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa

from vigil.store.engine import Store, _lock_writers
from vigil.store.fusion import _refresh_incident
from vigil.store.queries import _current_incident_id, get_incident
from vigil.store.schema import corrections, incident_claims

CORRECTABLE = ("date", "date_precision", "type", "perpetrator", "killed", "killed_qualifier", "injured", "victims",
               "children_killed", "women_killed", "killed_low", "killed_high", "killed_best", "grade",
               "location.name", "location.matched_name", "location.admin1", "location.admin2",
               "location.country", "location.lat", "location.lon", "location.geo_precision")
_INT_FIELDS = {"killed", "injured", "children_killed", "women_killed", "killed_low", "killed_high", "killed_best"}


def parse_value(raw: str) -> Any:
    """FIELD=VALUE values: JSON when they parse (12, null, 36.1), else the text itself."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def correct(store: Store, incident_id: str, field_name: str, value: Any, by: str, note: str | None = None) -> dict:
    """Record an analyst's override of one field; returns the corrected incident."""
    if field_name not in CORRECTABLE:
        raise ValueError(f"cannot correct {field_name!r}; correctable fields: {', '.join(CORRECTABLE)}")
    if field_name in _INT_FIELDS and value is not None and not isinstance(value, int):
        raise ValueError(f"{field_name} takes a whole number or null, not {value!r}")
    with store.engine.begin() as conn:
        _lock_writers(conn)
        current = _current_incident_id(conn, incident_id)
        anchor = conn.execute(sa.select(sa.func.min(incident_claims.c.claim_key))
                              .where(incident_claims.c.incident_id == current)).scalar_one()
        conn.execute(sa.insert(corrections).values(anchor_claim=anchor, incident_id=current, field=field_name,
                                                   value=value, by=by, note=note, at=datetime.now(timezone.utc)))
        final = _refresh_incident(conn, current)
    return get_incident(store, final)
