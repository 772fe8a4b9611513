"""Read stage: files and folders in, `Document`s out.

Supported inputs: `.txt` (a header, then the body: `date YYYY-MM-DD`, or `Date: 21 January 2020`,
`date 21/01/2020` (day first); an optional `url https://...` line after it, or the URL in the
folder's `urls.tsv`: "file name<TAB>URL" lines), `.jsonl` (one report per
line: `doc_id`, `published`, `text` required, `url` optional), `.html` (the visible article text, date
from the page's metadata), and folders of these, searched recursively. Text that is not UTF-8
(Windows-1252/1256, UTF-16, ...) is decoded with charset-normalizer's guess, and the guess is reported.

A file that cannot be used yields a `ReadError` naming the file and the reason, and reading goes on
with the next one. A `ReadNote` (a kind of `ReadError` that is not a failure) tells about a file
that was read but may yield nothing or wrong dates (not English, dated in the future, decoded by
guess) or one that was skipped (PDF, Word, tables, images: with what to do instead). A report larger
than `max_report_bytes()` (0.5 MB unless `VIGIL_MAX_REPORT_MB` says otherwise) is refused: reports are a
few kilobytes, and extraction time grows with length.
"""
from __future__ import annotations

import codecs
import json
import os
import re
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from importlib.resources import files as package_files
from pathlib import Path
from typing import Iterable, Iterator

from vigil.model import Document

SUPPORTED = (".txt", ".jsonl", ".html", ".htm")
_HEADER = re.compile(r"\A\s*date\s*:?\s+(\d{4}-\d{2}-\d{2})\b[ \t]*\r?\n?\s*", re.IGNORECASE)
_HEADER_LINE = re.compile(r"\A\s*date\b\s*[:=]?[ \t]*([^\r\n]+?)[ \t]*(?:\r?\n|\Z)\s*", re.IGNORECASE)
_URL_LINE = re.compile(r"\A[ \t]*(?:url|link|source)\s*[:=]?[ \t]*(https?://\S+)[ \t]*(?:\r?\n|\Z)\s*",
                       re.IGNORECASE)
DEFAULT_MAX_REPORT_MB = 0.5  # a 1 MB report took about a minute to extract (200 KB: 1.5 s)

# What to do with files Vigil does not read, by suffix.
_ADVICE = {
    ".pdf": "PDF is not read: convert it to text (e.g. `pdftotext FILE.pdf FILE.txt`) and put a "
            "'date YYYY-MM-DD' line first",
    ".docx": "Word files are not read: save as plain text (.txt) with a 'date YYYY-MM-DD' first line",
    ".doc": "Word files are not read: save as plain text (.txt) with a 'date YYYY-MM-DD' first line",
    ".odt": "word-processor files are not read: save as plain text (.txt) with a 'date YYYY-MM-DD' first line",
    ".rtf": "RTF is not read: save as plain text (.txt) with a 'date YYYY-MM-DD' first line",
    ".csv": "a table is not a report: put one report per line in a .jsonl file (doc_id, published, text, url)",
    ".tsv": "a table is not a report: put one report per line in a .jsonl file (doc_id, published, text, url)",
    ".xlsx": "a spreadsheet is not a report: put one report per line in a .jsonl file (doc_id, published, text, url)",
    ".json": "a .json file is not read: write one report object per line as .jsonl (doc_id, published, text, url)",
    ".md": "rename it to .txt (with a 'date YYYY-MM-DD' first line) to have it read",
}
_IMAGES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".tif", ".tiff", ".bmp", ".svg", ".heic")


@dataclass(frozen=True)
class ReadError:
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass(frozen=True)
class ReadNote(ReadError):
    """Not a failure: a file skipped with advice, or one read with a warning."""

    skipped: bool = False


URL_LISTING = "urls.tsv"  # in a folder: "file name or doc_id<TAB>URL" lines give reports their URLs


def _url_listing(path: Path) -> dict[str, str]:
    """A folder's sidecar listing of report URLs (absent: none)."""
    if not path.is_file():
        return {}
    out = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.strip().split("\t")
        if len(parts) >= 2 and parts[1].startswith(("http://", "https://")):
            out[parts[0].strip()] = parts[1].strip()
    return out


def max_report_bytes() -> int:
    raw = os.environ.get("VIGIL_MAX_REPORT_MB")
    try:
        mb = float(raw) if raw else DEFAULT_MAX_REPORT_MB
    except ValueError:
        mb = DEFAULT_MAX_REPORT_MB
    return int(mb * 1024 * 1024)


def _advice(path: Path) -> str | None:
    """Why a file is not read and what to do, or None for a supported file."""
    suffix = path.suffix.lower()
    if suffix in SUPPORTED:
        return None
    if suffix in _IMAGES:
        return "images are not read: Vigil needs the report's text"
    return _ADVICE.get(suffix, "not a report file Vigil reads (.txt, .jsonl, .html)")


def list_inputs(paths: Iterable[str | Path]) -> Iterator[tuple[Path, dict[str, str]] | ReadError]:
    """The report files under `paths` in `read_paths`'s order, each with its folder's URL listing
    (file name or doc_id -> URL), without reading them; skipped and missing paths as `ReadError`s."""
    for path in paths:
        p = Path(path)
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith("."))
            listings: dict[Path, dict[str, str]] = {}
            for f in found:
                if f.name == URL_LISTING:
                    continue
                advice = _advice(f)
                if advice:
                    yield ReadNote(str(f), f"skipped: {advice}", skipped=True)
                    continue
                if f.parent not in listings:
                    listings[f.parent] = _url_listing(f.parent / URL_LISTING)
                yield f, listings[f.parent]
        elif p.exists():
            advice = _advice(p)
            if advice and p.suffix.lower() in (*_ADVICE, *_IMAGES):
                yield ReadNote(str(p), f"skipped: {advice}", skipped=True)
            else:
                yield p, {}
        else:
            yield ReadError(str(p), "no such file or directory")


def with_urls(items: Iterable[Document | ReadError], name: str,
              urls: dict[str, str]) -> Iterator[Document | ReadError]:
    """`items` read from the file called `name`, each report given its URL from the folder's listing."""
    for item in items:
        if urls and isinstance(item, Document) and not item.url and (name in urls or item.doc_id in urls):
            item = replace(item, url=urls.get(name) or urls[item.doc_id])
        yield item


def read_paths(paths: Iterable[str | Path]) -> Iterator[Document | ReadError]:
    """Every report under `paths`, in a stable order; failures and notes are yielded, not raised."""
    for listed in list_inputs(paths):
        if isinstance(listed, ReadError):
            yield listed
        else:
            f, urls = listed
            yield from with_urls(read_file(f), f.name, urls)


def read_file(path: Path) -> Iterator[Document | ReadError]:
    """The report(s) in one file, or one `ReadError` saying why the file cannot be used; notes
    about what was read follow the document."""
    suffix = path.suffix.lower()
    limit = max_report_bytes()
    try:
        size = path.stat().st_size
        if size > limit and suffix != ".jsonl":
            yield ReadError(str(path), f"{size / 1048576:.1f} MB is larger than a report can be "
                            f"({limit / 1048576:g} MB): split it into reports, or raise VIGIL_MAX_REPORT_MB")
            return
        data = path.read_bytes()
    except OSError as e:
        yield ReadError(str(path), f"cannot be read ({e.strerror or e})")
        return
    if not data.strip():
        yield ReadError(str(path), "empty file")
        return
    raw = _decode(data, html=suffix in (".html", ".htm"))
    if isinstance(raw, _Undecodable):
        yield ReadError(str(path), raw.reason)
        return
    raw, guessed = raw
    if suffix == ".jsonl":
        items = list(parse_jsonl(raw, str(path)))
    elif suffix in (".html", ".htm"):
        items = [parse_html(raw, path.stem, str(path))]
    else:
        items = [parse_txt(raw, path.stem, str(path))]
    if guessed and any(isinstance(i, Document) for i in items):
        yield ReadNote(str(path), guessed)
    for item in items:
        yield item
        if isinstance(item, Document):
            yield from document_notes(item, str(path) if suffix != ".jsonl" else f"{path}:{item.doc_id}")


def document_notes(doc: Document, where: str) -> Iterator[ReadNote]:
    """Warnings about a report that is stored as it is but may yield nothing, or wrong dates."""
    if doc.published > date.today():
        yield ReadNote(where, f"dated {doc.published}, in the future: stored, but dates read relative to it "
                       "(yesterday, last week) may be wrong")
    share = english_share(doc.text)
    if share is not None and share < 0.05:
        yield ReadNote(where, f"does not look like English ({share:.0%} of its words are common English words): "
                       "Vigil reads English reports, so it may yield nothing")


@lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    text = (package_files("vigil") / "data" / "english_function_words.txt").read_text(encoding="utf-8")
    return frozenset(w for line in text.splitlines() if not line.startswith("#") for w in line.lower().split())


def english_share(text: str) -> float | None:
    """Share of the first 2,000 words that are common English words (about 40% in English prose);
    None for texts too short to tell."""
    words = re.findall(r"[^\W\d_]+", text[:20000].lower())[:2000]
    if len(words) < 20:
        return None
    common = _english_words()
    return sum(w in common for w in words) / len(words)


_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class _Undecodable:
    reason: str


def _decode(data: bytes, html: bool) -> tuple[str, str | None] | _Undecodable:
    """(text, note): UTF-8 (a byte-order mark is dropped) or UTF-16 with its mark as they are; an
    HTML page's declared charset; else charset-normalizer's guess, reported in the note so a
    garbled place name can be traced to it."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as e:
        utf8_error = f"not UTF-8 text ({e.reason} at byte {e.start})"
    if html:
        declared = _CHARSET.search(data[:4096])
        if declared:
            try:
                return data.decode(declared.group(1).decode("ascii")), None
            except (LookupError, UnicodeDecodeError):
                return _Undecodable(f"not valid {declared.group(1).decode('ascii')} text as the page declares")
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return _Undecodable(f"{utf8_error}, and no other text encoding fits: is it a text file?")
    return str(best), f"not UTF-8: read as {best.encoding} (charset-normalizer's guess; check place names)"


def parse_txt(raw: str, doc_id: str, path: str | None = None) -> Document | ReadError:
    """A report with its header: `date YYYY-MM-DD` (the body may follow on the same line), or a
    `date`/`Date:` line with a date in words or day-first digits; then an optional `url` line."""
    m = _HEADER.match(raw)
    if m:
        published = _parse_day(m.group(1))
        if published is None:
            return ReadError(path or doc_id, f"invalid date {m.group(1)!r} in header")
    else:
        m = _HEADER_LINE.match(raw)
        published = _parse_header_date(m.group(1)) if m else None
        if m is None:
            return ReadError(path or doc_id, "no date header at the start: the first line must be "
                             "'date YYYY-MM-DD' (or e.g. 'Date: 21 January 2020')")
        if published is None:
            return ReadError(path or doc_id, f"cannot read the date {m.group(1)!r} in the header; "
                             "write it as YYYY-MM-DD")
    rest = raw[m.end():]
    url = None
    u = _URL_LINE.match(rest)
    if u:
        url, rest = u.group(1), rest[u.end():]
    body = rest.rstrip()
    if not body.strip():
        return ReadError(path or doc_id, "empty body after the date header")
    return Document(doc_id=doc_id, published=published, text=body, url=url, path=path)


def _parse_header_date(text: str) -> date | None:
    """A header date in words or digits, day first ("21 January 2020", "21/01/2020")."""
    import dateparser

    if not re.search(r"\d", text):
        return None
    parsed = dateparser.parse(text, languages=["en"], settings={"DATE_ORDER": "DMY", "STRICT_PARSING": True,
                                                                "PREFER_DAY_OF_MONTH": "first"})
    return parsed.date() if parsed else None


def parse_jsonl(raw: str, path: str, first_line: int = 1) -> Iterator[Document | ReadError]:
    """One report per line; a bad line is a `ReadError` naming `path:line` (`raw` may be a slice of a
    file that starts at line `first_line`)."""
    for n, line in enumerate(raw.splitlines(), first_line):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            yield ReadError(where, f"not valid JSON ({e.msg})")
            continue
        if not isinstance(obj, dict):
            yield ReadError(where, "a line must be a JSON object")
            continue
        missing = [k for k in ("doc_id", "published", "text") if not obj.get(k)]
        if missing:
            yield ReadError(where, f"missing field(s): {', '.join(missing)}")
            continue
        if len(str(obj["text"]).encode("utf-8")) > max_report_bytes():
            yield ReadError(where, f"the text is larger than a report can be ({max_report_bytes() / 1048576:g} MB): "
                            "split it, or raise VIGIL_MAX_REPORT_MB")
            continue
        published = _parse_day(str(obj["published"])[:10])
        if published is None:
            yield ReadError(where, f"invalid published date {obj['published']!r}")
            continue
        yield Document(doc_id=str(obj["doc_id"]), published=published, text=str(obj["text"]).strip(),
                       url=obj.get("url"), path=path)


_DATE_META = ("article:published_time", "datepublished", "date", "pubdate", "publishdate",
              "og:published_time", "dc.date", "dcterms.date")


def parse_html(raw: str, doc_id: str, path: str | None = None) -> Document | ReadError:
    """The article's visible text; the date comes from a leading `date` line or the page's metadata."""
    from selectolax.lexbor import LexborHTMLParser  # selectolax 1.x dropped the old Modest parser

    tree = LexborHTMLParser(raw)
    published = _html_date(tree)
    for node in tree.css("script, style, noscript, nav, header, footer, aside, form, template"):
        node.decompose()
    root = tree.css_first("article") or tree.body or tree.root
    if root is None:
        return ReadError(path or doc_id, "no visible text in the page")
    blocks = [n.text(separator=" ").strip() for n in _outermost_blocks(root)]
    blocks = [re.sub(r"\s+", " ", b) for b in blocks if b]
    text = "\n\n".join(blocks) if blocks else re.sub(r"[ \t]+", " ", root.text(separator=" ")).strip()
    m = _HEADER.match(text)
    if m:
        published = published or _parse_day(m.group(1))
        text = text[m.end():]
    if published is None:
        return ReadError(path or doc_id, "no publication date (no 'date YYYY-MM-DD' line or date meta tag)")
    if not text.strip():
        return ReadError(path or doc_id, "no visible text in the page")
    canonical = tree.css_first('link[rel="canonical"]')
    url = canonical.attributes.get("href") if canonical else None
    return Document(doc_id=doc_id, published=published, text=text.strip(), url=url, path=path)


_BLOCK_TAGS = ("h1", "h2", "h3", "p", "li", "blockquote")


def _outermost_blocks(root) -> list:
    """Text blocks not inside another block, so a `<p>` in a `<li>` is not read twice."""
    out = []
    for node in root.css(", ".join(_BLOCK_TAGS)):
        parent = node.parent
        while parent is not None and parent.tag not in _BLOCK_TAGS:
            parent = parent.parent
        if parent is None:
            out.append(node)
    return out


def _html_date(tree) -> date | None:
    for meta in tree.css("meta"):
        attrs = meta.attributes
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
        if key in _DATE_META and attrs.get("content"):
            d = _parse_day(attrs["content"][:10])
            if d:
                return d
    for t in tree.css("time[datetime]"):
        d = _parse_day((t.attributes.get("datetime") or "")[:10])
        if d:
            return d
    return None


def _parse_day(s: str) -> date | None:
    try:
        return date.fromisoformat(s)
    except ValueError:
        return None
