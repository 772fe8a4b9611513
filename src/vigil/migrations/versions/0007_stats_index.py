"""Covering indexes for the web app's stats: its two scans (sums by day; sums by country, admin1,
perpetrator and type) read these indexes instead of the stored records, in group order.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

KEYS = ["country_key", "admin1_key", "perpetrator_key", "type"]
FIGURES = ["killed_low", "killed", "killed_high"]


def upgrade() -> None:
    op.create_index("ix_incidents_stats_day", "incidents", ["date", *KEYS, *FIGURES])
    op.create_index("ix_incidents_stats_keys", "incidents", [*KEYS, "date", *FIGURES])


def downgrade() -> None:
    op.drop_index("ix_incidents_stats_keys", table_name="incidents")
    op.drop_index("ix_incidents_stats_day", table_name="incidents")
