"""The analyst web app: a REST API over the incident store and an offline dashboard.

`create_app(db)` builds the FastAPI application (`vigil serve` runs it with
uvicorn). Everything the page needs (scripts, styles, boundaries, the API
docs) ships in `vigil/web/static`, so it works with no network. The web layer
reads and writes only through `vigil.store` functions.
"""
from vigil.web.app import create_app, serve

__all__ = ["create_app", "serve"]
