"""The Dask engine on a real LocalCluster (2 worker processes): same output as the serial engine."""
from __future__ import annotations

import json
import shutil
from datetime import date
from importlib.resources import files

import pytest
from typer.testing import CliRunner

from vigil.cli import app
from vigil.engine import Failed, batch_size, map_on_client, open_engine, process_documents
from vigil.model import Document

SAMPLES = str(files("vigil") / "samples" / "docs")


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory):
    """One local cluster for the module (starting one takes seconds); its workers get an empty user
    gazetteer of their own, as every test here does."""
    from distributed import LocalCluster

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VIGIL_HOME", str(tmp_path_factory.mktemp("dask-vigil-home")))
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")
    yield cluster.scheduler_address
    cluster.close()


def _run(*args: str):
    return CliRunner().invoke(app, list(args))


def _sorted_lines(text: str) -> list[str]:
    return sorted(text.splitlines())


def _corpus(tmp_path):
    """The bundled samples, one of them also inside a JSON Lines file, plus two files that cannot be read."""
    folder = tmp_path / "reports"
    shutil.copytree(SAMPLES, folder)
    rows = [{"doc_id": "jl-1", "published": "2022-02-03",
             "text": "Artillery shelling killed four civilians in the village of Kafr Nabl on Tuesday, "
                     "local medics said."},
            {"doc_id": "jl-2", "published": "2022-02-04",
             "text": "Two soldiers were wounded when a roadside bomb struck their patrol near Baidoa."}]
    (folder / "more.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    (folder / "undated.txt").write_text("Shelling hit the town of Ariha on Monday.", encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    return folder


def test_extract_on_dask_is_byte_identical_to_serial_and_names_bad_files(tmp_path, scheduler):
    corpus = _corpus(tmp_path)
    serial = _run("extract", str(corpus))
    dask = _run("extract", str(corpus), "--engine", "dask", "--scheduler", scheduler)
    assert serial.exit_code == dask.exit_code == 1  # the two bad files
    assert len(serial.stdout.splitlines()) == 23  # 21 samples + 2 JSON Lines reports
    assert _sorted_lines(dask.stdout) == _sorted_lines(serial.stdout)
    assert dask.stdout == serial.stdout  # and in input order
    for name, reason in (("undated.txt", "date"), ("empty.txt", "empty")):
        [line] = [e for e in dask.stderr.splitlines() if name in e]
        assert reason in line


def test_ingest_on_dask_gives_the_serial_incidents(tmp_path, scheduler):
    corpus = _corpus(tmp_path)
    serial_db, dask_db = str(tmp_path / "serial.db"), str(tmp_path / "dask.db")
    serial = _run("ingest", str(corpus), "--db", serial_db)
    dask = _run("ingest", str(corpus), "--db", dask_db, "--engine", "dask", "--scheduler", scheduler)
    assert serial.exit_code == dask.exit_code == 1
    assert "23 new" in dask.stderr and "empty.txt" in dask.stderr
    assert dask.stderr.splitlines()[-1] == serial.stderr.splitlines()[-1]  # the same summary line
    for listing in (("incidents",), ("ceasefires",), ("violations",)):
        a = _run(*listing, "--db", serial_db)
        b = _run(*listing, "--db", dask_db)
        assert a.exit_code == b.exit_code == 0
        assert json.loads(b.stdout) == json.loads(a.stdout) and json.loads(a.stdout)
    again = _run("ingest", str(corpus), "--db", dask_db, "--engine", "dask", "--scheduler", scheduler)
    assert "0 new" in again.stderr and "23 duplicate" in again.stderr  # idempotent


def test_every_worker_is_warmed_once_when_it_joins(scheduler):
    from distributed import Client

    def loaded() -> bool:
        from vigil.geo import gazetteer
        from vigil.lexicon import _automaton

        return gazetteer._loaded is not None and _automaton.cache_info().currsize == 1

    with open_engine("dask", scheduler=scheduler) as run:
        assert len(list(run([]))) == 0
        with Client(scheduler) as client:
            assert set(client.run(loaded).values()) == {True}
            assert len(client.run(loaded)) == 2


def test_a_failing_report_is_reported_not_fatal_and_order_holds(scheduler):
    from distributed import Client

    docs = [Document(f"d{i}", date(2021, 5, i + 1), f"Shelling killed {i + 2} people in Ariha on Monday.")
            for i in range(7)]
    bad = Document("bad", date(2021, 5, 1), None)  # type: ignore[arg-type]  # not text: process raises
    with Client(scheduler) as client:
        results = list(map_on_client(client, docs[:3] + [bad] + docs[3:], window=1))
    assert isinstance(results[3], Failed) and "Error" in results[3].error
    good = results[:3] + results[4:]
    assert [r["doc_id"] for r in good] == [d.doc_id for d in docs]
    assert good == list(process_documents(docs))


def test_local_cluster_started_without_a_scheduler():
    docs = [Document("one", date(2021, 5, 3), "A drone strike killed three fighters near Marib on Sunday.")]
    assert list(process_documents(docs, engine="dask", workers=1)) == list(process_documents(docs))


def test_batches_spread_over_workers_and_stay_small():
    assert batch_size(21, 2) == 3 and batch_size(1, 8) == 1 and batch_size(10**6, 2) == 64


def test_bad_engine_options_exit_2_with_one_line(tmp_path):
    (tmp_path / "a.txt").write_text("date 2021-03-04 Shelling hit the town.")
    for args, words in ((("--engine", "spark"), "unknown engine"), (("--workers", "2"), "--engine dask"),
                        (("--engine", "dask", "--workers", "0"), "at least 1")):
        result = _run("extract", str(tmp_path / "a.txt"), *args)
        assert result.exit_code == 2 and words in result.stderr, result.stderr


def _wait_gone(client, address: str) -> None:
    """Wait (at most 30 s) until the scheduler has seen the worker at `address` go."""
    import time

    for _ in range(300):
        if address not in client.nthreads():
            return
        time.sleep(0.1)
    raise AssertionError(f"{address} still listed")


def test_a_worker_killed_mid_run_loses_nothing(scheduler):
    """The scheduler reruns the dead worker's batches elsewhere; every report comes back, in order."""
    import os
    import signal

    from distributed import Client

    docs = [Document(f"k{i}", date(2021, 6, 1 + i % 28), f"Shelling killed {i + 2} people in Ariha on Monday "
                     f"and wounded {i + 5} more, medics said. " * 3) for i in range(120)]
    with Client(scheduler) as client:
        results = map_on_client(client, docs, window=6)
        first = next(results)
        victim, pid = sorted(client.run(os.getpid).items())[0]
        os.kill(pid, signal.SIGKILL)  # mid-run: the other batches are in flight or queued
        rest = list(results)
        _wait_gone(client, victim)
    assert [first] + rest == list(process_documents(docs))
