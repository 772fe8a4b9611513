"""A 0.1-degree grid cell on incidents, indexed with the date, for fast --near queries.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""
import math

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _cell(lat, lon):
    if lat is None or lon is None:
        return None
    return (math.floor(lat * 10) + 900) * 10000 + (math.floor(lon * 10) + 1800)


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("cell", sa.Integer))
    op.create_index("ix_incidents_cell_date", "incidents", ["cell", "date"])
    conn = op.get_bind()
    t = sa.table("incidents", sa.column("id", sa.String), sa.column("lat", sa.Float), sa.column("lon", sa.Float),
                 sa.column("cell", sa.Integer))
    rows = conn.execute(sa.select(t.c.id, t.c.lat, t.c.lon).where(t.c.lat.is_not(None))).all()
    for r in rows:
        conn.execute(sa.update(t).where(t.c.id == r.id).values(cell=_cell(r.lat, r.lon)))


def downgrade() -> None:
    op.drop_index("ix_incidents_cell_date", table_name="incidents")
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("cell")
