"""Extraction throughput of the serial engine against the Dask engine with 1 and 2 workers.

Each engine runs `vigil extract FILE -o OUT` as the command runs it, on a JSON Lines file of the
corpus: serially in this process (read, `pipeline.process`, one JSON line written per report), or
partitioned on a LocalCluster of N worker processes of one thread each (the default,
`vigil.partitions`: each worker reads its own partitions of the file and writes their JSON lines;
this process only lists the input and copies the partition files to the output in order), or with
--documents the documents shipped to the workers in batches and the report dicts shipped back
(`vigil.engine.map_on_client`, the engine used with --scheduler). Both outputs are checked equal.

After an untimed first pass over 300 reports (first use of every process's caches), the runs
alternate, serial then Dask then serial ..., for --rounds rounds, each round on a fresh corpus (no
engine profits from having seen the documents before), so slow spells of a shared machine hit both. Cluster start and the once-per-worker warm-up (lexicon automaton, gazetteer index) are
excluded and printed apart; the serial engine, warmed first as well, runs in a process of its own
(not in this one, which hosts the local cluster's scheduler and nannies). CPU seconds are counted for
the serial engine's process, and for Dask for the whole process tree: this process (the client, the
scheduler and the nannies) and the worker processes, so that overhead can be told from load: the load average is
printed with every round.

The corpus is bench_extract's synthetic ~2 KB reports (--varied, no two alike) or the bundled sample
reports repeated (each copy with its own doc_id).

    python bench/bench_engine.py [--reports 1000] [--workers 2] [--rounds 3] [--varied] [--documents]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))  # run from a checkout without installing

from vigil.engine import Failed, dask_client, map_on_client, warm_up  # noqa: E402
from vigil.model import Document  # noqa: E402
from vigil.partitions import Message, run_on_partitions  # noqa: E402
from vigil.pipeline import process  # noqa: E402
from vigil.read import read_paths  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_corpus_ingest import children_cpu_s  # noqa: E402

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "vigil" / "samples" / "docs"


def sample_corpus(n: int, round_: int = 0) -> list[Document]:
    """The sample reports repeated to n documents, each copy with a doc_id of its own."""
    docs = [d for d in read_paths([SAMPLES]) if isinstance(d, Document)]
    if not docs:
        sys.exit(f"no sample reports under {SAMPLES}")
    return [replace(docs[i % len(docs)], doc_id=f"{docs[i % len(docs)].doc_id}-{round_}-{i // len(docs)}")
            for i in range(n)]


def write_jsonl(docs: list[Document], path: Path) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps({"doc_id": d.doc_id, "published": d.published.isoformat(), "text": d.text},
                               ensure_ascii=False) + "\n")


def tree_cpu_s() -> float:
    """CPU seconds (user + system) of this process and its live children (the Dask workers)."""
    return time.process_time() + children_cpu_s()


def run_serial(src: Path, out: Path) -> None:
    """`vigil extract SRC -o OUT` with the serial engine: read, process, one JSON line per report."""
    with open(out, "w", encoding="utf-8") as f:
        for d in read_paths([src]):
            if isinstance(d, Document):
                f.write(json.dumps(process(d).to_dict(), ensure_ascii=False) + "\n")


def timed_serial(src: Path, out: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of `run_serial`, measured in the process that runs it."""
    w, c = time.perf_counter(), time.process_time()
    run_serial(src, out)
    return time.perf_counter() - w, time.process_time() - c


def run_partitioned(client, src: Path, out: Path) -> None:
    """`vigil extract SRC -o OUT --engine dask` on a local cluster: the workers read and write."""
    with open(out, "w", encoding="utf-8") as f:
        for item in run_on_partitions(client, [src]):
            if not isinstance(item, Message):
                f.write(item + "\n")


def run_documents(client, src: Path, out: Path) -> None:
    """The engine used with --scheduler: documents read here, shipped in batches, dicts shipped back."""
    docs = [d for d in read_paths([src]) if isinstance(d, Document)]
    with open(out, "w", encoding="utf-8") as f:
        for r in map_on_client(client, docs):
            if not isinstance(r, Failed):
                f.write(json.dumps(r, ensure_ascii=False) + "\n")


def timed(fn, *args) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds of this process, CPU seconds of the process tree) of fn(*args)."""
    w, me, tree = time.perf_counter(), time.process_time(), tree_cpu_s()
    fn(*args)
    return time.perf_counter() - w, time.process_time() - me, tree_cpu_s() - tree


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=1000)
    ap.add_argument("--workers", type=int, nargs="+", default=[2])
    ap.add_argument("--rounds", type=int, default=3, help="alternating serial / Dask rounds, each on a fresh corpus")
    ap.add_argument("--varied", action="store_true", help="bench_extract's synthetic reports, not the samples")
    ap.add_argument("--documents", action="store_true",
                    help="ship documents and results through the scheduler (the --scheduler engine)")
    ap.add_argument("--no-quiet", action="store_true", help="Dask's default settings, not engine.QUIET_CONFIG")
    args = ap.parse_args()

    if args.varied:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from bench_extract import synthetic_reports

        def corpus(r: int) -> list[Document]:
            return synthetic_reports(args.reports, 2000, seed=7 + r)
        kind = "synthetic ~2 KB reports (bench_extract), a fresh set each round"
    else:
        def corpus(r: int) -> list[Document]:
            return sample_corpus(args.reports, r)
        kind = "the bundled sample reports repeated"
    mode = "documents shipped (map_on_client)" if args.documents else "partitioned (workers read and write)"
    print(f"corpus: {args.reports} reports, {kind}; Dask {mode}; {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.2f} at start {time.strftime('%H:%M:%S', time.gmtime())} UTC", flush=True)

    # The serial engine runs in a process of its own: this one hosts the local cluster's scheduler and
    # nannies, whose event loop would take CPU and the GIL from it.
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    serial_proc = ProcessPoolExecutor(1, mp_context=get_context("spawn"), initializer=warm_up)
    run_dask = run_documents if args.documents else run_partitioned
    rows = []
    with serial_proc, tempfile.TemporaryDirectory() as tmp:
        src, out_s, out_d = Path(tmp) / "corpus.jsonl", Path(tmp) / "serial.jsonl", Path(tmp) / "dask.jsonl"
        for n in args.workers:
            t0 = time.perf_counter()
            with dask_client(workers=n, quiet=not args.no_quiet) as client:
                client.wait_for_workers(n)
                client.run(lambda: None)  # the warm-up plugin has run on every worker
                write_jsonl(corpus(-1)[:300], src)  # first use of the caches in every process: not timed
                serial_proc.submit(run_serial, src, out_s).result()
                run_dask(client, src, out_d)
                print(f"dask, {n} worker(s): cluster start and warm-up {time.perf_counter() - t0:.1f} s (not timed)",
                      flush=True)
                for r in range(args.rounds):
                    write_jsonl(corpus(r), src)
                    load0 = os.getloadavg()[0]
                    order = [("serial", lambda: (*serial_proc.submit(timed_serial, src, out_s).result(), 0.0)),
                             ("dask", lambda: timed(run_dask, client, src, out_d))]
                    got = dict((name, fn()) for name, fn in (order if r % 2 == 0 else order[::-1]))
                    assert out_s.read_bytes() == out_d.read_bytes(), "Dask output differs from serial"
                    (sw, sc, _), (dw, dme, dtree) = got["serial"], got["dask"]
                    row = {"workers": n, "round": r, "serial_s": round(sw, 2), "dask_s": round(dw, 2),
                           "speed_up": round(sw / dw, 3), "serial_cpu_ms": round(1000 * sc / args.reports, 2),
                           "dask_workers_cpu_ms": round(1000 * (dtree - dme) / args.reports, 2),
                           "dask_client_cpu_ms": round(1000 * dme / args.reports, 2),
                           "load1": [round(load0, 2), round(os.getloadavg()[0], 2)],
                           "utc": time.strftime("%H:%M:%S", time.gmtime())}
                    rows.append(row)
                    print(f"round {r} ({'serial first' if r % 2 == 0 else 'dask first'}): serial {sw:6.2f} s "
                          f"({args.reports / sw:5.0f}/s, {row['serial_cpu_ms']:5.2f} ms CPU a report), dask {n}w "
                          f"{dw:6.2f} s ({args.reports / dw:5.0f}/s, workers {row['dask_workers_cpu_ms']:5.2f} + "
                          f"client {row['dask_client_cpu_ms']:4.2f} ms CPU a report): {sw / dw:4.2f}x  load "
                          f"{load0:.2f} -> {os.getloadavg()[0]:.2f}  {row['utc']} UTC", flush=True)

    summary = []
    for n in args.workers:
        mine = [r for r in rows if r["workers"] == n]
        ups = [r["speed_up"] for r in mine]
        s_cpu = round(statistics.median(r["serial_cpu_ms"] for r in mine), 2)
        d_cpu = statistics.median(r["dask_workers_cpu_ms"] + r["dask_client_cpu_ms"] for r in mine)
        best = {"workers": n, "median_speed_up": round(statistics.median(ups), 2), "best_speed_up": max(ups),
                "worst_speed_up": min(ups), "efficiency": round(statistics.median(ups) / n, 2),
                "serial_cpu_ms": s_cpu, "dask_cpu_ms": round(d_cpu, 2),
                "cpu_bound_speed_up": round(n * s_cpu / d_cpu, 2)}
        summary.append(best)
        print(f"\n{n} worker(s): speed-up median {best['median_speed_up']}x (best {best['best_speed_up']}x, worst "
              f"{best['worst_speed_up']}x) over {len(ups)} alternating rounds; efficiency {best['efficiency']:.0%}; "
              f"CPU a report serial {s_cpu} ms, Dask {best['dask_cpu_ms']} ms (workers + client): with {n} free "
              f"cores at most {best['cpu_bound_speed_up']}x")
    print("RESULT " + json.dumps({"reports": args.reports, "mode": "documents" if args.documents else "partitioned",
                                  "summary": summary, "rounds": rows, "load1": round(os.getloadavg()[0], 2)}))


if __name__ == "__main__":
    main()
