"""Shared fixtures: a fresh store on SQLite (a real file) and on PostgreSQL (a real server).

PostgreSQL is reached at VIGIL_TEST_PG (default: the role/database that
scripts/ensure-postgres creates on 127.0.0.1:5432). Under CI (env CI set) an
unreachable server fails the PostgreSQL tests; elsewhere they are skipped with
the reason.
"""
from __future__ import annotations

import os
import uuid

import pytest

PG_URL = os.environ.get("VIGIL_TEST_PG", "postgresql+psycopg://vigil:vigil@127.0.0.1:5432/vigil_test")
# A schema of our own, so that test runs in other checkouts sharing the server do not collide.
PG_SCHEMA = f"vigil_t{os.getpid()}_{uuid.uuid4().hex[:6]}"
PG_TEST_URL = f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{PG_SCHEMA}"


def _reset_postgres(url: str, drop_only: bool = False) -> None:
    """Recreate this run's schema: each test starts from nothing."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
            if not drop_only:
                conn.execute(sa.text(f"CREATE SCHEMA {PG_SCHEMA}"))
    finally:
        engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def _drop_test_schema_at_exit():
    yield
    try:
        _reset_postgres(PG_URL, drop_only=True)
    except Exception:
        pass


def postgres_url_or_skip() -> str:
    try:
        _reset_postgres(PG_URL)
    except Exception as e:  # the server is down or the role is missing
        msg = f"PostgreSQL not reachable at {PG_URL} ({type(e).__name__}: {str(e).splitlines()[0]}); run scripts/ensure-postgres"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    return PG_TEST_URL


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """A URL naming an empty database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'vigil.db'}"
    return postgres_url_or_skip()


@pytest.fixture
def store(db_url):
    from vigil.store import open_store

    s = open_store(db_url)
    yield s
    s.close()


@pytest.fixture(autouse=True)
def _private_user_gazetteer(tmp_path, monkeypatch):
    """Every test gets an empty user gazetteer, so a developer's own imports never change results."""
    from vigil.geo import gazetteer

    monkeypatch.setenv("VIGIL_HOME", str(tmp_path / "vigil-home"))
    gazetteer.reset()
    yield
    gazetteer.reset()
