"""Load benchmark of the web API: generated incidents in SQLite and in PostgreSQL, served by a real
`vigil serve` process, hit by concurrent clients mixing filtered lists of 100 rows, incident details
and stats. Prints p50/p95 latency and requests/s for each kind of request.

    .venv/bin/python bench/bench_web.py [--incidents 100000] [--clients 1,20] [--seconds 15]
                                        [--workers 1] [--pg URL | --no-pg]

The incidents are bench_store.py's synthetic ones (ten years, four countries) loaded with
`store.bulk_insert_incidents`. PostgreSQL defaults to the test database that scripts/ensure-postgres
makes, in a schema of its own that is dropped afterwards. Every request goes to 127.0.0.1 only, and
each run stops by itself after --seconds per database. Targets (issue 10): p95 under 100 ms for
filtered lists of 100 rows and under 300 ms for stats.
"""
from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import orjson  # noqa: E402

from vigil.store import analyze, bulk_insert_incidents, open_store  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_store", ROOT / "bench" / "bench_store.py")
bench_store = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_store)

PG_DEFAULT = "postgresql+psycopg://vigil:vigil@127.0.0.1:5432/vigil_test"
MIX = (("list", 0.5), ("detail", 0.25), ("stats", 0.25))


def _month(rnd: random.Random, days: int = 30) -> dict[str, str]:
    from datetime import timedelta

    start = bench_store.START + timedelta(days=rnd.randrange(bench_store.DAYS - days))
    return {"since": start.isoformat(), "until": (start + timedelta(days=days)).isoformat()}


def list_params(rnd: random.Random) -> dict[str, str]:
    country = rnd.choice(list(bench_store.COUNTRIES))
    admin1 = rnd.choice(bench_store.COUNTRIES[country][0])
    choices = [
        {"admin1": admin1, **_month(rnd)},
        {"country": country, **_month(rnd)},
        {"perpetrator": rnd.choice([p for p in bench_store.PERPS if p]), "type": rnd.choice(bench_store.TYPES)},
        _month(rnd, 7),
        {"grade": "confirmed", **_month(rnd, 90)},
        {"near": f"{bench_store.COUNTRIES[country][1]:.2f},{bench_store.COUNTRIES[country][2]:.2f},25"},
        {"country": country, "sort": "-killed"},
    ]
    return {**rnd.choice(choices), "limit": "100"}


def stats_params(rnd: random.Random) -> dict[str, str]:
    country = rnd.choice(list(bench_store.COUNTRIES))
    return rnd.choice([{}, {"country": country}, {"admin1": rnd.choice(bench_store.COUNTRIES[country][0])},
                       _month(rnd, 365), {"perpetrator": rnd.choice([p for p in bench_store.PERPS if p])},
                       {"type": rnd.choice(bench_store.TYPES), **_month(rnd, 365)}])


async def _client(http, n_incidents: int, until: float, seed: int, out: dict[str, list[float]], errors: list[str]):
    rnd = random.Random(seed)
    kinds, weights = zip(*MIX)
    while time.perf_counter() < until:
        kind = rnd.choices(kinds, weights)[0]
        if kind == "list":
            path, params = "/api/incidents", list_params(rnd)
        elif kind == "stats":
            path, params = "/api/stats", stats_params(rnd)
        else:
            path, params = f"/api/incidents/inc_{rnd.randrange(n_incidents):012x}", {}
        t = time.perf_counter()
        r = await http.get(path, params=params)
        elapsed = time.perf_counter() - t
        if r.status_code != 200:
            errors.append(f"{r.status_code} {path} {params}: {r.text[:200]}")
            continue
        orjson.loads(r.content)  # a valid answer (orjson: the client's parsing competes for the same cores)
        out[kind].append(elapsed)


async def load(base: str, n_incidents: int, clients: int, seconds: float) -> tuple[dict[str, list[float]], float, list[str]]:
    import httpx2

    out: dict[str, list[float]] = {k: [] for k, _ in MIX}
    errors: list[str] = []
    limits = httpx2.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx2.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
        warm: dict[str, list[float]] = {k: [] for k, _ in MIX}
        await asyncio.gather(*(_client(http, n_incidents, time.perf_counter() + 2, 1000 + i, warm, errors)
                               for i in range(clients)))
        t0 = time.perf_counter()
        await asyncio.gather(*(_client(http, n_incidents, t0 + seconds, i, out, errors) for i in range(clients)))
        wall = time.perf_counter() - t0
    return out, wall, errors


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(url: str, workers: int):
    """`vigil serve` in its own process (the clients must not share its interpreter)."""
    import urllib.request

    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "vigil", "serve", "--db", url, "--port", str(port),
                             "--workers", str(workers)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/openapi.json", timeout=2).read()
            return proc, base
        except OSError:
            if proc.poll() is not None:
                sys.exit(f"vigil serve exited: {proc.stderr.read()}")
            time.sleep(0.1)
    proc.kill()
    sys.exit("vigil serve did not start")


def report(label: str, out: dict[str, list[float]], wall: float, errors: list[str]) -> None:
    print(f"\n{label}: {sum(len(v) for v in out.values())} requests in {wall:.1f} s "
          f"({sum(len(v) for v in out.values()) / wall:.0f} req/s), {len(errors)} errors")
    print(f"  {'request':<28}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'req/s':>8}")
    names = {"list": "filtered list (100 rows)", "detail": "incident detail", "stats": "stats"}
    for kind, times in out.items():
        if not times:
            continue
        ms = sorted(t * 1000 for t in times)
        p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
        print(f"  {names[kind]:<28}{len(ms):>6}{statistics.median(ms):>9.1f}{p95:>9.1f}{len(ms) / wall:>8.1f}")
    for e in errors[:5]:
        print("  error:", e)


def run(label: str, url: str, args) -> None:
    t = time.perf_counter()
    with open_store(url) as store:
        bulk_insert_incidents(store, bench_store.synthetic_incidents(args.incidents))
        analyze(store)
    print(f"{label}: loaded {args.incidents:,} incidents in {time.perf_counter() - t:.1f} s", flush=True)
    if url.startswith("postgresql"):  # index-only scans need the visibility map a VACUUM writes
        import sqlalchemy as sa

        engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql("VACUUM ANALYZE incidents")
        engine.dispose()
    proc, base = serve(url, args.workers)
    try:
        for clients in (int(c) for c in str(args.clients).split(",")):
            out, wall, errors = asyncio.run(load(base, args.incidents, clients, args.seconds))
            report(f"{label}, {clients} client{'s' if clients > 1 else ''}", out, wall, errors)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--incidents", type=int, default=100_000)
    ap.add_argument("--clients", default="1,20", help="concurrent clients; a comma list runs each in turn "
                                                     "(1 = the service time of each request alone)")
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--workers", type=int, default=1, help="vigil serve --workers")
    ap.add_argument("--pg", default=os.environ.get("VIGIL_TEST_PG", PG_DEFAULT))
    ap.add_argument("--no-pg", action="store_true")
    args = ap.parse_args()
    print(f"{args.clients} concurrent clients, {args.workers} server process(es), {args.seconds:.0f} s per run; mix: "
          + ", ".join(f"{int(w * 100)}% {k}" for k, w in MIX) + f"; {os.cpu_count()} cores shared with the clients")
    with tempfile.TemporaryDirectory() as tmp:
        run("SQLite", f"sqlite:///{Path(tmp) / 'bench_web.db'}", args)
    if args.no_pg:
        return
    import sqlalchemy as sa

    schema = f"bench_web_{os.getpid()}"
    admin = sa.create_engine(args.pg)
    try:
        with admin.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    except Exception as e:
        print(f"\nPostgreSQL skipped: {args.pg} not reachable ({type(e).__name__}); run scripts/ensure-postgres")
        return
    try:
        run("PostgreSQL", f"{args.pg}{'&' if '?' in args.pg else '?'}options=-csearch_path%3D{schema}", args)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


if __name__ == "__main__":
    main()
