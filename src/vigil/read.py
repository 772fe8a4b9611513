"""Read stage: files and folders in, `Document`s out.

Supported inputs: `.txt` in the seed form (`date YYYY-MM-DD` then the body),
`.jsonl` (fields `doc_id`, `published`, `text`, optional `url`), `.html`
(the visible article text, date from the page's metadata), and folders of
these, searched recursively. A file that cannot be used yields a `ReadError`
naming the file and the reason, and reading goes on with the next one.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterable, Iterator

from vigil.model import Document

SUPPORTED = (".txt", ".jsonl", ".html", ".htm")
_HEADER = re.compile(r"\A\s*date\s+(\d{4}-\d{2}-\d{2})\b[ \t]*\r?\n?\s*", re.IGNORECASE)


@dataclass(frozen=True)
class ReadError:
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def read_paths(paths: Iterable[str | Path]) -> Iterator[Document | ReadError]:
    """Every report under `paths`, in a stable order; failures are yielded, not raised."""
    for path in paths:
        p = Path(path)
        if p.is_dir():
            files = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED)
            for f in files:
                yield from read_file(f)
        elif p.exists():
            yield from read_file(p)
        else:
            yield ReadError(str(p), "no such file or directory")


def read_file(path: Path) -> Iterator[Document | ReadError]:
    """The report(s) in one file, or one `ReadError` saying why the file cannot be used."""
    suffix = path.suffix.lower()
    try:
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
    if suffix == ".jsonl":
        yield from parse_jsonl(raw, str(path))
    elif suffix in (".html", ".htm"):
        yield parse_html(raw, path.stem, str(path))
    else:
        yield parse_txt(raw, path.stem, str(path))


_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class _Undecodable:
    reason: str


def _decode(data: bytes, html: bool) -> str | _Undecodable:
    """UTF-8 text (a byte-order mark is dropped); an HTML page may declare another charset.

    Plain text in an unknown encoding is refused rather than guessed: a wrong guess would
    silently garble place names, which is worse than a named failure.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        utf8_error = _Undecodable(f"not UTF-8 text ({e.reason} at byte {e.start})")
    if html:
        declared = _CHARSET.search(data[:4096])
        if declared:
            try:
                return data.decode(declared.group(1).decode("ascii"))
            except (LookupError, UnicodeDecodeError):
                return _Undecodable(f"not valid {declared.group(1).decode('ascii')} text as the page declares")
    return utf8_error


def parse_txt(raw: str, doc_id: str, path: str | None = None) -> Document | ReadError:
    m = _HEADER.match(raw)
    if not m:
        return ReadError(path or doc_id, "no 'date YYYY-MM-DD' header at the start")
    published = _parse_day(m.group(1))
    if published is None:
        return ReadError(path or doc_id, f"invalid date {m.group(1)!r} in header")
    body = raw[m.end():].rstrip()
    if not body.strip():
        return ReadError(path or doc_id, "empty body after the date header")
    return Document(doc_id=doc_id, published=published, text=body, path=path)


def parse_jsonl(raw: str, path: str) -> Iterator[Document | ReadError]:
    for n, line in enumerate(raw.splitlines(), 1):
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
