"""Read answers kept in memory per URL while the store's data version stays the same (any write to
the incidents, violations or ceasefires, by any process, moves it; checking costs one tiny query on
a connection kept for it, `vigil.store.version`).
A kept answer is sent by `KeptAnswers` before the request reaches FastAPI: no routing, parameter
validation or worker thread, about a tenth of the cost of building it again from the snapshot."""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Optional

from vigil import store as st

Scope = dict[str, Any]
ASGIApp = Callable[[Scope, Callable, Callable], Awaitable[None]]
_HEADERS = [(b"content-type", b"application/json")]


def url_key(scope: Scope) -> str:
    """The key an answer is kept under: the path and the query string as sent."""
    return f"{scope['path']}?{scope.get('query_string', b'').decode('latin-1')}"


class Answers:
    """JSON bodies by URL, each with the data version it was built at; least recently used dropped."""

    def __init__(self, entries: int = 512, max_bytes: int = 2_000_000):
        self.entries, self.max_bytes = entries, max_bytes
        self._kept: OrderedDict[str, tuple[int, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, version: int | None = None) -> bytes | None:
        """The body kept for `key` (built at `version`, when given)."""
        with self._lock:
            kept = self._kept.get(key)
            if kept is None or (version is not None and kept[0] != version):
                return None
            self._kept.move_to_end(key)
            return kept[1]

    def put(self, key: str, version: int, body: bytes) -> None:
        if len(body) > self.max_bytes:
            return
        with self._lock:
            self._kept[key] = (version, body)
            self._kept.move_to_end(key)
            while len(self._kept) > self.entries:
                self._kept.popitem(last=False)


VERSION_KEY = "vigil.data_version"  # where the middleware leaves the version it read, in the request's scope


def version_of(request_scope: Scope, store: st.Store) -> int:
    """The data version for this request: the one the middleware read for it, else read now (on the
    app's own version connections when it has them, see `vigil.store.version`)."""
    known = request_scope.get(VERSION_KEY)
    if known is not None:
        return known
    app = request_scope.get("app")
    reader = getattr(getattr(app, "state", None), "versions", None)
    if reader is not None:
        return reader()
    with store.reader.connect() as conn:
        return st.data_version(conn)


Direct = Callable[[Scope], Awaitable[Optional[Callable[[Scope, Callable, Callable], Awaitable[None]]]]]


class KeptAnswers:
    """ASGI middleware for GETs under /api/: reads the data version once for the request; a URL with
    an answer kept at that version gets it at once; a plain read of a hot route (the list, a detail,
    the stats, the map points; `direct`) is answered by its route function called here, without
    FastAPI's routing, dependency solving and worker-thread hop (about a third of the server's CPU
    per request under load); anything else, and any request the direct call refuses (a 404, a 422),
    goes on to the app, which answers it as always."""

    def __init__(self, app: ASGIApp, answers: Answers, store: st.Store, versions: Callable[[], int] | None = None,
                 direct: Direct | None = None, prefix: str = "/api/"):
        self.app, self.answers, self.store, self.prefix = app, answers, store, prefix
        self.versions, self.direct = versions, direct

    async def __call__(self, scope: Scope, receive: Callable, send: Callable) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"].startswith(self.prefix):
            version = self.versions() if self.versions is not None else version_of(scope, self.store)
            scope[VERSION_KEY] = version
            body = self.answers.get(url_key(scope), version)
            if body is not None:
                await send({"type": "http.response.start", "status": 200,
                            "headers": [*_HEADERS, (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
                return
            response = await self.direct(scope) if self.direct is not None else None
            if response is not None:
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
