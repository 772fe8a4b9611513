"""Partitioned runs on Dask workers that read their own input and write their own output.

The client lists the inputs (files, folders, JSON Lines files cut into byte ranges of whole lines)
without reading the reports, and cuts the list into partitions of hundreds of reports. Each
partition is one task: the worker reads its files or its byte range, runs `pipeline.process` on
every report and writes the results as one JSON Lines file (`part-NNNNNN.jsonl`, written under a
temporary name and renamed, so a worker killed mid-task never leaves a partial file behind). Only
the partition's description and a short summary (counts and messages) cross the scheduler: no
document and no result is pickled. The client waits, idle, and then takes the partition files in
input order, so the output is the serial engine's, line for line.

This needs the workers to see the client's files and a shared output folder: always true of a
local cluster; on several machines, only with a shared file system.
"""
from __future__ import annotations

import codecs
import json
import os
import re
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from vigil.model import Document

# partition sizes: large, so that the per-task cost of Dask is paid rarely; shrinking toward the end
# of a run (a share of what is left), so that the workers finish together
MAX_PARTITION = 500
MIN_PARTITION = 8

# bytes after which `str.splitlines` (what the serial reader uses) would start a new line, beyond "\n"
_OTHER_BREAKS = re.compile(rb"[\x0b\x0c\x1c-\x1e]|\xc2\x85|\xe2\x80[\xa8\xa9]|\r(?!\n)")


@dataclass(frozen=True)
class Source:
    """One input of a partition: a whole file, or lines `first_line`.. of a JSON Lines file (the
    bytes `start` to `end`, `reports` lines)."""

    path: str
    urls: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    start: int = 0
    end: int = -1
    first_line: int = 1
    reports: int = 1


@dataclass(frozen=True)
class Message:
    """A line for stderr, in input order: a file skipped or not readable, a note, a failed report."""

    text: str
    failure: bool  # a report (or file) that is lost, as opposed to a note
    count: int = 1  # reports (or files) lost, for a failure


@dataclass(frozen=True)
class PartDone:
    """What a worker sends back for a partition: where its output is and what to tell the user."""

    path: str
    written: int
    messages: tuple[Message, ...]


def _jsonl_ranges(path: Path, urls: dict[str, str], lines_per_range: int) -> list[Source] | None:
    """A UTF-8 JSON Lines file cut into ranges of `lines_per_range` lines, or None when the file must
    be read whole to be read as the serial engine reads it (another encoding, line breaks other than
    "\\n" and "\\r\\n", empty)."""
    try:
        size = path.stat().st_size
    except OSError:
        return None
    if size == 0:
        return None
    decoder = codecs.getincrementaldecoder("utf-8")()
    ends: list[int] = []  # byte offset just after each "\n"
    blank = True
    with open(path, "rb") as f:
        head = f.read(3)
        start = 3 if head == codecs.BOM_UTF8 else 0
        f.seek(0)
        offset, tail = 0, b""
        while chunk := f.read(1 << 24):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                return None
            if _OTHER_BREAKS.search(tail + chunk):
                return None
            if blank and chunk.strip():
                blank = False
            pos = chunk.find(b"\n")
            while pos >= 0:
                ends.append(offset + pos + 1)
                pos = chunk.find(b"\n", pos + 1)
            offset += len(chunk)
            tail = chunk[-2:]
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    if blank or (start and size <= 3):
        return None
    if not ends or ends[-1] != size:
        ends.append(size)
    out, line = [], 1
    for i in range(0, len(ends), lines_per_range):
        chunk_ends = ends[i:i + lines_per_range]
        out.append(Source(str(path), urls, start, chunk_ends[-1], line, len(chunk_ends)))
        start, line = chunk_ends[-1], line + len(chunk_ends)
    return out


def list_sources(paths: Iterable[str | Path], lines_per_range: int = MIN_PARTITION) -> Iterator[Source | Message]:
    """The inputs under `paths` in `read_paths`'s order, not read: a `Source` per file (per range of
    `lines_per_range` lines for JSON Lines) and a `Message` per path skipped or missing."""
    from vigil.read import ReadError, list_inputs

    for listed in list_inputs(paths):
        if isinstance(listed, ReadError):
            yield _message(listed)
            continue
        f, urls = listed
        ranges = _jsonl_ranges(f, urls, lines_per_range) if f.suffix.lower() == ".jsonl" else None
        if ranges is None:
            yield Source(str(f), urls)
        else:
            yield from ranges


def _message(item) -> Message:  # noqa: ANN001 - a vigil.read.ReadError
    from vigil.read import ReadNote

    if isinstance(item, ReadNote):
        return Message(f"vigil: {'' if item.skipped else 'note: '}{item}", False)
    return Message(f"vigil: {item}", True)


def partitions(sources: list[Source], n_workers: int, largest: int = MAX_PARTITION,
               smallest: int = MIN_PARTITION) -> list[list[Source]]:
    """`sources` cut into partitions of about a half-worker's share of the reports still left
    (guided scheduling): at most `largest` reports, at least `smallest`, so that tasks are few and
    large while the last ones are small enough for the workers to finish together."""
    left = sum(s.reports for s in sources)
    out: list[list[Source]] = []
    part: list[Source] = []
    size = 0
    want = 0
    for s in sources:
        if not part:
            want = max(smallest, min(largest, -(-left // (2 * max(1, n_workers)))))
        part.append(s)
        size += s.reports
        if size >= want:
            out.append(part)
            left -= size
            part, size = [], 0
    if part:
        out.append(part)
    return out


def read_source(source: Source) -> Iterator[Document | object]:
    """The documents (and `vigil.read.ReadError`s) of one source, as `read_paths` reads them."""
    from vigil.read import document_notes, parse_jsonl, read_file, with_urls

    path = Path(source.path)
    if source.end < 0:
        yield from with_urls(read_file(path), path.name, source.urls)
        return
    with open(path, "rb") as f:
        f.seek(source.start)
        raw = f.read(source.end - source.start).decode("utf-8")

    def items() -> Iterator:
        for item in parse_jsonl(raw, str(path), source.first_line):
            yield item
            if isinstance(item, Document):
                yield from document_notes(item, f"{path}:{item.doc_id}")

    yield from with_urls(items(), path.name, source.urls)


def ingest_record(doc: Document, report: dict) -> dict:
    """A report dict as `vigil ingest` stores it: the extraction plus the text and where it came from."""
    report["text"] = doc.text
    report["source_path"] = doc.path or doc.doc_id
    if doc.url and not report.get("url"):
        report["url"] = doc.url
    return report


def run_partition(sources: list[Source], out_path: str, for_ingest: bool) -> PartDone:
    """One task, on a worker: read the sources, process every report, write one JSON line per report
    (with its text for ingest) to `out_path`; return what to tell the user."""
    from vigil.engine import Failed, _process_one
    from vigil.read import ReadError

    messages: list[Message] = []
    written = 0
    tmp = f"{out_path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as out:
        for source in sources:
            for item in read_source(source):
                if isinstance(item, ReadError):
                    messages.append(_message(item))
                    continue
                result = _process_one(item)
                if isinstance(result, Failed):
                    messages.append(Message(f"vigil: {item.path or item.doc_id}: extraction failed "
                                            f"({result.error})", True))
                    continue
                if for_ingest:
                    result = ingest_record(item, result)
                out.write(json.dumps(result, ensure_ascii=False))
                out.write("\n")
                written += 1
    os.replace(tmp, out_path)
    return PartDone(out_path, written, tuple(messages))


def run_on_partitions(client, paths: Iterable[str | Path], *, for_ingest: bool = False,
                      window: int | None = None, workdir: str | None = None) -> Iterator[str | Message]:
    """Read, process and write `paths` partition by partition on the client's workers; yields, in
    input order, each report's JSON line (no newline; with its text for ingest) and each `Message`.
    At most `window` partitions (default 2 per worker + 1) are in flight or waiting to be read, and
    each partition file is deleted once read. A partition that fails on every retry is a failure
    `Message` per file in it."""
    n_workers = max(1, len(client.nthreads()))
    listed = list(list_sources(paths))
    sources = [s for s in listed if isinstance(s, Source)]
    parts = iter(enumerate(partitions(sources, n_workers)))
    window = window or 2 * n_workers + 1
    with tempfile.TemporaryDirectory(prefix="vigil-parts-", dir=workdir) as tmp:
        inflight: deque = deque()

        def submit_next() -> bool:
            nxt = next(parts, None)
            if nxt is None:
                return False
            k, part = nxt
            out = str(Path(tmp) / f"part-{k:06d}.jsonl")
            inflight.append((part, client.submit(run_partition, part, out, for_ingest, pure=False,
                                                 key=f"vigil-part-{k}-{os.path.basename(tmp)}")))
            return True

        # skipped or missing paths first: the serial engine names them while reading, before extracting
        yield from (m for m in listed if isinstance(m, Message))
        while len(inflight) < window and submit_next():
            pass
        while inflight:
            part, future = inflight.popleft()
            try:
                done: PartDone = future.result()
            except Exception as e:  # lost on every retry (e.g. workers killed by memory)
                done = None
                lost: dict[str, int] = {}
                for s in part:
                    lost[s.path] = lost.get(s.path, 0) + s.reports
                for path, n in lost.items():
                    yield Message(f"vigil: {path}: {n} report(s) lost on the Dask cluster "
                                  f"({type(e).__name__}: {e})", True, n)
            finally:
                future.release()
            submit_next()
            if done is None:
                continue
            yield from done.messages
            with open(done.path, encoding="utf-8") as f:
                for line in f:
                    yield line.rstrip("\n")
            os.unlink(done.path)
