"""LSH band rows kept in one B-tree ordered by bucket (the near-copy lookup's key), not in a table
plus two indexes of it.

Each stored report adds 25 band rows at random buckets. With the primary key (band, bucket,
report_id) and a separate index on bucket, every row went into two B-trees at random places (and
into the table itself): once the store outgrows the page cache, each of those is a page read and
a page written to the write-ahead log per row, and ingest cost per report grew with the store.
Keyed (bucket, band, report_id), without a rowid on SQLite, one B-tree serves both the lookup and
the uniqueness; the bucket index goes.

Two more of the costs that grew with the store: `stats` (run before and after every ingest)
counted sample reports with a scan of the whole reports table, texts and all (an index on
`sample` makes it a short range); and the blocking query walks every claim of the type family
within the day window through (type, fuse_date), reading each claim's table row to test its place
keys: the index now carries the place keys and the incident id too, so only the rows that match
are read.

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-05
"""
from alembic import op

revision = "0011"
down_revision = "0009"
branch_labels = None
depends_on = None

BLOCK = ["type", "fuse_date", "incident_id", "gazetteer_id", "name_key", "matched_key", "skeleton_key", "lat", "lon"]


def upgrade() -> None:
    op.create_index("ix_reports_sample", "reports", ["sample"])
    op.drop_index("ix_incident_claims_block", table_name="incident_claims")
    op.create_index("ix_incident_claims_block", "incident_claims", BLOCK)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE TABLE report_bands_new (band INTEGER NOT NULL, bucket BIGINT NOT NULL, "
                   "report_id INTEGER NOT NULL, PRIMARY KEY (bucket, band, report_id), "
                   "FOREIGN KEY(report_id) REFERENCES reports (id)) WITHOUT ROWID")
        op.execute("INSERT INTO report_bands_new (band, bucket, report_id) "
                   "SELECT band, bucket, report_id FROM report_bands")
        op.execute("DROP TABLE report_bands")  # its indexes go with it
        op.execute("ALTER TABLE report_bands_new RENAME TO report_bands")
        return
    op.drop_index("ix_report_bands_bucket", table_name="report_bands")
    op.drop_constraint("report_bands_pkey", "report_bands", type_="primary")
    op.create_primary_key("report_bands_pkey", "report_bands", ["bucket", "band", "report_id"])


def downgrade() -> None:
    op.drop_index("ix_reports_sample", table_name="reports")
    op.drop_index("ix_incident_claims_block", table_name="incident_claims")
    op.create_index("ix_incident_claims_block", "incident_claims", ["type", "fuse_date"])
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE TABLE report_bands_old (band INTEGER NOT NULL, bucket BIGINT NOT NULL, "
                   "report_id INTEGER NOT NULL, PRIMARY KEY (band, bucket, report_id), "
                   "FOREIGN KEY(report_id) REFERENCES reports (id))")
        op.execute("INSERT INTO report_bands_old (band, bucket, report_id) "
                   "SELECT band, bucket, report_id FROM report_bands")
        op.execute("DROP TABLE report_bands")
        op.execute("ALTER TABLE report_bands_old RENAME TO report_bands")
    else:
        op.drop_constraint("report_bands_pkey", "report_bands", type_="primary")
        op.create_primary_key("report_bands_pkey", "report_bands", ["band", "bucket", "report_id"])
    op.create_index("ix_report_bands_bucket", "report_bands", ["bucket"])
