"""A consonant-skeleton key on incident claims, so "Jidarya" and "Jadraya" meet in the blocking step.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from vigil.fuse import skeleton_key

    with op.batch_alter_table("incident_claims") as batch:
        batch.add_column(sa.Column("skeleton_key", sa.String(200)))
    op.create_index("ix_incident_claims_skeleton_key", "incident_claims", ["skeleton_key"])
    conn = op.get_bind()
    t = sa.table("incident_claims", sa.column("id", sa.Integer), sa.column("payload", sa.JSON),
                 sa.column("skeleton_key", sa.String))
    for row in conn.execute(sa.select(t.c.id, t.c.payload)).all():
        key = skeleton_key((row.payload or {}).get("location") or {})
        if key:
            conn.execute(sa.update(t).where(t.c.id == row.id).values(skeleton_key=key))


def downgrade() -> None:
    op.drop_index("ix_incident_claims_skeleton_key", table_name="incident_claims")
    with op.batch_alter_table("incident_claims") as batch:
        batch.drop_column("skeleton_key")
