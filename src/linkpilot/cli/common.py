"""What every command needs: the effective settings and an open, migrated database."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from functools import wraps
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import click

from linkpilot.common.errors import BadInput, StorageError
from linkpilot.common.settings import Settings, load_settings
from linkpilot.storage.database import Database
from linkpilot.storage.migrate import ensure_schema

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
    handler = RotatingFileHandler(target, maxBytes=5_000_000, backupCount=3, encoding="utf-8")
    handler.linkpilot_log = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def open_database(settings: Settings) -> Database:
    """The automatic upgrade on start: every command that opens storage gets the current schema."""
    prepare_home(settings)
    ensure_schema(settings.effective_database_url)
    return Database(settings.effective_database_url)


def run_async(func: Callable[P, Coroutine[Any, Any, T]]) -> Callable[P, T]:
    """Let a click command be written as a coroutine."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        return asyncio.run(func(*args, **kwargs))

    return wrapper


async def with_database(settings: Settings, work: Callable[[Database], Awaitable[T]]) -> T:
    db = open_database(settings)
    try:
        return await work(db)
    finally:
        await db.dispose()


def echo_json(data: Any) -> None:
    import json

    click.echo(json.dumps(data, indent=2, sort_keys=True, default=str))
