"""`linkpilot config show|check`."""

from __future__ import annotations

import asyncio
import json
import logging
import tempfile
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from linkpilot.cli.common import run_async, settings_from_env
from linkpilot.common.clock import local_zone_name, utc_now
from linkpilot.common.errors import ExitCode, LinkPilotError
from linkpilot.common.settings import Settings, masked_dump
from linkpilot.common.text import counted

# Each reachability check gets this long: a Redis or PostgreSQL that does not answer, or a
# Chromium that hangs, is a failed check, not a hung command.
CHECK_TIMEOUT_S = 60.0


@click.group()
def config() -> None:
    """Show or check the effective settings."""


@config.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of TOML-like text.")
def show(as_json: bool) -> None:
    """Print the effective settings, secrets masked."""
    data = masked_dump(settings_from_env())
    if as_json:
        click.echo(json.dumps(data, indent=2, sort_keys=True))
        return
    for line in _toml_lines(data):
        click.echo(line)


@config.command("check")
@click.option("--settings-only", is_flag=True, help="Only validate the settings; start and reach nothing.")
@run_async
async def check(settings_only: bool) -> int:
    """Validate the settings, then check all that can be without LinkedIn: the secret key, the
    database, Redis, the browser, the notification URLs. Exit 0 when all pass, 2 when one fails."""
    settings = settings_from_env()
    click.echo(f"settings OK (data folder {settings.home}, time zone {settings.timezone})")
    box = local_zone_name()
    if not same_clock_times(settings.timezone, box):
        click.echo(
            f"linkpilot: warning: timezone is {settings.timezone} but this machine's zone is {box}: "
            "days, working hours and birthdays follow the setting; set it to where the account's owner lives",
            err=True,
        )
    if settings_only:
        return ExitCode.OK
    # The checks' own log lines (the browser's blocked background requests) are not for the
    # terminal, and this command writes no log file of its own.
    logging.getLogger().addHandler(logging.NullHandler())
    failed: list[str] = []
    for name, probe in CHECKS:
        try:
            detail = await asyncio.wait_for(probe(settings), CHECK_TIMEOUT_S)
        except TimeoutError:
            detail, ok = f"no answer within {CHECK_TIMEOUT_S:g} s", False
        except LinkPilotError as exc:
            detail, ok = exc.message, False
        except Exception as exc:  # whatever the driver raised: its kind and first line, no traceback
            detail, ok = _first_line(exc), False
        else:
            ok = True
        click.echo(f"{'ok' if ok else 'FAILED':<7} {name}: {detail}")
        if not ok:
            failed.append(f"{name}: {detail}")
    if failed:
        more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
        click.echo(f"linkpilot: error: config check failed: {failed[0]}{more}", err=True)
        return ExitCode.BAD_INPUT
    return ExitCode.OK


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0]}" if text else type(exc).__name__


async def _secret_key(settings: Settings) -> str:
    from linkpilot.engine.session.crypto import key_path, load_key

    if settings.secret_key is not None:
        return "a Fernet key (secret_key setting)"
    if load_key(settings, create=False) is None:  # raises on a damaged key file
        return f"none yet: {key_path(settings)} is made by the first `session import`"
    return f"a Fernet key in {key_path(settings)}"


def _default_database(settings: Settings) -> str | None:
    """The default SQLite file's line when it is absent or at the newest schema, read with
    sqlite3 alone; None when only the full storage layer (SQLAlchemy, a third of a second to
    import) can say."""
    from linkpilot.storage.quick_read import QuickReader

    path = settings.sqlite_path
    if not path.exists():
        return f"SQLite {path} (made on first use)"
    reader = QuickReader.open(path)
    if reader is None:
        return None
    with reader:
        return f"SQLite {path} answers (schema current)"


async def _database(settings: Settings) -> str:
    quick = _default_database(settings) if settings.database_url is None else None
    if quick is not None:
        return quick
    from linkpilot.storage.database import is_sqlite, parse_url, sqlite_file
    from linkpilot.storage.migrate import current_revision
    from linkpilot.storage.schema_version import head_revision

    url = settings.effective_database_url
    path = sqlite_file(url)
    if path is not None and not path.exists():
        return f"SQLite {path} (made on first use)"
    revision = await asyncio.to_thread(current_revision, url)
    where = (
        f"SQLite {path}" if is_sqlite(url) else f"PostgreSQL {parse_url(url).host}/{parse_url(url).database}"
    )
    state = "current" if revision == head_revision() else f"at {revision or 'nothing'}, upgraded on start"
    return f"{where} answers (schema {state})"


async def _redis(settings: Settings) -> str:
    if settings.redis_url is None:
        return "not set (the embedded quota ledger)"
    from linkpilot.engine.shared_redis import redis_client

    client = redis_client(settings.redis_url)
    try:
        await client.ping()
    finally:
        await client.aclose()
    return "answers PING"


async def _browser(settings: Settings) -> str:
    from linkpilot.engine.browser.context import BrowserSession
    from linkpilot.engine.chromium import find_chromium

    executable = find_chromium(settings.chromium)
    # A throw-away profile: the real one may be in use by a running console or `serve`.
    with tempfile.TemporaryDirectory(prefix="linkpilot-check-") as scratch:
        async with BrowserSession(settings.model_copy(update={"home": Path(scratch)})) as browser:
            await browser.page()
    return f"{executable} starts"


async def _notify(settings: Settings) -> str:
    if not settings.notify.urls:
        return "no channel (set [notify] urls to be told when LinkPilot stops)"
    from linkpilot.engine.notify.channels import parse_channels

    targets = parse_channels(settings.notify.urls)
    return f"{counted(len(targets), 'channel')} parse: " + ", ".join(t.label for t in targets)


CHECKS: tuple[tuple[str, Callable[[Settings], Awaitable[str]]], ...] = (
    ("secret key", _secret_key),
    ("database", _database),
    ("redis", _redis),
    ("browser", _browser),
    ("notifications", _notify),
)


def same_clock_times(a: str, b: str) -> bool:
    """Whether two zones read the same local time now and half a year from now (aliases agree)."""
    now = utc_now()
    return all(
        (now + timedelta(days=days)).astimezone(ZoneInfo(a)).utcoffset()
        == (now + timedelta(days=days)).astimezone(ZoneInfo(b)).utcoffset()
        for days in (0, 182)
    )


def _toml_lines(data: dict[str, object], prefix: str = "") -> list[str]:
    scalars = [(k, v) for k, v in data.items() if not isinstance(v, dict)]
    tables = [(k, v) for k, v in data.items() if isinstance(v, dict)]
    lines = [f"{key} = {json.dumps(value)}" for key, value in scalars if value is not None]
    lines += [f"# {key} is not set" for key, value in scalars if value is None]
    for key, value in tables:
        name = f"{prefix}{key}"
        lines += ["", f"[{name}]", *_toml_lines(value, f"{name}.")]
    return lines
