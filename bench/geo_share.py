#!/usr/bin/env python3
"""Share of extracted incidents with coordinates, and why the rest have none.

    vigil extract ../shared/eval/dev/docs -o dev.jsonl
    python bench/geo_share.py dev.jsonl [--list]

Reads `vigil extract` output (one report per line) and prints how many incident
locations carry lat/lon, split by `geo_precision` (place, district, province,
country) and, for those without, by `geo_status`. `--list` prints each incident
without coordinates with its report and `geo_reason`.
"""
from __future__ import annotations

import json
import sys
from collections import Counter


def main(path: str, show: bool = False) -> None:
    total = placed = 0
    precision: Counter = Counter()
    missing: Counter = Counter()
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            rep = json.loads(line)
            for inc in rep.get("incidents") or []:
                loc = inc.get("location") or {}
                total += 1
                if loc.get("lat") is not None and loc.get("lon") is not None:
                    placed += 1
                    precision[loc.get("geo_precision") or "?"] += 1
                else:
                    missing[loc.get("geo_status") or "?"] += 1
                    rows.append((rep.get("doc_id"), loc.get("name"), loc.get("geo_status"), loc.get("geo_reason")))
    print(f"incidents {total}  with coordinates {placed} ({placed / max(total, 1):.3f})")
    print("  by precision: " + ", ".join(f"{k} {v}" for k, v in precision.most_common()))
    if missing:
        print("  without, by status: " + ", ".join(f"{k} {v}" for k, v in missing.most_common()))
    if show:
        for doc, name, status, reason in rows:
            print(f"{doc}\t{name}\t{status}\t{reason or ''}")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if not args:
        sys.exit(__doc__)
    main(args[0], "--list" in sys.argv)
