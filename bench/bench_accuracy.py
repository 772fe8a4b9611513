"""Accuracy at scale: a generated corpus extracted and scored with `vigil eval`, then ingested and
its fused incidents compared with the generator's truth.

    .venv/bin/python bench/bench_accuracy.py [N_OR_CORPUS_DIR] [--seed 1] [--engine serial|dask] [--workers N]
        [--keep DIR]

N (default 10,000) generates a corpus with bench/make_corpus.py; a folder holding make_corpus's
reports.jsonl, gold.jsonl and truth.jsonl is used as it is. The steps are the commands a user runs:
`vigil extract reports.jsonl > system.jsonl`, `vigil eval gold.jsonl system.jsonl --json`, and
`vigil ingest reports.jsonl` into a fresh SQLite file, whose incidents (`vigil incidents`'s
query) are then matched with the true incidents:

- a true incident is *told by* a stored incident when one of its reports is among the incident's
  sources and the incident stands at its place: under its name, or (when no incident of those
  reports has the name) within PLACE_KM of its point;
- *exact*: exactly one stored incident tells it, and that incident has all its reports;
- *split*: several stored incidents tell it; *incomplete*: one does, without all its reports;
  *missing*: none does;
- a stored incident that tells several true incidents is *merged* (they were fused together).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Iterable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

PLACE_KM = 5.0
VIGIL = [sys.executable, "-m", "vigil"]


def _fold(name: str | None) -> str:
    return re.sub(r"[^a-z]", "", (name or "").lower())


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(min(1.0, h)))


def _named(incident: dict[str, Any], truth: dict[str, Any]) -> bool:
    loc = incident.get("location") or {}
    return _fold(truth["place"]) in {_fold(loc.get("name")), _fold(loc.get("matched_name"))} - {""}


def _near(incident: dict[str, Any], truth: dict[str, Any]) -> bool:
    loc = incident.get("location") or {}
    if loc.get("lat") is not None and loc.get("lon") is not None and truth.get("lat") is not None:
        return _km((loc["lat"], loc["lon"]), (truth["lat"], truth["lon"])) <= PLACE_KM
    return False


def compare_fusion(truths: Iterable[dict[str, Any]], incidents: list[dict[str, Any]]) -> dict[str, Any]:
    """How the stored incidents cover the true ones (see the module docstring for the terms)."""
    by_doc: dict[str, list[int]] = {}
    docs_of: list[set[str]] = []
    for k, inc in enumerate(incidents):
        docs = {s.get("doc_id") for s in inc.get("sources") or []} - {None}
        docs_of.append(docs)
        for d in docs:
            by_doc.setdefault(d, []).append(k)
    out = {"true_incidents": 0, "exact": 0, "split": 0, "incomplete": 0, "missing": 0}
    tellers: dict[int, int] = {}
    for t in truths:
        out["true_incidents"] += 1
        want = set(t["doc_ids"])
        told = {k for d in want for k in by_doc.get(d, ())}
        # by the place's name; by distance only when no incident of its reports has the name (a
        # neighbouring village or the region of a wave of strikes is not the place)
        found = sorted({k for k in told if _named(incidents[k], t)} or {k for k in told if _near(incidents[k], t)})
        for k in found:
            tellers[k] = tellers.get(k, 0) + 1
        if not found:
            out["missing"] += 1
        elif len(found) > 1:
            out["split"] += 1
        elif want <= docs_of[found[0]]:
            out["exact"] += 1
        else:
            out["incomplete"] += 1
    out["stored_incidents"] = len(incidents)
    out["merged"] = sum(1 for n in tellers.values() if n > 1)
    out["exact_share"] = round(out["exact"] / out["true_incidents"], 4) if out["true_incidents"] else None
    return out


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(cmd, check=True, text=True, env=env, **kw)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default="10000", help="N (generate) or a make_corpus folder")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--engine", default="serial", choices=["serial", "dask"])
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--keep", type=Path, default=None, help="keep the corpus, system output and database here")
    args = ap.parse_args()
    engine = ["--engine", args.engine] + (["--workers", str(args.workers)] if args.workers else [])

    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        if args.corpus.isdigit():
            from make_corpus import write_corpus

            corpus = work / "corpus"
            counts = write_corpus(int(args.corpus), args.seed, corpus, progress=None)
            print(f"generated {counts['reports']:,} reports ({counts['gold_incidents']:,} gold incidents, "
                  f"{counts['true_incidents']:,} true incidents), seed {args.seed}")
        else:
            corpus = Path(args.corpus)
        t0 = time.perf_counter()
        with open(work / "system.jsonl", "w", encoding="utf-8") as out:
            _run([*VIGIL, "extract", str(corpus / "reports.jsonl"), *engine], stdout=out)
        extract_s = time.perf_counter() - t0
        scored = json.loads(_run([*VIGIL, "eval", str(corpus / "gold.jsonl"), str(work / "system.jsonl"), "--json"],
                                 capture_output=True).stdout)
        print(f"vigil extract: {extract_s:.1f} s; vigil eval {corpus / 'gold.jsonl'} system.jsonl:")
        for k, v in scored.items():
            print(f"  {k:<28} {v:.3f}" if isinstance(v, float) else f"  {k:<28} {v}")
        db = work / "accuracy.db"
        if db.exists():
            db.unlink()
        t0 = time.perf_counter()
        _run([*VIGIL, "ingest", str(corpus / "reports.jsonl"), "--db", str(db), *engine], capture_output=True)
        ingest_s = time.perf_counter() - t0
        from vigil.store import open_store, query_incidents

        with open_store(f"sqlite:///{db}", create=False) as store:
            incidents = query_incidents(store)
        with open(corpus / "truth.jsonl", encoding="utf-8") as f:
            fusion = compare_fusion((json.loads(line) for line in f), incidents)
    print(f"vigil ingest: {ingest_s:.1f} s; fused incidents against the generator's truth:")
    for k, v in fusion.items():
        print(f"  {k:<28} {v}")
    print("RESULT " + json.dumps({"eval": scored, "fusion": fusion, "extract_s": round(extract_s, 1),
                                  "ingest_s": round(ingest_s, 1), "load_end": round(os.getloadavg()[0], 2)}))


if __name__ == "__main__":
    main()
