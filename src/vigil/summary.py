"""Readable summaries of extraction results for the terminal."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table

from vigil.model import Report


def print_summary(reports: list[Report], console: Console | None = None) -> None:
    console = console or Console()
    table = Table(title=f"{len(reports)} reports", show_lines=False)
    for col in ("report", "date", "place", "admin1", "type", "perpetrator", "killed", "source"):
        table.add_column(col)
    n_inc = n_cf = 0
    for r in reports:
        for i in r.incidents:
            n_inc += 1
            killed = "" if i.killed is None else (("≥" if i.killed_qualifier in ("at_least", "more_than") else "") + str(i.killed))
            table.add_row(r.doc.doc_id, i.date or "", i.location.name, i.location.admin1 or "", i.type,
                          i.perpetrator or "", killed, ", ".join(i.sources))
        n_cf += len(r.ceasefires)
    console.print(table)
    for r in reports:
        for c in r.ceasefires:
            console.print(f"ceasefire  {r.doc.doc_id}: {', '.join(c.declared_by) or '?'}"
                          f"  announced {c.announced_on or '?'}  from {c.effective_from or '?'}"
                          f"  until {c.effective_until or '?'}  area {c.area or '?'}")
    console.print(f"{len(reports)} reports, {n_inc} incidents, "
                  f"{sum(len(r.totals) for r in reports)} totals, {n_cf} ceasefires")
