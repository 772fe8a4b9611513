"""The dashboard's text assets (scripts, styles, boundaries) sent gzipped to browsers that take it:
compressed once per file version and kept in memory, so a page load costs no compression and moves
about a quarter of the bytes (Leaflet, uPlot and the country outlines are most of them)."""
from __future__ import annotations

import gzip
import hashlib
import threading
from pathlib import Path
from typing import Any, Awaitable, Callable

TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".geojson": "application/geo+json", ".json": "application/json", ".html": "text/html; charset=utf-8",
         ".svg": "image/svg+xml", ".map": "application/json", ".txt": "text/plain; charset=utf-8"}
MIN_SIZE = 1024  # bytes: below this gzip saves nothing worth a header
_KEPT: dict[Path, tuple[int, int, bytes, str]] = {}  # file -> (mtime_ns, size, gzipped, ETag), for the process
_LOCK = threading.Lock()

Scope = dict[str, Any]
ASGIApp = Callable[[Scope, Callable, Callable], Awaitable[None]]


class GzippedStatic:
    """ASGI middleware in front of the app: a GET of `prefix` + a text file under `directory`, from a
    client that accepts gzip, is answered from memory (ETag, revalidated on each load); everything
    else (other paths, images, clients without gzip, missing files) goes on to the app."""

    def __init__(self, app: ASGIApp, directory: Path, prefix: str = "/static/"):
        self.app, self.directory, self.prefix = app, directory.resolve(), prefix

    async def __call__(self, scope: Scope, receive: Callable, send: Callable) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not path.startswith(self.prefix) or scope.get("method") not in ("GET", "HEAD"):
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        if b"gzip" not in headers.get(b"accept-encoding", b""):
            return await self.app(scope, receive, send)
        kept = gzipped(self.directory, path[len(self.prefix):], compress=False)
        if kept is False:  # not compressed yet (the API docs' scripts): in a thread, not on the event loop
            from anyio import to_thread

            kept = await to_thread.run_sync(gzipped, self.directory, path[len(self.prefix):])
        if kept is None:
            return await self.app(scope, receive, send)
        body, etag, media_type = kept
        common = [(b"etag", etag.encode()), (b"cache-control", b"no-cache"), (b"vary", b"Accept-Encoding")]
        if etag in headers.get(b"if-none-match", b"").decode("latin-1"):
            await send({"type": "http.response.start", "status": 304, "headers": common})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-type", media_type.encode()), (b"content-encoding", b"gzip"),
            (b"content-length", str(len(body)).encode()), *common]})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})


def gzipped(directory: Path, relative: str, compress: bool = True) -> tuple[bytes, str, str] | None | bool:
    """(gzipped bytes, ETag, media type) of the text file `relative` inside `directory`; None for a
    file that is not served gzipped (missing, outside, an image, tiny); with `compress=False`, False
    for one not compressed yet."""
    file = (directory / relative).resolve()
    media_type = TYPES.get(file.suffix)
    if media_type is None or not file.is_relative_to(directory):
        return None
    try:
        stat = file.stat()
    except OSError:
        return None
    if stat.st_size < MIN_SIZE or not file.is_file():
        return None
    kept = _KEPT.get(file)
    if kept is None or kept[:2] != (stat.st_mtime_ns, stat.st_size):
        if not compress:
            return False
        data = file.read_bytes()
        kept = (stat.st_mtime_ns, stat.st_size, gzip.compress(data, compresslevel=6, mtime=0),
                f'"gz-{hashlib.sha1(data).hexdigest()[:16]}"')
        with _LOCK:
            _KEPT[file] = kept
    return kept[2], kept[3], media_type


def warm(directory: Path, skip: tuple[str, ...] = ("vendor/swagger-ui",)) -> None:
    """Compress the text files under `directory` now (the dashboard's: about 0.05 s), so the first
    page load does not wait for it; `skip`: folders left to their first request (the API docs)."""
    directory = directory.resolve()
    for file in sorted(directory.rglob("*")):
        relative = file.relative_to(directory).as_posix()
        if file.suffix in TYPES and not relative.startswith(skip):
            gzipped(directory, relative)
