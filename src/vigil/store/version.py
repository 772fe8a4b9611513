"""Reading the data version (`data_version.n`, bumped by triggers on every write the web app's
answers depend on) as cheaply as a read can be: every web request reads it once, and through
SQLAlchemy's pool and result objects that one-integer read cost about a seventh of the server's CPU
under load. Each thread keeps a DBAPI connection of its own (autocommit on PostgreSQL: a read sees
every committed write) and runs one prepared SELECT on it."""
from __future__ import annotations

import threading
from typing import Any

from vigil.store.engine import Store, data_version

_SQL = "SELECT n FROM data_version WHERE id = 1"


class VersionReader:
    """`reader()` -> the store's current data version, on this thread's own connection; `close()`
    closes every connection it opened (they are not the pool's, so disposing the engine does not)."""

    def __init__(self, store: Store):
        self.engine = store.engine
        self._local = threading.local()
        self._opened: list[Any] = []
        self._lock = threading.Lock()
        self._closed = False
        url = store.engine.url
        # an in-memory SQLite database exists only on the pool's connection: read it there
        self._shared = store if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:") else None

    def __call__(self) -> int:
        if self._shared is not None:
            with self._shared.reader.connect() as c:
                return data_version(c)
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
        try:
            cur = conn.cursor()
            try:
                cur.execute(_SQL)
                return int(cur.fetchone()[0])
            finally:
                cur.close()
        except Exception:
            # a server restart or a dropped connection: one new connection, then the error stands
            self._forget(conn)
            conn = self._connect()
            cur = conn.cursor()
            try:
                cur.execute(_SQL)
                return int(cur.fetchone()[0])
            finally:
                cur.close()

    def _connect(self) -> Any:
        if self._closed:
            raise RuntimeError("the version reader is closed")
        dialect = self.engine.dialect
        cargs, cparams = dialect.create_connect_args(self.engine.url)
        conn = dialect.connect(*cargs, **cparams)
        if dialect.name == "postgresql":
            conn.autocommit = True  # no transaction: each read sees the latest committed version
        elif dialect.name == "sqlite":
            conn.isolation_level = None  # never hold a read transaction open between requests
        self._local.conn = conn
        with self._lock:
            self._opened.append(conn)
        return conn

    def _forget(self, conn: Any) -> None:
        self._local.conn = None
        with self._lock:
            if conn in self._opened:
                self._opened.remove(conn)
        try:
            conn.close()
        except Exception:
            pass

    def close(self) -> None:
        with self._lock:
            opened, self._opened, self._closed = self._opened, [], True
        for conn in opened:
            try:
                conn.close()
            except Exception:
                pass
