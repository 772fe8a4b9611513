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
    records = [process(d).to_dict() for d in docs]
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


# ---- evaluation commands (eval) ------------------------------------------


# ---- end of evaluation commands -------------------------------------------


@app.command()
def demo() -> None:
    """Extract the bundled sample corpus and print a readable summary."""
    from importlib.resources import files

    from vigil.pipeline import process
    from vigil.summary import print_summary

    docs, failed = _read_documents([str(files("vigil") / "samples" / "docs")])
    print_summary([process(d) for d in docs])
    if failed:
        raise typer.Exit(1)


# ---- geocoding commands (geocode, gazetteer) -------------------------------


# ---- end of geocoding commands --------------------------------------------


def _store_commands_follow() -> None:
    """Marker: the store commands (ingest, incidents, ceasefires, violations, correct) follow."""


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
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from vigil.pipeline import process
    from vigil.store import ingest_reports

    docs, read_failed = _read_documents(paths)
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
    summary.read += read_failed + len(failed_processing)
    summary.failed += read_failed + len(failed_processing)
    typer.echo(summary.line(), err=True)
    if summary.failed:
        raise typer.Exit(1)


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
    from vigil.export import to_geojson, write_csv
    from vigil.store import IncidentFilter, query_incidents

    if format not in ("json", "csv", "geojson"):
        raise typer.BadParameter("format must be json, csv or geojson", param_hint="--format")
    f = IncidentFilter(since=_parse_day_option(since, "--since"), until=_parse_day_option(until, "--until"),
                       country=country, admin1=admin1, perpetrator=perpetrator, type=type,
                       near=_parse_near(near), limit=limit)
    with _open_store(db) as store:
        rows = query_incidents(store, f)
    if format == "csv":
        write_csv(rows, sys.stdout)
    elif format == "geojson":
        _emit_json(to_geojson(rows))
    else:
        _emit_json(rows)


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



# ---- end of store commands -------------------------------------------------
