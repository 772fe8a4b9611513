"""The `vigil` command: one entry point for every stage."""
from __future__ import annotations

import json
import sys
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Optional

import typer

DEMO_DB = "vigil-demo.db"  # `vigil demo` keeps the invented samples out of the work database
app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Vigil: conflict reports in, verified and geocoded incidents out.")


def main() -> None:
    app()


def _version(value: bool) -> None:
    if value:
        from vigil import __version__

        typer.echo(f"vigil {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """Vigil: conflict reports in, verified and geocoded incidents out. Call it as `.venv/bin/vigil`, or
    `vigil` after `source .venv/bin/activate`."""


def _read_documents(paths: list[str]):
    """Documents from paths; each unreadable or skipped file is named on stderr, with notes. Returns (docs, n_failed)."""
    from vigil.read import ReadError, ReadNote, read_paths

    docs, failed = [], 0
    for item in read_paths(paths):
        if isinstance(item, ReadNote):
            typer.echo(f"vigil: {'' if item.skipped else 'note: '}{item}", err=True)
        elif isinstance(item, ReadError):
            failed += 1
            typer.echo(f"vigil: {item}", err=True)
        else:
            docs.append(item)
    return docs, failed


_ENGINE_HELP = "serial (this process) or dask (Dask workers: a local cluster, or --scheduler's)."
_SCHEDULER_HELP = "With --engine dask: a running Dask scheduler (tcp://HOST:8786) instead of a local cluster."
_WORKERS_HELP = ("With --engine dask: worker processes of the local cluster (default: one per core); with "
                 "--scheduler, wait until this many workers have joined.")


# shared by extract and ingest
_ENGINE_OPT = typer.Option("serial", "--engine", help=_ENGINE_HELP)
_SCHEDULER_OPT = typer.Option(None, "--scheduler", help=_SCHEDULER_HELP, metavar="ADDRESS")
_WORKERS_OPT = typer.Option(None, "--workers", help=_WORKERS_HELP, metavar="N")


@contextmanager
def _engine(engine: str, scheduler: Optional[str], workers: Optional[int], docs: list):
    """The engine's docs -> results function; a bad option or an unreachable scheduler exits 2 with one line."""
    from vigil.engine import EngineError, open_engine

    if engine == "dask" and docs:
        _gazetteer_ready()  # built once here, not by every worker at once
    stack = ExitStack()
    try:
        run = stack.enter_context(open_engine(engine if docs else "serial", scheduler if docs else None,
                                              workers if docs else None))
    except EngineError as e:
        _fail(str(e))
    with stack:
        yield run


@app.command()
def extract(
    paths: list[str] = typer.Argument(..., help="Report files (.txt, .jsonl, .html) or folders."),
    format: str = typer.Option("jsonl", "--format", "-f", help="jsonl (one report per line) or json (one array)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of stdout."),
    engine: str = _ENGINE_OPT,
    scheduler: Optional[str] = _SCHEDULER_OPT,
    workers: Optional[int] = _WORKERS_OPT,
) -> None:
    """Extract incidents, totals and ceasefires, one codebook object per report."""
    from vigil.engine import Failed

    if format not in ("jsonl", "json"):
        raise typer.BadParameter("format must be jsonl or json", param_hint="--format")
    if engine == "dask" and not scheduler:
        _extract_partitioned(paths, format, output, workers)
        return
    docs, failed = _read_documents(paths)
    records = []
    with _engine(engine, scheduler, workers, docs) as run:
        for doc, r in zip(docs, _with_progress(run(docs), len(docs), "extracting")):
            if isinstance(r, Failed):
                failed += 1
                typer.echo(f"vigil: {doc.path or doc.doc_id}: extraction failed ({r.error})", err=True)
            else:
                records.append(r)
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


@contextmanager
def _partitioned(paths: list[str], workers: Optional[int], for_ingest: bool):
    """(lines, messages) of `vigil.partitions.run_on_partitions` on a local Dask cluster: the workers
    read their own partitions of `paths` and write their own results; the cluster is stopped on exit."""
    from vigil.engine import EngineError, dask_client
    from vigil.partitions import run_on_partitions

    if workers is not None and workers < 1:
        _fail("--workers must be at least 1")
    _gazetteer_ready()  # built once here, not by every worker at once
    stack = ExitStack()
    try:
        client = stack.enter_context(dask_client(None, workers))
    except EngineError as e:
        _fail(str(e))
    with stack:
        yield run_on_partitions(client, paths, for_ingest=for_ingest)


def _echo_messages(items, counter: list[int]):
    """The report lines of a partitioned run; its messages go to stderr (failures counted in `counter`)."""
    from vigil.partitions import Message

    for item in items:
        if isinstance(item, Message):
            typer.echo(item.text, err=True)
            if item.failure:
                counter[0] += item.count
        else:
            yield item


def _extract_partitioned(paths: list[str], format: str, output: Optional[Path], workers: Optional[int]) -> None:
    """`vigil extract --engine dask` on a local cluster: each worker reads its partitions of the input and
    writes their JSON lines, which are copied to the output in input order (the serial engine's bytes)."""
    failed = [0]
    out = open(output, "w", encoding="utf-8") if output else sys.stdout
    try:
        with _partitioned(paths, workers, for_ingest=False) as items:
            lines = _echo_messages(items, failed)
            if format == "json":
                json.dump([json.loads(line) for line in lines], out, ensure_ascii=False, indent=2)
                out.write("\n")
            else:
                for line in lines:
                    out.write(line + "\n")
    finally:
        if output:
            out.close()
    if failed[0]:
        raise typer.Exit(1)


def _with_progress(results, total: int, label: str):
    """The results, with a progress bar on stderr for long runs at a terminal."""
    from rich.console import Console
    from rich.progress import track

    console = Console(stderr=True)
    show = total >= 50 and console.is_terminal
    yield from track(results, total=total, description=label, console=console, transient=True, disable=not show)


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
def demo(db: Optional[str] = typer.Option(None, "--db", help="Database URL or SQLite file; default ./"
                                                            + DEMO_DB + ", apart from your work database."),
         no_serve: bool = typer.Option(False, "--no-serve", help="Print and exit instead of serving the dashboard."),
         host: str = typer.Option("127.0.0.1", "--host", help="Address the dashboard listens on."),
         port: int = typer.Option(8000, "--port", help="Port of the dashboard.")) -> None:
    """The main job on the bundled sample corpus: ingest it, show incidents, ceasefires and violations,
    then serve the dashboard over it (until Ctrl-C)."""
    from importlib.resources import files

    from vigil.summary import print_store_summary

    db = db or DEMO_DB  # never $VIGIL_DB: invented samples must not mix with real reporting
    docs, failed = _read_documents([str(files("vigil") / "samples" / "docs")])
    summary = _ingest_documents(docs, db, sample=True)
    typer.echo(summary.line(), err=True)
    with _open_store(db) as store:
        print_store_summary(store)
    from vigil.store.engine import database_url, safe_url, sqlite_path

    where = sqlite_path(database_url(db)) or safe_url(database_url(db))
    typer.echo(f"demo database: {where} (the {len(docs)} invented sample reports, marked as samples; "
               "`vigil ingest` writes your own reports to ./vigil.db or --db)", err=True)
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
    names: Optional[list[str]] = typer.Argument(None, help="Place names as a report spells them."),
    admin1: Optional[str] = typer.Option(None, "--admin1", help="Province hint (any common spelling)."),
    country: Optional[str] = typer.Option(None, "--country", help="Country hint (name or ISO code)."),
    admin2: Optional[str] = typer.Option(None, "--admin2", help="District hint (any common spelling)."),
    tsv: Optional[Path] = typer.Option(None, "--tsv", help="Resolve every row of a TSV with a `name` column "
                                       "(optional `admin1`, `admin2`, `country`); writes the rows plus results "
                                       "to stdout."),
    limit: int = typer.Option(5, "--limit", help="Candidates to show for each NAME."),
    explain: bool = typer.Option(False, "--explain", help="Also show how each name was read and the rule that "
                                 "chose a candidate or abstained."),
) -> None:
    """Resolve place names to gazetteer candidates, or a whole TSV of names."""
    if tsv is not None:
        _geocode_tsv(tsv)
        return
    if not names:
        raise typer.BadParameter("give a NAME or --tsv FILE", param_hint="NAME")
    from rich.console import Console
    from rich.table import Table

    from vigil.geo import explain as explain_name

    console = Console(width=160)
    for name in names:
        e = explain_name(name, admin1=admin1, country=country, admin2=admin2, limit=limit)
        chosen = e.chosen
        table = Table(title=f"{name}: " + (f"{chosen.matched_name} ({chosen.precision})" if chosen else "abstain"))
        for col in ("", "matched name", "admin1", "admin2", "country", "lat", "lon", "precision", "id", "score"):
            table.add_column(col)
        for c in e.candidates:
            table.add_row("*" if chosen and c.gazetteer_id == chosen.gazetteer_id else "", c.matched_name,
                          c.admin1 or "", c.admin2 or "", c.country or "", f"{c.lat:.5f}", f"{c.lon:.5f}",
                          c.precision, c.gazetteer_id, f"{c.score:.1f}")
        console.print(table)
        if explain:
            console.print(f"  read as: {e.kind}; spellings tried: " + ", ".join(repr(x) for x in e.spellings))
            console.print(f"  decided: {e.rule}", markup=False)


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


@gazetteer_app.command("coverage")
def gazetteer_coverage(
    country: Optional[str] = typer.Option(None, "--country", help="Only this country (ISO code)."),
) -> None:
    """Places per country and source: where the map is thin."""
    from rich.console import Console
    from rich.table import Table

    from vigil.geo import coverage
    from vigil.geo.gazetteer import country_name

    rows = [r for r in coverage() if not country or r.country == country.upper()]
    table = Table(title="Gazetteer coverage (villages/towns, admin units, airfields)")
    for col in ("country", "", "source", "places", "admin units", "airfields"):
        table.add_column(col, justify="right" if col in ("places", "admin units", "airfields") else "left")
    for r in rows:
        table.add_row(r.country, country_name(r.country) or "", r.source, str(r.places), str(r.units),
                      str(r.airfields))
    Console(width=160).print(table)


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


# ---- store commands (ingest, incidents, ceasefires, violations, show, corrections, rebuild) ---

_DB_HELP = "Database URL (postgresql+psycopg://...) or SQLite file; default $VIGIL_DB or ./vigil.db."



def _open_store(db: Optional[str], create: bool = False):
    """The store, or one line on stderr and exit 2 (missing file for a read, bad URL, wrong password)."""
    from vigil.store import open_store
    from vigil.store.engine import StoreError

    try:
        return open_store(db, create=create)
    except StoreError as e:
        typer.echo(f"vigil: {e}", err=True)
        raise typer.Exit(2)


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"vigil: {message}", err=True)
    raise typer.Exit(code)


@app.command()
def ingest(
    paths: list[str] = typer.Argument(..., help="Report files (.txt, .jsonl, .html) or folders."),
    db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
    engine: str = _ENGINE_OPT,
    scheduler: Optional[str] = _SCHEDULER_OPT,
    workers: Optional[int] = _WORKERS_OPT,
) -> None:
    """Read, extract and store reports; fuse incidents, merge ceasefires, flag violations.
    The summary says what this run added, how many incidents lack coordinates and which names.
    With --engine dask, extraction runs on Dask workers; storing and fusing stay here."""
    if engine == "dask" and not scheduler:  # a local cluster: workers read and write their own partitions
        read_failed = [0]
        with _partitioned(paths, workers, for_ingest=True) as items:
            summary = _ingest_stream((json.loads(line) for line in _echo_messages(items, read_failed)), db)
        read_failed = read_failed[0]
        n_docs = summary.read + read_failed
    else:
        docs, read_failed = _read_documents(paths)
        with _engine(engine, scheduler, workers, docs) as run:
            summary = _ingest_documents(docs, db, run=run)
        n_docs = len(docs)
    summary.read += read_failed
    summary.failed += read_failed
    typer.echo(summary.line(), err=True)
    if summary.samples:
        typer.echo(f"vigil: warning: this database holds {summary.samples} sample reports (invented, from "
                   f"`vigil demo`) beside yours; `vigil delete-report DOC_ID` withdraws one, or keep "
                   f"your work in a database of its own (--db)", err=True)
    if summary.interrupted:
        typer.echo(f"interrupted: {summary.new + summary.duplicate} of {n_docs} stored; run again to finish "
                   "(stored reports are skipped as duplicates)", err=True)
        raise typer.Exit(130)
    if summary.failed:
        raise typer.Exit(1)


def _gazetteer_ready() -> None:
    """Build the gazetteer index before the first run that needs it, saying so (once per machine)."""
    from vigil.geo import gazetteer

    if gazetteer._cache_path().exists():
        return
    from rich.console import Console

    typer.echo("vigil: building the gazetteer index (once per machine, about 10-15 s)...", err=True)
    with Console(stderr=True).status("building the gazetteer index"):
        gazetteer.load()


def _ingest_documents(docs: list, db: Optional[str], sample: bool = False, run=None):
    """Extract (with `run`, the engine; serial by default), geocode and store documents, with a progress
    bar on long runs; returns the store's summary."""
    from vigil.engine import Failed, process_documents

    failed_processing = []
    if docs:
        _gazetteer_ready()
    run = run or process_documents

    def report_dicts():
        for doc, d in zip(docs, run(docs)):
            if isinstance(d, Failed):  # the extractor must not stop the run
                failed_processing.append(doc)
                typer.echo(f"vigil: {doc.path or doc.doc_id}: extraction failed ({d.error})", err=True)
                continue
            d["text"] = doc.text
            d["source_path"] = doc.path or doc.doc_id
            if doc.url and not d.get("url"):
                d["url"] = doc.url
            if sample:
                d["sample"] = True
            yield d

    summary = _ingest_stream(report_dicts(), db, len(docs))
    summary.read += len(failed_processing)
    summary.failed += len(failed_processing)
    return summary


def _ingest_stream(reports, db: Optional[str], total: Optional[int] = None):
    """Store and fuse report dicts (with their text) as they come, with a progress bar on long runs at a
    terminal; returns the store's summary."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from vigil.store import ingest_reports

    def on_error(name: str, e: Exception) -> None:
        typer.echo(f"vigil: {name}: not stored ({type(e).__name__}: {e})", err=True)

    console = Console(stderr=True)
    with _open_store(db, create=True) as store, Progress(
            TextColumn("ingest"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=console,
            transient=True, disable=(total is not None and total < 50) or not console.is_terminal) as progress:
        task = progress.add_task("ingest", total=total)
        return ingest_reports(store, reports, on_error=on_error, on_done=lambda: progress.advance(task))


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


_TYPES_HELP = "Incident type, any case: " + ", ".join(("airstrike", "drone_strike", "shelling", "bombing",
                                                       "ground_clash", "shooting", "other")) + "."


@app.command()
def incidents(
    since: Optional[str] = typer.Option(None, "--since", help="First day, YYYY-MM-DD."),
    until: Optional[str] = typer.Option(None, "--until", help="Last day, YYYY-MM-DD."),
    country: Optional[str] = typer.Option(None, "--country", help="Name, ISO code or alias (SY, SYR, Syria; DRC)."),
    admin1: Optional[str] = typer.Option(None, "--admin1", help="Province/governorate (any common spelling)."),
    perpetrator: Optional[str] = typer.Option(None, "--perpetrator", help="Any actor of any attribution, by "
                                              "name or alias ('Russian forces' finds Russia)."),
    type: Optional[str] = typer.Option(None, "--type", help=_TYPES_HELP),
    grade: Optional[str] = typer.Option(None, "--grade", help="confirmed, fair, weak or contested (any case)."),
    near: Optional[str] = typer.Option(None, "--near", help="LAT,LON,KM"),
    limit: Optional[int] = typer.Option(None, "--limit", help="At most this many incidents."),
    format: str = typer.Option("json", "--format", "-f", help="json, csv (ACLED columns), geojson or table."),
    flat: bool = typer.Option(False, "--flat", help="GeoJSON with the CSV's flat properties (QGIS, kepler.gl)."),
    db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """Fused incidents with ranges, grade, sources and ceasefire violations (corrected values)."""
    from vigil.export import acled_row, point, write_csv
    from vigil.store import FilterError, IncidentFilter, check_filter, iter_incidents

    if format not in ("json", "csv", "geojson", "table"):
        raise typer.BadParameter("format must be json, csv, geojson or table", param_hint="--format")
    f = IncidentFilter(since=_parse_day_option(since, "--since"), until=_parse_day_option(until, "--until"),
                       country=country, admin1=admin1, perpetrator=perpetrator, type=type, grade=grade,
                       near=_parse_near(near), limit=limit)
    with _open_store(db) as store:
        try:
            f = check_filter(store, f)
        except FilterError as e:
            _fail(str(e))
        rows = iter_incidents(store, f)  # streamed: a full export need not fit in memory
        if format == "csv":
            write_csv(rows, sys.stdout)
        elif format == "geojson":
            _emit_json_array(({"type": "Feature", "id": r["id"], "geometry": point(r),
                               "properties": acled_row(r) if flat else r}
                              for r in rows), head='{"type": "FeatureCollection", "features": ', tail="}")
        elif format == "table":
            from vigil.summary import print_incident_table

            print_incident_table(list(rows))
        else:
            _emit_json_array(rows)


@app.command()
def show(
    target: str = typer.Argument(..., help="An incident (inc_...) or ceasefire (cf_...) id."),
    as_json: bool = typer.Option(False, "--json", help="The full record as JSON."),
    db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """One incident or ceasefire for people: figures, place, sources with their sentences, flags."""
    from vigil.store import UnknownIncident, get_ceasefire, get_incident, query_violations
    from vigil.summary import print_ceasefire, print_incident

    with _open_store(db) as store:
        try:
            if target.startswith("cf_"):
                record = get_ceasefire(store, target)
                flagged = query_violations(store, record["id"])
            else:
                record, flagged = get_incident(store, target), []
        except UnknownIncident as e:
            _fail(e.args[0], 1)
    if as_json:
        _emit_json(record)
    elif target.startswith("cf_"):
        print_ceasefire(record, flagged)
    else:
        print_incident(record)


@app.command()
def ceasefires(
    format: str = typer.Option("json", "--format", "-f", help="json, csv or table."),
    db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """Ceasefires merged across reports: in force until when and by which rule, violation counts by
    strength, and the casualties in them."""
    from vigil.export import ceasefire_row, write_rows_csv
    from vigil.store import query_ceasefires

    with _open_store(db) as store:
        rows = query_ceasefires(store)
    if format == "csv":
        write_rows_csv([ceasefire_row(r) for r in rows], sys.stdout)
    elif format == "table":
        from vigil.summary import print_ceasefire_table

        print_ceasefire_table(rows)
    else:
        _emit_json(rows)


@app.command()
def violations(
    ceasefire: Optional[str] = typer.Option(None, "--ceasefire", help="Only this ceasefire id."),
    format: str = typer.Option("json", "--format", "-f", help="json or csv."),
    db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """Incidents inside a ceasefire's area and period: possible violations, each with why it was
    flagged and its strength (by a declarer, by another party, perpetrator unknown)."""
    from vigil.export import write_rows_csv
    from vigil.store import query_violations

    with _open_store(db) as store:
        rows = query_violations(store, ceasefire)
    if format == "csv":
        write_rows_csv(rows, sys.stdout)
    else:
        _emit_json(rows)


_FIELDS_HELP = ("Incidents: date, date_precision, type, perpetrator, killed, killed_qualifier, injured, victims, "
                "children_killed, women_killed, killed_low, killed_high, killed_best, grade, location.name, "
                "location.admin1, location.admin2, location.country, location.lat, location.lon, "
                "location.geo_precision. Ceasefires: declared_by (A; B), announced_on, effective_from, "
                "effective_until, area.")


def _store_call(fn, *args, **kw):
    """Run a correction; unknown ids exit 1, refused values exit 2, each as one line."""
    from vigil.store import CorrectionError, UnknownIncident

    try:
        return fn(*args, **kw)
    except UnknownIncident as e:
        _fail(e.args[0], 1)
    except CorrectionError as e:
        _fail(str(e))


def _shown(value) -> str:
    return "null" if value is None else (json.dumps(value, ensure_ascii=False) if not isinstance(value, str)
                                         else value)


@app.command(help="Override one field of an incident or a ceasefire; the machine value stays beside it. "
                  "Answers with one line (killed 2 -> 12). Fields: " + _FIELDS_HELP)
def correct(
    target: str = typer.Argument(..., help="Incident (inc_...) or ceasefire (cf_...) id; an older id of a "
                                 "merged one works too."),
    assignment: str = typer.Argument(..., metavar="FIELD=VALUE", help="e.g. killed=12, type=shelling, "
                                     "location.lat=36.1, effective_until=2020-03-01"),
    by: str = typer.Option(..., "--by", help="Who makes the correction."),
    note: Optional[str] = typer.Option(None, "--note", help="Why."),
    as_json: bool = typer.Option(False, "--json", help="Print the corrected record as JSON."),
    db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    from vigil.store import correct as store_correct, get_ceasefire, get_incident, parse_value
    from vigil.store.fusion import _get

    field_name, sep, raw = assignment.partition("=")
    if not sep:
        raise typer.BadParameter("use FIELD=VALUE", param_hint="FIELD=VALUE")
    field_name = field_name.strip()
    with _open_store(db) as store:
        before = _store_call(get_ceasefire if target.startswith("cf_") else get_incident, store, target)
        record = _store_call(store_correct, store, target, field_name, parse_value(raw), by=by, note=note)
    if as_json:
        _emit_json(record)
    else:
        typer.echo(f"{record['id']}: {field_name} {_shown(_get(before, field_name))} \u2192 "
                   f"{_shown(_get(record, field_name))}")


@app.command()
def reject(
    target: str = typer.Argument(..., help="An incident id (not an incident) or a ceasefire id (not a ceasefire)."),
    by: str = typer.Option(..., "--by", help="Who decides."),
    note: Optional[str] = typer.Option(None, "--note", help="Why."),
    db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """Mark an incident "not an incident" or a ceasefire "not a ceasefire": it leaves every output and
    flags nothing; `vigil undo` restores it."""
    from vigil.store import reject as store_reject

    with _open_store(db) as store:
        done = _store_call(store_reject, store, target, by=by, note=note)
    typer.echo(f"{done}: rejected" + (" (not a ceasefire)" if done.startswith("cf_") else " (not an incident)"))


@app.command()
def merge(
    first: str = typer.Argument(..., help="Incident id."),
    second: str = typer.Argument(..., help="Incident id to merge into the first."),
    by: str = typer.Option(..., "--by"),
    note: Optional[str] = typer.Option(None, "--note"),
    db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """Make two incidents one; they stay one after later ingests and `vigil rebuild`."""
    from vigil.store import merge as store_merge

    with _open_store(db) as store:
        record = _store_call(store_merge, store, first, second, by=by, note=note)
    typer.echo(f"{record['id']}: merged ({record['reports']} reports, killed {_shown(record.get('killed'))})")


@app.command()
def split(
    incident: str = typer.Argument(..., help="Incident id."),
    claim: str = typer.Argument(..., help="The doc_id of the source whose claim is split off (see `vigil show`)."),
    by: str = typer.Option(..., "--by"),
    note: Optional[str] = typer.Option(None, "--note"),
    db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """Take one report's claim out of an incident into an incident of its own."""
    from vigil.store import split as store_split

    with _open_store(db) as store:
        rest, alone = _store_call(store_split, store, incident, claim, by=by, note=note)
    typer.echo(f"{rest['id']}: {rest['reports']} reports left; {alone['id']}: split off ({claim})")


@app.command("delete-report")
def delete_report(
    doc_id: str = typer.Argument(..., help="The report's doc_id (as in an incident's sources)."),
    by: str = typer.Option(..., "--by"),
    note: Optional[str] = typer.Option(None, "--note"),
    db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """Withdraw a report: its claims stop counting everywhere (undoable with `vigil undo`)."""
    from vigil.store import delete_report as store_delete

    with _open_store(db) as store:
        done = _store_call(store_delete, store, doc_id, by=by, note=note)
    typer.echo(f"{done['doc_id']}: withdrawn; re-fused {len(done['incidents'])} incidents and "
               f"{len(done['ceasefires'])} ceasefires")


@app.command()
def undo(
    correction: int = typer.Argument(..., help="The correction's number, as `vigil history` lists it."),
    by: str = typer.Option(..., "--by"),
    db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """Undo one correction (it stays in the history, marked undone)."""
    from vigil.store import undo as store_undo

    with _open_store(db) as store:
        done = _store_call(store_undo, store, correction, by=by)
    typer.echo(f"#{done['id']} undone: {done['kind']} {done['target']} {done['field']}={_shown(done['value'])}")


@app.command()
def history(
    target: Optional[str] = typer.Argument(None, help="Incident, ceasefire or report (doc_id); all when omitted."),
    as_json: bool = typer.Option(False, "--json"),
    db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """What analysts did: each correction with its number, by whom, when and why."""
    from vigil.store import history as store_history

    with _open_store(db) as store:
        rows = _store_call(store_history, store, target)
    if as_json:
        _emit_json(rows)
        return
    if not rows:
        typer.echo("no corrections" + (f" of {target}" if target else ""))
    for r in rows:
        undone = f"  [undone by {r['undone']['by']} {r['undone']['at']}]" if r["undone"] else ""
        why = f" -- {r['note']}" if r.get("note") else ""
        typer.echo(f"#{r['id']} {r['at']} {r['by']}: {r['kind']} {r['target']} {r['field']}="
                   f"{_shown(r['value'])}{why}{undone}")


@app.command()
def rebuild(
    geocode: bool = typer.Option(False, "--geocode", help="Also re-run the geocoder over the stored claims "
                                 "(after `vigil gazetteer import` or an upgrade)."),
    db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """Re-fuse all incidents and ceasefires from the stored claims (after fusion rules change);
    analysts' corrections are kept."""
    from vigil.store import rebuild as store_rebuild, regeocode, stats

    with _open_store(db) as store:
        if geocode:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            console = Console(stderr=True)
            with Progress(TextColumn("geocoding"), BarColumn(), MofNCompleteColumn(), console=console,
                          transient=True, disable=not console.is_terminal) as progress:
                task = progress.add_task("geocoding", total=None)
                change = regeocode(store, on_progress=lambda done, total: progress.update(
                    task, completed=done, total=total))
            typer.echo(change.line(), err=True)
        else:
            store_rebuild(store)
        counts = stats(store)
    typer.echo(f"incidents: {counts['incidents']}; ceasefires: {counts['ceasefires']}; "
               f"violations: {counts['violations']}; corrections: {counts['corrections']}; "
               f"without coordinates: {counts['without_coordinates']}", err=True)


# ---- end of store commands -------------------------------------------------


# ---- web commands (serve, token) --------------------------------------------


def _serve(db: Optional[str], host: str, port: int, workers: int = 1) -> None:
    from vigil.web import serve as web_serve

    def ready(url: str) -> None:
        typer.echo(f"dashboard: {url}   API docs: {url}docs   (Ctrl-C stops)", err=True)

    try:
        web_serve(db, host=host, port=port, on_ready=ready, workers=workers)
    except OSError as e:
        typer.echo(f"vigil: cannot listen on {host}:{port} ({e.strerror or e}); try --port", err=True)
        raise typer.Exit(1)


@app.command()
def serve(
    db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0: every interface)."),
    port: int = typer.Option(8000, "--port"),
    workers: int = typer.Option(1, "--workers", min=1, help="Server processes (more serve more concurrent users)."),
) -> None:
    """Serve the dashboard at / and the REST API at /api (docs at /docs) until Ctrl-C."""
    _serve(db, host, port, workers)


token_app = typer.Typer(no_args_is_help=True, help="Bearer tokens for the web API's writes.")
app.add_typer(token_app, name="token")


@token_app.command("create")
def token_create(name: str = typer.Argument(..., help="Who uses it; corrections made with it are signed so."),
                 db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP)) -> None:
    """Make a token; it is printed once and stored only hashed."""
    from vigil.store import create_token

    with _open_store(db, create=True) as store:
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
