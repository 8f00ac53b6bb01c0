from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine

from linkpilot.storage.database import sync_url
from linkpilot.storage.migrate import current_revision, head_revision, upgrade
from linkpilot.storage.models import Base


def test_migrations_build_exactly_the_models(database_url: str) -> None:
    upgrade(database_url)
    engine = create_engine(sync_url(database_url))
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations differ; run scripts/regen-initial-migration: {diff}"


def test_upgrade_is_idempotent(database_url: str) -> None:
    assert upgrade(database_url) == (None, head_revision())
    assert upgrade(database_url) == (head_revision(), head_revision())
    assert current_revision(database_url) == head_revision()
