#!/usr/bin/env python3
"""Check the incident database against the development reports (not shipped with Vigil).

    python bench/acceptance_dev.py [DEV_DOCS_DIR]

Ingests the folder twice into a fresh SQLite file and prints, for the
reports of 21 January 2020 and the two al-Ghandour reports, the fused
incidents, and which of the seed report's strikes are flagged as violations
of the Russian ceasefire of 9 January 2020.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from vigil.pipeline import process
from vigil.read import ReadError, read_paths
from vigil.store import IncidentFilter, ingest_reports, open_store, query_ceasefires, query_incidents, \
    query_violations

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev" / "docs"
JAN21 = ("sy-2020-01-21-trt-idlib", "sy-2020-01-21-newarab-kafrtaal", "sy-2020-01-22-etilaf-kafartaal")
GHANDOUR = ("sy-2016-07-29-meo-ghandour", "sy-2016-07-30-rudaw-ghandour")


def report_dicts(docs):
    for doc in docs:
        d = process(doc).to_dict()
        d["text"] = doc.text
        yield d


def main(folder: Path) -> None:
    docs = [d for d in read_paths([folder]) if not isinstance(d, ReadError)]
    with tempfile.TemporaryDirectory() as tmp, open_store(f"sqlite:///{tmp}/dev.db") as store:
        first = ingest_reports(store, report_dicts(docs))
        second = ingest_reports(store, report_dicts(docs))
        print("first ingest: ", first.line())
        print("second ingest:", second.line())
        incidents = query_incidents(store, IncidentFilter())
        for title, group in (("21 January 2020 (three outlets)", JAN21), ("al-Ghandour (two outlets)", GHANDOUR)):
            print(f"\n{title}")
            for i in incidents:
                docs_of = {s["doc_id"] for s in i["sources"]}
                if docs_of & set(group):
                    print(f"  {i['location']['name']:<18} {i['date']}  reports {i['reports']}  "
                          f"killed {i['killed_low']}-{i['killed_high']} (best {i['killed_best']})  {i['grade']}  "
                          f"from {sorted(d[:26] for d in docs_of)}")
        russian = [c for c in query_ceasefires(store)
                   if c.get("effective_from") == "2020-01-09" and "Russia" in c["declared_by"]]
        print("\nRussian ceasefire from 2020-01-09:", [(c["id"], c["area"]) for c in russian])
        flagged = {v["incident_id"] for c in russian for v in query_violations(store, c["id"])}
        seed = [i for i in incidents if any(s["doc_id"] == JAN21[0] for s in i["sources"])]
        for i in seed:
            print(f"  {'FLAGGED' if i['id'] in flagged else 'not flagged':<12} {i['location']['name']}")
        print(f"seed strikes flagged: {sum(i['id'] in flagged for i in seed)}/{len(seed)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
