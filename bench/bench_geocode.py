#!/usr/bin/env python3
"""Gazetteer load time and resolver throughput.

    python bench/bench_geocode.py [names.tsv]

Prints: the time to open the (already built) gazetteer index, the time to build
it from the shipped data when no cache exists (in a temporary cache dir), and
resolutions per second for distinct names (cold memo) and repeated names.
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


def names_from(path: str | None) -> list[str]:
    if not path:
        return SEED
    with open(path, encoding="utf-8", newline="") as f:
        return [r["name"] for r in csv.DictReader(f, delimiter="\t") if r.get("name")]


def main() -> None:
    from vigil import gazetteer, geocode

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
    country = "Syria" if len(sys.argv) > 1 else None
    for name in names:  # warm-up: loads the per-province fuzzy blocks, as a long run would have
        geocode.best(name, country=country)
    exact = [n for n in names if (c := geocode.best(n, country=country)) and c.score >= geocode.EXACT]
    for label, batch, repeat in (("distinct names (memo cleared)", names, 1),
                                 ("distinct exact-hit names (memo cleared)", exact, 1),
                                 ("repeated names (memo warm)", names, 20)):
        geocode.clear_caches()
        if repeat > 1:
            for name in batch:
                geocode.best(name, country=country)
        t = time.perf_counter()
        for _ in range(repeat):
            for name in batch:
                geocode.best(name, country=country)
        dt = time.perf_counter() - t
        n = len(batch) * repeat
        print(f"{label}: {n} resolutions in {dt:.2f} s = {n / dt:,.0f}/s")


if __name__ == "__main__":
    main()
