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


# ---- end of store commands -------------------------------------------------
