import json

from typer.testing import CliRunner

from vigil.cli import app


def test_extract_names_each_unusable_file_on_stderr_and_goes_on(tmp_path):
    (tmp_path / "good.txt").write_text("date 2021-03-04 Shelling hit the town of Ariha on Monday.")
    (tmp_path / "undated.txt").write_text("Shelling hit the town of Ariha on Monday.")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "latin.txt").write_bytes(b"date 2021-03-04 Shelling hit the caf\xe9.")
    result = CliRunner().invoke(app, ["extract", str(tmp_path)])
    assert result.exit_code == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["doc_id"] for r in records] == ["good", "latin"]  # not UTF-8: decoded by guess, and said so
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 3
    for name, reason in (("undated.txt", "date"), ("empty.txt", "empty"), ("latin.txt", "UTF-8")):
        [line] = [e for e in errors if name in e]
        assert reason in line


def test_extract_exits_zero_when_every_file_is_read(tmp_path):
    (tmp_path / "a.txt").write_text("date 2021-03-04 Shelling hit the town.")
    out = tmp_path / "out.json"
    result = CliRunner().invoke(app, ["extract", str(tmp_path / "a.txt"), "--format", "json", "-o", str(out)])
    assert result.exit_code == 0 and result.stderr == ""
    assert json.loads(out.read_text())[0]["published"] == "2021-03-04"


def test_extract_missing_path_fails_but_reads_the_others(tmp_path):
    (tmp_path / "a.txt").write_text("date 2021-03-04 Shelling hit the town.")
    result = CliRunner().invoke(app, ["extract", str(tmp_path / "nope.txt"), str(tmp_path / "a.txt")])
    assert result.exit_code == 1
    assert "nope.txt" in result.stderr and len(result.stdout.splitlines()) == 1


def test_demo_ingests_the_sample_corpus_and_shows_incidents_and_ceasefires(tmp_path):
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    result = CliRunner().invoke(app, ["demo", "--db", db, "--no-serve"])
    assert result.exit_code == 0, result.stderr
    assert "21 new" in result.stderr
    assert "incidents" in result.stdout and "ceasefires" in result.stdout
    again = CliRunner().invoke(app, ["demo", "--db", db, "--no-serve"])
    assert "0 new" in again.stderr and "21 duplicate" in again.stderr
