"""Extraction throughput of the serial engine against the Dask engine with 1 and 2 workers.

The corpus is the bundled sample reports repeated (each copy with its own doc_id) to about
--reports reports; with --varied, bench_extract's synthetic reports instead (no two alike).
What is timed is `vigil.pipeline.process` over the whole corpus as `vigil extract` runs it:
serially in this process, or through `vigil.engine.map_on_client` on a LocalCluster of N
worker processes with one thread each, documents shipped to the workers and report dicts
shipped back in input order. Cluster start and the once-per-worker warm-up (lexicon automaton,
gazetteer index) are excluded and printed apart; the serial engine is warmed first as well.

The figures depend on what else runs on the machine: the load average is printed with them.

    python bench/bench_engine.py [--reports 1000] [--workers 1 2] [--repeat 2] [--varied]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))  # run from a checkout without installing

from dataclasses import replace  # noqa: E402

from vigil.engine import dask_client, map_on_client, warm_up  # noqa: E402
from vigil.model import Document  # noqa: E402
from vigil.pipeline import process  # noqa: E402
from vigil.read import read_paths  # noqa: E402

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "vigil" / "samples" / "docs"


def sample_corpus(n: int) -> list[Document]:
    """The sample reports repeated to n documents, each copy with a doc_id of its own."""
    docs = [d for d in read_paths([SAMPLES]) if isinstance(d, Document)]
    if not docs:
        sys.exit(f"no sample reports under {SAMPLES}")
    return [replace(docs[i % len(docs)], doc_id=f"{docs[i % len(docs)].doc_id}-{i // len(docs)}")
            for i in range(n)]


def time_serial(docs: list[Document]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of the serial engine over `docs`."""
    start, cpu = time.perf_counter(), time.process_time()
    for d in docs:
        process(d).to_dict()
    return time.perf_counter() - start, time.process_time() - cpu


def time_dask(client, docs: list[Document]) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds of the workers together, CPU seconds of this process: the client
    and, on a local cluster, the scheduler) of the Dask engine over `docs`."""
    workers0 = client.run(time.process_time)
    start, cpu = time.perf_counter(), time.process_time()
    n = sum(1 for _ in map_on_client(client, docs))
    wall, mine = time.perf_counter() - start, time.process_time() - cpu
    workers1 = client.run(time.process_time)
    assert n == len(docs)
    return wall, sum(workers1[w] - workers0[w] for w in workers0 if w in workers1), mine


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=1000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--repeat", type=int, default=2, help="runs of each engine; the best is kept")
    ap.add_argument("--varied", action="store_true", help="bench_extract's synthetic reports, not the samples")
    args = ap.parse_args()

    if args.varied:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from bench_extract import synthetic_reports

        docs = synthetic_reports(args.reports, 2000, seed=7)
        corpus = "synthetic ~2 KB reports (bench_extract)"
    else:
        docs = sample_corpus(args.reports)
        corpus = f"the {len({d.text for d in docs})} bundled sample reports repeated"
    kb = sum(len(d.text) for d in docs) / len(docs) / 1000
    print(f"corpus: {len(docs)} reports, {corpus}, {kb:.1f} KB on average")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start "
          "(other processes share the cores: figures vary from run to run)")

    t0 = time.perf_counter()
    warm_up()
    print(f"serial warm-up (lexicons, gazetteer): {time.perf_counter() - t0:.1f} s")
    serial, serial_cpu = min(time_serial(docs) for _ in range(args.repeat))
    rows = [("serial", 1, serial, serial_cpu, 0.0)]
    for n in args.workers:
        t0 = time.perf_counter()
        with dask_client(workers=n) as client:
            client.wait_for_workers(n)
            client.run(lambda: None)  # the warm-up plugin has run on every worker
            started = time.perf_counter() - t0
            best = min(time_dask(client, docs) for _ in range(args.repeat))
        print(f"dask, {n} worker(s): cluster start and warm-up {started:.1f} s (not timed below)")
        rows.append((f"dask, {n} worker{'s' if n > 1 else ''}", n, *best))

    # CPU columns: what the work cost whoever ran it, steadier than wall clock on a shared machine.
    # "CPU bound" is the speed-up the CPU figures allow with a free core per worker and the client's
    # CPU spread over them: serial CPU / max(workers' CPU / n + this process's CPU / n, ...).
    ms = 1000 / len(docs)
    print()
    print(f"{'engine':<16} {'seconds':>8} {'reports/s':>10} {'speed-up':>9} {'efficiency':>11} "
          f"{'worker CPU ms/report':>21} {'client CPU ms/report':>21} {'CPU bound':>10}")
    out = []
    for name, n, seconds, cpu, client_cpu in rows:
        speed_up = serial / seconds
        bound = serial_cpu / ((cpu + client_cpu) / n)
        print(f"{name:<16} {seconds:>8.2f} {len(docs) / seconds:>10.0f} {speed_up:>8.2f}x {speed_up / n:>10.0%} "
              f"{cpu * ms:>21.2f} {client_cpu * ms:>21.2f} {bound:>9.2f}x")
        out.append({"engine": name, "workers": n, "per_s": round(len(docs) / seconds, 1),
                    "speed_up": round(speed_up, 2), "cpu_ms_per_report": round(cpu * ms, 2),
                    "client_cpu_ms_per_report": round(client_cpu * ms, 2), "cpu_bound_speed_up": round(bound, 2)})
    print(f"\nload average at the end: {os.getloadavg()[0]:.2f} (best of {args.repeat} runs per engine)")
    print("RESULT " + json.dumps({"reports": len(docs), "engines": out, "load1": round(os.getloadavg()[0], 2)}))


if __name__ == "__main__":
    main()
