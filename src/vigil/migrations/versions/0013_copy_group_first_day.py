"""A copy group's first publication day is read off an index on (copy_group, published).

Near-copy groups chain: a stream of templated reports (daily statements, truce notices) links each
new one to the last within the 30-day window, and on a generated corpus of 200,000 reports groups
of 400 to 1,450 members formed. Each new member read every member's row for the group's first day
and rewrote every member's group id (to the same value). The index answers the first day in one
lookup; the store now rewrites only the rows whose group changes.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_reports_copy_group_published", "reports", ["copy_group", "published"])
    op.drop_index("ix_reports_copy_group", table_name="reports")


def downgrade() -> None:
    op.create_index("ix_reports_copy_group", "reports", ["copy_group"])
    op.drop_index("ix_reports_copy_group_published", table_name="reports")
