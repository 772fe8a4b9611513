"""Throughput of the per-report pipeline on one core: how many reports per second `process` handles.

The reports are synthetic: sentences of the bundled sample corpus recombined, with
places, numbers and dates varied so that no two are alike (caches keyed on text cannot
flatter the figure). Each is about 2 KB, the size of a typical wire report. Only
`vigil.pipeline.process` is timed, so the figure follows the extraction engine as it lands.

    python bench/bench_extract.py [--reports 1000] [--size 2000] [--seed 7]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))  # run from a checkout without installing

from vigil.model import Document  # noqa: E402
from vigil.extract import extract  # noqa: E402
from vigil.geo import geocode_report  # noqa: E402
from vigil.pipeline import process  # noqa: E402
from vigil.read import ReadError, parse_txt, read_paths  # noqa: E402

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "vigil" / "samples"
_SENTENCE_END = re.compile(r"(?<=[.!?\"])\s+(?=[A-Z\"])")
# Places are swapped only for others of the same country, as in a real report.
_PLACES_BY_COUNTRY = (
    ("Kafr Nabl", "Hish", "Kafr Sijnah", "Ihsim", "Maarshamarin", "Kafr Ruma", "Ariha", "Sarmin", "Binnish",
     "Taftanaz", "Atarib", "Kafr Halab", "Urum al-Kubra", "Qabtan al-Jabal", "Anadan", "Jarjanaz", "Amuda"),
    ("Hays", "Zabid", "Harib", "Majzar"),
    ("Tarmiyah", "Baqubah", "Jalawla", "Tuz Khurmatu"),
    ("Kupiansk", "Vovchansk", "Chuhuiv", "Nikopol"),
    ("Nad Ali", "Gereshk", "Marjah"),
)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def sample_sentences() -> dict[str, list[str]]:
    """Every sentence of the sample reports, by country (the doc id's prefix): the raw material."""
    docs = [d for d in read_paths([SAMPLES / "docs"]) if not isinstance(d, ReadError)]
    if not docs:
        sys.exit(f"no sample reports under {SAMPLES / 'docs'}")
    by_country: dict[str, list[str]] = {}
    for d in docs:
        by_country.setdefault(d.doc_id.split("-")[0], []).extend(
            s.strip() for s in _SENTENCE_END.split(d.text) if len(s.split()) >= 5)
    return by_country


def vary(sentence: str, rng: random.Random) -> str:
    """The sentence with other places, tolls and weekdays, so every report is distinct."""
    for places in _PLACES_BY_COUNTRY:
        for place in places:
            if place in sentence:
                sentence = sentence.replace(place, rng.choice(places))
    sentence = re.sub(r"\b\d{1,3}\b", lambda m: str(rng.randint(1, 60)), sentence)
    return re.sub("|".join(_WEEKDAYS), lambda m: rng.choice(_WEEKDAYS), sentence)


def synthetic_reports(n: int, size: int, seed: int) -> list[Document]:
    """`n` distinct reports of about `size` characters in the seed form, parsed like real input."""
    rng = random.Random(seed)
    by_country = sample_sentences()
    countries = sorted(by_country)
    start = date(2019, 1, 1)
    docs, seen = [], set()
    while len(docs) < n:
        sentences = by_country[rng.choice(countries)]  # one conflict per report
        paragraphs, length = [], 0
        while length < size:
            paragraph = " ".join(vary(rng.choice(sentences), rng) for _ in range(rng.randint(1, 3)))
            paragraphs.append(paragraph)
            length += len(paragraph) + 2
        body = "\n\n".join(paragraphs)
        if body in seen:
            continue
        seen.add(body)
        published = start + timedelta(days=rng.randrange(6 * 365))
        doc = parse_txt(f"date {published.isoformat()}\n{body}\n", f"bench-{len(docs):05d}")
        assert isinstance(doc, Document), doc
        docs.append(doc)
    return docs


def pin_to_one_core() -> str:
    """Run on a single CPU so the figure means 'per core' on any machine."""
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity on this platform)"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=1000, help="how many synthetic reports (default 1000)")
    ap.add_argument("--size", type=int, default=2000, help="approximate characters per report (default 2000)")
    ap.add_argument("--seed", type=int, default=7, help="random seed, for repeatable corpora")
    args = ap.parse_args()

    core = pin_to_one_core()
    docs = synthetic_reports(args.reports, args.size, args.seed)
    mean_size = sum(len(d.text) for d in docs) / len(docs)

    t0 = time.perf_counter()
    process(docs[0])  # the first call loads lexicons and the gazetteer: reported apart
    warm_up = time.perf_counter() - t0

    t0, c0 = time.perf_counter(), time.process_time()
    reports = [extract(d) for d in docs]
    extracting, extract_cpu = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    incidents = sum(len(geocode_report(r).incidents) for r in reports)
    geocoding, geocode_cpu = time.perf_counter() - t0, time.process_time() - c0
    elapsed = extracting + geocoding

    print(f"reports            {len(docs)} (mean {mean_size:,.0f} characters), {core}")
    print(f"first call         {warm_up:.3f} s (loading)")
    print(f"total time         {elapsed:.3f} s (extract {extracting:.3f} s, geocode {geocoding:.3f} s)")
    print(f"extract only       {len(docs) / extracting:,.1f} reports/s")
    print(f"reports per second {len(docs) / elapsed:,.1f} (extract + geocode, as `vigil extract` runs them)")
    print(f"CPU time           extract {len(docs) / extract_cpu:,.1f} reports/s, extract + geocode "
          f"{len(docs) / (extract_cpu + geocode_cpu):,.1f} reports/s (what one free core gives; "
          f"load average {os.getloadavg()[0]:.1f})")
    print(f"incidents found    {incidents}")
    print("RESULT " + json.dumps({"reports": len(docs), "extract_per_s": round(len(docs) / extracting, 1),
                                  "per_s": round(len(docs) / elapsed, 1), "load1": round(os.getloadavg()[0], 2)}))


if __name__ == "__main__":
    main()
