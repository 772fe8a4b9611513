#!/usr/bin/env python3
"""Score the resolver on a place list with gold coordinates (UCDP-style TSV).

    python bench/eval_geo.py /work/shared/eval/geo/ucdp_places_dev.tsv [--errors]

Input columns: name, admin1 and optional admin2 (used as hints, as `vigil geocode
--tsv` does), gold_lat, gold_lon. `--no-admin2` ignores the district column. Prints the share within 10 km and 25 km of gold, the share
of answered places more than 25 km off, and the abstention share.
"""
from __future__ import annotations

import csv
import sys
import time

from vigil.geo import best, km


def main(path: str, show_errors: bool = False, use_admin2: bool = True) -> None:
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    within10 = within25 = far = abstained = 0
    t0 = time.perf_counter()
    for r in rows:
        c = best(r["name"], admin1=r.get("admin1") or None, country=r.get("country") or None,
                 admin2=(r.get("admin2") or None) if use_admin2 else None)
        if c is None:
            abstained += 1
            if show_errors:
                print(f"ABSTAIN\t{r['name']}\t{r.get('admin1')}\t{r.get('admin2')}")
            continue
        d = km(c.lat, c.lon, float(r["gold_lat"]), float(r["gold_lon"]))
        within10 += d <= 10
        within25 += d <= 25
        if d > 25:
            far += 1
        if show_errors and d > 10:
            print(f"OFF {d:.0f}km\t{r['name']}\t{r.get('admin1')}\t{r.get('admin2')}\t-> {c.matched_name} ({c.admin1}/{c.admin2}) {c.score}")
    n, answered = len(rows), len(rows) - abstained
    print(f"places {n}  answered {answered}  ({time.perf_counter() - t0:.2f} s)")
    print(f"within 10 km: {within10 / n:.1%}   within 25 km: {within25 / n:.1%}")
    print(f"answered >25 km off: {far / max(answered, 1):.1%}   abstained: {abstained / n:.1%}")
    print(f"of answered places, within 10 km: {within10 / max(answered, 1):.1%}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else
         "/work/shared/eval/geo/ucdp_places_dev.tsv", "--errors" in sys.argv, "--no-admin2" not in sys.argv)
