"""The FastAPI application: API routes, the dashboard page and offline API docs."""
from __future__ import annotations

import os
from contextlib import asynccontextmanager
from importlib.resources import files
from pathlib import Path
from typing import Any, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from vigil.store import Store, open_store
from vigil.web import tiles
from vigil.store.version import VersionReader
from vigil.web.api import BodyTooLarge, direct_read, router
from vigil.web.kept import Answers, KeptAnswers
from vigil.web import gzipped

STATIC = Path(str(files("vigil") / "web" / "static"))
MAX_BODY = 5 * 1024 * 1024  # bytes; a JSON Lines batch of a few thousand reports


def create_app(db: str | None = None, *, store: Store | None = None, max_body: int = MAX_BODY) -> FastAPI:
    """The web app over the database `db` (URL or SQLite file; default $VIGIL_DB or ./vigil.db),
    or over an already open `store` (which the caller then closes)."""
    own = store is None

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        _warm(app.state.store)
        yield
        app.state.versions.close()
        if own:
            app.state.store.close()

    app = FastAPI(title="Vigil", version=_version(), lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Fused conflict incidents with their sources and evidence, ceasefires and their "
                              "possible violations. Reads are open; writes need `Authorization: Bearer TOKEN` "
                              "(`vigil token create NAME`).")
    app.state.store = open_store(db) if own else store
    app.state.max_body = max_body
    app.state.answers = Answers()
    app.state.versions = VersionReader(app.state.store)
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(gzipped.GzippedStatic, directory=STATIC)
    app.add_middleware(KeptAnswers, answers=app.state.answers, store=app.state.store, versions=app.state.versions,
                       direct=direct_read)

    @app.exception_handler(BodyTooLarge)
    async def too_large(_request: Request, exc: BodyTooLarge) -> JSONResponse:
        return JSONResponse({"detail": f"request body over {exc.limit} bytes"}, status_code=413)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's shape, plus one readable line naming the field(s)
        errors = [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in exc.errors()]
        message = "; ".join(f"{'.'.join(str(p) for p in e['loc'] if p not in ('body', 'query', 'path'))}: "
                            f"{e['msg']}" for e in errors)
        return JSONResponse({"detail": errors, "message": message}, status_code=422)

    @app.get("/", include_in_schema=False)
    def dashboard() -> FileResponse:
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})

    @app.get("/tiles/info.json", include_in_schema=False)
    def tiles_info() -> dict:
        return tiles.info()

    @app.get("/tiles/{z}/{x}/{y}.png", include_in_schema=False)
    def tile(z: int, x: int, y: int) -> Response:
        data = tiles.tile(z, x, y)
        if data is None:
            return Response(status_code=404)
        return Response(data, media_type="image/png", headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="Vigil API",
                                   swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
                                   swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
                                   swagger_favicon_url="/static/vendor/swagger-ui/favicon-32x32.png")

    return app


THREADS = 8  # requests served at once: more only adds GIL switching and database connections


def _warm(store: Store) -> None:
    """Build once, before the first request, what requests would otherwise all build at the same time:
    the name tables behind the country and perpetrator filters, the store's browsing snapshot, the
    basemap's description, the boundaries that ceasefire areas are drawn from, the gzipped assets."""
    from anyio import to_thread

    from vigil.store import BrowseFilter, check_browse, count_incidents
    from vigil.web import areas

    to_thread.current_default_thread_limiter().total_tokens = THREADS

    try:
        check_browse(store, BrowseFilter(country="Syria", perpetrator="Russia"))
    except ValueError:
        pass
    count_incidents(store, BrowseFilter())
    tiles.info()
    areas.warm()
    gzipped.warm(STATIC)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("vigil")
    except PackageNotFoundError:
        return "0"


def serve(db: str | None = None, host: str = "127.0.0.1", port: int = 8000,
          on_ready: Callable[[str], Any] | None = None, workers: int = 1) -> None:
    """Run the app with uvicorn until interrupted; `on_ready(url)` is called once it listens.
    With `workers` > 1, that many processes share the port (each opens the database itself)."""
    import uvicorn

    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    if workers > 1:
        from vigil.store import database_url

        os.environ["VIGIL_DB"] = database_url(db)  # read by create_app() in each worker process
        if on_ready:
            on_ready(f"http://{shown}:{port}/")
        uvicorn.run("vigil.web.app:create_app", factory=True, host=host, port=port, workers=workers,
                    log_level="warning")
        return
    server = uvicorn.Server(uvicorn.Config(create_app(db), host=host, port=port, log_level="warning"))
    if on_ready:
        original = server.startup

        async def startup(sockets=None) -> None:
            await original(sockets=sockets)
            if server.started:
                bound = server.servers[0].sockets[0].getsockname()[1] if port == 0 else port
                on_ready(f"http://{shown}:{bound}/")

        server.startup = startup
    server.run()
