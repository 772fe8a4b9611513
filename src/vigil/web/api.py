"""REST routes under /api: the CLI's queries as URLs, plus token-guarded writes."""
from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
from datetime import date
from typing import Annotated, Any, Callable, Literal, Optional
from urllib.parse import urlencode

import orjson
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field, ValidationError

from vigil import store as st
from vigil.web.kept import url_key, version_of

router = APIRouter(prefix="/api")

MAX_PAGE = 1000
MAX_EXPORT = 200_000


class BodyTooLarge(Exception):
    def __init__(self, limit: int):
        self.limit = limit


def _store(request: Request) -> st.Store:
    return request.app.state.store


def _unprocessable(field: str, msg: str, where: str = "query") -> HTTPException:
    return HTTPException(422, detail=[{"loc": [where, field], "msg": msg, "type": "value_error"}])


def _near(value: Optional[str]) -> tuple[float, float, float] | None:
    if not value:
        return None
    try:
        lat, lon, km = (float(x) for x in value.split(","))
    except ValueError:
        raise _unprocessable("near", "use LAT,LON,KM, e.g. 36.15,36.89,10")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and km > 0):
        raise _unprocessable("near", "latitude -90..90, longitude -180..180, radius > 0 km")
    return lat, lon, km


class Filters(BaseModel):
    """The CLI's filters as query parameters (shared by the list, the map points and the stats);
    one model, validated in one pass (FastAPI's per-parameter handling cost ~0.3 ms a request)."""

    since: Optional[date] = Field(None, description="First day (YYYY-MM-DD).")
    until: Optional[date] = Field(None, description="Last day (YYYY-MM-DD).")
    country: Optional[str] = Field(None, description="Country (name or ISO code).")
    admin1: Optional[str] = Field(None, description="Province/governorate, any common spelling.")
    perpetrator: Optional[str] = Field(None, description="An actor, any common name (\"Russia\", \"SAA\").")
    type: Optional[str] = Field(None, description="airstrike, drone_strike, shelling, bombing, ...")
    grade: Optional[str] = Field(None, description="confirmed, fair, weak or contested.")
    near: Optional[str] = Field(None, description="LAT,LON,KM: within KM of a point.")
    q: Optional[str] = Field(None, max_length=200, description="Words that must all occur in the incident's record "
                                                               "(evidence sentences, places, actors, outlets).")

    def browse(self) -> st.BrowseFilter:
        if self.since and self.until and self.since > self.until:
            raise _unprocessable("until", "until is before since")
        return st.BrowseFilter(since=self.since, until=self.until, country=self.country or None,
                               admin1=self.admin1 or None, perpetrator=self.perpetrator or None,
                               type=self.type or None, grade=self.grade or None, near=_near(self.near),
                               text=(self.q or "").strip() or None)


class ListQuery(Filters):
    """The filters plus the list's order, page and format."""

    sort: Literal["date", "-date", "killed", "-killed"] = Field("date", description="Field, '-' for descending.")
    limit: Optional[int] = Field(None, ge=1, le=MAX_EXPORT,
                                 description=f"Page size: default 100 and at most {MAX_PAGE} for JSON; "
                                             "CSV and GeoJSON default to the whole selection.")
    offset: int = Field(0, ge=0)
    cursor: Optional[str] = Field(None, max_length=400,
                                  description="Continue after the page that answered with this `next_cursor` "
                                              "(stable while rows are added; use instead of offset).")
    format: Literal["json", "csv", "geojson"] = "json"


def incident_filter(p: Annotated[Filters, Query()]) -> st.BrowseFilter:
    """The filters of a request to the map points or the stats."""
    return p.browse()


def _dumps(obj: Any) -> bytes:
    """Compact UTF-8 JSON; orjson is ~10x faster than the standard encoder on the 100-row pages and
    3,000-day stats (FastAPI's generic encoder costs ~1 ms per incident)."""
    try:
        return orjson.dumps(obj)
    except TypeError:  # e.g. an integer past 64 bits: the standard encoder takes anything
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()


def _json(obj: Any, status: int = 200) -> Response:
    return Response(_dumps(obj), status_code=status, media_type="application/json")


def _answer(request: Request, build: Callable[[], Any]) -> Response:
    """The answer kept for this URL at the current data version, or `build()`'s (an object, or JSON
    bytes), kept for the next request (`vigil.web.kept`; kept answers are mostly sent before routing)."""
    from vigil.store.snapshot import known_version

    answers = request.app.state.answers
    store = _store(request)
    version = version_of(request.scope, store)
    key = url_key(request.scope)
    body = answers.get(key, version)
    if body is None:
        with known_version(store, version):  # the snapshot need not read it again
            answer = build()
        body = answer if isinstance(answer, bytes) else _dumps(answer)
        answers.put(key, version, body)
    return Response(body, media_type="application/json")


def _checked(fn, *args, **kw):
    """Run a store query; a filter value the store rejects is the client's error (422)."""
    try:
        return fn(*args, **kw)
    except ValueError as e:
        raise HTTPException(422, detail=str(e))


@router.get("/incidents", summary="Fused incidents: filter, sort, page (offset or cursor); JSON, CSV or GeoJSON")
def list_incidents(request: Request, p: Annotated[ListQuery, Query()]) -> Response:
    f = p.browse()
    sort, limit, offset, cursor, format = p.sort, p.limit, p.offset, p.cursor, p.format
    store = _store(request)
    if format == "json":
        if limit is not None and limit > MAX_PAGE:
            raise _unprocessable("limit", f"at most {MAX_PAGE} per page for JSON; use offset to page on")
        limit = limit or 100
    f.sort, f.limit, f.offset = sort, limit, offset
    if cursor is not None:
        if offset:
            raise _unprocessable("offset", "give either a cursor or an offset, not both")
        f.after = _decode_cursor(cursor, sort)
    f = _checked(st.check_browse, store, f)
    if format == "csv":
        from vigil.export import write_csv

        buf = io.StringIO()
        write_csv(_checked(st.page_incidents, store, f), buf)
        return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="incidents.csv"'})
    if format == "geojson":
        from vigil.export import point

        features = [{"type": "Feature", "id": r["id"], "geometry": point(r), "properties": r}
                    for r in _checked(st.page_incidents, store, f)]
        return Response(_dumps({"type": "FeatureCollection", "features": features}),
                        media_type="application/geo+json",
                        headers={"Content-Disposition": 'attachment; filename="incidents.geojson"'})

    def build() -> bytes:
        page = _checked(st.browse_page, store, f, raw=True)
        after = _encode_cursor(sort, page.last) if page.more and page.last else None
        if cursor is not None:
            links = {"next": _page_url(request, cursor=after) if after else None, "prev": None}
        else:
            links = {"next": _page_url(request, offset=offset + limit) if offset + limit < page.total else None,
                     "prev": _page_url(request, offset=max(0, offset - limit)) if offset > 0 else None}
        head = _dumps({"total": page.total, "offset": offset, "limit": limit, **links, "cursor": cursor,
                       "next_cursor": after})
        return b"".join((head[:-1], b',"items":[', ",".join(page.items).encode(), b"]}"))

    return _answer(request, build)


def _encode_cursor(sort: str, last: tuple[bool, Any, str]) -> str:
    raw = json.dumps([sort, *last], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str, sort: str) -> tuple[bool, Any, str]:
    """The sort position a cursor made by `_encode_cursor` names; 422 naming `cursor` otherwise."""
    try:
        made_for, present, value, last_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not (isinstance(present, bool) and isinstance(last_id, str)):
            raise ValueError
        if present and sort.lstrip("-") == "date":
            date.fromisoformat(value)
        elif present and not (isinstance(value, int) and not isinstance(value, bool)):
            raise ValueError
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise _unprocessable("cursor", "not a cursor this API made; use the next_cursor of a previous page")
    if made_for != sort:
        raise _unprocessable("cursor", f"this cursor pages sort={made_for}, not sort={sort}")
    return present, value if present else None, last_id


def _page_url(request: Request, **change: Any) -> str:
    params = {k: v for k, v in request.query_params.items() if k not in ("offset", "cursor")}
    params.update({k: str(v) for k, v in change.items()})
    return f"{request.url.path}?{urlencode(params)}"


@router.get("/points", summary="Every matching incident as [id, lat, lon, killed_best, perpetrator, date] (the map)")
def points(request: Request, f: st.BrowseFilter = Depends(incident_filter)) -> Response:
    """Compact rows for the map, which draws the whole selection at once; incidents without
    coordinates are counted, and the first of them listed, for the side of the map."""
    return _answer(request, lambda: _checked(st.incident_points, _store(request), f))


@router.get("/incidents/{incident_id}", summary="One incident with every source, its evidence spans, "
                                                "corrections and the ceasefires it may violate")
def incident(request: Request, incident_id: str) -> Response:
    store = _store(request)

    def build() -> dict[str, Any]:
        try:
            record = st.get_incident(store, incident_id)
        except st.UnknownIncident:
            raise HTTPException(404, detail=f"no incident {incident_id!r}")
        cfs = {c["id"]: c for c in st.query_ceasefires(store)} if record.get("violations") else {}
        record["ceasefires"] = [_ceasefire_brief(cfs[c]) for c in record.get("violations") or [] if c in cfs]
        return record

    return _answer(request, build)


def _ceasefire_brief(cf: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "declared_by", "area", "announced_on", "effective_from", "effective_until")
    return {k: cf.get(k) for k in keys}


@router.get("/reports/{doc_id}", summary="A stored report: its text, so evidence can be read in context")
def report(request: Request, doc_id: str) -> Response:
    try:
        return _json(st.get_report(_store(request), doc_id))
    except st.UnknownReport:
        raise HTTPException(404, detail=f"no report {doc_id!r}")


@router.get("/ceasefires", summary="Merged ceasefires with violation counts and casualties")
def ceasefire_list(request: Request) -> Response:
    return _answer(request, lambda: st.query_ceasefires(_store(request)))


def _ceasefire(store: st.Store, ceasefire_id: str) -> dict[str, Any]:
    try:
        return st.get_ceasefire(store, ceasefire_id)
    except LookupError:
        raise HTTPException(404, detail=f"no ceasefire {ceasefire_id!r}")


@router.get("/ceasefires/areas", summary="Every ceasefire's area as GeoJSON outlines, each feature naming its "
                                         "ceasefire (`properties.ceasefire`): the map's layer in one request")
def ceasefire_areas(request: Request) -> Response:
    from vigil.web.areas import area_outline

    def build() -> dict[str, Any]:
        features = []
        for cf in st.query_ceasefires(_store(request)):
            for feature in area_outline(cf.get("area"))["features"]:
                features.append({**feature, "properties": {**feature["properties"], "ceasefire": cf["id"]}})
        return {"type": "FeatureCollection", "features": features}

    return _answer(request, build)


@router.get("/ceasefires/{ceasefire_id}", summary="One ceasefire with its possible violations")
def ceasefire(request: Request, ceasefire_id: str) -> Response:
    store = _store(request)
    cf = _ceasefire(store, ceasefire_id)
    return _json({**cf, "violation_list": st.query_violations(store, cf["id"])})


@router.get("/ceasefires/{ceasefire_id}/area", summary="The ceasefire's area as GeoJSON outlines (may be empty)")
def ceasefire_area(request: Request, ceasefire_id: str) -> dict[str, Any]:
    from vigil.web.areas import area_outline

    cf = _ceasefire(_store(request), ceasefire_id)
    return {**area_outline(cf.get("area")), "properties": {"id": cf["id"], "area": cf.get("area")}}


@router.get("/stats", summary="Killed (low/best/high) and incident counts by day, admin1, perpetrator and type")
def stats(request: Request, f: st.BrowseFilter = Depends(incident_filter)) -> Response:
    return _answer(request, lambda: _checked(st.incident_stats, _store(request), f))


# ---- the hot reads, called without FastAPI's routing -------------------------------------

def _plain_query(scope: dict[str, Any]) -> dict[str, str] | None:
    """The query string as a dict when it is plain (no repeated or empty parameter), else None:
    those the direct path leaves to FastAPI, whose handling of them it need not copy."""
    from urllib.parse import parse_qsl

    try:
        pairs = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True,
                          strict_parsing=False)
    except ValueError:
        return None
    params = dict(pairs)
    if len(params) != len(pairs) or any(v == "" for v in params.values()):
        return None
    return params


def _direct_call(scope: dict[str, Any]) -> Callable[[Request], Response] | None:
    """The route function (with its parameters validated) that FastAPI would call for this GET, for
    the reads the dashboard and API clients repeat most: the incident list as JSON, one incident,
    the stats and the map points. None for anything else."""
    path = scope["path"]
    if path == "/api/incidents":
        params = _plain_query(scope)
        if params is None or params.get("format", "json") != "json":
            return None
        query = ListQuery.model_validate(params)
        return lambda request: list_incidents(request, query)
    if path in ("/api/stats", "/api/points"):
        params = _plain_query(scope)
        if params is None:
            return None
        f = incident_filter(Filters.model_validate(params))
        route = stats if path == "/api/stats" else points
        return lambda request: route(request, f)
    if path.startswith("/api/incidents/"):
        incident_id = path[len("/api/incidents/"):]
        if not incident_id or "/" in incident_id:
            return None
        return lambda request: incident(request, incident_id)
    return None


async def direct_read(scope: dict[str, Any]) -> Response | None:
    """The answer to a hot GET read, built by its route function without FastAPI's routing and
    dependency solving; None when FastAPI should answer instead (another route, a parameter it must
    reject, a 404: it then answers exactly as it would without this path). On SQLite the route runs
    on the event loop (in-memory snapshot and a local file: the hop to a worker thread and back cost
    more CPU than the reads); on a database server, in a worker thread, so the round trips' waits
    overlap other requests' work."""
    try:
        call = _direct_call(scope)
        if call is None:
            return None
        request = Request(scope)
        if _store(request).engine.dialect.name == "sqlite":
            return call(request)
        from anyio import to_thread

        return await to_thread.run_sync(call, request)
    except (HTTPException, ValidationError):
        return None


# ---- writes -------------------------------------------------------------------------------


def token_owner(request: Request) -> str:
    """The name of the token in `Authorization: Bearer ...`; 401 without a valid one."""
    scheme, _, secret = (request.headers.get("authorization") or "").partition(" ")
    name = st.token_owner(_store(request), secret.strip()) if scheme.lower() == "bearer" and secret.strip() else None
    if name is None:
        raise HTTPException(401, detail="a valid bearer token is needed (vigil token create NAME)",
                            headers={"WWW-Authenticate": "Bearer"})
    return name


async def _body(request: Request) -> bytes:
    limit = request.app.state.max_body
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)


class NewReport(BaseModel):
    text: str = Field(min_length=1, description="The report's text.")
    published: date = Field(description="Publication date, YYYY-MM-DD (relative dates are read against it).")
    doc_id: Optional[str] = Field(None, max_length=200, description="Default: derived from the text.")
    url: Optional[str] = None


class Correction(BaseModel):
    field: str = Field(description="e.g. killed, perpetrator, location.lat")
    value: Any = Field(description="The corrected value (JSON: 12, null, \"Russia\").")
    note: Optional[str] = Field(None, description="Why.")


_REPORT_BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": NewReport.model_json_schema()},
    "application/x-ndjson": {"schema": {"type": "string", "description": "JSON Lines: one report object a line, "
                                                                         "with doc_id, published and text"}}}}}


@router.post("/reports", summary="Add reports (one JSON object, or a JSON Lines batch); runs the pipeline",
             openapi_extra=_REPORT_BODY, status_code=201)
async def add_reports(request: Request, who: str = Depends(token_owner)) -> dict[str, Any]:
    from fastapi.concurrency import run_in_threadpool

    raw = await _body(request)
    docs = _documents(raw, request.headers.get("content-type") or "")
    return await run_in_threadpool(_ingest, _store(request), docs)


def _documents(raw: bytes, content_type: str) -> list:
    from vigil.model import Document
    from vigil.read import ReadError, parse_jsonl

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _unprocessable("body", "not UTF-8 text", "body")
    if "json" in content_type and "ndjson" not in content_type and "jsonl" not in content_type:
        try:
            obj = json.loads(text)
        except ValueError as e:
            raise _unprocessable("body", f"not valid JSON ({e})", "body")
        if not isinstance(obj, dict):
            raise _unprocessable("body", "one report object expected; send a batch as application/x-ndjson", "body")
        try:
            r = NewReport.model_validate(obj)
        except ValidationError as e:
            raise HTTPException(422, detail=[{"loc": ["body", *e_["loc"]], "msg": e_["msg"], "type": e_["type"]}
                                             for e_ in e.errors()])
        doc_id = r.doc_id or "api-" + hashlib.sha256(f"{r.published}\n{r.text}".encode()).hexdigest()[:12]
        return [Document(doc_id=doc_id, published=r.published, text=r.text.strip(), url=r.url)]
    items = list(parse_jsonl(text, "body"))
    errors = [i for i in items if isinstance(i, ReadError)]
    if errors:
        raise HTTPException(422, detail=[{"loc": ["body", e.path.partition(":")[2]], "msg": e.reason,
                                          "type": "value_error"} for e in errors])
    if not items:
        raise _unprocessable("body", "no report in the batch", "body")
    return items


def _ingest(store: st.Store, docs: list) -> dict[str, Any]:
    from vigil.pipeline import process

    dicts = []
    for doc in docs:
        d = process(doc).to_dict()
        d["text"] = doc.text
        d["source_path"] = doc.doc_id
        dicts.append(d)
    failures: list[str] = []
    summary = st.ingest_reports(store, dicts, on_error=lambda name, e: failures.append(f"{name}: {e}"))
    touched = st.incidents_of_reports(store, [st.content_hash(d) for d in dicts])
    return {"read": summary.read, "new": summary.new, "duplicate": summary.duplicate,
            "near_copy": summary.near_copy, "failed": summary.failed, "failures": failures, "incidents": touched}


@router.post("/incidents/{incident_id}/corrections", summary="Correct one field (the machine value is kept)",
             status_code=201)
async def add_correction(request: Request, incident_id: str, who: str = Depends(token_owner)) -> dict[str, Any]:
    from fastapi.concurrency import run_in_threadpool

    raw = await _body(request)
    try:
        body = Correction.model_validate_json(raw)
    except ValidationError as e:
        raise HTTPException(422, detail=[{"loc": ["body", *e_["loc"]], "msg": e_["msg"], "type": e_["type"]}
                                         for e_ in e.errors()])
    try:
        return await run_in_threadpool(st.correct, _store(request), incident_id, body.field, body.value,
                                       by=who, note=body.note)
    except st.UnknownIncident:
        raise HTTPException(404, detail=f"no incident {incident_id!r}")
    except ValueError as e:
        raise _unprocessable("field" if "correct" in str(e) else "value", str(e), "body")
