"""Opening a store: the URL, SQLite pragmas, migrations on open, and the one-writer lock."""
from __future__ import annotations

import os
from importlib.resources import files
from typing import TYPE_CHECKING, Any, Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

DEFAULT_URL = "sqlite:///vigil.db"
if TYPE_CHECKING:
    from vigil.store.ingest import IngestSummary

WRITER_LOCK = 0x5617_11  # PostgreSQL advisory lock key held by each writing transaction


def database_url(db: str | None = None) -> str:
    """`--db`, else `VIGIL_DB`, else ./vigil.db; a bare path means a SQLite file."""
    url = db or os.environ.get("VIGIL_DB") or DEFAULT_URL
    return url if "://" in url else f"sqlite:///{url}"


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")  # readers do not block the ingest writer
    cur.execute("PRAGMA synchronous=NORMAL")  # durable at checkpoints; one fsync per report is the bottleneck otherwise
    cur.execute("PRAGMA foreign_keys=ON")
    # Index pages read through a memory map and a 64 MB page cache instead of 2 MB: in a store of a
    # million reports each blocking or refresh lookup otherwise costs read() calls, and the cost
    # per ingested report grows with the file (3.1 vs 2.2 ms of CPU at 100k vs 10k stored reports).
    cur.execute("PRAGMA mmap_size=2147483648")
    cur.execute("PRAGMA cache_size=-65536")
    cur.close()


SCHEMA_REVISION = "0013"  # the newest file in vigil/migrations/versions (a test keeps the two in step)


def _current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision shipped in the package
    (a quick version check first, so opening an up-to-date store costs one query)."""
    if _current_revision(engine) == SCHEMA_REVISION:
        return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(files("vigil") / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        _version_triggers(conn)


def _version_triggers(conn: Connection) -> None:
    """(Re)install the triggers that bump `data_version.n` on any write to the tables the web app's
    answers read. Installed after every upgrade, because SQLite loses a table's triggers when a
    migration rebuilds the table; statement-level on PostgreSQL, per row on SQLite (a few
    microseconds a row inside the writer's transaction).

    On PostgreSQL the counter moves once per transaction (a transaction-local setting remembers
    the bump): readers only ever see committed states, and updating the one row once per statement
    piles up row versions that every later update in the same transaction must walk (an ingest
    batch runs thousands of statements: its fusion writes took 5-10x longer)."""
    from vigil.store.schema import VERSIONED

    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("CREATE OR REPLACE FUNCTION vigil_bump_data_version() RETURNS trigger "
                             "LANGUAGE plpgsql AS $$ BEGIN "
                             "IF current_setting('vigil.data_version_bumped', true) IS DISTINCT FROM 'y' THEN "
                             "UPDATE data_version SET n = n + 1 WHERE id = 1; "
                             "PERFORM set_config('vigil.data_version_bumped', 'y', true); END IF; "
                             "RETURN NULL; END $$")
        for table in VERSIONED:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS vigil_data_version ON {table}")
            conn.exec_driver_sql(f"CREATE TRIGGER vigil_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                                 f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION vigil_bump_data_version()")
        return
    for table in VERSIONED:
        for event in ("insert", "update", "delete"):
            conn.exec_driver_sql(f"CREATE TRIGGER IF NOT EXISTS vigil_data_version_{table}_{event} AFTER "
                                 f"{event.upper()} ON {table} BEGIN UPDATE data_version SET n = n + 1 WHERE id = 1; END")


def data_version(conn: Connection) -> int:
    """The counter every write to the incidents, their actors, violations or ceasefires bumps."""
    return conn.exec_driver_sql("SELECT n FROM data_version WHERE id = 1").scalar_one()


class Store:
    """An open incident database (see `open_store`)."""

    def __init__(self, engine: Engine):
        self.engine = engine
        # the browsing reads (single SELECTs): on PostgreSQL without a transaction around each, which
        # saves the BEGIN and ROLLBACK round trips of every request; same pool, same isolation per statement
        self.reader = engine.execution_options(isolation_level="AUTOCOMMIT") if engine.dialect.name == "postgresql" \
            else engine
        self.browse_in_sql = False  # True: the browse queries skip the in-memory snapshot (tests compare)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # the public operations are module functions taking the store first; these are conveniences
    def ingest(self, reports_: Iterable[dict[str, Any]], **kw) -> "IngestSummary":
        from vigil.store.ingest import ingest_reports  # ingest builds on this module

        return ingest_reports(self, reports_, **kw)


class StoreError(RuntimeError):
    """The database cannot be used: missing (for a read), unreachable, or refused. One line, no secrets."""


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url.split("@")[-1]


def sqlite_path(url: str) -> str | None:
    """The file a SQLite URL names (None for other databases and in-memory ones)."""
    u = sa.engine.make_url(url)
    return u.database if u.get_backend_name() == "sqlite" and u.database not in (None, "", ":memory:") else None


def open_store(db: str | None = None, create: bool = True) -> Store:
    """Open (and migrate) the database named by `db` / `VIGIL_DB` / ./vigil.db. With `create=False`
    (read commands) a SQLite file that does not exist is an error, not a new empty database."""
    url = database_url(db)
    path = sqlite_path(url)
    if path and not create and not os.path.exists(path):
        raise StoreError(f"no database at {path}; `vigil ingest REPORTS --db {path}` creates one "
                         "(or give --db / VIGIL_DB for another)")
    if path and not os.path.isdir(os.path.dirname(os.path.abspath(path))):
        raise StoreError(f"cannot create a database at {path}: the folder {os.path.dirname(path)} does not exist")
    # connections kept open: the web app's 8 request threads plus its event loop (which checks the data
    # version) each hold one; with the default 5, the rest were opened and closed request after request
    in_memory = path is None and url.startswith("sqlite")  # one connection per thread: no queue to size
    engine = sa.create_engine(url, future=True, **({} if in_memory else {"pool_size": 10, "max_overflow": 10}))
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    elif engine.dialect.name == "postgresql":
        # many-row INSERTs as multi-row statements (1,000 rows each), as SQLite and psycopg2 get them:
        # psycopg 3 would otherwise send one statement a row, and each statement fires the data-version
        # trigger, whose updates of one row pile up in the transaction (a 100,000-incident load: minutes)
        engine.dialect.use_insertmanyvalues_wo_returning = True
    try:
        migrate(engine)
    except sa.exc.OperationalError as e:
        engine.dispose()
        reason = str(e.orig or e).strip().splitlines()[0] if str(e.orig or e).strip() else type(e).__name__
        raise StoreError(f"cannot open the database {safe_url(url)}: {reason}") from None
    except sa.exc.DatabaseError as e:  # e.g. a file that is not a SQLite database
        engine.dispose()
        reason = str(e.orig or e).strip().splitlines()[0]
        raise StoreError(f"cannot use {safe_url(url)} as a Vigil database: {reason}") from None
    return Store(engine)


def _lock_writers(conn: Connection, durable: bool = True) -> None:
    """One writer at a time on PostgreSQL (a transaction-scoped advisory lock): fusion reads then
    writes, so two concurrent ingests could otherwise each create half of one incident. Extraction
    can run in parallel; only the short store transactions queue. SQLite serialises writers itself."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%d)" % WRITER_LOCK)
        if not durable:
            # A crash may lose the last few commits but never corrupts; re-running ingest restores
            # them (reports are identified by content), so waiting for the WAL flush buys nothing.
            # Corrections are an analyst's work and stay durable.
            conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
