"""The data version moves once per transaction on PostgreSQL, not once per statement: the trigger
function is replaced by `vigil.store.engine.migrate`, which reinstalls the triggers after every
upgrade; this revision only makes existing databases take that step. Nothing changes on SQLite.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # the function is (re)created by engine._version_triggers right after the upgrade


def downgrade() -> None:
    pass
