"""Alembic environment: run programmatically by linkpilot.storage.migrate, never via alembic.ini."""

from __future__ import annotations

from alembic import context

from linkpilot.storage.models import Base

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite can only ALTER by copying tables; batch mode does that
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
