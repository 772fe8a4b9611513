"""Ceasefire areas as outlines for the map, drawn from the boundaries shipped with the dashboard
(Natural Earth countries; Who's On First governorates and districts of Syria) and the ledger's
hand-drawn zone outlines. Which units an area covers is the ledger's answer (`ledger.resolve_area`)."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from vigil import ledger

GEO = Path(__file__).parent / "static" / "geo"


@lru_cache(maxsize=None)
def _features(name: str) -> tuple[dict[str, Any], ...]:
    return tuple(json.loads((GEO / name).read_text(encoding="utf-8"))["features"])


def warm() -> None:
    """Read the shipped boundaries now (about 0.1 s), not during the first request that needs them."""
    for name in ("world.geojson", "syr_admin1.geojson", "syr_admin2.geojson"):
        _features(name)


def _units(level: int, keys: frozenset[str]) -> list[dict[str, Any]]:
    if not keys:
        return []
    field = f"admin{level}_name"
    return [f for f in _features(f"syr_admin{level}.geojson") if ledger.admin_keys(level, f["properties"][field]) & keys]


def _feature(geometry: dict[str, Any], label: str, kind: str) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": {"label": label, "kind": kind}}


def area_outline(area_text: str | None) -> dict[str, Any]:
    """A GeoJSON FeatureCollection outlining a ceasefire's area; empty when it cannot be drawn
    (an area matched by a place name only, or a country without a shipped outline)."""
    out = []
    for area in ledger.resolve_area(area_text):
        if area.kind == "country":
            out += [_feature(f["geometry"], area.label, "country") for f in _features("world.geojson")
                    if ledger.plain(f["properties"]["name"]) == area.country]
            continue
        keys1, keys2 = (area.names, area.names) if area.kind in ("admin", "name") else (area.admin1, area.admin2)
        out += [_feature(f["geometry"], area.label, area.kind) for f in _units(1, keys1) + _units(2, keys2)]
        if area.polygon:
            ring = [list(p) for p in area.polygon]
            out.append(_feature({"type": "Polygon", "coordinates": [ring]}, area.label, "zone"))
    return {"type": "FeatureCollection", "features": out}
