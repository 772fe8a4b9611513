"""Index LSH band buckets by value, so near-copy lookup is one IN query.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_report_bands_bucket", "report_bands", ["bucket"])


def downgrade() -> None:
    op.drop_index("ix_report_bands_bucket", table_name="report_bands")
