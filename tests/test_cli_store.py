"""The store commands end to end: ingest a folder, query in three formats, correct."""
from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from fixture_reports import kafr_taal_outlets, russian_ceasefire_report
from vigil.cli import app
from vigil.store import ingest_reports, open_store

runner = CliRunner()


def _folder(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "one.txt").write_text("date 2020-01-21\nJets struck a village west of the city at dawn.\n")
    (docs / "two.txt").write_text("date 2020-01-22\nShelling hit a crowded market in the north on Monday.\n")
    (docs / "sub").mkdir()
    (docs / "sub" / "three.txt").write_text("date 2020-01-23\nA car bomb exploded near a checkpoint.\n")
    return docs


def test_ingesting_a_folder_twice_adds_nothing_the_second_time(tmp_path, db_url):
    docs = _folder(tmp_path)
    first = runner.invoke(app, ["ingest", str(docs), "--db", db_url])
    assert first.exit_code == 0, first.output
    assert "3 read, 3 new, 0 duplicate" in first.stderr
    second = runner.invoke(app, ["ingest", str(docs), "--db", db_url])
    assert second.exit_code == 0
    assert "3 read, 0 new, 3 duplicate" in second.stderr
    with open_store(db_url) as s:
        from vigil.store import stats
        assert stats(s)["reports"] == 3


def test_a_bad_file_is_named_and_the_run_exits_non_zero(tmp_path):
    docs = _folder(tmp_path)
    (docs / "broken.txt").write_text("this file has no date header\n")
    db = tmp_path / "v.db"
    result = runner.invoke(app, ["ingest", str(docs), "--db", str(db)])
    assert result.exit_code == 1
    assert "broken.txt" in result.stderr
    assert "4 read, 3 new, 0 duplicate, 0 near-copy, 1 failed" in result.stderr


def test_vigil_db_environment_variable_chooses_the_database(tmp_path, monkeypatch):
    monkeypatch.setenv("VIGIL_DB", str(tmp_path / "env.db"))
    assert runner.invoke(app, ["ingest", str(_folder(tmp_path))]).exit_code == 0
    assert (tmp_path / "env.db").exists()


def _seeded(tmp_path) -> str:
    db = str(tmp_path / "seed.db")
    with open_store(db) as s:
        ingest_reports(s, kafr_taal_outlets() + [russian_ceasefire_report()])
    return db


def test_incidents_as_json_csv_and_geojson(tmp_path):
    db = _seeded(tmp_path)
    js = json.loads(runner.invoke(app, ["incidents", "--db", db]).stdout)
    assert len(js) == 3
    kt = [i for i in js if i["location"]["name"] == "Kafr Taal"][0]
    for key in ("id", "killed_low", "killed_high", "killed_best", "grade", "reports", "sources", "violations",
                "date", "type", "perpetrator", "location", "killed", "victims", "evidence"):
        assert key in kt
    assert set(kt["sources"][0]) >= {"doc_id", "url", "reported_by", "killed"}
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, ["incidents", "--db", db, "--format", "csv"]).stdout)))
    row = [r for r in rows if r["location"] == "Kafr Taal"][0]
    assert (row["event_id_cnty"], row["event_date"], row["sub_event_type"], row["actor1"], row["fatalities"]) == (
        kt["id"], "2020-01-21", "Air/drone strike", "Russia", "9")
    assert row["admin1"] == "Aleppo" and row["geo_precision"] == "1" and row["killed_high"] == "10"
    gj = json.loads(runner.invoke(app, ["incidents", "--db", db, "--format", "geojson", "--admin1", "Idlib"]).stdout)
    assert gj["type"] == "FeatureCollection" and len(gj["features"]) == 1
    assert gj["features"][0]["geometry"] == {"type": "Point", "coordinates": [36.60964, 35.81374]}
    near = json.loads(runner.invoke(app, ["incidents", "--db", db, "--near", "36.15,36.89,5"]).stdout)
    assert [i["location"]["name"] for i in near] == ["Kafr Taal"]


def test_ceasefires_and_violations_commands(tmp_path):
    db = _seeded(tmp_path)
    [cf] = json.loads(runner.invoke(app, ["ceasefires", "--db", db]).stdout)
    assert cf["violations"] == 3 and cf["violations_killed"] == 9 + 2 + 3
    vs = json.loads(runner.invoke(app, ["violations", "--db", db, "--ceasefire", cf["id"]]).stdout)
    assert sorted(v["place"] for v in vs) == ["Ariha", "Kafr Nuran", "Kafr Taal"]
    out = runner.invoke(app, ["violations", "--db", db, "--format", "csv"]).stdout
    assert out.splitlines()[0].startswith("ceasefire_id,declared_by,area,incident_id")


def test_correct_command(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("VIGIL_DB", raising=False)
    db = _seeded(tmp_path)
    kt = [i for i in json.loads(runner.invoke(app, ["incidents", "--db", db]).stdout)
          if i["location"]["name"] == "Kafr Taal"][0]
    res = runner.invoke(app, ["correct", kt["id"], "killed=12", "--by", "analyst1", "--note", "morgue list"])
    assert res.exit_code != 0  # wrong database: the default ./vigil.db has no such incident
    res = runner.invoke(app, ["correct", kt["id"], "killed=12", "--by", "analyst1", "--note", "morgue list",
                              "--db", db])
    assert res.exit_code == 0, res.output
    assert res.stdout == f"{kt['id']}: killed 9 \u2192 12\n"  # one line for people
    res = runner.invoke(app, ["correct", kt["id"], "injured=3", "--by", "analyst1", "--json", "--db", db])
    out = json.loads(res.stdout)
    assert out["killed"] == 12 and out["machine"]["killed"] == 9 and out["injured"] == 3
    assert out["corrections"][0]["by"] == "analyst1" and out["corrections"][0]["note"] == "morgue list"
    again = [i for i in json.loads(runner.invoke(app, ["incidents", "--db", db]).stdout) if i["id"] == kt["id"]][0]
    assert again["killed"] == 12
    bad = runner.invoke(app, ["correct", kt["id"], "killed=lots", "--by", "a", "--db", db])
    assert bad.exit_code == 2 and "whole number" in bad.stderr


def test_rebuild_command_keeps_corrections(tmp_path):
    db = _seeded(tmp_path)
    kt = [i for i in json.loads(runner.invoke(app, ["incidents", "--db", db]).stdout)
          if i["location"]["name"] == "Kafr Taal"][0]
    runner.invoke(app, ["correct", kt["id"], "perpetrator=Syrian government", "--by", "a", "--db", db])
    res = runner.invoke(app, ["rebuild", "--db", db])
    assert res.exit_code == 0 and "incidents: 3; ceasefires: 1; violations: 3; corrections: 1" in res.stderr
    again = [i for i in json.loads(runner.invoke(app, ["incidents", "--db", db, "--perpetrator", "Syrian government"]).stdout)]
    assert [i["id"] for i in again] == [kt["id"]] and again[0]["machine"] == {"perpetrator": "Russia"}


def test_streamed_json_is_the_same_as_a_plain_dump(tmp_path):
    from vigil.store import query_incidents

    db = _seeded(tmp_path)
    out = runner.invoke(app, ["incidents", "--db", db]).stdout
    with open_store(db) as s:
        assert out == json.dumps(query_incidents(s), ensure_ascii=False, indent=2) + "\n"
    empty = runner.invoke(app, ["incidents", "--db", db, "--country", "Chile"]).stdout  # a country, no incidents
    assert json.loads(empty) == [] and json.loads(
        runner.invoke(app, ["incidents", "--db", db, "--country", "Chile", "--format", "geojson"]).stdout
    ) == {"type": "FeatureCollection", "features": []}
    limited = json.loads(runner.invoke(app, ["incidents", "--db", db, "--limit", "2"]).stdout)
    assert len(limited) == 2


# ---- issue 9: demo apart, errors a person can act on, everyday commands ------------------------


def test_demo_keeps_its_samples_apart_from_the_work_database(tmp_path, monkeypatch):
    from vigil.store import stats

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("VIGIL_DB", raising=False)
    res = runner.invoke(app, ["demo", "--no-serve"])
    assert res.exit_code == 0, res.output
    assert "demo database: vigil-demo.db" in res.stderr
    assert (tmp_path / "vigil-demo.db").exists() and not (tmp_path / "vigil.db").exists()
    with open_store(str(tmp_path / "vigil-demo.db")) as s:
        assert stats(s)["samples"] == stats(s)["reports"] == 21
    res = runner.invoke(app, ["ingest", str(_folder(tmp_path))])  # the work database: ./vigil.db
    assert res.exit_code == 0 and "sample" not in res.stderr
    with open_store(str(tmp_path / "vigil.db")) as s:
        assert stats(s)["samples"] == 0 and stats(s)["reports"] == 3
    (tmp_path / "more").mkdir()
    res = runner.invoke(app, ["ingest", str(_folder(tmp_path / "more")), "--db", "vigil-demo.db"])
    assert "warning: this database holds 21 sample reports" in res.stderr


def test_a_read_command_on_a_missing_database_says_so_and_creates_nothing(tmp_path):
    missing = tmp_path / "typo.db"
    for args in (["incidents"], ["ceasefires"], ["violations"], ["history"], ["show", "inc_0"]):
        res = runner.invoke(app, [*args, "--db", str(missing)])
        assert res.exit_code == 2 and f"no database at {missing}" in res.stderr, args
        assert res.stdout == ""
    assert not missing.exists()


def test_a_wrong_password_is_one_line_without_the_password(db_url):
    if not db_url.startswith("postgresql"):
        return
    bad = db_url.replace("vigil:vigil@", "vigil:not-the-password@")
    res = runner.invoke(app, ["incidents", "--db", bad])
    assert res.exit_code == 2 and len(res.stderr.strip().splitlines()) == 1
    assert "not-the-password" not in res.stderr and "***" in res.stderr and "password authentication" in res.stderr


def test_unknown_filter_values_are_errors_that_list_the_valid_ones(tmp_path):
    db = _seeded(tmp_path)
    res = runner.invoke(app, ["incidents", "--db", db, "--type", "massacre"])
    assert res.exit_code == 2 and "valid types: airstrike, drone_strike" in res.stderr
    res = runner.invoke(app, ["incidents", "--db", db, "--country", "Narnia"])
    assert res.exit_code == 2 and "countries in this database: syria" in res.stderr
    ok = runner.invoke(app, ["incidents", "--db", db, "--type", "AIRSTRIKE", "--country", "SYR",
                             "--perpetrator", "Russian forces"])
    assert ok.exit_code == 0 and len(json.loads(ok.stdout)) == 3


def test_everyday_commands_for_people(tmp_path):
    db = _seeded(tmp_path)
    assert runner.invoke(app, ["--version"]).stdout.startswith("vigil ")
    table = runner.invoke(app, ["incidents", "--db", db, "--format", "table"])
    assert table.exit_code == 0 and "3 incidents" in table.stdout and "Kafr" in table.stdout
    kt = [i for i in json.loads(runner.invoke(app, ["incidents", "--db", db]).stdout)
          if i["location"]["name"] == "Kafr Taal"][0]
    shown = runner.invoke(app, ["show", kt["id"], "--db", db])
    assert shown.exit_code == 0 and "grade:" in shown.stdout and "outlet-a" in shown.stdout
    cf = json.loads(runner.invoke(app, ["ceasefires", "--db", db]).stdout)[0]
    shown = runner.invoke(app, ["show", cf["id"], "--db", db])
    assert shown.exit_code == 0 and "in force until" in shown.stdout and "by a declarer" in shown.stdout
    res = runner.invoke(app, ["correct", cf["id"], "effective_until=2020-01-20", "--by", "a", "--db", db])
    assert res.stdout == f"{cf['id']}: effective_until null \u2192 2020-01-20\n"
    res = runner.invoke(app, ["correct", kt["id"], "killed=-5", "--by", "a", "--db", db])
    assert res.exit_code == 2 and "0 or more" in res.stderr
    assert runner.invoke(app, ["reject", kt["id"], "--by", "b", "--note", "duplicate", "--db", db]).exit_code == 0
    hist = runner.invoke(app, ["history", "--db", db])
    assert "#1" in hist.stdout and "effective_until" in hist.stdout and "-- duplicate" in hist.stdout
    assert runner.invoke(app, ["undo", "2", "--by", "b", "--db", db]).stdout.startswith("#2 undone")
    assert "[undone by b" in runner.invoke(app, ["history", kt["id"], "--db", db]).stdout
    assert "merge" in runner.invoke(app, ["--help"]).stdout and "killed_qualifier" in runner.invoke(
        app, ["correct", "--help"]).stdout


def test_exports_can_be_parsed(tmp_path):
    db = _seeded(tmp_path)
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, ["incidents", "--db", db, "--format", "csv"]).stdout)))
    kt = [r for r in rows if r["location"] == "Kafr Taal"][0]
    assert kt["source"].split(" | ")[0] and all(" | " not in p for p in kt["perpetrators"].split(" | "))
    assert "nine" in kt["notes"] or "9" in kt["notes"] or "Nine" in kt["notes"]
    flat = json.loads(runner.invoke(app, ["incidents", "--db", db, "--format", "geojson", "--flat"]).stdout)
    props = flat["features"][0]["properties"]
    assert all(not isinstance(v, (dict, list)) for v in props.values()) and "fatalities" in props
    cfs = list(csv.DictReader(io.StringIO(runner.invoke(app, ["ceasefires", "--db", db, "--format", "csv"]).stdout)))
    assert cfs[0]["ended_by"] == "horizon" and cfs[0]["violations_by_declarers"] == "3"
