"""The incident store: the only module that talks to the database.

SQLite by default (`vigil.db` in the working directory), PostgreSQL by URL
(`postgresql+psycopg://user:pw@host/db`); `--db URL` or `VIGIL_DB` choose.
The schema lives in Alembic migrations inside the package
(`vigil/migrations`) and is brought up to date every time a store is opened,
so the CLI, a worker process or a web app all see the same tables.

What is kept
    * reports (content hash, publication date, the report dict) with their
      MinHash signature and LSH band buckets, so syndicated near-copies are
      found across runs without loading every signature;
    * every claim as the report made it (incidents, totals, ceasefires), with
      its evidence and evidence spans;
    * fused incidents and merged ceasefires (rebuilt from the claims by the
      pure functions in `vigil.fuse` and `vigil.ledger`), possible
      violations, and analysts' corrections.

How ingest stays incremental and order-independent
    A batch of reports (200 by default) is one transaction, written with
    multi-row inserts. Each new incident claim is compared only with stored
    claims of the same type dated within a day and sharing a place key (index
    `ix_incident_claims_block`), and with the batch's earlier claims under the
    same blocking in memory; every incident it matches is merged with it, and
    each incident the batch touched is re-fused once from all its claims, so
    the cost of a report does not grow with the size of the store. A batch
    that fails is rolled back whole and retried one report per transaction,
    naming the report that fails. Incidents are
    connected components of the `fuse.same_incident` relation, and their ids
    are their smallest claim key, so any arrival order ends in the same
    incidents with the same ids. Corrections are anchored to a claim, so they
    follow that claim into whatever incident it belongs to after re-fusion.

Writers
    Store transactions are short and run one at a time (an advisory lock on
    PostgreSQL, the database lock on SQLite), so extraction can run in many
    processes while fusion stays exact. Readers never wait on PostgreSQL, and
    on SQLite (WAL mode) they see the last committed report.
"""
from __future__ import annotations
from vigil.store.engine import DEFAULT_URL, SCHEMA_REVISION, Store, data_version, database_url, migrate, open_store
from vigil.store.schema import (ceasefire_claims, ceasefires, corrections, incident_claims, incidents, metadata,
                                near_copies, report_bands, reports, total_claims, violations)
from vigil.store.nearcopy import NEAR_COPY_THRESHOLD, signature
from vigil.store.fusion import admin1_key, apply_corrections, cells_covering, grid_cell, rebuild
from vigil.store.queries import (FilterError, IncidentFilter, UnknownIncident, analyze, bulk_insert_incidents,
                                 check_filter, country_keys, get_ceasefire, get_incident, iter_incidents,
                                 query_ceasefires, query_incidents, query_violations, stats, unplaced_names)
from vigil.store.ingest import IngestSummary, content_hash, ingest_reports
from vigil.store.corrections import (CEASEFIRE_CORRECTABLE, CORRECTABLE, GRADES, CorrectionError, correct,
                                     delete_report, history, merge, parse_value, reject, split, undo, validate)
from vigil.store.places import GeocodeChange, regeocode
from vigil.store.browse import (BrowseFilter, Page, UnknownReport, browse_page, check_browse, count_incidents, get_report, incident_points,
                                incident_stats, incidents_of_reports, page_incidents)
from vigil.store.tokens import create_token, list_tokens, revoke_token, token_owner

__all__ = [
    "BrowseFilter", "Page", "UnknownReport", "browse_page", "data_version", "check_browse", "count_incidents", "get_report", "incident_points", "incident_stats",
    "incidents_of_reports", "page_incidents", "create_token", "list_tokens", "revoke_token", "token_owner",
    "GeocodeChange", "regeocode", "CEASEFIRE_CORRECTABLE", "CorrectionError", "FilterError", "GRADES", "check_filter", "country_keys",
    "delete_report", "get_ceasefire", "history", "merge", "reject", "split", "undo", "unplaced_names", "validate",
    "CORRECTABLE", "DEFAULT_URL", "IncidentFilter", "IngestSummary", "NEAR_COPY_THRESHOLD", "SCHEMA_REVISION",
    "Store", "UnknownIncident", "admin1_key", "analyze", "apply_corrections", "bulk_insert_incidents",
    "cells_covering", "ceasefire_claims", "ceasefires", "content_hash", "correct", "corrections", "database_url",
    "get_incident", "grid_cell", "incident_claims", "incidents", "ingest_reports", "iter_incidents", "metadata",
    "migrate", "near_copies", "open_store", "parse_value", "query_ceasefires", "query_incidents",
    "query_violations", "rebuild", "report_bands", "reports", "signature", "stats", "total_claims", "violations",
]
