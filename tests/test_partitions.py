"""The partitioned Dask engine: workers read their own partitions of the input and write their own
results. Reading by byte ranges must give exactly what the serial reader gives; on a real local
cluster, `vigil extract` and `vigil ingest` (SQLite and PostgreSQL) must give the serial engine's
output; a worker killed mid-run loses nothing."""
from __future__ import annotations

import codecs
import json
import re
import shutil
from importlib.resources import files

import pytest
from typer.testing import CliRunner

from vigil.cli import app
from vigil.partitions import Message, Source, list_sources, partitions, read_source, run_on_partitions
from vigil.read import read_paths

SAMPLES = str(files("vigil") / "samples" / "docs")


def _run(*args: str):
    return CliRunner().invoke(app, list(args))


def _row(i: int) -> dict:
    return {"doc_id": f"r{i}", "published": f"2021-03-{1 + i % 28:02d}",
            "text": f"Shelling by government forces killed {i % 9 + 2} civilians in the town of Ariha on Monday, "
                    f"medics said. Report {i}."}


def _jsonl(rows: list, newline: str = "\n", bom: bool = False, final_newline: bool = True) -> bytes:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows]
    text = newline.join(lines) + (newline if final_newline else "")
    return (codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8")


def _corpus(folder):
    """Samples, a JSON Lines file long enough to be cut into many ranges (with a bad line, a blank line,
    a missing field and a URL listing), files that must be read whole, and files that cannot be read."""
    shutil.copytree(SAMPLES, folder)
    rows = [_row(i) for i in range(60)]
    rows[7] = "{not json"
    rows[20] = ""
    rows[33] = {"doc_id": "no-text", "published": "2021-03-02"}
    (folder / "many.jsonl").write_bytes(_jsonl(rows, final_newline=False))
    (folder / "urls.tsv").write_text("r5\thttps://example.org/r5\n", encoding="utf-8")
    (folder / "crlf.jsonl").write_bytes(_jsonl([_row(i) for i in range(100, 120)], "\r\n", bom=True))
    sep = _row(200)
    sep["text"] += "\u2028A second paragraph."  # a line break for str.splitlines: read whole
    (folder / "sep.jsonl").write_bytes(_jsonl([_row(201), sep, _row(202)]))
    (folder / "latin.jsonl").write_bytes(json.dumps(_row(300)).replace("Ariha", "Ariha\u00e9")
                                         .encode("latin-1") + b"\n")
    (folder / "undated.txt").write_text("Shelling hit the town of Ariha on Monday.", encoding="utf-8")
    (folder / "empty.jsonl").write_text("", encoding="utf-8")
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    return folder


def test_reading_by_ranges_gives_what_the_serial_reader_gives(tmp_path):
    corpus = _corpus(tmp_path / "reports")
    listed = list(list_sources([corpus, tmp_path / "missing.txt"], lines_per_range=4))
    sources = [s for s in listed if isinstance(s, Source)]
    ranged = [s for s in sources if s.end >= 0]
    assert {s.path.rsplit("/", 1)[-1] for s in ranged} == {"many.jsonl", "crlf.jsonl"}
    assert len([s for s in ranged if s.path.endswith("many.jsonl")]) == 15  # 60 lines, 4 a range
    whole = {s.path.rsplit("/", 1)[-1] for s in sources if s.end < 0}
    assert {"sep.jsonl", "latin.jsonl", "empty.jsonl", "undated.txt"} <= whole

    from vigil.partitions import _message

    got = [m.text for m in listed if isinstance(m, Message)]  # skipped and missing paths: said first
    for source in sources:
        got.extend(x if hasattr(x, "text") else _message(x).text for x in read_source(source))
    want = []
    for item in read_paths([corpus, tmp_path / "missing.txt"]):
        want.append(item if hasattr(item, "text") else _message(item).text)
    # the same documents, errors and notes; skipped and missing paths come first in the partitioned order
    messages_first = [w for w in want if isinstance(w, str) and ("skipped" in w or "no such file" in w)]
    assert got == messages_first + [w for w in want if w not in messages_first]
    assert any("many.jsonl:8: not valid JSON" in str(x) for x in got)  # line numbers carried over ranges
    assert any("many.jsonl:34: missing field" in str(x) for x in got)
    [r5] = [d for d in got if getattr(d, "doc_id", None) == "r5"]
    assert r5.url == "https://example.org/r5"


def test_partitions_are_large_then_shrink_and_keep_the_order():
    sources = [Source("f.jsonl", {}, i, i + 1, i + 1, 1) for i in range(10_000)]
    parts = partitions(sources, n_workers=2, largest=500, smallest=8)
    sizes = [len(p) for p in parts]
    assert [s for p in parts for s in p] == sources
    assert max(sizes) == 500 and sizes[0] == 500
    assert sizes[-2] == 8 or sizes[-1] <= 8
    assert all(a >= b for a, b in zip(sizes, sizes[1:-1]))
    assert len(parts) < 60


def test_extract_on_a_local_partitioned_cluster_is_byte_identical_to_serial(tmp_path):
    corpus = _corpus(tmp_path / "reports")
    serial = _run("extract", str(corpus))
    dask = _run("extract", str(corpus), "--engine", "dask", "--workers", "2")
    assert serial.exit_code == dask.exit_code == 1  # the bad lines and files
    assert len(serial.stdout.splitlines()) > 95  # samples, 57 good lines of many.jsonl, 20 + 3 + 1
    assert dask.stdout == serial.stdout  # in input order, byte for byte
    assert sorted(dask.stderr.splitlines()) == sorted(serial.stderr.splitlines())
    as_json = _run("extract", str(corpus), "--engine", "dask", "--workers", "1", "--format", "json")
    assert json.loads(as_json.stdout) == [json.loads(line) for line in serial.stdout.splitlines()]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_ingest_on_a_local_partitioned_cluster_stores_what_serial_stores(tmp_path, backend):
    from conftest import postgres_url_or_skip

    corpus = _corpus(tmp_path / "reports")

    def fresh(name: str) -> str:
        return f"sqlite:///{tmp_path / name}" if backend == "sqlite" else postgres_url_or_skip()

    listings = (("incidents",), ("ceasefires",), ("violations",))
    db = fresh("serial.db")
    serial = _run("ingest", str(corpus), "--db", db)
    want = [json.loads(_run(*listing, "--db", db).stdout) for listing in listings]
    db = fresh("dask.db")
    dask = _run("ingest", str(corpus), "--db", db, "--engine", "dask", "--workers", "2")
    assert serial.exit_code == dask.exit_code == 1
    assert dask.stderr.splitlines()[-1] == serial.stderr.splitlines()[-1]  # the same summary line
    assert [json.loads(_run(*listing, "--db", db).stdout) for listing in listings] == want and want[0]
    again = _run("ingest", str(corpus), "--db", db, "--engine", "dask", "--workers", "2")
    new = re.search(r"(\d+) new", serial.stderr).group(1)
    assert int(new) > 100 and f" 0 new, {new} duplicate" in again.stderr  # idempotent


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    from distributed import LocalCluster

    from vigil.engine import QUIET_CONFIG

    import dask

    with pytest.MonkeyPatch.context() as mp, dask.config.set(QUIET_CONFIG):
        mp.setenv("VIGIL_HOME", str(tmp_path_factory.mktemp("dask-vigil-home")))
        c = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")
    yield c
    c.close()


def test_quiet_settings_reach_the_workers(cluster):
    from distributed import Client

    import dask

    with Client(cluster) as client:
        got = client.run(lambda: (dask.config.get("distributed.worker.profile.enabled"),
                                  dask.config.get("distributed.admin.tick.interval")))
    assert set(got.values()) == {(False, "500ms")}


def test_a_worker_killed_mid_run_loses_no_partition(cluster, tmp_path):
    """The scheduler reruns the dead worker's partition elsewhere; its half-written file is never read."""
    import os
    import signal

    from distributed import Client

    path = tmp_path / "k.jsonl"
    path.write_bytes(_jsonl([_row(i) for i in range(400)]))
    serial = _run("extract", str(path))
    with Client(cluster) as client:
        items = run_on_partitions(client, [path], window=3)
        first = next(items)
        victim, pid = sorted(client.run(os.getpid).items())[0]
        os.kill(pid, signal.SIGKILL)  # mid-run: other partitions are in flight
        rest = list(items)
    assert not [m for m in rest if isinstance(m, Message)]
    assert "\n".join([first, *rest]) + "\n" == serial.stdout
