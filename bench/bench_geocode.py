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
from pathlib import Path

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
    for label, repeat in (("distinct names, cold", 1), ("repeated names, warm", 20)):
        geocode.clear_caches()
        geocode.best(names[0])  # loads lazily built indexes
        if repeat == 1:
            geocode.clear_caches()
        t = time.perf_counter()
        n = 0
        for _ in range(repeat):
            for name in names:
                geocode.best(name, country="Syria" if Path(sys.argv[-1]).suffix == ".tsv" else None)
                n += 1
        dt = time.perf_counter() - t
        print(f"{label}: {n} resolutions in {dt:.2f} s = {n / dt:,.0f}/s")


if __name__ == "__main__":
    main()
