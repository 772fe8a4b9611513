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


def _load(name):
    spec = importlib.util.spec_from_file_location(name, _PATH.parent / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_fused_incidents_are_compared_with_the_truth_by_report_and_place():
    acc = _load("bench_accuracy")
    truths = [{"place": "Tal Zarqa", "lat": 35.0, "lon": 36.0, "doc_ids": ["a", "b"]},
              {"place": "Kafr Ombra", "lat": 35.5, "lon": 36.5, "doc_ids": ["a", "c"]},
              {"place": "Deir Salwa", "lat": 34.0, "lon": 38.0, "doc_ids": ["d", "e"]},
              {"place": "Umm Hadid", "lat": 33.0, "lon": 39.0, "doc_ids": ["f"]}]
    at = {"Tal Zarqa": (35.0, 36.0), "Kafr Ombra": (35.5, 36.5), "Deir Salwa": (34.0, 38.0)}

    def inc(place, *docs, lat=None):
        la, lo = at[place]
        return {"location": {"name": place, "lat": lat if lat is not None else la, "lon": lo},
                "sources": [{"doc_id": d} for d in docs]}

    incidents = [inc("Tal Zarqa", "a", "b"),  # exact
                 inc("Kafr Ombra", "a"), inc("Kafr Ombra", "c", lat=35.51),  # split: two tellers, 1 km apart
                 inc("Deir Salwa", "d"), inc("Deir Salwa", "e")]  # split; Umm Hadid: missing
    got = acc.compare_fusion(truths, incidents)
    assert got == {"true_incidents": 4, "exact": 1, "split": 2, "incomplete": 0, "missing": 1,
                   "stored_incidents": 5, "merged": 0, "exact_share": 0.25}
    merged = acc.compare_fusion(truths[:1], [{"location": {"name": "Tal Zarqa"}, "sources": [{"doc_id": "a"}]}])
    assert merged["incomplete"] == 1


def test_a_line_through_checkpoints_extrapolates_time_and_memory():
    run = _load("bench_corpus_ingest")
    assert run.fit_line([1, 2, 3], [2, 4, 6]) == (0.0, 2.0)
    rows = [{"stored": n, "elapsed_s": n / 100, "rss_mb": 500 + n / 1000, "reports_per_s": 100.0,
             "main_cpu_ms_per_report": 3.0} for n in (10_000, 20_000, 30_000)]
    got = run.extrapolate(rows, 1_000_000)
    assert got["seconds_at_target"] == 10_000 and got["memory_mb_at_target"] == 1500
    assert got["last_over_first_cost"] == 1.0 and got["ms_per_report_fit"] == 10.0
