"""The bundled sample corpus is well-formed: readable reports, codebook-shaped gold, verbatim evidence."""
import json
import re
from datetime import date
from importlib.resources import files
from pathlib import Path

import pytest

from vigil.evaluate import score
from vigil.model import INCIDENT_TYPES, PRECISIONS, QUALIFIERS, VICTIMS
from vigil.read import ReadError, read_paths

SAMPLES = Path(str(files("vigil") / "samples"))
DOCS = {d.doc_id: d for d in read_paths([SAMPLES / "docs"])}
GOLD_LINES = (SAMPLES / "gold.jsonl").read_text(encoding="utf-8").splitlines()
GOLD = [json.loads(line) for line in GOLD_LINES if line.strip()]
REPORT_KEYS = {"doc_id", "url", "published", "reports_incident", "incidents", "totals", "ceasefires"}


def all_incidents():
    return [(r["doc_id"], i) for r in GOLD for i in r["incidents"]]


def is_day(value):
    return value is None or (isinstance(value, str) and date.fromisoformat(value).isoformat() == value)


def is_count(value):
    return value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 0)


def test_every_report_reads_and_is_a_short_report():
    assert not [d for d in DOCS.values() if isinstance(d, ReadError)]
    assert len(DOCS) >= 20
    for doc in DOCS.values():
        assert 80 <= len(doc.text.split()) <= 300, doc.doc_id


def test_gold_has_one_line_per_report_file():
    assert all(line.strip() for line in GOLD_LINES)
    ids = [r["doc_id"] for r in GOLD]
    assert len(ids) == len(set(ids))
    assert set(ids) == set(DOCS)
    for r in GOLD:
        assert set(r) == REPORT_KEYS, r["doc_id"]
        assert r["published"] == DOCS[r["doc_id"]].published.isoformat()
        assert r["reports_incident"] == bool(r["incidents"]), r["doc_id"]


def test_every_evidence_sentence_is_verbatim_in_its_report():
    for r in GOLD:
        text = DOCS[r["doc_id"]].text
        for claim in r["incidents"] + r["totals"] + r["ceasefires"]:
            assert claim["evidence"], r["doc_id"]
            for sentence in claim["evidence"]:
                assert sentence in text, (r["doc_id"], sentence)


@pytest.mark.parametrize("doc_id, inc", all_incidents(), ids=lambda v: v if isinstance(v, str) else "")
def test_incidents_use_codebook_values(doc_id, inc):
    assert inc["type"] in INCIDENT_TYPES
    assert inc["victims"] in VICTIMS
    assert inc["date_precision"] in PRECISIONS
    assert is_day(inc["date"])
    for key in ("killed", "injured", "children_killed", "women_killed"):
        assert is_count(inc[key]), key
    if inc["killed"] is None:
        assert inc["killed_qualifier"] is None and "killed_high" not in inc
    else:
        assert inc["killed_qualifier"] in QUALIFIERS
    if "killed_high" in inc:
        assert inc["killed_high"] > inc["killed"]
    assert inc["perpetrator"] is None or inc["perpetrator"].strip()
    assert all(isinstance(s, str) and s for s in inc["sources"])
    loc = inc["location"]
    assert loc["country"] and loc["lat"] is None and loc["lon"] is None
    text = DOCS[doc_id].text
    assert re.search(re.escape(loc["name"]), text), f"{loc['name']} is not spelled this way in {doc_id}"


def test_totals_and_ceasefires_use_codebook_values():
    for r in GOLD:
        for t in r["totals"]:
            assert is_count(t["killed"]) and is_count(t["strikes"])
            assert (t["killed"] is None) == (t["killed_qualifier"] is None)
            assert t["killed_qualifier"] in QUALIFIERS + (None,)
            assert t["victims"] in VICTIMS
            assert is_day(t["period_start"]) and is_day(t["period_end"])
        for c in r["ceasefires"]:
            assert c["declared_by"] and all(isinstance(a, str) for a in c["declared_by"])
            assert all(is_day(c[k]) for k in ("announced_on", "effective_from", "effective_until"))


def test_incident_dates_are_on_or_before_publication():
    for doc_id, inc in all_incidents():
        if inc["date"]:
            assert inc["date"] <= DOCS[doc_id].published.isoformat(), doc_id


def test_the_corpus_covers_what_the_extractor_must_handle():
    incidents = [i for _, i in all_incidents()]
    assert {r["doc_id"][:2] for r in GOLD} >= {"sy", "ye", "iq", "ua", "af"}
    assert sum(not r["reports_incident"] for r in GOLD) >= 3
    assert sum(len(r["ceasefires"]) for r in GOLD) >= 3
    assert {i["killed_qualifier"] for i in incidents} >= {"exact", "at_least", "more_than", "about", "up_to"}
    assert any(i["killed"] is None and i["injured"] for i in incidents)
    assert any("killed_high" in i for i in incidents)
    kafr_nabl = [r["doc_id"] for r in GOLD for i in r["incidents"]
                 if i["location"]["name"] in ("Kafr Nabl", "Kafrnabl") and i["date"] == "2019-11-05"]
    assert len(kafr_nabl) == 3  # one strike, three outlets


def test_gold_scores_perfectly_against_itself():
    by_id = {r["doc_id"]: r for r in GOLD}
    figures = score(by_id, by_id)
    for key in ("doc_accuracy", "incident_f1", "killed_exact_on_matched", "perpetrator_on_matched",
                "ceasefire_f1", "totals_recall"):
        assert figures[key] == 1.0, key


def _actor_names(report):
    for inc in report["incidents"]:
        yield from (p for p in (inc["perpetrator"] or "").split("; ") if p)
    for cf in report["ceasefires"]:
        yield from cf["declared_by"]


def test_gold_and_extraction_name_actors_as_the_codebook_table_does():
    """Perpetrators and declarers are the codebook's canonical names (or a state's country name), in the
    sample gold and in what the extractor writes for the sample reports."""
    from vigil.extract import extract
    from vigil.lexicon import codebook_actors, countries

    allowed = {a.canonical for a in codebook_actors()} | {c.canonical for c in countries()}
    assert sorted({n for r in GOLD for n in _actor_names(r)} - allowed) == []
    written = {n for doc in DOCS.values() for n in _actor_names(extract(doc).to_dict())}
    assert written and sorted(written - allowed) == []
