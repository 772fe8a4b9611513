"""Alembic environment for Vigil's store.

`vigil.store` runs the migrations itself on open, handing over its own
connection (`config.attributes["connection"]`), so there is no alembic.ini
and no URL here. To write a new revision: `alembic -x ... revision` is not
needed; copy the latest file in versions/ and bump `down_revision`.
"""
from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Vigil migrations run through vigil.store.open_store(), which passes a connection")

context.configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
