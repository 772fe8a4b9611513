from datetime import date

from vigil.read import ReadError, parse_jsonl, parse_txt, read_paths


def test_header_on_same_line_as_body():
    doc = parse_txt(" date 2021-03-04 Shelling hit the town.", "x")
    assert doc.published == date(2021, 3, 4)
    assert doc.text == "Shelling hit the town."


def test_header_on_its_own_line():
    doc = parse_txt("date 2021-03-04\n\nShelling hit the town.\n", "x")
    assert doc.text == "Shelling hit the town."


def test_missing_header_is_an_error_naming_the_file():
    err = parse_txt("Shelling hit the town.", "x", "reports/x.txt")
    assert isinstance(err, ReadError)
    assert "reports/x.txt" in str(err) and "date" in str(err)


def test_jsonl_bad_line_does_not_stop_the_rest():
    raw = '{"doc_id": "a", "published": "2020-01-02", "text": "Body."}\nnot json\n'
    items = list(parse_jsonl(raw, "in.jsonl"))
    assert items[0].doc_id == "a"
    assert isinstance(items[1], ReadError) and "in.jsonl:2" in str(items[1])


def test_folder_is_read_recursively(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "r1.txt").write_text("date 2020-01-01 One.")
    (tmp_path / "r2.txt").write_text("date 2020-01-02 Two.")
    ids = sorted(d.doc_id for d in read_paths([tmp_path]))
    assert ids == ["r1", "r2"]
