"""Every stage's benchmark in turn, then one table of their figures, peak memory and load.

    .venv/bin/python bench/run_all.py [--full] [--pg POSTGRESQL_URL] [--only NAME ...] [--log DIR]

Each benchmark runs as its own process (its whole output kept under --log, default
./bench-logs) and ends with a `RESULT {json}` line, from which the table is built. Peak memory is
the largest resident set of the benchmark's process tree as the kernel reports it for the child
(for the end-to-end run, the sum over the process and its Dask workers, as it measures itself).
The default sizes take a few minutes on a free 2-core machine; --full uses the sizes of issue 12
(a million stored reports and incidents, 200,000 reports end to end: hours on a shared machine).
Without --pg (or VIGIL_BENCH_PG) the PostgreSQL rows are skipped.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

BENCH = Path(__file__).resolve().parent
PY = sys.executable


def _engine_figure(r: dict[str, Any]) -> str:
    return ", ".join(f"{e['workers']} worker(s) {e['median_speed_up']:.2f}x the serial engine (median of "
                     f"alternating rounds; CPU bound {e['cpu_bound_speed_up']:.2f}x)" for e in r["summary"])


def _growth_figure(r: dict[str, Any]) -> str:
    first, last = r["rows"][0], r["rows"][-1]
    server = lambda x: f" + server {x['server_cpu_ms']:.2f}" if "server_cpu_ms" in x else ""  # noqa: E731
    return (f"{first['reports']:,} stored: {first['cpu_ms']:.2f}{server(first)} ms CPU/report; "
            f"{last['reports']:,}: {last['cpu_ms']:.2f}{server(last)} ms ({r['cpu_cost_last_over_first']}x CPU, "
            f"{r['wall_cost_last_over_first']}x wall)")


def _fusion_figure(r: dict[str, Any]) -> str:
    pts = ", ".join(f"{x['incidents'] // 1000}k: {x['fusion_cpu_ms_per_claim']:.2f}" for x in r["rows"])
    return f"ms CPU per claim at {pts}; exponent {r['fusion_exponent']}"


def _e2e_figure(r: dict[str, Any]) -> str:
    out = f"{r['reports']:,} reports {r['reports_per_s']:.0f}/s"
    if "hours_at_target" in r:
        out += f"; 1M extrapolated {r['hours_at_target']} h, {r['memory_mb_at_target']:,} MB"
    return out


def _accuracy_figure(r: dict[str, Any]) -> str:
    e, f = r["eval"], r["fusion"]
    return (f"incident F1 {e['incident_f1']:.3f} (P {e['incident_precision']:.3f}, R {e['incident_recall']:.3f}); "
            f"exactly one incident with all reports {f['exact_share']:.1%} of {f['true_incidents']:,}")


def stages(full: bool, pg: str | None) -> list[tuple[str, list[str], Callable[[dict[str, Any]], str]]]:
    """(name, command, figure from its RESULT) per benchmark; PostgreSQL ones only with `pg`."""
    growth_sizes = (["10000", "13200", "39600", "100000", "132000", "396000", "1000000"] if full
                    else ["2000", "10000", "30000"])
    out = [
        ("extraction, 1 core", [PY, str(BENCH / "bench_extract.py"), "--reports", "1000" if full else "300"],
         lambda r: f"{r['per_s']:.0f} reports/s (extract only {r['extract_per_s']:.0f}/s)"),
        ("Dask speed-up", [PY, str(BENCH / "bench_engine.py"), "--varied", "--reports", "1000" if full else "300",
                           "--workers", "1", "2", "--rounds", "3" if full else "2"],
         _engine_figure),
        ("ingest, SQLite", [PY, str(BENCH / "bench_ingest.py"), "2000"],
         lambda r: f"{r['per_cpu_s']:.0f} reports/CPU-s ({r['per_s_wall']:.0f}/s wall)"),
        ("ingest growth, SQLite", [PY, str(BENCH / "bench_growth.py"), "--sizes", *growth_sizes], _growth_figure),
        ("fusion vs incidents, SQLite", [], _fusion_figure),  # from the growth run's RESULT
        ("queries over stored incidents", [PY, str(BENCH / "bench_store.py"), "1000000" if full else "100000"],
         lambda r: f"{r['incidents']:,} incidents: median {r['median_ms_mid']:.1f} ms, worst median "
                   f"{r['median_ms_max']:.1f} ms"),
        ("accuracy, generated corpus", [PY, str(BENCH / "bench_accuracy.py"), "10000" if full else "1000"],
         _accuracy_figure),
    ]
    if pg:
        pg_sizes = ["10000", "100000", "1000000"] if full else ["2000", "10000"]
        out += [
            ("ingest, PostgreSQL", [PY, str(BENCH / "bench_ingest.py"), "2000", pg],
             lambda r: f"{r['per_cpu_s']:.0f} reports/CPU-s, {r['per_cpu_s_with_server']:.0f} with the server's CPU "
                       f"({r['per_s_wall']:.0f}/s wall)"),
            ("ingest growth, PostgreSQL", [PY, str(BENCH / "bench_growth.py"), "--db", pg, "--sizes", *pg_sizes],
             _growth_figure),
            ("end to end, PostgreSQL, Dask 2", [PY, str(BENCH / "bench_corpus_ingest.py"), "200000" if full else "5000",
                                                 "--db", pg, "--engine", "dask", "--workers", "2",
                                                 "--every", "10000" if full else "1000"], _e2e_figure),
        ]
    return out


def run(cmd: list[str], log: Path) -> tuple[dict[str, Any] | None, float, float]:
    """Run one benchmark: its RESULT, its wall seconds and the peak memory (MB) of its largest process."""
    t0 = time.perf_counter()
    with open(log, "w", encoding="utf-8") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - t0
    result = None
    for line in log.read_text(encoding="utf-8").splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT "):])
    return result, seconds, usage.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--full", action="store_true", help="the issue's sizes (hours), not the quick ones")
    ap.add_argument("--pg", default=os.environ.get("VIGIL_BENCH_PG"), help="PostgreSQL URL for the PostgreSQL rows")
    ap.add_argument("--only", nargs="+", default=None, help="run only stages whose name contains one of these")
    ap.add_argument("--log", type=Path, default=Path("bench-logs"))
    args = ap.parse_args()
    args.log.mkdir(parents=True, exist_ok=True)
    rows = []
    growth: dict[str, Any] | None = None
    for name, cmd, figure in stages(args.full, args.pg):
        if args.only and not any(o.lower() in name.lower() for o in args.only):
            continue
        if not cmd:  # a figure taken from an earlier run
            result, seconds, peak = growth, 0.0, None
        else:
            slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
            print(f"running {name}: {' '.join(cmd[1:])}", file=sys.stderr, flush=True)
            result, seconds, peak = run(cmd, args.log / f"{slug}.log")
            if "growth, SQLite" in name:
                growth = result
            if result and "peak_memory_mb" in result and "Dask" in name:
                peak = result["peak_memory_mb"]
        text = figure(result) if result else "failed (see its log)"
        load = f"{result['load1']:.1f}" if result and "load1" in result else \
            (f"{result['rows'][-1]['load1']:.1f}" if result and "rows" in result else
             (f"{result['load_end']:.1f}" if result and "load_end" in result else "-"))
        rows.append((name, text, "-" if peak is None else f"{peak:,.0f}", f"{seconds:,.0f}", load))
    print(format_table(rows))


def format_table(rows: list[tuple[str, str, str, str, str]]) -> str:
    """A Markdown table: stage, figure, peak memory (MB), seconds, load average at its end."""
    head = ("stage", "figure", "peak MB", "seconds", "load")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
