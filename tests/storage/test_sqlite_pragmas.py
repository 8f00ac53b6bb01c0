"""Every SQLite connection the application opens is set up alike: WAL, busy timeout, memory map."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from linkpilot.storage.database import BUSY_TIMEOUT_MS, MMAP_BYTES, Database


async def test_each_connection_gets_the_pragmas(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'linkpilot.db'}")
    try:
        async with db.session() as session:
            read = {
                name: (await session.execute(text(f"PRAGMA {name}"))).scalar_one()
                for name in ("journal_mode", "busy_timeout", "foreign_keys", "mmap_size")
            }
    finally:
        await db.dispose()
    # mmap_size: searches scan the contacts table through the OS page cache, not 2 MB per connection.
    assert read == {
        "journal_mode": "wal",
        "busy_timeout": BUSY_TIMEOUT_MS,
        "foreign_keys": 1,
        "mmap_size": MMAP_BYTES,
    }
