"""Importing places into the user gazetteer: GeoNames country dumps and OCHA/HDX populated-places CSVs.

The whole file is validated before anything is written, and the rows go in one transaction, so a
malformed file leaves the existing gazetteer untouched; errors name the file and the line.
"""
from __future__ import annotations

import csv
import io
import math
from datetime import datetime, timezone
from pathlib import Path

from vigil.geo.admin import admin1_of
from vigil.geo.gazetteer import (GazetteerImportError, SourceInfo, _insert_places, _open_user_db, load, reset,
                                 user_db_path)

_GEONAMES_FIELDS = 19
_CSV_NAME = ("admin4name_en", "featurename", "name_en", "name", "pplname", "placename", "locality")
_CSV_LAT = ("latitude", "lat", "y", "latitude_y")
_CSV_LON = ("longitude", "lon", "long", "lng", "x", "longitude_x")
_CSV_ADMIN1 = ("admin1name_en", "adm1_en", "admin1", "admin1name", "governorate", "province")
_CSV_ADMIN2 = ("admin2name_en", "adm2_en", "admin2", "admin2name", "district")
_CSV_CC = ("iso2", "iso", "countrycode", "country_code", "admin0pcode")
_CSV_ID = ("admin4pcode", "pcode", "id", "geonameid")
_CSV_ALT = ("admin4name_ar", "admin4refname", "name_ar", "alt_names", "alternatenames", "admin4altname1_en",
            "admin4altname2_en")


def _fail(path: Path, line: int, problem: str) -> GazetteerImportError:
    return GazetteerImportError(f"{path}:{line}: {problem}; nothing was imported")


def _coords(path: Path, line: int, lat: str, lon: str) -> tuple[float, float]:
    try:
        la, lo = float(lat), float(lon)
    except ValueError:
        raise _fail(path, line, f"latitude/longitude {lat!r}, {lon!r} are not numbers") from None
    if not (-90 <= la <= 90 and -180 <= lo <= 180):
        raise _fail(path, line, f"latitude/longitude {la}, {lo} out of range")
    return la, lo


def _geonames_kind(fclass: str, fcode: str) -> str:
    if fclass == "A" and fcode.startswith("PCL"):
        return "country"
    if fclass == "A" and fcode in ("ADM1", "ADM2", "ADM3"):
        return "admin" + fcode[-1]
    return "place"


def parse_geonames_dump(path: Path, text: str) -> list[dict]:
    """Rows of a GeoNames country dump (`XX.txt`, 19 tab-separated columns, no header)."""
    rows = []
    for i, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        f = line.split("\t")
        if len(f) != _GEONAMES_FIELDS:
            raise _fail(path, i, f"expected {_GEONAMES_FIELDS} tab-separated GeoNames columns, found {len(f)}")
        if not f[0].isdigit() or not f[1].strip():
            raise _fail(path, i, "a GeoNames row needs a numeric geonameid and a name")
        if f[6] in ("H", "U", "V"):  # water, undersea and vegetation features are not incident places
            continue
        lat, lon = _coords(path, i, f[4], f[5])
        rows.append({"gid": f"geonames:{f[0]}", "name": f[1], "lat": lat, "lon": lon,
                     "kind": _geonames_kind(f[6], f[7]), "fcode": f[7], "cc": f[8].upper(),
                     "admin1": "", "admin2": "", "population": int(f[14] or 0) if f[14].isdigit() else 0,
                     "alt": "|".join(a for a in [f[2]] + f[3].split(",") if a)})
    return rows


def _pick(header: list[str], names: tuple[str, ...]) -> str | None:
    lower = {h.lower().strip(): h for h in header}
    for n in names:
        if n in lower:
            return lower[n]
    return None


def parse_places_csv(path: Path, text: str, country: str | None = None) -> list[dict]:
    """Rows of an OCHA/HDX populated-places CSV (columns found by their header names)."""
    sample = text[:4096]
    dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample else csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = reader.fieldnames or []
    name_col, lat_col, lon_col = _pick(header, _CSV_NAME), _pick(header, _CSV_LAT), _pick(header, _CSV_LON)
    missing = [w for w, c in (("name", name_col), ("latitude", lat_col), ("longitude", lon_col)) if not c]
    if missing:
        raise _fail(path, 1, f"no {'/'.join(missing)} column in header {header}")
    a1_col, a2_col = _pick(header, _CSV_ADMIN1), _pick(header, _CSV_ADMIN2)
    cc_col, id_col = _pick(header, _CSV_CC), _pick(header, _CSV_ID)
    alt_cols = [h for h in header if h.lower() in _CSV_ALT]
    rows = []
    for i, r in enumerate(reader, 2):
        if r.get(None):
            raise _fail(path, i, "more fields than the header has")
        name = (r.get(name_col) or "").strip()
        if name.startswith("#"):  # HDX files carry a second header row of HXL tags (#loc+name, #geo+lat)
            continue
        if not name:
            raise _fail(path, i, f"empty {name_col}")
        lat, lon = _coords(path, i, r.get(lat_col) or "", r.get(lon_col) or "")
        cc = (country or ((r.get(cc_col) or "")[:2] if cc_col else "")).upper()
        rows.append({"gid": f"user:{(r.get(id_col) if id_col else '') or f'{path.name}:{i}'}", "name": name,
                     "lat": lat, "lon": lon, "kind": "place", "fcode": "PPL", "cc": cc,
                     "admin1": canonical_admin1_name(cc, (r.get(a1_col) or "").strip()) if a1_col else "",
                     "admin2": (r.get(a2_col) or "").strip() if a2_col else "", "population": 0,
                     "alt": "|".join((r.get(c) or "").strip() for c in alt_cols if (r.get(c) or "").strip()),
                     # an OCHA/HDX list of communities: the P-code says the place is a listed community
                     "pcode": (r.get(id_col) or "").strip() if id_col and "pcode" in id_col.lower() else ""})
    return rows


def canonical_admin1_name(cc: str, raw: str) -> str:
    """Map an admin1 name as a file spells it to Vigil's name for it (unknown names pass through)."""
    if not raw:
        return ""
    return admin1_of(raw, cc or None) or raw


def import_file(path: str | Path, country: str | None = None) -> SourceInfo:
    """Import a GeoNames dump or a populated-places CSV into the user gazetteer (all or nothing)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise GazetteerImportError(f"{path}: cannot read ({e}); nothing was imported") from None
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    if not first:
        raise _fail(path, 1, "the file is empty")
    is_geonames = first.split("\t")[0].isdigit() and "\t" in first
    rows = parse_geonames_dump(path, text) if is_geonames else parse_places_csv(path, text, country)
    if country:
        for r in rows:
            r["cc"] = r["cc"] or country.upper()
    _borrow_admin_names(rows)
    con = _open_user_db(user_db_path())
    try:
        with con:  # one transaction: all rows or none
            cur = con.execute("INSERT INTO sources (name,path,imported_at,rows,countries) VALUES (?,?,?,?,?)",
                              (path.name, str(path.resolve()), datetime.now(timezone.utc).isoformat(timespec="seconds"),
                               len(rows), ""))
            source_id = cur.lastrowid
            n, ccs = _insert_places(con, rows, source_id)
            countries = ",".join(sorted(c for c in ccs if c))
            con.execute("UPDATE sources SET countries = ? WHERE id = ?", (countries, source_id))
    finally:
        con.close()
    reset()
    return SourceInfo(name=path.name, rows=n, countries=countries, path=str(path))


def _borrow_admin_names(rows: list[dict], km: float = 10.0) -> None:
    """Give imported places without a province the province and district of the nearest shipped place.

    GeoNames dumps carry admin *codes* only; without names the resolver could not use a province hint.
    """
    todo = [r for r in rows if r["kind"] == "place" and not r.get("admin1")]
    if not todo:
        return
    con = load().con
    cell = 0.1  # degrees; neighbours within `km` lie in the 3x3 cells around
    for cc in {r["cc"] for r in todo}:
        grid: dict[tuple[int, int], list[tuple[float, float, str, str]]] = {}
        for lat, lon, a1, a2 in con.execute("SELECT lat, lon, admin1, admin2 FROM main.places "
                                            "WHERE cc = ? AND kind = 'place' AND admin1 IS NOT NULL", (cc,)):
            grid.setdefault((int(lat // cell), int(lon // cell)), []).append((lat, lon, a1, a2 or ""))
        for r in (r for r in todo if r["cc"] == cc):
            gy, gx = int(r["lat"] // cell), int(r["lon"] // cell)
            near = [p for dy in (-1, 0, 1) for dx in (-1, 0, 1) for p in grid.get((gy + dy, gx + dx), ())]
            scale = math.cos(math.radians(r["lat"]))
            dist = [(math.hypot(p[0] - r["lat"], (p[1] - r["lon"]) * scale) * 111.0, p) for p in near]
            d, p = min(dist, default=(km + 1, None), key=lambda t: t[0])
            if p is not None and d <= km:
                r["admin1"], r["admin2"] = p[2], p[3]
