"""Speed of the lexicon finders (actors, sources, countries) on 300 synthetic ~2 KB reports.

    .venv/bin/python bench/bench_lexicon.py

Prints milliseconds per report for each finder; the aim is well under 2 ms per report for all three."""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from test_lexicon import _report  # noqa: E402  (the test module's invented report text)

from vigil import lexicon  # noqa: E402
from vigil.lexicon import find_actors, find_countries, find_sources  # noqa: E402


def main() -> None:
    started = time.perf_counter()
    lexicon.table_sizes()
    print(f"build            {time.perf_counter() - started:.2f} s (automaton and tables, once per process)")
    reports = [_report(i)[:2000] for i in range(300)]
    total = 0.0
    for finder in (find_actors, find_sources, find_countries):
        t = time.perf_counter()
        for text in reports:
            finder(text)
        ms = (time.perf_counter() - t) / len(reports) * 1000
        total += ms
        print(f"{finder.__name__:16} {ms:.3f} ms/report")
    print(f"{'all three':16} {total:.3f} ms/report (aim < 2 ms)")


if __name__ == "__main__":
    main()
