"""SQLite and PostgreSQL give the same answers; the migrations build exactly the schema vigil.store uses."""
from __future__ import annotations

import json

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from conftest import postgres_url_or_skip
from fixture_reports import incident, kafr_taal_outlets, report, russian_ceasefire_report
from vigil.store import (metadata, open_store, ingest_reports, query_ceasefires, query_incidents, query_violations,
                         rebuild)


def _corpus():
    extra = report("outlet-e", "2020-02-03", incidents=[
        incident("Douma", 5, date="2020-02-02", type="shelling", perpetrator="Syrian government",
                 evidence="Five died as shells hit Douma on Sunday."),
        incident("Unlisted Hamlet", None, date=None, perpetrator=None, loc={"name": "Unlisted Hamlet"},
                 evidence="A hamlet nearby was also hit."),
    ])
    return kafr_taal_outlets() + [russian_ceasefire_report(), extra]


def _answers(url):
    with open_store(url) as s:
        ingest_reports(s, _corpus())
        return json.dumps([query_incidents(s), query_ceasefires(s), query_violations(s)], sort_keys=True)


def test_sqlite_and_postgresql_give_identical_incidents(tmp_path):
    pg = postgres_url_or_skip()
    sqlite = _answers(f"sqlite:///{tmp_path / 'a.db'}")
    assert sqlite == _answers(pg)
    assert len(json.loads(sqlite)[0]) == 5


def test_migrations_match_the_tables_store_uses(db_url):
    from vigil.store import SCHEMA_REVISION

    with open_store(db_url) as s:
        with s.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
            version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one()
    from vigil.store import SCHEMA_REVISION

    assert diff == []
    assert version == SCHEMA_REVISION


def test_reopening_a_store_keeps_its_data(db_url):
    with open_store(db_url) as s:
        ingest_reports(s, kafr_taal_outlets())
        before = query_incidents(s)
    with open_store(db_url) as s:
        assert query_incidents(s) == before
        rebuild(s)
        assert query_incidents(s) == before


def test_schema_revision_constant_is_the_alembic_head():
    from alembic.script import ScriptDirectory

    from vigil.store import SCHEMA_REVISION

    assert ScriptDirectory.from_config(_alembic_config()).get_current_head() == SCHEMA_REVISION


def _alembic_config():
    """Alembic pointed at the package's migrations, as `open_store` runs them."""
    from importlib.resources import files

    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(files("vigil") / "migrations"))
    return cfg


def test_an_old_database_is_upgraded_on_open_with_its_data(db_url):
    """A store created at revision 0002 gains the grid cell (0003) for the incidents it already holds."""
    import sqlalchemy as sa
    from alembic import command

    from vigil.store import IncidentFilter, query_incidents

    engine = sa.create_engine(db_url)
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
    record = {"id": "inc_old", "date": "2020-01-21", "type": "airstrike", "perpetrator": None,
              "location": {"name": "Kafr Taal", "lat": 36.15423, "lon": 36.89346, "country": "Syria"}}
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO incidents (id, date, type, lat, lon, record) "
                             "VALUES ('inc_old', '2020-01-21', 'airstrike', 36.15423, 36.89346, :r)"),
                     {"r": json.dumps(record)})
    engine.dispose()
    with open_store(db_url) as s:
        found = query_incidents(s, IncidentFilter(near=(36.15, 36.89, 5)))
    assert [i["id"] for i in found] == ["inc_old"]


def test_concurrent_writers_fuse_as_if_sequential(tmp_path, db_url):
    """Parallel ingest workers (the Dask scale-out) must not split one incident between them."""
    import threading

    corpus = _corpus()
    with open_store(f"sqlite:///{tmp_path / 'seq.db'}") as s:
        ingest_reports(s, corpus)
        expected = json.dumps(query_incidents(s), sort_keys=True)
    stores = [open_store(db_url) for _ in range(4)]
    errors = []

    def work(i):
        try:
            ingest_reports(stores[i], corpus[i::4], on_error=lambda name, e: errors.append((name, e)))
        except Exception as e:  # pragma: no cover - surfaced by the assertion below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == []
        assert json.dumps(query_incidents(stores[0]), sort_keys=True) == expected
    finally:
        for s in stores:
            s.close()


def test_the_data_version_moves_with_every_write_transaction_and_once_within_one(db_url):
    """Readers see the counter move after each committed write; on PostgreSQL a transaction of many
    statements bumps it once (row versions of the one row must not pile up within a transaction)."""
    import sqlalchemy as sa

    from vigil.store import data_version
    from vigil.store.schema import incident_actors

    with open_store(db_url) as s:
        ingest_reports(s, kafr_taal_outlets())
        with s.engine.connect() as conn:
            v0 = data_version(conn)
        with s.engine.begin() as conn:
            for i in range(5):
                conn.execute(sa.insert(incident_actors).values(incident_id=f"inc_x{i}", actor_key="someone"))
            conn.execute(sa.delete(incident_actors).where(incident_actors.c.actor_key == "someone"))
        with s.engine.connect() as conn:
            v1 = data_version(conn)
        with s.engine.begin() as conn:
            conn.execute(sa.insert(incident_actors).values(incident_id="inc_y", actor_key="someone"))
        with s.engine.connect() as conn:
            v2 = data_version(conn)
    assert v0 < v1 < v2
    if db_url.startswith("postgresql"):
        assert v1 == v0 + 1 and v2 == v1 + 1


def test_band_rows_gain_their_reports_day_when_a_0011_store_is_upgraded(db_url):
    """0012 keys the near-copy bands by publication day: rows written before it get their report's day,
    so a reprint ingested after the upgrade still finds its original."""
    import sqlalchemy as sa
    from alembic import command

    original = kafr_taal_outlets()[0]
    reprint = json.loads(json.dumps(original))
    reprint.update(doc_id="reprint", url="https://mirror.example.net/reprint", published="2020-01-23",
                   text=original["text"] + " Reprinted with permission.")
    with open_store(db_url) as s:
        ingest_reports(s, [original])
    engine = sa.create_engine(db_url)
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0011")
        assert "published" not in {c["name"] for c in sa.inspect(conn).get_columns("report_bands")}
    engine.dispose()
    with open_store(db_url) as s:  # opening upgrades to the head again
        with s.engine.connect() as conn:
            days = set(conn.execute(sa.text("SELECT DISTINCT published FROM report_bands")).scalars())
        assert {str(d)[:10] for d in days} == {original["published"][:10]}
        assert ingest_reports(s, [reprint]).near_copy == 1
