"""Initial store: reports, near-copy signatures, claims, fused incidents, corrections, ceasefires, violations.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("doc_id", sa.String(512)),
        sa.Column("url", sa.Text),
        sa.Column("published", sa.Date, nullable=False),
        sa.Column("reports_incident", sa.Boolean),
        sa.Column("copy_group", sa.String(64), nullable=False, index=True),
        sa.Column("near_copy_of", sa.Integer, sa.ForeignKey("reports.id")),
        sa.Column("minhash", sa.LargeBinary),
        sa.Column("ingested_at", sa.DateTime(timezone=True)),
        sa.Column("payload", sa.JSON),
    )
    op.create_table(
        "report_bands",
        sa.Column("band", sa.Integer, primary_key=True),
        sa.Column("bucket", sa.BigInteger, primary_key=True),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id"), primary_key=True),
    )
    op.create_table(
        "near_copies",
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id"), primary_key=True),
        sa.Column("other_id", sa.Integer, sa.ForeignKey("reports.id"), primary_key=True),
        sa.Column("similarity", sa.Float),
    )
    op.create_table(
        "incident_claims",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("claim_key", sa.String(20), nullable=False, unique=True),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id"), nullable=False, index=True),
        sa.Column("idx", sa.Integer, nullable=False),
        sa.Column("incident_id", sa.String(16), index=True),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("fuse_date", sa.Date, nullable=False),
        sa.Column("gazetteer_id", sa.String(64), index=True),
        sa.Column("name_key", sa.String(200), index=True),
        sa.Column("matched_key", sa.String(200), index=True),
        sa.Column("lat", sa.Float),
        sa.Column("lon", sa.Float),
        sa.Column("payload", sa.JSON, nullable=False),
    )
    op.create_index("ix_incident_claims_block", "incident_claims", ["type", "fuse_date"])
    op.create_table(
        "total_claims",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id"), nullable=False, index=True),
        sa.Column("idx", sa.Integer, nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
    )
    op.create_table(
        "incidents",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("date", sa.Date),
        sa.Column("type", sa.String(32)),
        sa.Column("country_key", sa.String(100)),
        sa.Column("admin1_key", sa.String(100)),
        sa.Column("perpetrator_key", sa.String(100)),
        sa.Column("lat", sa.Float),
        sa.Column("lon", sa.Float),
        sa.Column("killed", sa.Integer),
        sa.Column("grade", sa.String(16)),
        sa.Column("record", sa.JSON, nullable=False),
    )
    op.create_index("ix_incidents_date", "incidents", ["date"])
    op.create_index("ix_incidents_country_date", "incidents", ["country_key", "date"])
    op.create_index("ix_incidents_admin1_date", "incidents", ["admin1_key", "date"])
    op.create_index("ix_incidents_perpetrator_date", "incidents", ["perpetrator_key", "date"])
    op.create_index("ix_incidents_type_date", "incidents", ["type", "date"])
    op.create_index("ix_incidents_lat_lon", "incidents", ["lat", "lon"])
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("anchor_claim", sa.String(20), nullable=False, index=True),
        sa.Column("incident_id", sa.String(16), nullable=False),
        sa.Column("field", sa.String(64), nullable=False),
        sa.Column("value", sa.JSON),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "ceasefire_claims",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("claim_key", sa.String(20), nullable=False, unique=True),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id"), nullable=False, index=True),
        sa.Column("idx", sa.Integer, nullable=False),
        sa.Column("ceasefire_id", sa.String(16), index=True),
        sa.Column("start", sa.Date, index=True),
        sa.Column("payload", sa.JSON, nullable=False),
    )
    op.create_table(
        "ceasefires",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("start", sa.Date, index=True),
        sa.Column("until", sa.Date),
        sa.Column("record", sa.JSON, nullable=False),
    )
    op.create_table(
        "violations",
        sa.Column("ceasefire_id", sa.String(16), primary_key=True),
        sa.Column("incident_id", sa.String(16), primary_key=True, index=True),
        sa.Column("by_declarer", sa.Boolean, nullable=False),
    )


def downgrade() -> None:
    for table in ("violations", "ceasefires", "ceasefire_claims", "corrections", "incidents", "total_claims",
                  "incident_claims", "near_copies", "report_bands", "reports"):
        op.drop_table(table)
