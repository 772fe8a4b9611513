"""Ingest cost as the store grows, and fusion time against the number of incidents stored.

    .venv/bin/python bench/bench_growth.py [--db POSTGRESQL_URL] [--sizes 10000 ... 1000000] [--batch 1000]

One store (a temporary SQLite file, or a scratch schema of the PostgreSQL database given) is
filled with bench/bulk_store.py up to each size in turn (reports stored); at each, a batch of
--batch new reports is ingested with `vigil.store.ingest_reports` (extraction excluded), 30% of
them retelling incidents already stored (so fusion re-fuses stored claims too) and 70% new, and
timed: wall clock, this process's CPU and, on PostgreSQL, the server backend's CPU (the steadier
figures on a shared machine), with the fusion steps (candidate search and union, re-fusing the
touched incidents, ledger) apart.

Cost per report is flat when the 1M figure is within 1.5x of the 10k one. For fusion, the time
to fuse everything up to N incidents is the integral of the per-claim cost measured at each size
(trapezoids from zero), and its growth exponent between the first and last size is printed
(1.0 = linear).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import vigil.store.ingest as ingest_module  # noqa: E402
from bench_ingest import server_cpu  # noqa: E402
from bulk_store import WORDS, bulk_load, report_stream, synthetic_places  # noqa: E402
from vigil.store import ingest_reports, open_store, stats  # noqa: E402

# reports stored; with about 0.76 incidents per report, 13.2k / 39.6k / 132k / 396k hold about
# 10k / 30k / 100k / 300k incidents
SIZES = [10_000, 13_200, 39_600, 100_000, 132_000, 396_000, 1_000_000]
FUSION_STEPS = ("_add_incident_claims", "_refresh_incidents", "_settle_ledger")


def retellings(kept: list[dict[str, Any]], n: int, seed: int, prefix: str) -> list[dict[str, Any]]:
    """`n` reports each retelling a stored claim (same place, day, type and actor; its own toll and words)."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        c = rnd.choice(kept)
        claim = {k: v for k, v in c.items() if k != "published"}
        claim["killed"] = max(0, c["killed"] + rnd.choice([-1, 0, 1, 2]))
        claim["evidence"] = [f"Another outlet said {claim['killed']} died in {c['location']['name']} "
                             + " ".join(rnd.sample(WORDS, 10))]
        published = (date.fromisoformat(c["published"]) + timedelta(days=1)).isoformat()
        out.append({"doc_id": f"{prefix}-r{i}", "url": f"https://example.net/{prefix}/r{i}", "published": published,
                    "reports_incident": True, "incidents": [claim], "totals": [], "ceasefires": [],
                    "text": claim["evidence"][0] + " " + " ".join(rnd.choices(WORDS, k=60))})
    return out


class StepTimer:
    """Wall and CPU time spent in named functions of `vigil.store.ingest` (patched while in use)."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names, self.wall, self.cpu, self.saved = names, 0.0, 0.0, {}

    def __enter__(self) -> "StepTimer":
        for name in self.names:
            f = self.saved[name] = getattr(ingest_module, name)
            setattr(ingest_module, name, self._wrap(f))
        return self

    def _wrap(self, f):
        def timed(*a, **kw):
            t, c = time.perf_counter(), time.process_time()
            try:
                return f(*a, **kw)
            finally:
                self.wall += time.perf_counter() - t
                self.cpu += time.process_time() - c
        return timed

    def __exit__(self, *exc) -> None:
        for name, f in self.saved.items():
            setattr(ingest_module, name, f)


def time_batch(store, batch: list[dict[str, Any]]) -> dict[str, float]:
    """Ingest one batch; wall, CPU (this process, and the server's) and the fusion steps, per report."""
    n = len(batch)
    s0 = server_cpu(store)
    with StepTimer(FUSION_STEPS) as steps:
        t0, c0 = time.perf_counter(), time.process_time()
        summary = ingest_reports(store, batch)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    s1 = server_cpu(store)
    claims = sum(len(r["incidents"]) for r in batch)
    out = {"new": summary.new, "wall_ms": 1000 * wall / n, "cpu_ms": 1000 * cpu / n,
           "fusion_cpu_ms_per_claim": 1000 * steps.cpu / claims, "fusion_wall_ms_per_claim": 1000 * steps.wall / claims}
    if s0 is not None and s1 is not None:
        out["server_cpu_ms"] = 1000 * (s1 - s0) / n
    return out


def fusion_exponent(points: list[tuple[int, float]]) -> tuple[list[float], float | None]:
    """Total fusion time up to each size from per-claim costs [(incidents, cost)]: trapezoids from
    zero (the cost at zero taken as the first one); and the growth exponent first -> last."""
    totals, acc, prev_n, prev_c = [], 0.0, 0, points[0][1] if points else 0.0
    for n, c in points:
        acc += (n - prev_n) * (prev_c + c) / 2
        totals.append(acc)
        prev_n, prev_c = n, c
    if len(points) < 2 or totals[0] <= 0:
        return totals, None
    return totals, math.log(totals[-1] / totals[0]) / math.log(points[-1][0] / points[0][0])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="", help="PostgreSQL URL (a scratch schema is made there); SQLite by default")
    ap.add_argument("--sizes", type=int, nargs="+", default=SIZES, help="reports stored at each measurement")
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    sizes = sorted(args.sizes)

    from bench_ingest import _postgres_scratch, warm_up

    warm_up()
    from vigil.lexicon import canonical_actor

    canonical_actor("Russia")  # the actor tables, loaded once before any timing
    places = synthetic_places(max(2000, sizes[-1] // 20))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        url, cleanup = _postgres_scratch(args.db) if args.db else (f"sqlite:///{Path(tmp) / 'growth.db'}", lambda: None)
        backend = "PostgreSQL" if args.db else "SQLite"
        print(f"{backend}; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start", flush=True)
        try:
            with open_store(url) as store:
                kept: list[dict[str, Any]] = []
                loaded = 0
                for size in sizes:
                    have = stats(store)["reports"]
                    if size > have:
                        t0 = time.perf_counter()
                        bulk_load(store, size - have, args.seed, places, first=loaded, kept=kept)
                        loaded += size - have
                        load_s = time.perf_counter() - t0
                    else:
                        load_s = 0.0
                    counts = stats(store)
                    fresh = int(args.batch * 0.7)
                    batch = [r for r, _ in report_stream(fresh, args.seed + 1, places, prefix=f"new{size}",
                                                         start=10**8 + size)]
                    batch += retellings(kept, args.batch - fresh, size, f"new{size}")
                    random.Random(size).shuffle(batch)
                    m = time_batch(store, batch)
                    row = {"reports": counts["reports"], "incidents": counts["incidents"], "load_s": round(load_s, 1),
                           **{k: round(v, 3) for k, v in m.items()}, "load1": round(os.getloadavg()[0], 2)}
                    rows.append(row)
                    server = f", server {row['server_cpu_ms']:.2f}" if "server_cpu_ms" in row else ""
                    print(f"{row['reports']:>9,} reports {row['incidents']:>9,} incidents stored (loaded in "
                          f"{row['load_s']:.0f} s): +{args.batch} reports {row['wall_ms']:.2f} ms/report wall, "
                          f"CPU {row['cpu_ms']:.2f}{server} ms/report; fusion {row['fusion_cpu_ms_per_claim']:.2f} ms "
                          f"CPU per claim; load {row['load1']:.2f}", flush=True)
        finally:
            cleanup()
    first, last = rows[0], rows[-1]
    cost = lambda r: r["cpu_ms"] + r.get("server_cpu_ms", 0.0)  # noqa: E731
    totals, exponent = fusion_exponent([(r["incidents"], r["fusion_cpu_ms_per_claim"]) for r in rows])
    result = {"backend": backend, "batch": args.batch, "rows": rows,
              "cpu_cost_last_over_first": round(cost(last) / cost(first), 2),
              "wall_cost_last_over_first": round(last["wall_ms"] / first["wall_ms"], 2),
              "fusion_total_s": [round(t / 1000, 1) for t in totals],
              "fusion_exponent": round(exponent, 3) if exponent is not None else None}
    print(f"cost per report at {last['reports']:,} / at {first['reports']:,} stored: CPU {result['cpu_cost_last_over_first']}x, "
          f"wall {result['wall_cost_last_over_first']}x; fusion time to {last['incidents']:,} incidents "
          f"(integrated): {result['fusion_total_s'][-1]} s, growth exponent {result['fusion_exponent']}")
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
