"""A data version: one counter that every write to the incidents, their actors, the violations or
the ceasefires bumps (database triggers, installed by `vigil.store.engine.migrate`), so the web app
can keep its in-process answers until the counter moves, at the cost of one tiny read per request.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "data_version",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("n", sa.BigInteger, nullable=False),
    )
    op.bulk_insert(table, [{"id": 1, "n": 0}])


def downgrade() -> None:
    conn = op.get_bind()
    for t in ("incidents", "incident_actors", "violations", "ceasefires"):
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS vigil_data_version ON {t}")
        else:
            for op_ in ("insert", "update", "delete"):
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS vigil_data_version_{t}_{op_}")
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS vigil_bump_data_version()")
    op.drop_table("data_version")
