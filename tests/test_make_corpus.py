"""The load-corpus generator (bench/make_corpus.py): deterministic, readable, and its gold is the
codebook's shape, consistent with the texts and the truth file, and scorable by `vigil eval`."""
import importlib.util
import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vigil.cli import app
from vigil.model import Document
from vigil.read import read_paths

_PATH = Path(__file__).resolve().parents[1] / "bench" / "make_corpus.py"
_spec = importlib.util.spec_from_file_location("make_corpus", _PATH)
make_corpus = importlib.util.module_from_spec(_spec)
sys.modules["make_corpus"] = make_corpus  # its dataclasses look their module up
_spec.loader.exec_module(make_corpus)

TYPES = {"airstrike", "drone_strike", "shelling", "bombing", "ground_clash", "shooting", "other"}
QUALIFIERS = {"exact", "at_least", "about", "more_than", "up_to", None}
VICTIMS = {"civilians", "combatants", "mixed", "unknown"}


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    counts = make_corpus.write_corpus(300, 5, out, progress=None)
    assert counts["reports"] == 300
    return out


def test_same_seed_same_bytes_other_seed_other_corpus(corpus, tmp_path):
    make_corpus.write_corpus(300, 5, tmp_path / "again", progress=None)
    make_corpus.write_corpus(300, 6, tmp_path / "other", progress=None)
    for name in ("reports.jsonl", "gold.jsonl", "truth.jsonl"):
        assert (tmp_path / "again" / name).read_bytes() == (corpus / name).read_bytes()
    assert (tmp_path / "other" / "reports.jsonl").read_bytes() != (corpus / "reports.jsonl").read_bytes()


def test_reports_are_read_as_documents_without_errors(corpus):
    items = list(read_paths([corpus / "reports.jsonl"]))
    docs = [i for i in items if isinstance(i, Document)]
    assert len(docs) == len(items) == 300
    assert len({d.doc_id for d in docs}) == 300
    assert len({d.text for d in docs}) > 250  # near-copies differ by their credit line


def test_gold_has_the_codebook_shape_and_rests_on_the_text(corpus):
    texts = {r["doc_id"]: r["text"] for r in _lines(corpus / "reports.jsonl")}
    gold = _lines(corpus / "gold.jsonl")
    assert [g["doc_id"] for g in gold] == list(texts)
    kinds = {"incident": 0, "total": 0, "ceasefire": 0, "no_incident": 0, "children": 0, "injured_only": 0}
    for g in gold:
        assert set(g) == {"doc_id", "url", "published", "reports_incident", "incidents", "totals", "ceasefires"}
        assert g["reports_incident"] == bool(g["incidents"])
        kinds["no_incident"] += not g["incidents"]
        for inc in g["incidents"]:
            kinds["incident"] += 1
            assert inc["type"] in TYPES and inc["killed_qualifier"] in QUALIFIERS and inc["victims"] in VICTIMS
            assert inc["date_precision"] == "day" and inc["date"] <= g["published"]
            loc = inc["location"]
            assert loc["name"] in texts[g["doc_id"]] and loc["country"] and -90 <= loc["lat"] <= 90
            assert all(sentence in texts[g["doc_id"]] for sentence in inc["evidence"])
            assert inc["killed"] is None or inc["killed"] >= 1
            kinds["children"] += inc["children_killed"] is not None
            kinds["injured_only"] += inc["killed"] is None
        for total in g["totals"]:
            kinds["total"] += 1
            assert total["killed"] == sum(i["killed"] for i in g["incidents"])
        for cf in g["ceasefires"]:
            kinds["ceasefire"] += 1
            assert cf["declared_by"] and cf["effective_from"] > g["published"]
            assert all(sentence in texts[g["doc_id"]] for sentence in cf["evidence"])
    assert all(kinds.values()), kinds  # every kind of report occurs in 300


def test_truth_lists_every_report_that_tells_each_incident(corpus):
    gold = {g["doc_id"]: g for g in _lines(corpus / "gold.jsonl")}
    truth = _lines(corpus / "truth.jsonl")
    assert len({t["incident"] for t in truth}) == len(truth)
    told = sum(len(t["doc_ids"]) for t in truth)
    assert told == sum(len(g["incidents"]) for g in gold.values())
    for t in truth:
        for doc_id in t["doc_ids"]:
            places = [i["location"]["name"] for i in gold[doc_id]["incidents"] if i["date"] == t["date"]]
            assert t["place"] in places
    assert any(len(t["doc_ids"]) >= 3 for t in truth)  # several outlets tell the same incident


def test_a_small_corpus_runs_through_extract_and_scores(corpus, tmp_path):
    runner = CliRunner()
    small = tmp_path / "small.jsonl"
    small.write_text("".join((corpus / "reports.jsonl").read_text(encoding="utf-8").splitlines(True)[:60]),
                     encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join((corpus / "gold.jsonl").read_text(encoding="utf-8").splitlines(True)[:60]),
                    encoding="utf-8")
    out = runner.invoke(app, ["extract", str(small)])
    assert out.exit_code == 0, out.output
    system = tmp_path / "system.jsonl"
    system.write_text(out.stdout, encoding="utf-8")
    scored = runner.invoke(app, ["eval", str(gold), str(system), "--json"])
    assert scored.exit_code == 0, scored.output
    figures = json.loads(scored.stdout)
    assert figures["docs"] == 60
    assert figures["incident_f1"] > 0.7  # the templates are plain news English the extractor reads
