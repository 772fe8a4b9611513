"""Generated reports end to end (read, extract, geocode, store, fuse) into one store, timed as it grows.

    .venv/bin/python bench/bench_corpus_ingest.py N_OR_CORPUS_DIR [--db POSTGRESQL_URL] [--engine dask]
        [--workers 2] [--every 10000] [--target 1000000] [--seed 1]

N generates a corpus with bench/make_corpus.py first (its time is printed apart); a folder holding
a make_corpus `reports.jsonl` is used as it is. The run is `vigil ingest` itself: the same reader and
engine (serial: documents streamed from the file; dask: `vigil.partitions.run_on_partitions` on a
local cluster, the workers reading their own partitions of the file and writing their own results)
and `vigil.store.ingest_reports`, into a fresh SQLite file or, with --db, a scratch schema of that
PostgreSQL database (dropped at the end). No document is held in memory beyond the partitions in
flight. Every --every
reports it prints the wall time of that stretch, the CPU this process spent on it (storing and
fusing, plus the Dask client with --engine dask), the CPU of its child processes (Dask workers and
nannies), the resident memory of this process and its Dask workers together, and the load average. At the end, a least-squares line through the
checkpoints (time and memory against reports stored) is extrapolated to --target reports.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from vigil.engine import Failed, dask_client, open_engine  # noqa: E402
from vigil.model import Document  # noqa: E402
from vigil.partitions import Message, ingest_record, run_on_partitions  # noqa: E402
from vigil.read import read_paths  # noqa: E402
from vigil.store import ingest_reports, open_store, stats  # noqa: E402


def children_cpu_s() -> float:
    """CPU seconds (user + system) of this process's live children: the Dask nannies and workers."""
    import psutil

    total = 0.0
    for p in psutil.Process().children(recursive=True):
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def tree_rss_mb() -> float:
    """Resident memory of this process and all its children (the Dask nannies and workers), in MB."""
    import psutil

    me = psutil.Process()
    total = 0
    for p in [me, *me.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total / 1e6


def fit_line(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Least-squares (intercept, slope) of ys against xs."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0
    return my - slope * mx, slope


class Checkpoints:
    """Time, CPU and memory every `every` reports stored (`tick` is ingest's on_done)."""

    def __init__(self, every: int, out=sys.stdout) -> None:
        self.every, self.out = every, out
        self.done = 0
        self.t0 = self.last_t = time.perf_counter()
        self.last_cpu = time.process_time()
        self.last_children = children_cpu_s()
        self.rows: list[dict] = []
        self.peak_mb = tree_rss_mb()

    def tick(self) -> None:
        self.done += 1
        if self.done % 1000 == 0:
            self.peak_mb = max(self.peak_mb, tree_rss_mb())
        if self.done % self.every == 0:
            self.mark()

    def mark(self) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        n = self.done - (self.rows[-1]["stored"] if self.rows else 0)
        if n <= 0:
            return
        rss = tree_rss_mb()
        children = children_cpu_s()
        self.peak_mb = max(self.peak_mb, rss)
        row = {"stored": self.done, "elapsed_s": round(now - self.t0, 1), "stretch_s": round(now - self.last_t, 2),
               "reports_per_s": round(n / (now - self.last_t), 1),
               "main_cpu_ms_per_report": round(1000 * (cpu - self.last_cpu) / n, 2),
               "workers_cpu_ms_per_report": round(1000 * (children - self.last_children) / n, 2),
               "rss_mb": round(rss), "load1": round(os.getloadavg()[0], 2)}
        self.rows.append(row)
        self.last_t, self.last_cpu, self.last_children = now, cpu, children
        print(f"{row['stored']:>9,} stored  {row['elapsed_s']:>8.1f} s  this stretch {row['reports_per_s']:>6.1f} "
              f"reports/s  CPU ms/report: main {row['main_cpu_ms_per_report']:>5.2f}, workers "
              f"{row['workers_cpu_ms_per_report']:>5.2f}  memory {row['rss_mb']:>6,} MB (peak {self.peak_mb:,.0f})  "
              f"load {row['load1']:.2f}  {time.strftime('%H:%M:%S', time.gmtime())} UTC", file=self.out, flush=True)


def extrapolate(rows: list[dict], target: int) -> dict:
    """Lines through the checkpoints: seconds and memory at `target` reports, and the cost of the
    last stretch against the first (does the cost per report grow with the store?)."""
    xs = [r["stored"] for r in rows]
    a, b = fit_line(xs, [r["elapsed_s"] for r in rows])
    ma, mb = fit_line(xs, [r["rss_mb"] for r in rows])
    first, last = rows[0], rows[-1]
    return {"seconds_at_target": round(a + b * target), "hours_at_target": round((a + b * target) / 3600, 2),
            "ms_per_report_fit": round(1000 * b, 3), "memory_mb_at_target": round(ma + mb * target),
            "last_over_first_cost": round(first["reports_per_s"] / last["reports_per_s"], 2)
            if last["reports_per_s"] else None,
            "main_cpu_last_over_first": round(last["main_cpu_ms_per_report"] / first["main_cpu_ms_per_report"], 2)
            if first["main_cpu_ms_per_report"] else None}


def _serial_reports(path: Path, failed: list):
    """As `vigil ingest` builds them with the serial engine: each document read, extracted and given its
    text and origin, one at a time."""
    run = None
    with open_engine("serial") as run:
        for doc in read_paths([path]):
            if not isinstance(doc, Document):
                continue
            [d] = list(run([doc]))
            if isinstance(d, Failed):
                failed.append(doc.doc_id)
                continue
            yield ingest_record(doc, d)


def _partitioned_reports(client, path: Path, failed: list):
    """As `vigil ingest --engine dask` builds them on a local cluster: the workers read and write their
    own partitions; this process reads the results back in input order."""
    for item in run_on_partitions(client, [path], for_ingest=True):
        if isinstance(item, Message):
            if item.failure:
                failed.append(item.text)
            continue
        yield json.loads(item)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", help="N (generate N reports) or a make_corpus output folder")
    ap.add_argument("--db", default="", help="PostgreSQL URL (a scratch schema is made there); SQLite by default")
    ap.add_argument("--engine", default="serial", choices=["serial", "dask"])
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--every", type=int, default=10_000)
    ap.add_argument("--target", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        if args.corpus.isdigit():
            from make_corpus import write_corpus

            t0 = time.perf_counter()
            counts = write_corpus(int(args.corpus), args.seed, Path(tmp) / "corpus", progress=None)
            print(f"generated {counts['reports']:,} reports in {time.perf_counter() - t0:.1f} s (not timed below)")
            folder = Path(tmp) / "corpus"
        else:
            folder = Path(args.corpus)
        source = folder / "reports.jsonl"
        with open(source, "rb") as f:
            n_docs = sum(1 for line in f if line.strip())
        print(f"{n_docs:,} reports in {source}; engine {args.engine}"
              f"{f', {args.workers} workers' if args.workers else ''}; {os.cpu_count()} cores, "
              f"load average {os.getloadavg()[0]:.2f} at start", flush=True)
        if args.db:
            from bench_ingest import _postgres_scratch

            url, cleanup = _postgres_scratch(args.db)
        else:
            url, cleanup = f"sqlite:///{Path(tmp) / 'bench.db'}", (lambda: None)
        failed: list[str] = []
        try:
            with open_store(url) as store, ExitStack() as stack:
                if args.engine == "dask":
                    client = stack.enter_context(dask_client(None, args.workers))
                    reports = _partitioned_reports(client, source, failed)
                else:
                    reports = _serial_reports(source, failed)
                marks = Checkpoints(min(args.every, max(1, n_docs)))
                summary = ingest_reports(store, reports, on_done=marks.tick)
                marks.mark()
                counts = stats(store)
        finally:
            cleanup()
    backend = "PostgreSQL" if args.db else "SQLite"
    print(summary.line())
    total = marks.rows[-1]["elapsed_s"]
    result = {"backend": backend, "engine": args.engine, "workers": args.workers, "reports": n_docs,
              "seconds": total, "reports_per_s": round(n_docs / total, 1), "failed_extraction": len(failed),
              "incidents": counts["incidents"], "peak_memory_mb": round(marks.peak_mb),
              "load_end": round(os.getloadavg()[0], 2)}
    if len(marks.rows) >= 2:
        result |= {"target": args.target, **extrapolate(marks.rows, args.target)}
        print(f"linear fit: {result['ms_per_report_fit']} ms per report -> {args.target:,} reports in "
              f"{result['hours_at_target']} h; memory at {args.target:,}: {result['memory_mb_at_target']:,} MB "
              f"(peak so far {result['peak_memory_mb']:,} MB); last stretch's cost / first's "
              f"{result['last_over_first_cost']} (wall), {result['main_cpu_last_over_first']} (this process's CPU)")
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
