"""The whole per-report pipeline on odd input: it never fails, and evidence offsets always hold."""
import random
import string
from datetime import date

from vigil.model import Document
from vigil.pipeline import process

WORDS = ("killed wounded in at the village of Kafr Nabl Hama's Suran 12 nine at least dozens ceasefire truce "
         "announced on March 9 Monday said Russia regime , . ; ' \" ( ) - – \n\n 2019 of whom were children "
         "including shelling drone town").split(" ")


def test_word_soup_never_breaks_the_pipeline_and_evidence_offsets_hold():
    rng = random.Random(7)
    for _ in range(500):
        junk = "".join(rng.choice(string.printable) for _ in range(rng.randint(1, 8)))
        text = " ".join(rng.choice(WORDS + [junk]) for _ in range(rng.randint(1, 60)))
        record = process(Document("soup", date(2021, 3, 10), text)).to_dict()
        for claim in record["incidents"] + record["totals"] + record["ceasefires"]:
            assert [text[a:b] for a, b in claim["evidence_spans"]] == claim["evidence"]


def test_unknown_neighbourhoods_listed_in_a_city_are_put_at_the_city():
    text = ("Government air raids hit the neighbourhoods of Sakhour Gardens and Ansari Sharqi in the eastern part "
            "of Aleppo city on Friday, killing nine civilians, a monitor said.")
    rep = process(Document("hoods", date(2016, 9, 24), text))
    for inc in rep.incidents:
        loc = inc.location
        assert loc.lat is not None and abs(loc.lat - 36.2) < 0.15 and abs(loc.lon - 37.15) < 0.15, loc
