import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vigil.cli import app
from vigil.evaluate import (
    fold_actor,
    fold_name,
    load_reports,
    match_ceasefires,
    match_incidents,
    match_totals,
    name_similarity,
    score,
)
from vigil.lexicon import codebook_actors

AGREEMENT = Path(__file__).parent / "data" / "eval_agreement"


def incident(name, date="2020-01-21", killed=None, lat=None, lon=None, **fields):
    inc = {"date": date, "date_precision": "day", "type": "airstrike", "perpetrator": "Russia",
           "location": {"name": name, "admin1": "Aleppo", "country": "Syria", "lat": lat, "lon": lon},
           "killed": killed, "killed_qualifier": "exact" if killed is not None else None, "injured": None,
           "victims": "civilians", "children_killed": None, "women_killed": None, "sources": [], "evidence": ["x"]}
    inc.update(fields)
    return inc


def report(doc_id, incidents=(), totals=(), ceasefires=(), reports_incident=None):
    return {"doc_id": doc_id, "url": None, "published": "2020-01-21",
            "reports_incident": bool(incidents) if reports_incident is None else reports_incident,
            "incidents": list(incidents), "totals": list(totals), "ceasefires": list(ceasefires)}


def ceasefire(declared_by, effective_from=None, announced_on=None):
    return {"declared_by": declared_by, "announced_on": announced_on, "effective_from": effective_from,
            "effective_until": None, "area": "Idlib", "evidence": ["x"]}


def by_id(*reports):
    return {r["doc_id"]: r for r in reports}


GOLD = by_id(
    report("strikes", [incident("Kafr Taal", killed=9, children_killed=6), incident("Kafr Nuran", killed=8),
                       incident("Al-Bara", killed=2)],
           totals=[{"killed": 26, "area": "north-west Syria"}, {"killed": None, "strikes": 15}],
           ceasefires=[ceasefire(["Russia"], "2020-01-09"), ceasefire(["Turkey"], "2020-01-12", "2020-01-10")]),
    report("talks", reports_incident=False, ceasefires=[ceasefire(["Russia", "Turkey"])]),
)


@pytest.mark.parametrize("a, b", [
    ("Kafr Taal", "Kfar Ta'al"), ("Kafr Taal", "Kafartaal"), ("Kafr Taal", "Kefer Taal"),
    ("Al-Bara", "el-Bara"), ("Al-Bara", "Bara"), ("Maaret al-Numan", "Maarat an-Numan"),
    ("Kafr Taal", "the village of Kafr Taal"), ("Daraa", "the town of Daraa"), ("Tel Halef", "Tal Halaf"),
    ("Jisr al-Shughur", "JISR ASH-SHUGHUR"), ("Sarāqib", "Saraqib"), ("Kafr Nuran", "Kafarnuran"),
])
def test_transliteration_variants_are_the_same_place(a, b):
    assert name_similarity(a, b) > 0


@pytest.mark.parametrize("a, b", [("Kafr Taal", "Kafr Nuran"), ("Erhab", "Tamanin"), ("Idlib", "Ariha"),
                                  ("Kobani", "Kobane city hall")])
def test_different_places_do_not_match(a, b):
    assert name_similarity(a, b) == 0


def test_fold_name_drops_articles_generic_words_and_doubled_letters():
    assert fold_name("the village of Kfar-Ta'al") == fold_name("Kafr Taal") == "kafrtal"


@pytest.mark.parametrize("a, b", [
    ("Russian warplanes", "Russia"), ("Syrian regime", "Syrian government"), ("regime forces", "Syrian government"),
    ("Syrian regime; Russian jets", "Syrian government; Russia"), ("ISIS", "Islamic State"),
    ("the Saudi-led coalition", "Saudi-led coalition"), ("Houthi rebels", "Houthis"), ("Turkish jets", "Turkey"),
    ("Russian Ministry of Defence", "Russia"), ("IDF", "Israel"), ("Tatmadaw", "Myanmar military"),
    ("Burkinabe forces", "Burkinabe army"), ("Nigerian troops", "Nigerian Army"), ("al Shabaab", "al-Shabaab"),
    ("Russian jets; Syrian Arab Army", "Syrian government; Russia"),
])
def test_actor_aliases_fold_together(a, b):
    assert fold_actor(a) == fold_actor(b)


def test_joint_perpetrator_is_not_either_actor_alone():
    assert fold_actor("Syrian government; Russia") != fold_actor("Russia")
    assert fold_actor(None) is None and fold_actor("  ") is None


def test_gold_against_itself_scores_perfectly():
    r = score(GOLD, GOLD)
    for key in ("doc_accuracy", "incident_precision", "incident_recall", "incident_f1", "killed_exact_on_matched",
                "type_on_matched", "perpetrator_on_matched", "children_on_matched", "ceasefire_f1"):
        assert r[key] == 1.0, key
    assert r["totals_recall"] == 1.0  # the total without a death toll is found by its strike count


def test_missing_report_counts_as_empty_output():
    r = score(GOLD, {})
    assert r["matched"] == 0 and r["incident_recall"] == 0.0
    assert r["doc_accuracy"] == 0.5  # "talks" is rightly not an incident report
    assert [(d["doc_id"], d["gold"], d["system"], d["matched"]) for d in r["per_doc"]] == [
        ("strikes", 3, 0, 0), ("talks", 0, 0, 0)]
    assert r["per_doc"][0]["missed"] == ["Kafr Taal 2020-01-21", "Kafr Nuran 2020-01-21", "Al-Bara 2020-01-21"]


def test_precision_recall_and_fields_on_a_flawed_output():
    system = by_id(report("strikes", [
        incident("Kfar Taal", date="2020-01-20", killed=9, children_killed=6, perpetrator="Russian warplanes"),
        incident("Kafr Nuran", date="2020-01-23", killed=8),      # three days off: no match
        incident("el-Bara", killed=3, type="shelling"),           # wrong toll and type
        incident("Tamanin", killed=1),                            # not in gold
    ], totals=[{"killed": 26}]))
    r = score(GOLD, system)
    assert (r["gold_incidents"], r["system_incidents"], r["matched"]) == (3, 4, 2)
    assert r["incident_precision"] == 0.5 and r["incident_recall"] == pytest.approx(2 / 3)
    assert r["incident_f1"] == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))
    assert r["killed_exact_on_matched"] == 0.5 and r["type_on_matched"] == 0.5
    assert r["perpetrator_on_matched"] == 1.0 and r["date_exact_on_matched"] == 0.5
    assert r["killed_recall"] == pytest.approx(1 / 3)
    assert r["totals_recall"] == 0.5 and r["ceasefire_recall"] == 0.0
    assert r["doc_accuracy"] == 1.0  # the missing "talks" report is rightly not an incident report


def test_matching_is_one_to_one_and_prefers_the_closer_date():
    gold = [incident("Kafr Taal", date="2020-01-21", killed=9), incident("Kafr Taal", date="2020-01-20")]
    system = [incident("Kafr Taal", date="2020-01-21", killed=9)]
    assert match_incidents(gold, system) == [(0, 0)]
    assert match_incidents(gold, system + system) in ([(0, 1), (1, 0)], [(0, 0), (1, 1)])


def test_coordinates_within_10_km_match_whatever_the_name():
    gold = [incident("Ma'arrat al-Nu'man", lat=35.648, lon=36.672)]
    near = [incident("MNN city centre", lat=35.70, lon=36.672)]   # about 6 km north
    far = [incident("MNN city centre", lat=35.80, lon=36.672)]    # about 17 km north
    assert match_incidents(gold, near) == [(0, 0)]
    assert match_incidents(gold, far) == []


def test_geo_accuracy_is_measured_on_matched_incidents_with_gold_coordinates():
    gold = by_id(report("g", [incident("Qamishli", lat=37.052, lon=41.231), incident("Amuda")]))
    system = by_id(report("g", [incident("Qamishli", lat=37.20, lon=41.231), incident("Amuda", lat=1.0, lon=1.0)]))
    r = score(gold, system)
    assert r["geo_gold_with_coords"] == 1
    assert r["geo_within_10km"] == 0.0 and r["geo_within_25km"] == 1.0


def test_ceasefires_match_by_start_day_and_a_shared_declarer():
    system = by_id(
        report("strikes", [], ceasefires=[ceasefire(["Russian Defence Ministry"], "2020-01-10"),   # 1 day off
                                          ceasefire(["Turkey"], None, "2020-01-14")]),               # 4 days off
        report("talks", ceasefires=[ceasefire(["Turkey"]), ceasefire(["Iran"])]),
    )
    r = score(GOLD, system)
    assert r["matched_ceasefires"] == 2
    assert r["ceasefire_recall"] == pytest.approx(2 / 3) and r["ceasefire_precision"] == 0.5


def test_load_reports_reads_jsonl_and_json_arrays(tmp_path):
    rows = list(GOLD.values())
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n\n")
    (tmp_path / "b.json").write_text(json.dumps(rows))
    assert list(load_reports(tmp_path / "a.jsonl")) == list(load_reports(tmp_path / "b.json")) == ["strikes", "talks"]


def _write(tmp_path, name, reports):
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in reports.values()))
    return str(path)


def test_cli_eval_prints_json_table_and_per_doc(tmp_path):
    gold = _write(tmp_path, "gold.jsonl", GOLD)
    system = _write(tmp_path, "sys.jsonl", by_id(report("strikes", [incident("Kafr Taal", killed=9)])))
    runner = CliRunner()
    as_json = runner.invoke(app, ["eval", gold, system, "--json"])
    assert as_json.exit_code == 0
    figures = json.loads(as_json.stdout)
    assert figures["matched"] == 1 and "per_doc" not in figures
    table = runner.invoke(app, ["eval", gold, system, "--per-doc"])
    assert table.exit_code == 0
    assert "incident_recall" in table.stdout and "0.333" in table.stdout
    assert any(line.split()[:4] == ["strikes", "3", "1", "1"] for line in table.stdout.splitlines())
    assert "missed: Kafr Nuran 2020-01-21; Al-Bara 2020-01-21" in table.stdout


def test_cli_eval_reports_an_unreadable_file(tmp_path):
    gold = _write(tmp_path, "gold.jsonl", GOLD)
    result = CliRunner().invoke(app, ["eval", gold, str(tmp_path / "missing.jsonl")])
    assert result.exit_code == 2
    assert "missing.jsonl" in result.stderr


def test_a_dated_ceasefire_matches_one_whose_parties_are_not_named():
    gold = by_id(report("truce", ceasefires=[ceasefire(["Russia", "Turkey"], "2020-03-06")]))
    system = by_id(report("truce", ceasefires=[ceasefire([], "2020-03-06")]))
    assert score(gold, system)["matched_ceasefires"] == 1


# ---------------------------------------------------------------- the codebook's rules, one by one


@pytest.mark.parametrize("actor", codebook_actors(), ids=lambda a: a.canonical)
def test_every_alias_of_the_codebook_table_folds_to_its_canonical_name(actor):
    assert fold_actor(actor.canonical) == actor.canonical
    for alias in actor.aliases:
        assert fold_actor(alias) == actor.canonical, alias


def test_the_codebook_table_gives_each_name_one_actor():
    seen = {}
    for actor in codebook_actors():
        for name in (actor.canonical, *actor.aliases):
            key = " ".join(name.lower().replace("'", "").split())
            assert seen.setdefault(key, actor.canonical) == actor.canonical, name


@pytest.mark.parametrize("a, b", [
    ("YPG", "PKK"), ("Turkey", "Turkish-backed factions"), ("Russia", "Russian-backed separatists"),
    ("Palestinian militants", "Palestinian Authority"), ("Islamic State", "Islamic State Khorasan"),
    ("United States", "US-led coalition"), ("Nigerian Army", "Nigerian police"), ("Taliban", "Pakistani Taliban"),
])
def test_distinct_actors_stay_apart(a, b):
    assert fold_actor(a) != fold_actor(b)


def test_a_joint_perpetrator_is_a_set_split_on_semicolons_only():
    assert fold_actor("Russia; Syrian government") == fold_actor("Syrian regime;Russian forces")
    assert fold_actor("YPG/PKK") == "YPG"  # a slash is part of an alias, not a second actor
    assert fold_actor("Varnian Liberation Front") == fold_actor("the Varnian Liberation Front")  # unlisted: folded


def test_matching_prefers_the_gold_twin_that_agrees_on_toll_and_type():
    gold = [incident("Kafr Taal", killed=9, type="airstrike"), incident("Kafr Taal", killed=3, type="shelling")]
    assert match_incidents(gold, [incident("Kfar Taal", killed=9, type="airstrike")]) == [(0, 0)]
    assert match_incidents(gold, [incident("Kfar Taal", killed=3, type="shelling")]) == [(1, 0)]
    assert match_incidents(gold, [incident("Kfar Taal", killed=3, type="airstrike"),
                                  incident("Kfar Taal", killed=9, type="shelling")]) in ([(0, 1), (1, 0)],
                                                                                          [(0, 0), (1, 1)])


def test_matching_finds_as_many_pairs_as_possible():
    gold = [incident("Tesmil", date="2020-01-20"), incident("Tesmil", date="2020-01-21")]
    system = [incident("Tesmil", date="2020-01-21"), incident("Tesmil", date="2020-01-22")]
    # closest date first would pair the two 21sts and strand the others (two days apart)
    assert match_incidents(gold, system) == [(0, 0), (1, 1)]


def test_matching_prefers_the_closer_name_then_the_same_day():
    gold = [incident("Kafr Nuran")]
    assert match_incidents(gold, [incident("Kafr Nurin"), incident("Kafr Nuran")]) == [(0, 1)]
    assert match_incidents(gold, [incident("Kafr Nuran", date="2020-01-22"), incident("Kafr Nuran")]) == [(0, 1)]


def test_a_ceasefire_with_neither_date_nor_declarer_is_left_out_on_both_sides():
    blank = ceasefire([])
    gold = by_id(report("truce", ceasefires=[blank, ceasefire(["Turkey"], "2020-03-06")]))
    system = by_id(report("truce", ceasefires=[blank, blank, ceasefire(["Turkish army"], "2020-03-05")]))
    r = score(gold, system)
    assert (r["gold_ceasefires"], r["system_ceasefires"], r["matched_ceasefires"]) == (1, 1, 1)
    assert score(gold, gold)["ceasefire_f1"] == 1.0


def test_ceasefires_undated_match_by_declarers_and_area():
    gold = [ceasefire(["Houthis"])]
    assert match_ceasefires(gold, [ceasefire(["Ansar Allah"])]) == [(0, 0)]
    assert match_ceasefires(gold, [ceasefire(["Yemeni government"])]) == []
    assert match_ceasefires(gold, [dict(ceasefire(["Houthis"]), area="Hodeidah")]) == []
    # a dated gold ceasefire needs a dated system one
    assert match_ceasefires([ceasefire(["Houthis"], "2020-03-06")], [ceasefire(["Houthis"])]) == []


def test_totals_match_on_killed_or_on_strikes_when_gold_has_no_toll():
    gold = [{"killed": 26, "strikes": None}, {"killed": None, "strikes": 300}, {"killed": None, "strikes": None}]
    assert match_totals(gold, [{"killed": 26}, {"killed": 50, "strikes": 300}]) == 2
    assert match_totals(gold, [{"killed": 26, "strikes": 300}]) == 1  # one system total, one gold total
    assert match_totals(gold, [{"killed": 300}]) == 0
    r = score(by_id(report("t", totals=gold)), by_id(report("t", totals=[{"killed": 26}])))
    assert (r["gold_totals"], r["matched_totals"]) == (2, 1)


def test_same_figures_as_the_reference_scorer_on_invented_files():
    """expected.json is the output of `python3 ../shared/tools/score.py gold.jsonl system.jsonl --json` on
    the invented files next to it (twin incidents, a chain greedy matching loses, coordinates, codebook
    aliases, joint actors, the ceasefire and total rules, a missing report)."""
    expected = json.loads((AGREEMENT / "expected.json").read_text())
    ours = score(load_reports(AGREEMENT / "gold.jsonl"), load_reports(AGREEMENT / "system.jsonl"))
    for key, value in expected.items():
        assert ours[key] == pytest.approx(value, abs=1e-12), key
