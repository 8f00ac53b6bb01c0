from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from linkpilot.storage.database import sync_url
from linkpilot.storage.migrate import MIGRATIONS, current_revision, upgrade
from linkpilot.storage.models import Base
from linkpilot.storage.schema_version import head_revision


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


def test_the_head_known_without_alembic_is_alembics_head() -> None:
    # Start-up compares the database with schema_version's head and imports Alembic only to
    # migrate: that head must be Alembic's, every file named after its revision, in one line.
    scripts = ScriptDirectory(str(MIGRATIONS))
    assert head_revision() == scripts.get_current_head()
    for script in scripts.walk_revisions():
        assert script.path is not None
        assert Path(script.path).name.startswith(f"{script.revision}_"), script.path
