"""Batched ingest: the same store as one report per transaction, on both backends; a failing batch leaves nothing half-written."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import sqlalchemy as sa

from fixture_reports import incident, kafr_taal_outlets, report, russian_ceasefire_report
from vigil.store import (incident_claims, ingest_reports, metadata, open_store, query_ceasefires, query_incidents,
                         query_violations, reports, stats)

_PATH = Path(__file__).resolve().parents[1] / "bench" / "bench_ingest.py"
_spec = importlib.util.spec_from_file_location("bench_ingest", _PATH)
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def _corpus() -> list[dict]:
    """Invented reports: retellings of one incident by several outlets, near-copies, truces."""
    return kafr_taal_outlets() + [russian_ceasefire_report()] + bench.synthetic_reports(160, seed=5)


def _state(store) -> str:
    with store.engine.connect() as conn:
        groups = sorted(conn.execute(sa.select(reports.c.doc_id, reports.c.copy_group, reports.c.near_copy_of.is_(None)))
                        .all())
        claims = sorted(conn.execute(sa.select(incident_claims.c.claim_key, incident_claims.c.incident_id)).all())
    return json.dumps([query_incidents(store), query_ceasefires(store), query_violations(store),
                       [list(g) for g in groups], [list(c) for c in claims]], sort_keys=True, default=str)


def _emptied(store):
    """The PostgreSQL test schema is one per test: empty it between runs."""
    with store.engine.begin() as conn:
        for t in reversed(metadata.sorted_tables):
            conn.execute(sa.delete(t))
    return store


def test_batches_fuse_exactly_as_one_report_at_a_time(db_url, tmp_path):
    corpus = _corpus()
    results = []
    for i, batch in enumerate((1, 7, 500)):
        url = db_url if db_url.startswith("postgresql") else f"sqlite:///{tmp_path / f'b{i}.db'}"
        with _emptied(open_store(url)) as s:
            summary = ingest_reports(s, corpus, batch_size=batch)
            assert summary.failed == 0
            results.append((summary.new, summary.duplicate, summary.near_copy, _state(s)))
    assert results[0][:3] == results[1][:3] == results[2][:3]
    assert results[0][2] > 0  # near-copies were linked inside batches
    assert results[0][3] == results[1][3] == results[2][3]


def test_a_batch_that_fails_midway_stores_nothing_of_the_bad_report(db_url):
    """The bad report fails while its claims are written, after its batch's reports were inserted:
    the batch is rolled back whole, then retried one report per transaction."""
    good = kafr_taal_outlets()
    bad = report("broken", "2020-01-21", incidents=[incident("Ariha", 3, evidence="Ariha was hit.")])
    bad["incidents"][0]["victims"] = {1, 2}  # not JSON: writing its claim fails
    done, errors = [], []
    with open_store(db_url) as s:
        summary = ingest_reports(s, [good[0], bad, good[1], good[2]], batch_size=10,
                                 on_error=lambda name, e: errors.append(name), on_done=lambda: done.append(1))
        assert (summary.new, summary.failed) == (3, 1) and errors == ["broken"] and len(done) == 4
        assert "broken" in summary.failures[0]
        with s.engine.connect() as conn:
            assert conn.execute(sa.select(reports.c.doc_id).where(reports.c.doc_id == "broken")).first() is None
        assert stats(s)["reports"] == 3
        assert len(query_incidents(s)) == 3


def test_a_batch_repeating_a_report_stores_it_once(store):
    a = kafr_taal_outlets()[0]
    summary = ingest_reports(store, [a, dict(a), kafr_taal_outlets()[1]], batch_size=10)
    assert (summary.new, summary.duplicate) == (2, 1)
    assert stats(store)["reports"] == 2


def test_settling_only_the_truces_a_batch_can_touch_gives_the_whole_ledgers_answer(db_url, tmp_path):
    """Ingest settles just the truces still binding where the batch's truces start; `rebuild`
    settles every truce: two years of truces, some arriving late or retold, end the same way."""
    import random
    from datetime import date, timedelta

    from fixture_reports import ceasefire
    from vigil.store import rebuild

    rnd = random.Random(4)
    day0 = date(2019, 1, 1)
    truces, strikes = [], []
    for k in range(30):
        start = day0 + timedelta(days=25 * k + rnd.randint(0, 10))
        until = (start + timedelta(days=rnd.randint(5, 40))).isoformat() if rnd.random() < 0.3 else None
        parties = rnd.choice([("Russia",), ("Turkey",), ("Russia", "Turkey")])
        area = rnd.choice(["Idlib", "Hama"])
        cf = ceasefire(parties, effective_from=start.isoformat(), effective_until=until, area=area,
                       evidence=f"A truce number {k} in {area} took effect.")
        truces.append(report(f"truce-{k}", start.isoformat(), ceasefires=[cf]))
        if rnd.random() < 0.3:  # retold weeks later
            later = (start + timedelta(days=rnd.randint(20, 90))).isoformat()
            truces.append(report(f"truce-{k}-again", later, ceasefires=[cf], text=f"Truce {k} again, {later}."))
    for k in range(60):
        day = (day0 + timedelta(days=rnd.randint(0, 780))).isoformat()
        strikes.append(report(f"strike-{k}", day, incidents=[incident(
            rnd.choice(["Ariha", "Sarmin"]), 3, date=day, evidence=f"Strike {k} killed three.")]))
    corpus = sorted(truces + strikes, key=lambda r: r["published"])
    late = corpus[::7]  # some reports arrive long after their date
    corpus = [r for r in corpus if r not in late] + late
    url = db_url if db_url.startswith("postgresql") else f"sqlite:///{tmp_path / 'ledger.db'}"
    with _emptied(open_store(url)) as s:
        assert ingest_reports(s, corpus, batch_size=5).failed == 0
        batched = json.dumps([query_ceasefires(s), query_violations(s)], sort_keys=True, default=str)
        rebuild(s)
        whole = json.dumps([query_ceasefires(s), query_violations(s)], sort_keys=True, default=str)
    assert batched == whole
    assert len(json.loads(whole)[1]) > 0
