"""Band rows carry their report's publication day, keyed (bucket, published, band, report_id), so
the near-copy lookup reads only the rows of a bucket within the copy window.

Before, the lookup read every report that had ever shared a bucket and joined each to `reports`
for its day: on a templated corpus, a bucket collects a share of everything stored, and at 250,000
stored reports that was about 140 index lookups into `reports` per new report, growing with the
store, of which about 2 fell within the 30-day window.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE TABLE report_bands_new (band INTEGER NOT NULL, bucket BIGINT NOT NULL, "
                   "report_id INTEGER NOT NULL, published DATE NOT NULL, "
                   "PRIMARY KEY (bucket, published, band, report_id), "
                   "FOREIGN KEY(report_id) REFERENCES reports (id)) WITHOUT ROWID")
        op.execute("INSERT INTO report_bands_new (band, bucket, report_id, published) "
                   "SELECT b.band, b.bucket, b.report_id, r.published FROM report_bands b "
                   "JOIN reports r ON r.id = b.report_id")
        op.execute("DROP TABLE report_bands")
        op.execute("ALTER TABLE report_bands_new RENAME TO report_bands")
        return
    op.add_column("report_bands", sa.Column("published", sa.Date, nullable=True))
    op.execute("UPDATE report_bands b SET published = r.published FROM reports r WHERE r.id = b.report_id")
    op.alter_column("report_bands", "published", nullable=False)
    op.drop_constraint("report_bands_pkey", "report_bands", type_="primary")
    op.create_primary_key("report_bands_pkey", "report_bands", ["bucket", "published", "band", "report_id"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE TABLE report_bands_old (band INTEGER NOT NULL, bucket BIGINT NOT NULL, "
                   "report_id INTEGER NOT NULL, PRIMARY KEY (bucket, band, report_id), "
                   "FOREIGN KEY(report_id) REFERENCES reports (id)) WITHOUT ROWID")
        op.execute("INSERT INTO report_bands_old (band, bucket, report_id) "
                   "SELECT band, bucket, report_id FROM report_bands")
        op.execute("DROP TABLE report_bands")
        op.execute("ALTER TABLE report_bands_old RENAME TO report_bands")
        return
    op.drop_constraint("report_bands_pkey", "report_bands", type_="primary")
    op.drop_column("report_bands", "published")
    op.create_primary_key("report_bands_pkey", "report_bands", ["bucket", "band", "report_id"])
