"""What every command needs: the effective settings and an open, migrated database."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, Protocol, TypeVar

import click

from linkpilot.common.errors import BadInput, StorageError
from linkpilot.common.settings import Settings, load_settings
from linkpilot.common.text import escape_controls

if TYPE_CHECKING:
    from linkpilot.storage.database import Database

P = ParamSpec("P")
T = TypeVar("T")


def settings_from_env() -> Settings:
    return load_settings()


def prepare_home(settings: Settings) -> Path:
    home = settings.home
    try:
        home.mkdir(parents=True, exist_ok=True, mode=0o700)
    except (FileExistsError, NotADirectoryError):
        # A file where the folder (or one of its parents) should be: the setting is wrong.
        raise BadInput(f"home: {home} cannot be a data folder: it or a folder above it is a file") from None
    except PermissionError:
        raise BadInput(f"home: cannot create data folder {home}: permission denied") from None
    except OSError as exc:
        raise StorageError(f"cannot create data folder {home}: {exc.strerror}") from None
    configure_logging(home)
    return home


def configure_logging(home: Path) -> None:
    """The full log goes to home/linkpilot.log; the terminal only sees what commands print."""
    root = logging.getLogger()
    target = str(home / "linkpilot.log")
    for old in [h for h in root.handlers if getattr(h, "linkpilot_log", False)]:
        if getattr(old, "baseFilename", None) == target:
            return
        root.removeHandler(old)
        old.close()
    from logging.handlers import RotatingFileHandler

    handler = RotatingFileHandler(target, maxBytes=5_000_000, backupCount=3, encoding="utf-8")
    handler.linkpilot_log = True  # type: ignore[attr-defined]
    handler.setFormatter(LogFileFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)


class LogFileFormatter(logging.Formatter):
    """Log lines quote names and page text: their control characters are written escaped, so
    `tail -f linkpilot.log` shows them instead of obeying them."""

    def format(self, record: logging.LogRecord) -> str:
        return escape_controls(super().format(record))


def open_database(settings: Settings) -> Database:
    """The automatic upgrade on start: every command that opens storage gets the current schema."""
    # Imported here, not above: a command that never opens storage (or only reads it quickly,
    # `quota status`) must not pay for SQLAlchemy (bench/startup.py).
    from linkpilot.storage.database import Database
    from linkpilot.storage.migrate import ensure_schema

    prepare_home(settings)
    ensure_schema(settings.effective_database_url)
    return Database(settings.effective_database_url)


def run_async(func: Callable[P, Coroutine[Any, Any, T]]) -> Callable[P, T]:
    """Let a click command be written as a coroutine."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        import asyncio

        return asyncio.run(func(*args, **kwargs))

    return wrapper


class Closable(Protocol):
    async def close(self) -> None: ...


C = TypeVar("C", bound=Closable)


@asynccontextmanager
async def closing(thing: C) -> AsyncIterator[C]:
    """The ledger or the breaker of one command, closed when it is done (Redis connections)."""
    try:
        yield thing
    finally:
        await thing.close()


def quick_or_full(quick: T | None, settings: Settings, full: Callable[[Database], Awaitable[T]]) -> T:
    """A status command's answer: the quick read's (engine.quick_status), or when it has none
    the full storage layer's, opened (and migrated) for `full`."""
    return quick if quick is not None else run_async(with_database)(settings, full)


async def with_database(settings: Settings, work: Callable[[Database], Awaitable[T]]) -> T:
    db = open_database(settings)
    try:
        return await work(db)
    finally:
        await db.dispose()


def echo_json(data: Any) -> None:
    import json

    click.echo(json.dumps(data, indent=2, sort_keys=True, default=str))
