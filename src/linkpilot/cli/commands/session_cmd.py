"""`linkpilot session import|status`: bring the LinkedIn session in, and ask after it."""

from __future__ import annotations

import contextlib
import sys
from datetime import datetime
from pathlib import Path

import click

from linkpilot.cli.common import echo_json, prepare_home, run_async, settings_from_env
from linkpilot.common.clock import utc_now
from linkpilot.common.errors import BadInput, ExitCode
from linkpilot.common.settings import Settings
from linkpilot.common.text import counted
from linkpilot.engine.browser.origin import Origin
from linkpilot.engine.session.cookies import Cookie
from linkpilot.engine.session.crypto import key_path
from linkpilot.engine.session.formats import (
    LI_AT_MAX,
    check_li_at,
    li_at_cookie,
    parse_cookie_export,
    parse_storage_state,
    read_text,
)
from linkpilot.engine.session.store import SessionStatus, SessionStore, StoredSession

# What `--li-at -` reads from a pipe at most. Browsers keep a cookie of at most 4096 bytes
# (RFC 6265's floor, Chrome's ceiling), so LI_AT_MAX is already the largest real value; four
# times that leaves room for a pasted `li_at=` prefix, quotes and CRLFs while keeping a wrong
# file piped in by mistake (a HAR, a whole cookie export) from being read into memory.
STDIN_MAX_CHARS = 16 * 1024


@click.group()
def session() -> None:
    """Import the LinkedIn session (li_at cookie) and check that it still works."""


@session.command("import")
@click.option("--li-at", "li_at", metavar="VALUE", help="The li_at cookie value, or - to read it from stdin.")
@click.option("--li-at-file", type=click.Path(path_type=Path), help="A file holding the li_at value.")
@click.option(
    "--storage-state", type=click.Path(path_type=Path), help="A Playwright storage-state JSON file."
)
@click.option(
    "--cookies",
    "cookies_file",
    type=click.Path(path_type=Path),
    help="A cookie export: EditThisCookie / Cookie-Editor JSON, or Netscape cookies.txt.",
)
def import_session(
    li_at: str | None, li_at_file: Path | None, storage_state: Path | None, cookies_file: Path | None
) -> None:
    """Validate a session and store it encrypted in the data folder (replacing any previous one)."""
    given = [x for x in (li_at, li_at_file, storage_state, cookies_file) if x is not None]
    if len(given) != 1:
        raise BadInput(
            "session import: give exactly one of --li-at, --li-at-file, --storage-state, --cookies"
        )
    settings = settings_from_env()
    origin = Origin.parse(settings.linkedin_url)
    cookies: list[Cookie]
    if li_at is not None:
        source = "li_at"
        cookies = [li_at_cookie(_li_at_value(li_at), "--li-at")]
    elif li_at_file is not None:
        source = "li_at"
        cookies = [li_at_cookie(read_text(li_at_file), str(li_at_file))]
    elif storage_state is not None:
        source = "storage-state"
        cookies = parse_storage_state(storage_state, origin)
    else:
        assert cookies_file is not None
        source = "cookies"
        cookies = parse_cookie_export(cookies_file, origin)
    generated = settings.secret_key is None and not key_path(settings).exists()
    stored = StoredSession(cookies=tuple(cookies), source=source, imported_at=utc_now())
    _save_or_leave_as_found(settings, stored)
    prepare_home(settings)
    status = stored.status()
    click.echo(
        f"session imported ({source}, {counted(len(cookies), 'cookie')}); li_at expires {_when(status.expires_at)}; "
        "status unknown until `linkpilot session status --check`"
    )
    if generated:
        click.echo(
            f"a new encryption key was written to {key_path(settings)}: keep it with your backups, "
            "or set LINKPILOT_SECRET_KEY instead",
            err=True,
        )


def _save_or_leave_as_found(settings: Settings, stored: StoredSession) -> None:
    """Save the session; on failure the data folder is as it was (the store takes back a key it
    made, this takes back a data folder it made), so a failed import never half-sets LinkPilot up."""
    home = settings.home
    existed = home.exists()
    try:
        SessionStore(settings).save(stored)
    except BaseException:
        if not existed:
            with contextlib.suppress(OSError):
                home.rmdir()  # only if empty: never anything someone else put there
        raise


def _li_at_value(option: str) -> str:
    if option != "-":
        return option
    if sys.stdin.isatty():
        value: str = click.prompt("li_at", hide_input=True, prompt_suffix=": ")
        return value
    try:
        # Bounded: `cat big.json | linkpilot session import --li-at -` must not read it all.
        text = sys.stdin.read(STDIN_MAX_CHARS + 1)
    except UnicodeDecodeError:
        raise BadInput("stdin: not UTF-8 text; pipe only the li_at cookie's value") from None
    if len(text) > STDIN_MAX_CHARS:
        raise BadInput(
            f"stdin: more than {STDIN_MAX_CHARS // 1024} KiB; a li_at value is at most {LI_AT_MAX} "
            "characters: pipe only the cookie's value"
        )
    return check_li_at(text, "stdin")


@session.command("status")
@click.option(
    "--check", "check", is_flag=True, help="Open the feed in the browser to learn whether it still works."
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@run_async
async def status(check: bool, as_json: bool) -> int:
    """Say whether the session is valid, expired or unknown (never checked), and when it expires."""
    settings = settings_from_env()
    store = SessionStore(settings)
    now = utc_now()
    if check:
        # Only --check starts the browser: the import of the session and its plain status need none of it.
        from linkpilot.engine.session.check import check_session

        current: SessionStatus = await check_session(settings, store)
    else:
        current = store.load().status(now)
    if as_json:
        echo_json(current.to_json())
    else:
        for line in _describe(current, now):
            click.echo(line)
    return int(ExitCode.NO_SESSION) if current.state == "expired" else int(ExitCode.OK)


def _describe(status: SessionStatus, now: datetime) -> list[str]:
    checked = f"checked {_when(status.checked_at)}" if status.checked_at else "never checked"
    lines = [f"session: {status.state} ({checked})"]
    expires = _when(status.expires_at)
    if status.expires_at is not None:
        days = (status.expires_at - now).days
        expires += f" (in {days} days)" if days >= 0 else " (passed)"
    lines.append(f"li_at expires: {expires}")
    lines.append(
        f"imported: {_when(status.imported_at)} from {status.source}, {counted(status.cookies, 'cookie')}"
    )
    if status.refreshed_at is not None:
        lines.append(f"refreshed by the site: {_when(status.refreshed_at)}")
    return lines


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment is not None else "unknown"
