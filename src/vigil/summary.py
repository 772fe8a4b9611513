"""Readable summaries of the store for the terminal (what `vigil demo` prints)."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table


def print_store_summary(store, console: Console | None = None) -> None:
    """Fused incidents, ceasefires and their violations, as an analyst would scan them."""
    from vigil.store import query_ceasefires, query_incidents

    console = console or Console()
    incidents = sorted(query_incidents(store), key=lambda i: (i.get("date") or "", i["location"]["name"]))
    table = Table(title=f"{len(incidents)} incidents", title_justify="left")
    for col in ("date", "place", "type", "perpetrator", "killed", "reports", "grade", "in truce"):
        table.add_column(col, overflow="fold")
    for i in incidents:
        loc = i["location"]
        place = loc["name"] + (f" ({loc['admin1']})" if loc.get("admin1") else "")
        table.add_row(i.get("date") or "?", place, i["type"], i.get("perpetrator") or "",
                      _killed(i), str(i["reports"]), i["grade"], "yes" if i.get("violations") else "")
    console.print(table)
    cfs = query_ceasefires(store)
    table = Table(title=f"{len(cfs)} ceasefires", title_justify="left")
    for col in ("declared by", "announced", "from", "until", "area", "violations", "killed in them"):
        table.add_column(col, overflow="fold")
    for c in cfs:
        table.add_row(", ".join(c["declared_by"]) or "?", c.get("announced_on") or "", c.get("effective_from") or "",
                      c.get("effective_until") or "", c.get("area") or "", str(c.get("violations", 0)),
                      str(c.get("violations_killed") or 0))
    console.print(table)


def _killed(incident: dict) -> str:
    best, low, high = incident.get("killed_best"), incident.get("killed_low"), incident.get("killed_high")
    if best is None:
        return ""
    return str(best) if low == high else f"{best} ({low}-{high})"
