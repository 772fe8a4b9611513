"""The `vigil` command: one entry point for every stage."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Vigil: conflict reports in, verified and geocoded incidents out.")


def main() -> None:
    app()


def _read_documents(paths: list[str]):
    """Documents from paths; each unreadable file is named on stderr. Returns (docs, n_failed)."""
    from vigil.read import ReadError, read_paths

    docs, failed = [], 0
    for item in read_paths(paths):
        if isinstance(item, ReadError):
            failed += 1
            typer.echo(f"vigil: {item}", err=True)
        else:
            docs.append(item)
    return docs, failed


@app.command()
def extract(
    paths: list[str] = typer.Argument(..., help="Report files (.txt, .jsonl, .html) or folders."),
    format: str = typer.Option("jsonl", "--format", "-f", help="jsonl (one report per line) or json (one array)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of stdout."),
) -> None:
    """Extract incidents, totals and ceasefires, one codebook object per report."""
    from vigil.pipeline import process

    if format not in ("jsonl", "json"):
        raise typer.BadParameter("format must be jsonl or json", param_hint="--format")
    docs, failed = _read_documents(paths)
    records = [r.to_dict() for r in _with_progress(docs, process, "extracting")]
    out = open(output, "w", encoding="utf-8") if output else sys.stdout
    try:
        if format == "json":
            json.dump(records, out, ensure_ascii=False, indent=2)
            out.write("\n")
        else:
            for r in records:
                out.write(json.dumps(r, ensure_ascii=False) + "\n")
    finally:
        if output:
            out.close()
    if failed:
        raise typer.Exit(1)


def _with_progress(items: list, fn, label: str):
    """Apply fn to each item, with a progress bar on stderr for long runs at a terminal."""
    from rich.console import Console
    from rich.progress import track

    console = Console(stderr=True)
    show = len(items) >= 50 and console.is_terminal
    for item in track(items, description=label, console=console, transient=True, disable=not show):
        yield fn(item)


# ---- evaluation commands (eval) ------------------------------------------


@app.command("eval")
def eval_command(
    gold: Path = typer.Argument(..., help="Gold annotations (codebook JSON Lines)."),
    system: Path = typer.Argument(..., help="System output to score (codebook JSON Lines, e.g. from extract)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of a table."),
    per_doc: bool = typer.Option(False, "--per-doc", help="Also list gold/system/matched incidents per report."),
) -> None:
    """Score extraction output against gold annotations, per the codebook."""
    from vigil.evaluate import format_table, load_reports, score

    try:
        result = score(load_reports(gold), load_reports(system))
    except (OSError, ValueError) as e:
        typer.echo(f"vigil eval: {e}", err=True)
        raise typer.Exit(2)
    if not per_doc:
        result.pop("per_doc")
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
    else:
        typer.echo(format_table(result, per_doc=per_doc))


# ---- end of evaluation commands -------------------------------------------


@app.command()
def demo(db: Optional[str] = typer.Option(None, "--db", help="Database URL or SQLite file; default $VIGIL_DB or "
                                                            "./vigil.db."),
         no_serve: bool = typer.Option(False, "--no-serve", help="Print and exit instead of serving the dashboard."),
         host: str = typer.Option("127.0.0.1", "--host", help="Address the dashboard listens on."),
         port: int = typer.Option(8000, "--port", help="Port of the dashboard.")) -> None:
    """The main job on the bundled sample corpus: ingest it, show incidents, ceasefires and violations,
    then serve the dashboard over it (until Ctrl-C)."""
    from importlib.resources import files

    from vigil.summary import print_store_summary

    docs, failed = _read_documents([str(files("vigil") / "samples" / "docs")])
    summary = _ingest_documents(docs, db)
    typer.echo(summary.line(), err=True)
    with _open_store(db) as store:
        print_store_summary(store)
    if failed or summary.failed:
        raise typer.Exit(1)
    if not no_serve:
        _serve(db, host, port)


# ---- geocoding commands (geocode, gazetteer) -------------------------------

gazetteer_app = typer.Typer(no_args_is_help=True, help="The place gazetteer: what is loaded, and importing more.")
app.add_typer(gazetteer_app, name="gazetteer")

_GEOCODE_COLUMNS = ("lat", "lon", "matched_name", "gazetteer_id", "precision", "score")


@app.command()
def geocode(
    name: Optional[str] = typer.Argument(None, help="A place name as a report spells it."),
    admin1: Optional[str] = typer.Option(None, "--admin1", help="Province hint (any common spelling)."),
    country: Optional[str] = typer.Option(None, "--country", help="Country hint (name or ISO code)."),
    admin2: Optional[str] = typer.Option(None, "--admin2", help="District hint (any common spelling)."),
    tsv: Optional[Path] = typer.Option(None, "--tsv", help="Resolve every row of a TSV with a `name` column "
                                       "(optional `admin1`, `admin2`, `country`); writes the rows plus results "
                                       "to stdout."),
    limit: int = typer.Option(5, "--limit", help="Candidates to show for NAME."),
) -> None:
    """Resolve a place name to gazetteer candidates, or a whole TSV of names."""
    if tsv is not None:
        _geocode_tsv(tsv)
        return
    if not name:
        raise typer.BadParameter("give a NAME or --tsv FILE", param_hint="NAME")
    from rich.console import Console
    from rich.table import Table

    from vigil.geo import best, resolve

    chosen = best(name, admin1=admin1, country=country, admin2=admin2)
    table = Table(title=f"{name}: " + (f"{chosen.matched_name} ({chosen.precision})" if chosen else "abstain"))
    for col in ("", "matched name", "admin1", "admin2", "country", "lat", "lon", "precision", "id", "score"):
        table.add_column(col)
    for c in resolve(name, admin1=admin1, country=country, limit=limit, admin2=admin2):
        table.add_row("*" if chosen and c.gazetteer_id == chosen.gazetteer_id else "", c.matched_name,
                      c.admin1 or "", c.admin2 or "", c.country or "", f"{c.lat:.5f}", f"{c.lon:.5f}",
                      c.precision, c.gazetteer_id, f"{c.score:.1f}")
    Console(width=160).print(table)


def _geocode_tsv(path: Path) -> None:
    import csv

    from vigil.geo import best

    try:
        f = open(path, encoding="utf-8", newline="")
    except OSError as e:
        typer.echo(f"vigil: {path}: {e.strerror}", err=True)
        raise typer.Exit(1)
    with f:
        reader = csv.DictReader(f, delimiter="\t")
        if not reader.fieldnames or "name" not in reader.fieldnames:
            typer.echo(f"vigil: {path}: the header has no `name` column", err=True)
            raise typer.Exit(1)
        writer = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
        writer.writerow(list(reader.fieldnames) + [c for c in _GEOCODE_COLUMNS if c not in reader.fieldnames])
        for row in reader:
            c = best(row.get("name") or "", admin1=row.get("admin1") or None, country=row.get("country") or None,
                     admin2=row.get("admin2") or None)
            extra = (["", "", "", "", "", ""] if c is None else
                     [f"{c.lat:.5f}", f"{c.lon:.5f}", c.matched_name, c.gazetteer_id, c.precision, f"{c.score:.1f}"])
            writer.writerow([row.get(k) or "" for k in reader.fieldnames] + extra)


@gazetteer_app.command("import")
def gazetteer_import(
    file: Path = typer.Argument(..., help="A GeoNames country dump (XX.txt) or an OCHA/HDX populated-places CSV."),
    country: Optional[str] = typer.Option(None, "--country", help="ISO code for files without a country column."),
) -> None:
    """Add places to the user gazetteer (all rows or none)."""
    from vigil.geo.gazetteer import GazetteerImportError, user_db_path
    from vigil.geo.imports import import_file

    try:
        info = import_file(file, country=country)
    except GazetteerImportError as e:
        typer.echo(f"vigil: {e}", err=True)
        raise typer.Exit(1)
    typer.echo(f"imported {info.rows} places ({info.countries or 'no country'}) from {file} into {user_db_path()}")


@gazetteer_app.command("list")
def gazetteer_list() -> None:
    """Show the gazetteer sources in use: rows and countries."""
    from rich.console import Console
    from rich.table import Table

    from vigil.geo.gazetteer import list_sources

    table = Table(title="Gazetteer sources")
    for col in ("source", "rows", "countries", "imported", "path"):
        table.add_column(col)
    for s in list_sources():
        ccs = s.countries.split(",") if s.countries else []
        shown = ",".join(ccs[:12]) + (f" … ({len(ccs)} countries)" if len(ccs) > 12 else "")
        table.add_row(s.name, str(s.rows), shown, s.imported_at, s.path)
    Console(width=200).print(table)



# ---- end of geocoding commands --------------------------------------------


# ---- store commands (ingest, incidents, ceasefires, violations, correct) ---

_DB_HELP = "Database URL (postgresql+psycopg://...) or SQLite file; default $VIGIL_DB or ./vigil.db."


def _open_store(db: Optional[str]):
    from vigil.store import open_store

    return open_store(db)


@app.command()
def ingest(
    paths: list[str] = typer.Argument(..., help="Report files (.txt, .jsonl, .html) or folders."),
    db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """Read, extract and store reports; fuse incidents, merge ceasefires, flag violations."""
    docs, read_failed = _read_documents(paths)
    summary = _ingest_documents(docs, db)
    summary.read += read_failed
    summary.failed += read_failed
    typer.echo(summary.line(), err=True)
    if summary.failed:
        raise typer.Exit(1)


def _ingest_documents(docs: list, db: Optional[str]):
    """Extract, geocode and store documents, with a progress bar on long runs; returns the store's summary."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from vigil.pipeline import process
    from vigil.store import ingest_reports

    failed_processing = []

    def report_dicts():
        for doc in docs:
            try:
                d = process(doc).to_dict()
            except Exception as e:  # the extractor must not stop the run
                failed_processing.append(doc)
                typer.echo(f"vigil: {doc.path or doc.doc_id}: extraction failed ({type(e).__name__}: {e})", err=True)
                continue
            d["text"] = doc.text
            d["source_path"] = doc.path or doc.doc_id
            yield d

    def on_error(name: str, e: Exception) -> None:
        typer.echo(f"vigil: {name}: not stored ({type(e).__name__}: {e})", err=True)

    console = Console(stderr=True)
    with _open_store(db) as store, Progress(
            TextColumn("ingest"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=console,
            transient=True, disable=len(docs) < 50 or not console.is_terminal) as progress:
        task = progress.add_task("ingest", total=len(docs))
        summary = ingest_reports(store, report_dicts(), on_error=on_error,
                                 on_done=lambda: progress.advance(task))
    summary.read += len(failed_processing)
    summary.failed += len(failed_processing)
    return summary


def _parse_day_option(value: Optional[str], name: str):
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter("use YYYY-MM-DD", param_hint=name)


def _parse_near(value: Optional[str]):
    if value is None:
        return None
    try:
        lat, lon, km = (float(x) for x in value.split(","))
    except ValueError:
        raise typer.BadParameter("use LAT,LON,KM, e.g. 36.15,36.89,10", param_hint="--near")
    return lat, lon, km


def _emit_json(obj) -> None:
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _emit_json_array(items, head: str = "", tail: str = "") -> None:
    """A JSON array written item by item (same text as json.dump with indent=2)."""
    out = sys.stdout
    out.write(head + "[")
    first = True
    for item in items:
        out.write("\n  " if first else ",\n  ")
        out.write(json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n  "))
        first = False
    out.write("\n]" if not first else "]")
    out.write(tail + "\n")


@app.command()
def incidents(
    since: Optional[str] = typer.Option(None, "--since", help="First day, YYYY-MM-DD."),
    until: Optional[str] = typer.Option(None, "--until", help="Last day, YYYY-MM-DD."),
    country: Optional[str] = typer.Option(None, "--country"),
    admin1: Optional[str] = typer.Option(None, "--admin1", help="Province/governorate (any common spelling)."),
    perpetrator: Optional[str] = typer.Option(None, "--perpetrator"),
    type: Optional[str] = typer.Option(None, "--type", help="airstrike, drone_strike, shelling, bombing, ..."),
    near: Optional[str] = typer.Option(None, "--near", help="LAT,LON,KM"),
    limit: Optional[int] = typer.Option(None, "--limit", help="At most this many incidents."),
    format: str = typer.Option("json", "--format", "-f", help="json, csv (ACLED columns) or geojson."),
    db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """Fused incidents with ranges, grade, sources and ceasefire violations."""
    from vigil.export import point, write_csv
    from vigil.store import IncidentFilter, iter_incidents

    if format not in ("json", "csv", "geojson"):
        raise typer.BadParameter("format must be json, csv or geojson", param_hint="--format")
    f = IncidentFilter(since=_parse_day_option(since, "--since"), until=_parse_day_option(until, "--until"),
                       country=country, admin1=admin1, perpetrator=perpetrator, type=type,
                       near=_parse_near(near), limit=limit)
    with _open_store(db) as store:
        rows = iter_incidents(store, f)  # streamed: a full export need not fit in memory
        if format == "csv":
            write_csv(rows, sys.stdout)
        elif format == "geojson":
            _emit_json_array(({"type": "Feature", "id": r["id"], "geometry": point(r), "properties": r}
                              for r in rows), head='{"type": "FeatureCollection", "features": ', tail="}")
        else:
            _emit_json_array(rows)


@app.command()
def ceasefires(
    format: str = typer.Option("json", "--format", "-f", help="json or csv."),
    db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """Ceasefires merged across reports, with violation counts and casualties."""
    from vigil.export import write_rows_csv
    from vigil.store import query_ceasefires

    with _open_store(db) as store:
        rows = query_ceasefires(store)
    if format == "csv":
        write_rows_csv([{k: v for k, v in r.items() if k not in ("sources", "evidence", "area_resolved")}
                        for r in rows], sys.stdout)
    else:
        _emit_json(rows)


@app.command()
def violations(
    ceasefire: Optional[str] = typer.Option(None, "--ceasefire", help="Only this ceasefire id."),
    format: str = typer.Option("json", "--format", "-f", help="json or csv."),
    db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """Incidents inside a ceasefire's area and period: possible violations."""
    from vigil.export import write_rows_csv
    from vigil.store import query_violations

    with _open_store(db) as store:
        rows = query_violations(store, ceasefire)
    if format == "csv":
        write_rows_csv(rows, sys.stdout)
    else:
        _emit_json(rows)


@app.command()
def correct(
    incident_id: str = typer.Argument(..., help="Incident id (an older id of a merged incident works too)."),
    assignment: str = typer.Argument(..., metavar="FIELD=VALUE", help="e.g. killed=12, perpetrator=Russia, location.lat=36.1"),
    by: str = typer.Option(..., "--by", help="Who makes the correction."),
    note: Optional[str] = typer.Option(None, "--note", help="Why."),
    db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """Override one field of an incident; the machine value stays beside it."""
    from vigil.store import UnknownIncident, correct as store_correct, parse_value

    field_name, sep, raw = assignment.partition("=")
    if not sep:
        raise typer.BadParameter("use FIELD=VALUE", param_hint="FIELD=VALUE")
    with _open_store(db) as store:
        try:
            record = store_correct(store, incident_id, field_name.strip(), parse_value(raw), by=by, note=note)
        except UnknownIncident as e:
            typer.echo(f"vigil: {e.args[0]}", err=True)
            raise typer.Exit(1)
        except ValueError as e:
            typer.echo(f"vigil: {e}", err=True)
            raise typer.Exit(2)
    _emit_json(record)



@app.command()
def rebuild(db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP)) -> None:
    """Re-fuse all incidents and ceasefires from the stored claims (after fusion rules change);
    analysts' corrections are kept."""
    from vigil.store import rebuild as store_rebuild, stats

    with _open_store(db) as store:
        store_rebuild(store)
        counts = stats(store)
    typer.echo(f"incidents: {counts['incidents']}; ceasefires: {counts['ceasefires']}; "
               f"violations: {counts['violations']}; corrections: {counts['corrections']}", err=True)


# ---- end of store commands -------------------------------------------------


# ---- web commands (serve, token) --------------------------------------------


def _serve(db: Optional[str], host: str, port: int) -> None:
    from vigil.web import serve as web_serve

    def ready(url: str) -> None:
        typer.echo(f"dashboard: {url}   API docs: {url}docs   (Ctrl-C stops)", err=True)

    try:
        web_serve(db, host=host, port=port, on_ready=ready)
    except OSError as e:
        typer.echo(f"vigil: cannot listen on {host}:{port} ({e.strerror or e}); try --port", err=True)
        raise typer.Exit(1)


@app.command()
def serve(
    db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0: every interface)."),
    port: int = typer.Option(8000, "--port"),
) -> None:
    """Serve the dashboard at / and the REST API at /api (docs at /docs) until Ctrl-C."""
    _serve(db, host, port)


token_app = typer.Typer(no_args_is_help=True, help="Bearer tokens for the web API's writes.")
app.add_typer(token_app, name="token")


@token_app.command("create")
def token_create(name: str = typer.Argument(..., help="Who uses it; corrections made with it are signed so."),
                 db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP)) -> None:
    """Make a token; it is printed once and stored only hashed."""
    from vigil.store import create_token

    with _open_store(db) as store:
        try:
            secret = create_token(store, name)
        except ValueError as e:
            typer.echo(f"vigil: {e}", err=True)
            raise typer.Exit(1)
    typer.echo(secret)
    typer.echo(f"token for {name.strip()!r} (shown once; send as 'Authorization: Bearer TOKEN')", err=True)


@token_app.command("list")
def token_list(db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP)) -> None:
    """Tokens by name, with when they were made and revoked."""
    from vigil.store import list_tokens

    with _open_store(db) as store:
        rows = list_tokens(store)
    for r in rows:
        typer.echo(f"{r['name']}\tcreated {r['created_at']}" + (f"\trevoked {r['revoked_at']}" if r["revoked_at"] else ""))


@token_app.command("revoke")
def token_revoke(name: str = typer.Argument(...), db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP)) -> None:
    """Revoke NAME's token: requests with it get 401 from now on."""
    from vigil.store import revoke_token

    with _open_store(db) as store:
        if not revoke_token(store, name):
            typer.echo(f"vigil: no live token named {name!r}", err=True)
            raise typer.Exit(1)
    typer.echo(f"revoked {name!r}", err=True)


# ---- end of web commands ----------------------------------------------------
