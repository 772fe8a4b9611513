"""Ingest throughput: synthetic reports into a temporary SQLite store on one core.

    .venv/bin/python bench/bench_ingest.py [N_REPORTS] [POSTGRESQL_URL|""] [BATCH_SIZE]

Reports are generated as codebook dicts (what `pipeline.process` emits), so
the figure measures the store, fusion and ledger, not extraction. Wall-clock and
CPU time are both printed: on a shared machine the CPU figure is the steadier one
(with PostgreSQL it leaves out the server's own work, which wall-clock includes). About a
third of the reports retell an incident another outlet already reported, a
tenth are syndicated near-copies, and a few carry ceasefires.
"""
from __future__ import annotations

import json
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from vigil.store import ingest_reports, open_store, stats  # noqa: E402
from vigil.store.ingest import BATCH_SIZE  # noqa: E402

TYPES = ["airstrike", "shelling", "drone_strike", "bombing", "ground_clash"]
PERPS = ["Russia", "Syrian government", "Turkey", "Hayat Tahrir al-Sham", None]
OUTLETS = ["White Helmets", "Syrian Observatory for Human Rights", "Response Coordination Group", None]
WORDS = ("the strike hit a market near the school while families were shopping and rescuers said the toll could "
         "rise as more bodies were pulled from the rubble of homes in the area which had been shelled repeatedly "
         "over recent weeks by government forces and their allies").split()


def places(n: int, rnd: random.Random) -> list[dict]:
    """A synthetic gazetteer spread over north-west Syria."""
    out = []
    for i in range(n):
        lat, lon = 35.3 + rnd.random() * 1.0, 36.2 + rnd.random() * 1.0
        out.append({"name": f"Village {i}", "matched_name": f"Village {i}", "admin1": rnd.choice(["Idleb", "Aleppo", "Hama"]),
                    "admin2": None, "country": "Syria", "lat": round(lat, 5), "lon": round(lon, 5),
                    "geo_precision": "place", "gazetteer_id": f"syn:{i}"})
    return out


def synthetic_reports(n: int, seed: int = 1, *, days: int = 180, start: date = date(2020, 1, 1),
                      events: list | None = None, gaz: list[dict] | None = None, prefix: str = "syn") -> list[dict]:
    """`n` report dicts published over `days` days from `start`; `events` (place, day, type, perpetrator,
    killed) already told elsewhere may be retold, and the new ones are appended to it."""
    rnd = random.Random(seed)
    gaz = gaz or places(800, rnd)
    events = [] if events is None else events
    reports = []
    for r in range(n):
        published = start + timedelta(days=rnd.randint(0, days))
        incs = []
        for _ in range(rnd.randint(1, 4)):
            if events and rnd.random() < 0.35:
                place, day, typ, perp, killed = rnd.choice(events)
                killed = max(0, killed + rnd.choice([-1, 0, 0, 1]))
            else:
                place, day, typ, perp = rnd.choice(gaz), published - timedelta(days=rnd.randint(0, 2)), rnd.choice(TYPES), rnd.choice(PERPS)
                killed = rnd.randint(0, 15)
                events.append((place, day, typ, perp, killed))
            sentence = f"{typ} on {place['name']} killed {killed} people " + " ".join(rnd.sample(WORDS, 12))
            incs.append({"date": day.isoformat(), "date_precision": "day", "type": typ, "perpetrator": perp,
                         "location": dict(place), "killed": killed, "killed_qualifier": "exact", "injured": None,
                         "victims": "civilians", "children_killed": None, "women_killed": None,
                         "sources": [s for s in [rnd.choice(OUTLETS)] if s], "evidence": [sentence],
                         "evidence_spans": [[0, len(sentence)]]})
        cfs = []
        if rnd.random() < 0.02:
            cfs.append({"declared_by": [rnd.choice(["Russia", "Turkey"])], "announced_on": published.isoformat(),
                        "effective_from": published.isoformat(), "effective_until": None,
                        "area": rnd.choice(["Idlib", "northwest Syria", "Hama"]), "evidence": ["A truce was declared."],
                        "evidence_spans": [[0, 21]]})
        text = " ".join(i["evidence"][0] for i in incs) + " " + " ".join(rnd.choices(WORDS, k=120))
        rep = {"doc_id": f"{prefix}-{r}", "url": f"https://example.org/{prefix}/{r}", "published": published.isoformat(),
               "reports_incident": True, "incidents": incs, "totals": [], "ceasefires": cfs, "text": text}
        if reports and rnd.random() < 0.1:  # a syndicated copy of an earlier report, lightly edited
            orig = rnd.choice(reports)
            rep = {**orig, "doc_id": f"{prefix}-{r}", "url": f"https://mirror.example.net/{prefix}/{r}",
                   "text": orig["text"] + " Republished with permission."}
        reports.append(rep)
    return reports


def _postgres_scratch(url: str):
    """A throwaway schema in the given PostgreSQL database (dropped afterwards)."""
    import os

    import sqlalchemy as sa

    schema = f"vigil_bench_{os.getpid()}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))

    def drop() -> None:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()

    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}", drop


def warm_up() -> None:
    """Pay the once-per-process start-up before timing: the actor tables (for the actor keys) and
    datasketch's import (for the MinHash signatures), about 1-2 s of CPU between them."""
    from vigil.lexicon import canonical_actor
    from vigil.store import signature

    canonical_actor("Russia")
    signature("warm up the permutations")


def server_cpu(store) -> float | None:
    """CPU seconds of the PostgreSQL backend serving the store's pooled connection (None for SQLite)."""
    if store.engine.dialect.name != "postgresql":
        return None
    with store.engine.connect() as conn:
        pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # a server on another machine
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (ru_maxrss is in KiB on Linux)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    pg = sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] else None  # e.g. postgresql+psycopg://vigil:vigil@127.0.0.1/vigil_test
    batch = int(sys.argv[3]) if len(sys.argv) > 3 else BATCH_SIZE
    reports = synthetic_reports(n)
    warm_up()
    with tempfile.TemporaryDirectory() as tmp:
        url, cleanup = (_postgres_scratch(pg) if pg else (f"sqlite:///{Path(tmp) / 'bench.db'}", lambda: None))
        try:
            with open_store(url) as store:
                s0 = server_cpu(store)
                t0, c0 = time.perf_counter(), time.process_time()
                summary = ingest_reports(store, reports, batch_size=batch)
                dt, cpu = time.perf_counter() - t0, time.process_time() - c0
                s1 = server_cpu(store)
                counts = stats(store)
        finally:
            cleanup()
    backend = "PostgreSQL" if pg else "SQLite"
    print(summary.line())
    print(f"ingested {n} reports ({sum(len(r['incidents']) for r in reports)} incident claims) in {dt:.2f} s "
          f"({cpu:.2f} s CPU in this process): {n / dt:.0f} reports/s wall, {n / cpu:.0f} reports/s per CPU-second "
          f"({backend}, {batch} reports per transaction); {counts['incidents']} fused incidents, "
          f"{counts['violations']} violation links; peak memory {peak_rss_mb():.0f} MB")
    server = s1 - s0 if s0 is not None and s1 is not None else None
    if server is not None:
        print(f"PostgreSQL server backend: {server:.2f} s CPU; this process and the server together "
              f"{n / (cpu + server):.0f} reports per CPU-second")
    print("RESULT " + json.dumps({"backend": backend, "reports": n, "per_s_wall": round(n / dt, 1),
                                  "per_cpu_s": round(n / cpu, 1),
                                  "per_cpu_s_with_server": round(n / (cpu + server), 1) if server is not None else None,
                                  "peak_memory_mb": round(peak_rss_mb()), "load1": round(os.getloadavg()[0], 2)}))


if __name__ == "__main__":
    main()
