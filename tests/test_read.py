from datetime import date
from pathlib import Path

import pytest

from vigil.read import ReadError, ReadNote, parse_html, parse_jsonl, parse_txt, read_paths


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


PAGE = """<!doctype html>
<html><head>
<meta charset="utf-8">
<meta property="article:published_time" content="2021-05-04T08:30:00+00:00">
<link rel="canonical" href="https://news.example.org/shelling-ariha">
<script>window.analytics = "date 1999-09-09 tracking";</script>
<style>p { color: red }</style>
</head><body>
<nav><ul><li>Home</li><li>Middle East</li></ul></nav>
<header><p>Sign up for our newsletter</p></header>
<article>
  <h1>Shelling kills two in Ariha</h1>
  <p>Artillery shells hit the <b>town</b> of Ariha on Monday, killing two people, rescuers said.</p>
  <ul><li><p>One shell fell near a bakery.</p></li></ul>
</article>
<footer><p>Copyright News Example</p></footer>
</body></html>
"""


def test_html_page_gives_article_text_date_and_canonical_url(tmp_path):
    (tmp_path / "ariha.html").write_text(PAGE, encoding="utf-8")
    [doc] = list(read_paths([tmp_path]))
    assert doc.doc_id == "ariha"
    assert doc.published == date(2021, 5, 4)
    assert doc.url == "https://news.example.org/shelling-ariha"
    assert "the town of Ariha on Monday, killing two people" in doc.text
    for dropped in ("analytics", "Middle East", "newsletter", "Copyright", "color"):
        assert dropped not in doc.text
    assert doc.text.count("One shell fell near a bakery.") == 1


def test_html_date_may_come_from_a_leading_date_line():
    doc = parse_html("<html><body><p>date 2020-01-02</p><p>Shelling hit the town.</p></body></html>", "p")
    assert doc.published == date(2020, 1, 2) and doc.text == "Shelling hit the town."


def test_html_without_any_date_is_an_error():
    err = parse_html("<html><body><p>Shelling hit the town.</p></body></html>", "p", "in/p.html")
    assert isinstance(err, ReadError) and "in/p.html" in str(err) and "date" in err.reason


def test_html_in_a_declared_legacy_charset_is_decoded(tmp_path):
    page = PAGE.replace('charset="utf-8"', 'charset="windows-1252"').replace("Ariha on", "Ariha café on")
    (tmp_path / "legacy.html").write_bytes(page.encode("cp1252"))
    [doc] = list(read_paths([tmp_path / "legacy.html"]))
    assert "Ariha café on Monday" in doc.text


def test_non_utf8_text_is_decoded_and_the_guess_is_named(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("date 2021-03-04 Shelling hit the café in Saraqib.".encode("latin-1"))
    note, doc = list(read_paths([path]))
    assert isinstance(note, ReadNote) and not note.skipped
    assert str(path) in str(note) and "not UTF-8: read as" in note.reason
    assert "café in Saraqib" in doc.text


def test_utf8_byte_order_mark_is_not_part_of_the_header(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes("date 2021-03-04 Shelling hit the town.".encode("utf-8-sig"))
    [doc] = list(read_paths([path]))
    assert doc.published == date(2021, 3, 4)


@pytest.mark.parametrize("name", ["empty.txt", "empty.jsonl", "empty.html"])
def test_empty_file_is_an_error_naming_the_file(tmp_path, name):
    path = tmp_path / name
    path.write_text("  \n")
    [err] = list(read_paths([path]))
    assert isinstance(err, ReadError) and str(path) in str(err) and "empty" in err.reason


def test_missing_path_is_an_error():
    [err] = list(read_paths(["/nonexistent/report.txt"]))
    assert isinstance(err, ReadError) and "no such file" in err.reason



# ---- issue 9: everyday input -------------------------------------------------------------------

ENGLISH = ("Shelling hit the market in the town on Monday morning and the monitor said that at least "
           "three people were killed while they were buying bread, and several more were hurt.")


ARABIC = ("\u0642\u0635\u0641 \u0639\u0644\u0649 \u0627\u0644\u0633\u0648\u0642 \u0641\u064a "
          "\u0627\u0644\u0645\u062f\u064a\u0646\u0629 \u0635\u0628\u0627\u062d \u064a\u0648\u0645 "
          "\u0627\u0644\u0627\u062b\u0646\u064a\u0646. ")  # invented: "shelling on the market in the town on Monday"


@pytest.mark.parametrize("encoding,text", [
    ("cp1252", "date 2021-03-04\n" + ENGLISH + " The caf\u00e9 near the square was damaged."),
    ("cp1256", "date 2021-03-04\n" + ARABIC * 6),
    ("utf-16", "date 2021-03-04\n" + ENGLISH),
])
def test_legacy_encodings_are_decoded(tmp_path, encoding, text):
    path = tmp_path / "r.txt"
    path.write_bytes(text.encode(encoding))
    docs = [d for d in read_paths([path]) if not isinstance(d, ReadError)]
    assert len(docs) == 1 and docs[0].text == text.split("\n", 1)[1].strip()


@pytest.mark.parametrize("header", ["Date: 21 January 2020", "date 21/01/2020", "DATE: 2020-01-21",
                                    "date: January 21, 2020"])
def test_header_variants_are_read(header):
    doc = parse_txt(header + "\nurl: https://example.org/a\n" + ENGLISH, "r")
    assert doc.published == date(2020, 1, 21) and doc.url == "https://example.org/a"
    assert doc.text.startswith("Shelling")


def test_unsupported_files_in_a_folder_are_named_with_what_to_do(tmp_path):
    (tmp_path / "a.txt").write_text("date 2021-03-04\n" + ENGLISH)
    for name in ("b.pdf", "c.docx", "d.csv", "e.png"):
        (tmp_path / name).write_bytes(b"\x00\x01binary")
    (tmp_path / ".DS_Store").write_bytes(b"\x00")
    items = list(read_paths([tmp_path]))
    notes = {Path(i.path).name: i.reason for i in items if isinstance(i, ReadNote)}
    assert set(notes) == {"b.pdf", "c.docx", "d.csv", "e.png"} and all(isinstance(i, ReadNote) and i.skipped
                                                                         for i in items if isinstance(i, ReadError))
    assert "pdftotext" in notes["b.pdf"] and ".jsonl" in notes["d.csv"] and "plain text" in notes["c.docx"]


def test_reports_not_in_english_or_dated_in_the_future_are_read_with_a_warning(tmp_path):
    (tmp_path / "fr.txt").write_text("date 2021-03-04\n" + " ".join(["Des obus sont tomb\u00e9s sur le march\u00e9 "
                                                                     "de la ville lundi matin"] * 4))
    (tmp_path / "future.txt").write_text("date 2999-01-01\n" + ENGLISH)
    items = list(read_paths([tmp_path]))
    docs = [i for i in items if not isinstance(i, ReadError)]
    notes = [i for i in items if isinstance(i, ReadNote)]
    assert len(docs) == 2 and len(notes) == 2
    assert any("does not look like English" in n.reason and "fr.txt" in n.path for n in notes)
    assert any("in the future" in n.reason and "future.txt" in n.path for n in notes)


def test_an_oversized_report_is_refused_quickly_with_the_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("VIGIL_MAX_REPORT_MB", "0.25")
    path = tmp_path / "huge.txt"
    path.write_text("date 2021-03-04\n" + ENGLISH * 8000)
    [err] = list(read_paths([path]))
    assert isinstance(err, ReadError) and "larger than a report can be (0.25 MB)" in err.reason


def test_a_folder_listing_gives_txt_reports_their_urls(tmp_path):
    (tmp_path / "a.txt").write_text("date 2021-03-04\n" + ENGLISH)
    (tmp_path / "b.txt").write_text("date 2021-03-04\nurl https://example.org/own\n" + ENGLISH)
    (tmp_path / "urls.tsv").write_text("a.txt\thttps://example.org/a\nb.txt\thttps://example.org/other\n")
    docs = {d.doc_id: d for d in read_paths([tmp_path]) if not isinstance(d, ReadError)}
    assert docs["a"].url == "https://example.org/a" and docs["b"].url == "https://example.org/own"
