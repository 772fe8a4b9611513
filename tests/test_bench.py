"""The throughput benchmark keeps working: its synthetic corpus is distinct, report-sized and readable."""
import importlib.util
import json
import sys
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


def test_a_bulk_loaded_store_holds_one_incident_per_story_and_fuses_back_to_them(tmp_path):
    from vigil.store import open_store, query_incidents, rebuild, stats

    bulk = _load("bulk_store")
    places = bulk.synthetic_places(300)
    kept = []
    with open_store(f"sqlite:///{tmp_path / 'bulk.db'}") as store:
        first = bulk.bulk_load(store, 120, seed=3, places=places, kept=kept, keep=50)
        second = bulk.bulk_load(store, 80, seed=3, places=places, first=120)  # appended after the first
        counts = stats(store)
        assert counts["reports"] == 200 and counts["incidents"] == first["incidents"] + second["incidents"]
        assert len(kept) == 50 and all(k["published"] and k["location"]["gazetteer_id"] for k in kept)
        loaded = {i["id"]: i["reports"] for i in query_incidents(store)}
        rebuild(store)  # fusion over the loaded claims finds the same stories (random places may collide)
        fused = {i["id"]: i["reports"] for i in query_incidents(store)}
    assert abs(len(fused) - len(loaded)) <= 2
    assert sum(fused.values()) == sum(loaded.values())


def test_growth_batches_retell_stored_claims_and_fusion_time_is_integrated():
    growth = _load("bench_growth")
    kept = [{"date": "2020-01-02", "type": "airstrike", "killed": 4, "location": {"name": "Qaryat 1"},
             "published": "2020-01-02", "evidence": ["x"]}]
    reps = growth.retellings(kept, 3, seed=1, prefix="t")
    assert [r["published"] for r in reps] == ["2020-01-03"] * 3
    assert all(r["incidents"][0]["location"]["name"] == "Qaryat 1" and r["text"] for r in reps)
    assert len({r["doc_id"] for r in reps}) == 3
    totals, exponent = growth.fusion_exponent([(10, 1.0), (100, 1.0)])
    assert totals == [10.0, 100.0] and abs(exponent - 1.0) < 1e-9  # a flat cost per claim: linear
    _, steeper = growth.fusion_exponent([(10, 1.0), (100, 2.0)])
    assert steeper > 1.1


def test_run_all_builds_one_table_from_each_benchmarks_result(tmp_path):
    run_all = _load("run_all")
    script = tmp_path / "fake.py"
    script.write_text('print("noise")\nprint(\'RESULT {"per_s": 5}\')\n')
    result, seconds, peak = run_all.run([sys.executable, str(script)], tmp_path / "fake.log")
    assert result == {"per_s": 5} and seconds > 0 and peak > 0
    table = run_all.format_table([("stage a", "5 reports/s", "12", "3", "1.0")])
    assert table.splitlines()[2] == "| stage a | 5 reports/s | 12 | 3 | 1.0 |"
    names = [name for name, _, _ in run_all.stages(full=False, pg=None)]
    assert "ingest, SQLite" in names and not any("PostgreSQL" in n for n in names)


def test_the_web_load_benchmark_runs_end_to_end_on_sqlite():
    """bench_web.py over a few hundred incidents for a second per run: every request answered, each
    kind of request and the CPU per request reported."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, str(_PATH.parent / "bench_web.py"), "--incidents", "300",
                             "--clients", "1,3", "--seconds", "1", "--no-pg"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.count(" 0 errors") == 2, out
    lines = [line.strip() for line in out.splitlines()]
    for row in ("filtered list (100 rows)", "incident detail", "stats", "CPU per request: server"):
        assert sum(line.startswith(row) for line in lines) == 2, (row, out)


def test_geo_share_counts_incidents_with_coordinates_and_why_not(tmp_path, capsys):
    share = _load("geo_share")
    out = tmp_path / "out.jsonl"
    reports = [
        {"doc_id": "a", "incidents": [
            {"location": {"name": "Tal Zarqa", "lat": 35.0, "lon": 36.0, "geo_precision": "place"}},
            {"location": {"name": "Kafr Ombra", "lat": None, "lon": None, "geo_status": "not_found",
                          "geo_reason": "no gazetteer entry of a similar spelling"}}]},
        {"doc_id": "b", "incidents": [
            {"location": {"name": "Deir Salwa", "lat": 34.0, "lon": 38.0, "geo_precision": "province"}}]},
        {"doc_id": "c", "incidents": []},
    ]
    out.write_text("\n".join(json.dumps(r) for r in reports) + "\n", encoding="utf-8")
    share.main(str(out), show=True)
    text = capsys.readouterr().out
    assert "incidents 3  with coordinates 2 (0.667)" in text
    assert "place 1" in text and "province 1" in text and "not_found 1" in text
    assert "b\tKafr Ombra" not in text and "a\tKafr Ombra\tnot_found" in text
