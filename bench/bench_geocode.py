#!/usr/bin/env python3
"""Gazetteer load time and resolver throughput.

    python bench/bench_geocode.py [names.tsv]

Prints: the time to open the (already built) gazetteer index, the time to build
it from the shipped data when no cache exists (in a temporary cache dir), and
resolutions per second for distinct names (cold memo) and repeated names, by
the clock and by CPU time (the machine may be shared).
Names come from the `name` column of the TSV (default: the shipped seed list).
"""
from __future__ import annotations

import csv
import os
import sys
import tempfile
import time

SEED = ["Kafr Taal", "Kfar Ta'al", "Kafr Nuran", "Takad", "Erhab", "Bara", "Aleppo", "Idlib province",
        "Maarat al-Numan", "Saraqeb", "Khan Sheikhoun", "Kharkiv", "Marib", "Mosul", "Kunduz", "Tuesday"]


def names_from(path: str | None) -> list[tuple[str, str | None, str | None, str | None]]:
    """(name, admin1, country, admin2) rows, the same hints `vigil geocode --tsv` uses."""
    if not path:
        return [(n, None, None, None) for n in SEED]
    with open(path, encoding="utf-8", newline="") as f:
        return [(r["name"], r.get("admin1") or None, r.get("country") or None, r.get("admin2") or None)
                for r in csv.DictReader(f, delimiter="\t") if r.get("name")]


def main() -> None:
    from vigil.geo import resolver as geocode
    from vigil.geo import gazetteer

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["VIGIL_CACHE"] = tmp
        gazetteer.reset()
        t = time.perf_counter()
        gazetteer.load()
        print(f"first use (build index from shipped data): {time.perf_counter() - t:.2f} s")
        os.environ.pop("VIGIL_CACHE")
    gazetteer.reset()
    gazetteer.load()
    gazetteer.reset()
    t = time.perf_counter()
    gazetteer.load()
    print(f"load (index already built): {(time.perf_counter() - t) * 1000:.1f} ms")

    names = names_from(sys.argv[1] if len(sys.argv) > 1 else None)
    for name, admin1, country, admin2 in names:  # warm-up: loads the per-province fuzzy blocks, as a long run would
        geocode.best(name, admin1=admin1, country=country, admin2=admin2)
    exact = [q for q in names if (c := geocode.best(q[0], admin1=q[1], country=q[2], admin2=q[3])) and c.score >= geocode.EXACT]
    for label, batch, repeat in (("distinct names (memo cleared)", names, 1),
                                 ("distinct exact-hit names (memo cleared)", exact, 1),
                                 ("repeated names (memo warm)", names, 20)):
        rates = []
        for _ in range(3):  # median of three rounds
            geocode.clear_answers()  # forget answers, keep the loaded indexes
            if repeat > 1:
                for name, admin1, country, admin2 in batch:
                    geocode.best(name, admin1=admin1, country=country, admin2=admin2)
            t, cpu = time.perf_counter(), time.process_time()
            for _ in range(repeat):
                for name, admin1, country, admin2 in batch:
                    geocode.best(name, admin1=admin1, country=country, admin2=admin2)
            n = len(batch) * repeat
            rates.append((n / (time.perf_counter() - t), n / (time.process_time() - cpu)))
        wall, cpu = sorted(r[0] for r in rates)[1], sorted(r[1] for r in rates)[1]
        print(f"{label}: {len(batch) * repeat} resolutions, median {wall:,.0f}/s ({cpu:,.0f}/s of CPU time: "
              f"what one free core gives on a busy machine)")


if __name__ == "__main__":
    main()
