"""The store's tables (the Alembic migrations build exactly these; a test compares the two)."""
from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

reports = sa.Table(
    "reports", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("doc_id", sa.String(512)),
    sa.Column("url", sa.Text),
    sa.Column("published", sa.Date, nullable=False),
    sa.Column("reports_incident", sa.Boolean),
    sa.Column("copy_group", sa.String(64), nullable=False),
    sa.Column("near_copy_of", sa.Integer, sa.ForeignKey("reports.id")),
    sa.Column("minhash", sa.LargeBinary),
    sa.Column("ingested_at", sa.DateTime(timezone=True)),
    sa.Column("payload", sa.JSON),
    sa.Column("text", sa.Text),  # the report as read, so evidence spans can be shown in context
    sa.Column("sample", sa.Boolean),  # a bundled sample report (vigil demo), not real reporting
    sa.Column("withdrawn", sa.Boolean),  # deleted by an analyst (undoable): its claims count nowhere
    sa.Index("ix_reports_sample", "sample"),  # stats counts the samples without reading every report
    # a copy group's members, and its first day without reading them (a group can hold thousands)
    sa.Index("ix_reports_copy_group_published", "copy_group", "published"),
)
report_bands = sa.Table(
    "report_bands", metadata,
    sa.Column("band", sa.Integer, nullable=False),
    sa.Column("bucket", sa.BigInteger, nullable=False),
    sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id"), nullable=False),
    sa.Column("published", sa.Date, nullable=False),  # the report's day: the lookup reads only the copy window
    # one B-tree by (bucket, day), the near-copy lookup's key: 25 rows a report go in at random
    # buckets, and each further index of them cost a page read and write per row once the store is large
    sa.PrimaryKeyConstraint("bucket", "published", "band", "report_id", name="report_bands_pkey"),
    sqlite_with_rowid=False,
)
near_copies = sa.Table(
    "near_copies", metadata,
    sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id"), primary_key=True),
    sa.Column("other_id", sa.Integer, sa.ForeignKey("reports.id"), primary_key=True),
    sa.Column("similarity", sa.Float),
)
incident_claims = sa.Table(
    "incident_claims", metadata,
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
    sa.Column("skeleton_key", sa.String(200), index=True),
    # the blocking query's range (type, day) with the place keys it tests: only matching rows are read
    sa.Index("ix_incident_claims_block", "type", "fuse_date", "incident_id", "gazetteer_id", "name_key",
             "matched_key", "skeleton_key", "lat", "lon"),
)
total_claims = sa.Table(
    "total_claims", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id"), nullable=False, index=True),
    sa.Column("idx", sa.Integer, nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),
)
incidents = sa.Table(
    "incidents", metadata,
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
    sa.Column("cell", sa.Integer),  # 0.1-degree grid cell (see grid_cell), for --near
    sa.Column("killed_low", sa.Integer),  # with `killed` (the best figure): sums for the stats without JSON
    sa.Column("killed_high", sa.Integer),
    sa.Index("ix_incidents_date", "date"),
    sa.Index("ix_incidents_country_date", "country_key", "date"),
    sa.Index("ix_incidents_admin1_date", "admin1_key", "date"),
    sa.Index("ix_incidents_perpetrator_date", "perpetrator_key", "date"),
    sa.Index("ix_incidents_type_date", "type", "date"),
    sa.Index("ix_incidents_lat_lon", "lat", "lon"),
    sa.Index("ix_incidents_cell_date", "cell", "date"),
    sa.Index("ix_incidents_grade_date", "grade", "date"),
    sa.Index("ix_incidents_killed", "killed"),
    # covering, for the web stats' two scans (by day; by country, admin1, perpetrator and type)
    sa.Index("ix_incidents_stats_day", "date", "country_key", "admin1_key", "perpetrator_key", "type", "killed_low",
             "killed", "killed_high"),
    sa.Index("ix_incidents_stats_keys", "country_key", "admin1_key", "perpetrator_key", "type", "date", "killed_low",
             "killed", "killed_high"),
)
corrections = sa.Table(
    "corrections", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("anchor_claim", sa.String(64), nullable=False, index=True),  # claim key (report: content hash)
    sa.Column("incident_id", sa.String(16), nullable=False),  # the target's id when corrected
    sa.Column("field", sa.String(64), nullable=False),
    sa.Column("value", sa.JSON),
    sa.Column("by", sa.String(200), nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("kind", sa.String(16)),  # incident (or null) | ceasefire | report
    sa.Column("undone_at", sa.DateTime(timezone=True)),
    sa.Column("undone_by", sa.String(200)),
)
ceasefire_claims = sa.Table(
    "ceasefire_claims", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("claim_key", sa.String(20), nullable=False, unique=True),
    sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id"), nullable=False, index=True),
    sa.Column("idx", sa.Integer, nullable=False),
    sa.Column("ceasefire_id", sa.String(16), index=True),
    sa.Column("start", sa.Date, index=True),
    sa.Column("payload", sa.JSON, nullable=False),
)
ceasefires = sa.Table(
    "ceasefires", metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("start", sa.Date, index=True),
    sa.Column("until", sa.Date),
    sa.Column("record", sa.JSON, nullable=False),
)
violations = sa.Table(
    "violations", metadata,
    sa.Column("ceasefire_id", sa.String(16), primary_key=True),
    sa.Column("incident_id", sa.String(16), primary_key=True, index=True),
    sa.Column("by_declarer", sa.Boolean, nullable=False),
    sa.Column("strength", sa.String(32)),  # ledger.STRENGTHS
    sa.Column("reason", sa.Text),  # why it was flagged: area, period, actor
)
incident_actors = sa.Table(
    "incident_actors", metadata,  # each actor of a (joint) attribution, for --perpetrator
    sa.Column("incident_id", sa.String(16), primary_key=True),
    sa.Column("actor_key", sa.String(100), primary_key=True),
    sa.Index("ix_incident_actors_actor_key", "actor_key"),
)

data_version = sa.Table(
    "data_version", metadata,  # one row; triggers bump n on every write to VERSIONED tables (engine.migrate)
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("n", sa.BigInteger, nullable=False),
)
VERSIONED = ("incidents", "incident_actors", "violations", "ceasefires")  # what the web app's answers read

api_tokens = sa.Table(
    "api_tokens", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True)),
)
