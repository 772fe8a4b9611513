"""Throughput of vigil.dates.find_dates on a ~2 KB report paragraph (written for this benchmark).

Run: .venv/bin/python bench/bench_dates.py
"""
from __future__ import annotations

import datetime as dt
import time

from vigil.dates import find_dates

PARAGRAPH = (
    "Warplanes struck a crowded market in the town on Monday, killing at least 14 people, a local monitor said "
    "Tuesday. Rescue workers said nine members of one family were among the dead and that search teams worked "
    "through the night. Earlier this week, artillery had hit the outskirts of two nearby villages, and residents "
    "said another barrage came overnight. The regional health office said on January 9 that clinics were short "
    "of fuel, and it repeated the warning earlier today. Over the past three days more than 30 air raids were "
    "recorded across the province, according to the monitor, which has tracked the conflict since 2011. A truce "
    "announced in December collapsed last week after both sides accused each other of violations. On Jan. 12, "
    "officials from the two governments met in the capital and agreed that a new ceasefire would start from "
    "midnight on Sunday. Aid agencies said some 4,000 families had fled their homes in the past 24 hours alone, "
    "many of them heading toward camps near the border that were already crowded. A spokesman said the agency "
    "may have to suspend deliveries if the shelling continues. He added that convoys which left on 15 January "
    "2020 were turned back at a checkpoint, and that a warehouse was looted the day before yesterday. Last month, "
    "the same road was closed for several days. Witnesses described heavy gunfire at 9 p.m. and again before "
    "dawn, and said that three days earlier a car bomb had exploded outside a bakery. The monitor said the toll "
    "for the year 2019 was the highest since records began, and that between January 5 and 9 at least 60 civilians "
    "were killed. Some residents said they would wait until later this month before deciding whether to return, "
    "while others said they had already left two days ago for relatives in the city. Yesterday a school was used "
    "as a shelter; by evening it held over 200 people, and volunteers brought bread and blankets."
)


def main(seconds: float = 3.0) -> None:
    published = dt.date(2020, 1, 21)
    mentions = find_dates(PARAGRAPH, published)  # warms the dateparser cache
    runs, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        find_dates(PARAGRAPH, published)
        runs += 1
    elapsed = time.perf_counter() - start
    print(f"{len(PARAGRAPH)} chars, {len(mentions)} mentions per paragraph")
    print(f"{runs / elapsed:,.0f} paragraphs/s, {runs * len(mentions) / elapsed:,.0f} mentions/s, "
          f"{1000 * elapsed / runs:.3f} ms per paragraph")
    for m in mentions:
        print(f"  {m.text!r:32} {m.date} .. {m.end_date} {m.precision:5} {m.kind}")


if __name__ == "__main__":
    main()
