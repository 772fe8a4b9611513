"""What the web app needs: report text (evidence in context), low/high killed columns for the stats,
indexes for grade filters and toll sorting, and hashed API tokens.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("text", sa.Text))
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("killed_low", sa.Integer))
        batch.add_column(sa.Column("killed_high", sa.Integer))
    op.create_index("ix_incidents_grade_date", "incidents", ["grade", "date"])
    op.create_index("ix_incidents_killed", "incidents", ["killed"])
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("UPDATE incidents SET killed_low = (record->>'killed_low')::int, "
                             "killed_high = (record->>'killed_high')::int")
    else:
        conn.exec_driver_sql("UPDATE incidents SET killed_low = json_extract(record, '$.killed_low'), "
                             "killed_high = json_extract(record, '$.killed_high')")
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
    )


def downgrade() -> None:
    op.drop_table("api_tokens")
    op.drop_index("ix_incidents_killed", table_name="incidents")
    op.drop_index("ix_incidents_grade_date", table_name="incidents")
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("killed_high")
        batch.drop_column("killed_low")
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("text")
