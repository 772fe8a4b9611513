"""What an analyst needs to publish: samples marked, withdrawn reports, corrections
of any target (incident, ceasefire, report) that can be undone, why and how strongly a violation was
flagged, and each actor of a joint attribution indexed for filtering.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("sample", sa.Boolean))
        batch.add_column(sa.Column("withdrawn", sa.Boolean))
    with op.batch_alter_table("corrections") as batch:
        batch.alter_column("anchor_claim", type_=sa.String(64), existing_type=sa.String(20), existing_nullable=False)
        batch.add_column(sa.Column("kind", sa.String(16)))
        batch.add_column(sa.Column("undone_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("undone_by", sa.String(200)))
    with op.batch_alter_table("violations") as batch:
        batch.add_column(sa.Column("strength", sa.String(32)))
        batch.add_column(sa.Column("reason", sa.Text))
    op.create_table(
        "incident_actors",
        sa.Column("incident_id", sa.String(16), primary_key=True),
        sa.Column("actor_key", sa.String(100), primary_key=True),
    )
    op.create_index("ix_incident_actors_actor_key", "incident_actors", ["actor_key"])
    # Existing incidents get their actors the next time they are re-fused (`vigil rebuild`).
    conn = op.get_bind()
    inc = sa.table("incidents", sa.column("id", sa.String), sa.column("record", sa.JSON))
    act = sa.table("incident_actors", sa.column("incident_id", sa.String), sa.column("actor_key", sa.String))
    from vigil.store.fusion import actor_keys

    rows = [{"incident_id": r.id, "actor_key": k} for r in conn.execute(sa.select(inc.c.id, inc.c.record))
            for k in actor_keys((r.record or {}).get("perpetrator"))]
    if rows:
        conn.execute(sa.insert(act), rows)


def downgrade() -> None:
    op.drop_index("ix_incident_actors_actor_key", table_name="incident_actors")
    op.drop_table("incident_actors")
    with op.batch_alter_table("violations") as batch:
        batch.drop_column("reason")
        batch.drop_column("strength")
    with op.batch_alter_table("corrections") as batch:
        batch.drop_column("undone_by")
        batch.drop_column("undone_at")
        batch.drop_column("kind")
        batch.alter_column("anchor_claim", type_=sa.String(20), existing_type=sa.String(64), existing_nullable=False)
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("withdrawn")
        batch.drop_column("sample")
