"""Readable summaries of the store for the terminal (what `vigil demo`, `vigil show` and the
`--format table` outputs print). Every figure is the corrected one."""
from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table


def print_store_summary(store, console: Console | None = None) -> None:
    """Fused incidents, ceasefires and their violations, as an analyst would scan them."""
    from vigil.store import query_ceasefires, query_incidents

    console = console or Console()
    print_incident_table(query_incidents(store), console)
    print_ceasefire_table(query_ceasefires(store), console)


def print_incident_table(incidents: list[dict[str, Any]], console: Console | None = None) -> None:
    console = console or Console()
    incidents = sorted(incidents, key=lambda i: (i.get("date") or "", i["location"]["name"] or ""))
    table = Table(title=f"{len(incidents)} incidents", title_justify="left")
    for col in ("id", "date", "place", "type", "perpetrator", "killed", "reports", "grade", "in truce"):
        table.add_column(col, overflow="fold")
    for i in incidents:
        loc = i["location"]
        place = (loc["name"] or "?") + (f" ({loc['admin1']})" if loc.get("admin1") else "")
        if loc.get("lat") is None:
            place += " [no coordinates]"
        table.add_row(i["id"], i.get("date") or "?", place, i["type"], i.get("perpetrator") or "",
                      _killed(i) + (" *" if "killed" in (i.get("machine") or {}) else ""), str(i["reports"]),
                      i["grade"], "yes" if i.get("violations") else "")
    console.print(table)


def _ended(c: dict[str, Any]) -> str:
    why = c.get("ended_by") or {}
    if not c.get("in_force_until"):
        return "open" if c.get("area_placed", True) else ""
    rule = {"collapse reported": "collapse"}.get(why.get("rule", ""), why.get("rule", ""))
    if rule == "superseded":
        rule = f"superseded by {why.get('by')}"
    return f"{c['in_force_until']} ({rule})"


def print_ceasefire_table(cfs: list[dict[str, Any]], console: Console | None = None) -> None:
    console = console or Console()
    table = Table(title=f"{len(cfs)} ceasefires", title_justify="left")
    for col in ("id", "declared by", "from", "in force until", "area", "violations: all (declarer/other/unknown)",
                "killed in them"):
        table.add_column(col, overflow="fold")
    for c in cfs:
        area = c.get("area") or ""
        if c.get("area_used") and c["area_used"] != c.get("area"):
            area += f" -> {c['area_used']}"
        if not c.get("area_placed", True):
            area += " (cannot be placed: flags nothing)"
        counts = (f"{c.get('violations', 0)} ({c.get('violations_by_declarers', 0)}/"
                  f"{c.get('violations_by_other_parties', 0)}/{c.get('violations_perpetrator_unknown', 0)})")
        table.add_row(c["id"], ", ".join(c["declared_by"]) or "?", c.get("effective_from") or c.get("announced_on")
                      or "?", _ended(c), area, counts, str(c.get("violations_killed") or 0))
    console.print(table)


def print_incident(i: dict[str, Any], console: Console | None = None) -> None:
    """One incident for a person: what happened, where, by whom, how sure, and each source's words."""
    console = console or Console()
    loc = i.get("location") or {}
    fixed = i.get("machine") or {}
    mark = lambda f: f"  (corrected; machine: {fixed[f]})" if f in fixed else ""  # noqa: E731
    where = ", ".join(x for x in (loc.get("name"), loc.get("admin2"), loc.get("admin1"), loc.get("country")) if x)
    coords = "no coordinates" if loc.get("lat") is None else f"{loc['lat']:.5f}, {loc['lon']:.5f}"
    lines = [f"[bold]{i['id']}[/bold]  {i.get('date') or '?'}  {i.get('type')}{mark('type')}",
             f"place: {where} ({coords}){mark('location.name')}",
             f"perpetrator: {i.get('perpetrator') or 'unknown'}{mark('perpetrator')}",
             f"killed: {_killed(i) or 'unknown'}{mark('killed')}   injured: "
             f"{i.get('injured') if i.get('injured') is not None else 'unknown'}",
             f"grade: {i.get('grade')} ({i.get('independent_sources')} independent sources, {i.get('reports')} reports)",
             f"possible ceasefire violations: {', '.join(i.get('violations') or []) or 'none'}"]
    console.print("\n".join(lines))
    for s in i.get("sources") or []:
        head = f"- {s.get('doc_id')} ({s.get('published', '')}) {s.get('url') or ''}".rstrip()
        said = f"killed {s['killed']}" if s.get("killed") is not None else "no toll"
        console.print(f"{head}: {said}" + (f", copy of {s['copy_of']}" if s.get("copy_of") else ""), markup=False)
        for sentence in s.get("evidence") or []:
            console.print(f"    \u201c{sentence}\u201d", markup=False)
    for c in i.get("corrections") or []:
        console.print(f"  correction #{c.get('id')}: {c['field']}={c['value']} by {c['by']} {c['at']}"
                      + (f" -- {c['note']}" if c.get("note") else ""), markup=False)


def print_ceasefire(c: dict[str, Any], flagged: list[dict[str, Any]], console: Console | None = None) -> None:
    console = console or Console()
    lines = [f"[bold]{c['id']}[/bold]  declared by {', '.join(c['declared_by']) or 'unknown'}",
             f"announced {c.get('announced_on') or '?'}; from {c.get('effective_from') or '?'}; stated end "
             f"{c.get('effective_until') or 'none'}; in force until: {_ended(c) or 'unknown'}",
             f"area: {c.get('area')}" + (f" -> {c['area_used']}" if c.get("area_used") not in (None, c.get("area"))
                                         else "") + ("" if c.get("area_placed", True)
                                                     else " (cannot be placed: flags nothing)")]
    if c.get("status"):
        lines.append(f"status: {c['status']}")
    for e in c.get("date_errors") or []:
        lines.append(f"date error: {e}")
    console.print("\n".join(lines))
    for v in flagged:
        console.print(f"- {v['incident_id']} {v['date']} {v['place']}: {v['strength']}; {v['reason']}", markup=False)


def _killed(incident: dict) -> str:
    best, low, high = incident.get("killed_best"), incident.get("killed_low"), incident.get("killed_high")
    if best is None:
        best = incident.get("killed")
    if best is None:
        return ""
    return str(best) if low == high or low is None else f"{best} ({low}-{high})"
