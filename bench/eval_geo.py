#!/usr/bin/env python3
"""Score the resolver on a place list with gold coordinates (UCDP-style TSV).

    python bench/eval_geo.py /work/shared/eval/geo/ucdp_places_dev.tsv [--errors] [--causes] [--no-admin2]

Input columns: name, admin1 and optional admin2 (used as hints, as `vigil geocode
--tsv` does), gold_lat, gold_lon. `--no-admin2` ignores the district column. Prints the share within 10 km and 25 km of gold, the share
of answered places more than 25 km off, and the abstention share.

`--causes` sorts every place not put within 10 km by why (`miss_cause`): a landmark
(field, base, plant...); no gazetteer entry of a similar spelling within 10 km of
gold; such an entry exists but is not among the candidates; the right entry is a
candidate but scores under the threshold, is one of two namesakes the resolver
could not tell apart, or lost to a wrong namesake. It says where work can still
pay (the resolver) and where only data can (the gazetteer).
"""
from __future__ import annotations

import csv
import sys
import time
from collections import Counter

from rapidfuzz import fuzz

from vigil.geo import best, km, resolve
from vigil.geo import gazetteer
from vigil.geo.names import fold_key
from vigil.geo.query import parse_query
from vigil.geo.resolver import THRESHOLD, decide

SIMILAR = 75.0  # RapidFuzz ratio of fold keys at which a gazetteer name counts as "a similar spelling"


def miss_cause(name: str, admin1: str | None, admin2: str | None, lat: float, lon: float) -> str:
    """Why a place is not put within 10 km of (lat, lon): see the module's docstring."""
    query = parse_query(name)
    cands = resolve(name, admin1=admin1, admin2=admin2, limit=8)
    chosen, _ = decide(cands)
    right = [c for c in cands if km(c.lat, c.lon, lat, lon) <= 10]
    if right:
        if chosen is not None:
            return "wrong namesake chosen"
        return "right entry under the threshold" if right[0] is cands[0] and cands[0].score < THRESHOLD \
            else "namesakes not told apart"
    if query.landmark or query.facility:
        return "landmark"
    g = gazetteer.load()
    folds = {fold_key(a) for a in query.alternatives[:max(query.n_clean, 1)]}
    for fold, _, pid in g.around(lat, lon, 10.0):
        p = g.place(pid)
        if km(p.lat, p.lon, lat, lon) <= 10 and any(fuzz.ratio(f, fold) >= SIMILAR for f in folds):
            return "entry exists, not a candidate"
    return "no entry of a similar spelling within 10 km"


def main(path: str, show_errors: bool = False, use_admin2: bool = True, causes: bool = False) -> None:
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    within10 = within25 = far = abstained = 0
    why: Counter = Counter()
    t0 = time.perf_counter()
    for r in rows:
        admin2 = (r.get("admin2") or None) if use_admin2 else None
        c = best(r["name"], admin1=r.get("admin1") or None, country=r.get("country") or None, admin2=admin2)
        if causes and (c is None or km(c.lat, c.lon, float(r["gold_lat"]), float(r["gold_lon"])) > 10):
            why[miss_cause(r["name"], r.get("admin1") or None, admin2, float(r["gold_lat"]), float(r["gold_lon"]))] += 1
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
    if causes:
        print(f"not within 10 km: {n - within10}")
        for cause, k in why.most_common():
            print(f"  {cause}: {k}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else
         "/work/shared/eval/geo/ucdp_places_dev.tsv", "--errors" in sys.argv, "--no-admin2" not in sys.argv,
         "--causes" in sys.argv)
