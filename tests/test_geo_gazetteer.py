import sqlite3

import pytest
from typer.testing import CliRunner

from vigil.geo import gazetteer
from vigil.geo.imports import import_file
from vigil.cli import app
from vigil.geo import best, known_place

# Invented places in the GeoNames 19-column layout (no header).
GEONAMES_ROWS = [
    ["90000001", "Zaqqurat Wadiyah", "Zaqqurat Wadiyah", "Zakkourat Wadieh,Zaqurat Wadiya", "35.10000",
     "38.90000", "P", "PPL", "SY", "", "11", "", "", "", "350", "", "300", "Asia/Damascus", "2024-01-01"],
    ["90000002", "Qamhat Sufla", "Qamhat Sufla", "", "34.20000", "37.10000", "P", "PPL", "SY", "", "04", "", "",
     "", "0", "", "500", "Asia/Damascus", "2024-01-01"],
]


def write_geonames(path, rows):
    path.write_text("".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")


def test_shipped_gazetteer_loads_fast_and_lists_itself():
    gazetteer.load()  # build the cache if this machine has none yet
    gazetteer.reset()
    import time

    t = time.perf_counter()
    g = gazetteer.load()
    assert time.perf_counter() - t < 1.0
    [shipped] = g.sources()
    assert shipped.rows > 150_000
    assert {"SY", "IQ", "YE", "AF", "UA", "LY", "SO", "NG"} <= set(shipped.countries.split(","))


def test_syria_admin_units_carry_pcodes():
    places = [p for p, _, _ in gazetteer.load().by_key("key", "idlib")]
    assert any(p.gid == "ocha:SY07" and p.kind == "admin1" for p in places)


def test_import_geonames_dump_is_used_by_the_resolver(tmp_path):
    assert not known_place("Zaqqurat Wadiyah")
    f = tmp_path / "SY.txt"
    write_geonames(f, GEONAMES_ROWS)
    info = import_file(f)
    assert info.rows == 2 and info.countries == "SY"
    assert known_place("Zaqqurat Wadiyah", country="Syria")
    c = best("Zakkourat Wadieh village", country="Syria")
    assert c and c.gazetteer_id == "geonames:90000001" and abs(c.lat - 35.1) < 1e-6
    assert c.admin1 == "Homs"  # borrowed from the nearest shipped place: dumps carry only admin codes
    assert best("Zakkourat Wadieh", admin1="Homs") is not None
    assert [s.name for s in gazetteer.list_sources()][-1] == "SY.txt"


def test_import_ocha_csv_detects_columns(tmp_path):
    f = tmp_path / "syr_pplp.csv"
    f.write_text("admin1Name_en,admin2Name_en,admin4Name_en,admin4Name_ar,admin4Pcode,latitude,longitude\n"
                 "#adm1+name,#adm2+name,#loc+name,#loc+name+i_ar,#loc+code,#geo+lat,#geo+lon\n"
                 "Hama,Hama,Tell Qurqush,تل قرقوش,C9999,35.3,36.9\n", encoding="utf-8")
    info = import_file(f, country="SY")
    assert info.rows == 1
    c = best("Tal Qurqoush", admin1="Hama", country="Syria")
    assert c and c.gazetteer_id == "user:C9999" and c.admin1 == "Hama"


def test_malformed_import_names_the_line_and_changes_nothing(tmp_path):
    good = tmp_path / "SY.txt"
    write_geonames(good, GEONAMES_ROWS[:1])
    import_file(good)
    bad = tmp_path / "bad.txt"
    broken = list(GEONAMES_ROWS[1])
    broken[4] = "north"
    write_geonames(bad, [GEONAMES_ROWS[1], broken])
    with pytest.raises(gazetteer.GazetteerImportError) as e:
        import_file(bad)
    assert "bad.txt:2" in str(e.value) and "latitude" in str(e.value)
    con = sqlite3.connect(gazetteer.user_db_path())
    assert con.execute("SELECT count(*) FROM places").fetchone() == (1,)
    assert con.execute("SELECT count(*) FROM sources").fetchone() == (1,)


def test_csv_without_coordinates_is_rejected(tmp_path):
    f = tmp_path / "places.csv"
    f.write_text("name,province\nSomewhere,Hama\n", encoding="utf-8")
    with pytest.raises(gazetteer.GazetteerImportError, match="places.csv:1: no latitude/longitude"):
        import_file(f)


def test_cli_import_and_list(tmp_path):
    f = tmp_path / "SY.txt"
    write_geonames(f, GEONAMES_ROWS)
    runner = CliRunner()
    result = runner.invoke(app, ["gazetteer", "import", str(f)])
    assert result.exit_code == 0, result.output
    assert "imported 2 places" in result.output
    listing = runner.invoke(app, ["gazetteer", "list"])
    assert listing.exit_code == 0 and "SY.txt" in listing.output and "shipped" in listing.output


def test_cli_import_of_a_broken_file_fails_clearly(tmp_path):
    f = tmp_path / "XX.txt"
    f.write_text("90000003\tOnly three\tcolumns\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["gazetteer", "import", str(f)])
    assert result.exit_code == 1
    assert "XX.txt:1" in result.output and "nothing was imported" in result.output


def _lat_of(name):
    from vigil.geo import best

    c = best(name, admin1="Aleppo")
    return c and round(c.lat, 2)


def test_worker_processes_reopen_the_gazetteer():
    import multiprocessing

    gazetteer.load()  # the parent has an open SQLite handle before forking
    with multiprocessing.get_context("fork").Pool(2) as pool:
        assert pool.map(_lat_of, ["Kafr Taal", "Kafr Nuran"]) == [36.15, 36.08]


def test_precomputed_name_keys_read_back_as_computed(tmp_path, monkeypatch):
    rows = [{"gid": "t:1", "name": "Kafr Zaytunah", "kind": "place", "cc": "SY", "alt": "Kfar Zeitouneh|كفر زيتونة"},
            {"gid": "t:2", "name": "Jubb Nuwaysir Kabir", "kind": "place", "cc": "SY", "alt": ""},
            {"gid": "t:3", "name": "Qamhat Province", "kind": "admin1", "cc": "SY", "alt": "Qamhat"}]
    path = tmp_path / "names.tsv.gz"
    n = gazetteer.write_keys_file(path, rows)
    monkeypatch.setattr(gazetteer, "keys_file", lambda: path)
    read = [r for chunk in gazetteer._shipped_keys(rows) for r in chunk]
    computed = [r + (row["cc"],) for i, row in enumerate(rows, 1)
                for r in gazetteer.index_rows(i, row["kind"], row["name"], row["alt"])]
    assert n == len(read) == len(computed) and read == computed


def test_precomputed_keys_of_another_normaliser_are_not_used(tmp_path, monkeypatch):
    path = tmp_path / "names.tsv.gz"
    import gzip

    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write("#names_version\tdeadbeef0000\n1\tzzz\tzzz\t1\t\n")
    monkeypatch.setattr(gazetteer, "keys_file", lambda: path)
    assert gazetteer._shipped_keys([{"cc": "SY"}]) is None


def test_a_damaged_keys_file_is_recomputed_not_fatal(tmp_path, monkeypatch):
    import gzip

    from vigil.geo import names

    bad = tmp_path / "names.tsv.gz"
    with gzip.open(bad, "wt", encoding="utf-8") as f:
        f.write(f"#names_version\t{names.names_version()}\nnot a row\n")
    rows = [{"gid": "t:1", "name": "Kafr Zaytunah", "lat": "35.1", "lon": "36.2", "kind": "place", "cc": "SY",
             "alt": "", "fcode": "PPL", "admin1": "Hama", "admin2": "", "population": "0"}]
    monkeypatch.setattr(gazetteer, "keys_file", lambda: bad)
    monkeypatch.setattr(gazetteer, "_read_shipped_rows", lambda: iter(rows))
    path = tmp_path / "cache" / "g.sqlite"
    with pytest.warns(UserWarning, match="names.tsv.gz"):
        gazetteer.build_cache(path)
    con = sqlite3.connect(path)
    assert con.execute("SELECT count(*) FROM names WHERE key = ?", (names.exact_key("Kafr Zaytunah"),)).fetchone()[0] == 1
