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

# A more ordinary report: few date phrases, many numbers and capitalised words.
TYPICAL = (
    "Government forces and allied militias shelled the southern countryside of the province on Sunday, "
    "local activists said, as columns of displaced families moved north along the main highway. The "
    "civil defence service said its teams pulled 11 people from the rubble of two houses in the village "
    "of Tell Abyad al-Gharbi, among them four children and a woman, and that three of the wounded later "
    "died in a field hospital. A separate strike on a poultry farm east of the town wounded six workers, "
    "according to a nurse at the hospital who asked not to be named. The monitoring group said the "
    "shelling was the heaviest since the start of the offensive, with more than 120 rockets and artillery "
    "shells counted in the area within a few hours. Turkish officials called for a halt to the attacks "
    "and said more than 50,000 people were now sheltering in tents and unfinished buildings close to the "
    "border, where temperatures drop below freezing at night. A spokesman for the United Nations "
    "humanitarian office said aid agencies were struggling to keep up with needs, and that at least "
    "three trucks carrying food and blankets had been unable to reach the area because of damaged roads. "
    "Russian and Turkish diplomats are expected to meet in Ankara to discuss the situation, but neither "
    "side has announced a date. Opposition fighters said they had repelled an attempt by government "
    "troops to advance on two hilltops overlooking the highway and had destroyed a tank and two armoured "
    "vehicles, claims that could not be independently verified. The government news agency said the army "
    "was responding to attacks by terrorist groups on residential areas and military positions. Medical "
    "workers said supplies of blood and anaesthetics were running low, and that the last functioning "
    "hospital in the district had moved its wards to a basement."
)


def measure(text: str, published: dt.date, seconds: float) -> tuple[float, int]:
    """Paragraphs per CPU second (process time, so other jobs on the machine matter less)."""
    find_dates(text, published)  # warms the dateparser cache
    runs, start = 0, time.process_time()
    while time.process_time() - start < seconds:
        find_dates(text, published)
        runs += 1
    return runs / (time.process_time() - start), len(find_dates(text, published))


def main(seconds: float = 2.0) -> None:
    published = dt.date(2020, 1, 21)
    for name, text in (("dense", PARAGRAPH), ("typical", TYPICAL)):
        rate, mentions = measure(text, published, seconds)
        print(f"{name:8} {len(text)} chars, {mentions:2} mentions: {rate:,.0f} paragraphs/s, "
              f"{rate * mentions:,.0f} mentions/s, {1000 / rate:.3f} ms per paragraph")
    for m in find_dates(PARAGRAPH, published):
        print(f"  {m.text!r:32} {m.date} .. {m.end_date} {m.precision:5} {m.kind}")


if __name__ == "__main__":
    main()
