"""Query speed over a large store: 1,000,000 fused incidents in a temporary SQLite file.

    .venv/bin/python bench/bench_store.py [N_INCIDENTS] [KEEP_DB_PATH]

With KEEP_DB_PATH the SQLite file is kept there, so the command line itself can be
timed against it (`time vigil incidents --db KEEP_DB_PATH --admin1 Idlib ...`).

Synthetic incidents (ten years, four countries, realistic field sizes) are
bulk-loaded through `store.bulk_insert_incidents`; then the filtered queries
`vigil incidents` runs are timed through `store.query_incidents` (the same
function the command calls), best of five warm runs, JSON records decoded.
"""
from __future__ import annotations

import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from vigil.store import IncidentFilter, analyze, bulk_insert_incidents, open_store, query_incidents  # noqa: E402

COUNTRIES = {
    "Syria": (["Idleb", "Aleppo", "Hama", "Homs", "Daraa", "Deir ez-Zor", "Raqqa", "Latakia", "Rif Dimashq", "Al-Hasakah"], 35.0, 38.0),
    "Yemen": (["Taizz", "Al Hudaydah", "Marib", "Sa'dah", "Al Bayda", "Aden"], 15.0, 44.0),
    "Iraq": (["Ninawa", "Anbar", "Salah al-Din", "Diyala", "Kirkuk", "Baghdad"], 34.0, 43.0),
    "Ukraine": (["Donetsk", "Luhansk", "Kharkiv", "Zaporizhzhia", "Kherson", "Sumy"], 48.5, 36.0),
}
COUNTRY_WEIGHTS = [0.5, 0.2, 0.15, 0.15]
PERPS = ["Russia", "Syrian government", "Turkey", "US-led coalition", "Islamic State", "Saudi-led coalition",
         "Houthis", "Ukraine", None]
TYPES = ["airstrike", "drone_strike", "shelling", "bombing", "ground_clash", "shooting"]
START = date(2015, 1, 1)
DAYS = 3650


def synthetic_incidents(n: int, seed: int = 3):
    rnd = random.Random(seed)
    names = list(COUNTRIES)
    for i in range(n):
        country = rnd.choices(names, COUNTRY_WEIGHTS)[0]
        admins, lat0, lon0 = COUNTRIES[country]
        lat, lon = round(lat0 + rnd.uniform(-2, 2), 5), round(lon0 + rnd.uniform(-2, 2), 5)
        day = (START + timedelta(days=rnd.randrange(DAYS))).isoformat()
        killed = [rnd.randint(0, 30) for _ in range(rnd.randint(1, 3))]
        perp = rnd.choice(PERPS)
        sources = [{"doc_id": f"doc-{i}-{k}", "url": f"https://example.org/{i}/{k}", "published": day,
                    "reported_by": ["White Helmets"], "killed": v, "perpetrator": perp} for k, v in enumerate(killed)]
        yield {
            "id": f"inc_{i:012x}", "date": day, "date_precision": "day", "type": rnd.choice(TYPES),
            "perpetrator": perp,
            "location": {"name": f"Place {rnd.randrange(50000)}", "matched_name": None, "admin1": rnd.choice(admins),
                         "admin2": None, "country": country, "lat": lat, "lon": lon, "geo_precision": "place",
                         "gazetteer_id": None},
            "killed": sorted(killed)[(len(killed) - 1) // 2], "killed_qualifier": "exact", "injured": None,
            "victims": "civilians", "children_killed": None, "women_killed": None,
            "killed_low": min(killed), "killed_high": max(killed), "killed_best": sorted(killed)[(len(killed) - 1) // 2],
            "perpetrators": [{"perpetrator": perp, "sources": len(killed)}] if perp else [],
            "grade": ["weak", "fair", "confirmed"][len(killed) - 1], "reports": len(killed),
            "independent_sources": len(killed), "place_names": [], "sources": sources,
            "evidence": ["A synthetic sentence standing in for the report's evidence, about this long."],
        }


QUERIES = [
    ("--admin1 Idlib --since 2021-03-01 --until 2021-03-31",
     IncidentFilter(admin1="Idlib", since=date(2021, 3, 1), until=date(2021, 3, 31))),
    ("--country Yemen --since 2019-06-01 --until 2019-06-30",
     IncidentFilter(country="Yemen", since=date(2019, 6, 1), until=date(2019, 6, 30))),
    ("--perpetrator Russia --type airstrike --since 2020-01-01 --until 2020-01-31",
     IncidentFilter(perpetrator="Russia", type="airstrike", since=date(2020, 1, 1), until=date(2020, 1, 31))),
    ("--since 2022-02-24 --until 2022-02-24", IncidentFilter(since=date(2022, 2, 24), until=date(2022, 2, 24))),
    ("--near 36.15,36.89,10", IncidentFilter(near=(36.15, 36.89, 10))),
    ("--near 48.0,37.8,25 --since 2022-01-01 --until 2022-12-31",
     IncidentFilter(near=(48.0, 37.8, 25), since=date(2022, 1, 1), until=date(2022, 12, 31))),
    ("--admin1 Aleppo --limit 100", IncidentFilter(admin1="Aleppo", limit=100)),
]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    keep = Path(sys.argv[2]) if len(sys.argv) > 2 else None
    with tempfile.TemporaryDirectory() as tmp:
        path = keep or Path(tmp) / "bench.db"
        if keep and keep.exists():
            sys.exit(f"{keep} exists; give a new path")
        with open_store(f"sqlite:///{path}") as store:
            t0 = time.perf_counter()
            bulk_insert_incidents(store, synthetic_incidents(n))
            analyze(store)
            load = time.perf_counter() - t0
            print(f"loaded {n:,} incidents in {load:.1f} s ({path.stat().st_size / 1e6:.0f} MB SQLite file)")
            medians = []
            for label, f in QUERIES:
                times, rows = [], 0
                for _ in range(5):
                    t = time.perf_counter()
                    rows = len(query_incidents(store, f))
                    times.append((time.perf_counter() - t) * 1000)
                print(f"vigil incidents {label:<75} {rows:>6} rows  best {min(times):6.1f} ms  "
                      f"median {statistics.median(times):6.1f} ms  first {times[0]:6.1f} ms")
                medians.append(statistics.median(times))
    print("RESULT " + json.dumps({"incidents": n, "load_s": round(load, 1), "median_ms_max": round(max(medians), 1),
                                  "median_ms_mid": round(statistics.median(medians), 1),
                                  "load1": round(os.getloadavg()[0], 2)}))


if __name__ == "__main__":
    main()
