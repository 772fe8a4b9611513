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
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import orjson  # noqa: E402

from vigil.store import analyze, bulk_insert_incidents, open_store  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_store", ROOT / "bench" / "bench_store.py")
bench_store = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_store)

PG_DEFAULT = "postgresql+psycopg://vigil:vigil@127.0.0.1:5432/vigil_test"
MIX = (("list", 0.5), ("detail", 0.25), ("stats", 0.25))
# Each client parses one answer in PARSE_EVERY in full (all are checked for status, length and framing): the
# clients share the two cores with the server, and parsing a 330 KB stats answer costs about as much
# CPU as the server spends building it, so parsing them all measured the clients as much as the server.
PARSE_EVERY = 20


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


class Connection:
    """One keep-alive HTTP/1.1 connection doing GETs, on asyncio streams. The load generator shares
    the machine's cores with the server, so it must cost little: an httpx client spent about as much
    CPU per request as the server did, and 20 of them were measuring themselves."""

    def __init__(self, base: str):
        url = urlsplit(base)
        self.host, self.port = url.hostname, url.port or 80
        self.reader = self.writer = None

    async def get(self, path: str, params: dict[str, str]) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        target = f"{path}?{urlencode(params)}" if params else path
        self.writer.write(f"GET {target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = None
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if length is None:
            raise RuntimeError(f"no Content-Length in the answer to {target}")
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def _client(base: str, n_incidents: int, until: float, seed: int, out: dict[str, list[float]],
                  errors: list[str], seen: set[str] | None = None, repeats: list[int] | None = None):
    rnd = random.Random(seed)
    kinds, weights = zip(*MIX)
    http = Connection(base)
    answered = 0
    try:
        while time.perf_counter() < until:
            kind = rnd.choices(kinds, weights)[0]
            if kind == "list":
                path, params = "/api/incidents", list_params(rnd)
            elif kind == "stats":
                path, params = "/api/stats", stats_params(rnd)
            else:
                path, params = f"/api/incidents/inc_{rnd.randrange(n_incidents):012x}", {}
            t = time.perf_counter()
            status, body = await http.get(path, params)
            elapsed = time.perf_counter() - t
            if status != 200:
                errors.append(f"{status} {path} {params}: {body[:200]!r}")
                continue
            answered += 1
            if answered % PARSE_EVERY == 1 or not body.startswith(b"{") or not body.endswith(b"}"):
                orjson.loads(body)  # a valid answer; parsing every one cost the shared cores ~0.5 ms a request
            out[kind].append(elapsed)
            if seen is not None:
                url = f"{path}?{sorted(params.items())}"
                repeats.append(url in seen)
                seen.add(url)
    finally:
        http.close()


async def load(base: str, n_incidents: int, clients: int, seconds: float, server_pid: int | None = None
               ) -> tuple[dict[str, list[float]], float, list[str], float, tuple[float, float] | None]:
    """Run `clients` concurrent clients for `seconds` (after 2 s of warm-up), each sending its next
    request when the last is answered. Returns the latencies by kind, the wall time, the errors, the
    share of requests whose URL had been asked before in the run (answered from the server's kept
    responses) and the CPU seconds the server (`server_pid`) and this process used meanwhile."""
    out: dict[str, list[float]] = {k: [] for k, _ in MIX}
    errors: list[str] = []
    warm: dict[str, list[float]] = {k: [] for k, _ in MIX}
    await asyncio.gather(*(_client(base, n_incidents, time.perf_counter() + 2, 1000 + i, warm, errors)
                           for i in range(clients)))
    seen: set[str] = set()
    repeats: list[int] = []
    server0, client0 = (_cpu_seconds(server_pid) if server_pid else 0.0), time.process_time()
    t0 = time.perf_counter()
    await asyncio.gather(*(_client(base, n_incidents, t0 + seconds, i, out, errors, seen, repeats)
                           for i in range(clients)))
    wall = time.perf_counter() - t0
    cpu = (_cpu_seconds(server_pid) - server0, time.process_time() - client0) if server_pid else None
    return out, wall, errors, sum(repeats) / max(1, len(repeats)), cpu


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


def report(label: str, out: dict[str, list[float]], wall: float, errors: list[str], repeated: float = 0.0,
           cpu: tuple[float, float] | None = None) -> None:
    n = sum(len(v) for v in out.values())
    print(f"\n{label}: {n} requests in {wall:.1f} s ({n / wall:.0f} req/s), {len(errors)} errors; {repeated:.0%} "
          f"repeated an earlier URL; load average {os.getloadavg()[0]:.1f}")
    if cpu and n:  # what a request costs whatever else the machine is doing
        print(f"  CPU per request: server {cpu[0] / n * 1000:.2f} ms ({cpu[0] / wall:.2f} cores in use), "
              f"clients {cpu[1] / n * 1000:.2f} ms ({cpu[1] / wall:.2f} cores)")
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


def _run_loop(coro):
    """asyncio.run, on uvloop when it is installed (it comes with the server's dependencies)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


def _cpu_seconds(pid: int) -> float:
    """CPU time used so far by a process and its children that have ended (Linux /proc), 0 elsewhere:
    the server's workers are children of `vigil serve`."""
    total = 0.0
    try:
        pids = [pid] + [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        for p in pids:
            fields = Path(f"/proc/{p}/stat").read_text().rpartition(")")[2].split()
            total += sum(int(x) for x in fields[11:13]) / os.sysconf("SC_CLK_TCK")  # utime, stime
    except OSError:
        return 0.0
    return total


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
            out, wall, errors, repeated, cpu = _run_loop(load(base, args.incidents, clients, args.seconds, proc.pid))
            report(f"{label}, {clients} client{'s' if clients > 1 else ''}", out, wall, errors, repeated, cpu)
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
