"""Many-row inserts: PostgreSQL's COPY where the server is PostgreSQL, a multi-row INSERT elsewhere.

An ingest batch of 200 reports writes about 5,000 LSH band rows, 500 claims, 700 incidents and
thousands of violation links. As multi-row INSERTs on PostgreSQL each statement carries thousands
of parameters that psycopg parses anew (statements that long are not cached): that parsing was a
quarter of the ingest process's CPU. COPY streams the rows with no statement to parse, in one
round trip per table, and fires the same statement-level triggers (the data version) once."""
from __future__ import annotations

import json
from typing import Any, Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection


def _json_columns(table: sa.Table) -> frozenset[str]:
    return frozenset(c.name for c in table.columns if isinstance(c.type, sa.JSON))


def insert_rows(conn: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """INSERT `rows` (dicts of column values, all with the same keys) into `table` in the caller's
    transaction. JSON columns take Python values, as with `sa.insert`; a None there is JSON null."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        conn.execute(sa.insert(table), rows)
        return
    cols = list(rows[0])
    _copy(conn, table, cols, ([r[c] for c in cols] for r in rows))


def _copy(conn: Connection, table: sa.Table, cols: list[str], values: Iterable[list[Any]]) -> None:
    jsons = [i for i, c in enumerate(cols) if c in _json_columns(table)]
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        names = ", ".join(f'"{c}"' for c in cols)
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in values:
                for i in jsons:  # SQLAlchemy's JSON type stores None as JSON null, and so does this
                    row[i] = json.dumps(row[i])
                copy.write_row(row)
    finally:
        cursor.close()


def insert_returning_ids(conn: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> list[int]:
    """INSERT `rows` into a table with an integer `id` key; their ids, in the order of `rows`
    (ascending: later rows get larger ids, as the multi-row INSERT ... RETURNING gives them)."""
    if not rows:
        return []
    if conn.dialect.name != "postgresql":
        stmt = sa.insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return [r.id for r in conn.execute(stmt, rows)]
    ids = sorted(r[0] for r in conn.exec_driver_sql(
        "SELECT nextval(pg_get_serial_sequence(%(t)s, 'id')) FROM generate_series(1, %(n)s)",
        {"t": table.name, "n": len(rows)}))
    cols = list(rows[0])
    _copy(conn, table, ["id", *cols], ([i, *(r[c] for c in cols)] for i, r in zip(ids, rows)))
    return ids
