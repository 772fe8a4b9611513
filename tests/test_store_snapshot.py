"""The in-memory browsing snapshot answers exactly what the SQL queries answer, on both backends,
and notices every write (ingest, correction, undo) through the data version."""
from __future__ import annotations

import itertools
import json
from datetime import date

from vigil.store import (BrowseFilter, browse_page, check_browse, correct, data_version, history, incident_points,
                         incident_stats, ingest_reports, open_store, undo)
from vigil.store import snapshot
from web_support import NEW_REPORT, ingest_samples


def _answers(store, **params):
    f = check_browse(store, BrowseFilter(**params))
    page = browse_page(store, f)
    return page.total, page.items, page.last, page.more, incident_points(store, f), incident_stats(store, f)


def _filters(store):
    """Filters drawn from the data: every country, province, perpetrator, type and grade, dates,
    a radius, words, each sort, pages and a cursor."""
    snap = snapshot.current(store)
    values = {name: [v for v in snap.vocab[col] if v] for name, col in
              (("country", "country_key"), ("admin1", "admin1_key"), ("type", "type"), ("grade", "grade"))}
    out = [{}] + [{k: v} for k, vs in values.items() for v in vs[:6]]
    out += [{"perpetrator": p} for p in sorted(snap.actors)[:6]]
    out += [{"since": date(2024, 1, 1)}, {"until": date(2023, 6, 30)}, {"text": "killed"},
            {"near": (36.2, 37.1, 60.0)}, {"type": "airstrike", "sort": "-killed", "limit": 3}]
    out += [{"sort": s, "limit": 4, "offset": o} for s, o in itertools.product(("date", "-date", "killed", "-killed"),
                                                                               (0, 3))]
    return out


def _same(store, label):
    for params in _filters(store):
        store.browse_in_sql = False
        kept = _answers(store, **params)
        store.browse_in_sql = True
        plain = _answers(store, **params)
        store.browse_in_sql = False
        assert kept == plain, (label, params)
        page = browse_page(store, check_browse(store, BrowseFilter(**{**params, "limit": 2})))
        if page.last:  # the next page after a cursor, both ways
            after = {**params, "limit": 3, "offset": 0, "after": page.last}
            store.browse_in_sql = True
            plain_next = browse_page(store, check_browse(store, BrowseFilter(**after)))
            store.browse_in_sql = False
            assert browse_page(store, check_browse(store, BrowseFilter(**after))) == plain_next, (label, params)


def test_the_snapshot_answers_what_sql_answers_after_ingest_correction_and_undo(db_url):
    from vigil.pipeline import process
    from vigil.read import parse_jsonl

    ingest_samples(db_url)
    with open_store(db_url) as s:
        _same(s, "samples")
        version = snapshot.current(s).version
        doc = next(iter(parse_jsonl(json.dumps(NEW_REPORT) + "\n", "new report")))
        d = process(doc).to_dict()
        d["text"] = doc.text
        ingest_reports(s, [d])
        with s.engine.connect() as conn:
            assert data_version(conn) > version
        _same(s, "after an ingest")
        iid = next(i["id"] for i in browse_page(s, check_browse(s, BrowseFilter(text="saraqib"))).items)
        correct(s, iid, "killed", 11, by="ana")
        _same(s, "after a correction")
        assert browse_page(s, check_browse(s, BrowseFilter(text="saraqib"))).items[0]["killed"] == 11
        correct(s, iid, "perpetrator", "Invented Brigade", by="ana")
        _same(s, "after a perpetrator correction")
        undo(s, history(s, iid)[0]["id"], by="ana")
        _same(s, "after an undo")


def test_a_bulk_load_moves_the_data_version_and_is_few_statements_on_postgresql(db_url):
    """Loading many rows is noticed, and on PostgreSQL (statement triggers) is sent as multi-row
    statements: one statement a row made the trigger's updates of one counter row pile up."""
    import importlib.util
    from pathlib import Path

    from vigil.store import bulk_insert_incidents

    spec = importlib.util.spec_from_file_location("bench_store", Path(__file__).resolve().parents[1] / "bench"
                                                  / "bench_store.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    with open_store(db_url) as s:
        with s.engine.connect() as conn:
            before = data_version(conn)
        assert bulk_insert_incidents(s, bench.synthetic_incidents(2_500)) == 2_500
        with s.engine.connect() as conn:
            moved = data_version(conn) - before
        assert moved > 0
        assert len(snapshot.current(s)) == 2_500
        if s.engine.dialect.name == "postgresql":
            assert moved <= 20  # 2,500 incidents and their actors in batches of 1,000 rows


def test_stats_of_no_rows_of_every_row_and_of_an_empty_store_equal_sqls(tmp_path):
    url = f"sqlite:///{tmp_path / 's.db'}"
    with open_store(url) as s:
        for params in ({}, {"since": date(2099, 1, 1)}):
            s.browse_in_sql = False
            kept = incident_stats(s, check_browse(s, BrowseFilter(**params)))
            s.browse_in_sql = True
            assert kept == incident_stats(s, check_browse(s, BrowseFilter(**params))), params
        ingest_samples(url)
        for params in ({}, {"since": date(2099, 1, 1)}, {"until": date(2000, 1, 1)}):
            s.browse_in_sql = False
            kept = incident_stats(s, check_browse(s, BrowseFilter(**params)))
            s.browse_in_sql = True
            assert kept == incident_stats(s, check_browse(s, BrowseFilter(**params))), params
        assert kept["total"]["incidents"] == 0 and kept["by_day"] == []
