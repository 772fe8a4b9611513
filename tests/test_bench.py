"""The throughput benchmark keeps working: its synthetic corpus is distinct, report-sized and readable."""
import importlib.util
from pathlib import Path

from vigil.pipeline import process

_PATH = Path(__file__).resolve().parents[1] / "bench" / "bench_extract.py"
_spec = importlib.util.spec_from_file_location("bench_extract", _PATH)
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def test_synthetic_reports_are_distinct_and_about_the_asked_size():
    docs = bench.synthetic_reports(40, 2000, seed=1)
    assert len({d.text for d in docs}) == len({d.doc_id for d in docs}) == 40
    assert all(1800 <= len(d.text) <= 3500 for d in docs)
    assert all(process(d).doc is d for d in docs[:5])


def test_same_seed_gives_the_same_corpus():
    a = [d.text for d in bench.synthetic_reports(5, 1000, seed=3)]
    b = [d.text for d in bench.synthetic_reports(5, 1000, seed=3)]
    assert a == b
