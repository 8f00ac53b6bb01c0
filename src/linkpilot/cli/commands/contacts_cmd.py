"""`linkpilot contacts import|export|forget|list`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from linkpilot.cli.common import run_async, settings_from_env, with_database
from linkpilot.cli.tables import render_table
from linkpilot.common.errors import BadInput, StorageError
from linkpilot.common.text import escape_controls
from linkpilot.common.urls import normalize_profile_url
from linkpilot.storage.contacts import (
    MAX_PAGE,
    ContactFilters,
    ContactSort,
    ForgetReport,
    count_contacts,
    forget_contact,
    get_contact_by_url,
    page_contacts,
)
from linkpilot.storage.csv_io import ParsedCsv, apply_rows, export_contacts, parse_columns, read_contacts_csv
from linkpilot.storage.database import Database
from linkpilot.storage.models import Contact, ContactStatus


@click.group()
def contacts() -> None:
    """Contacts: import and export CSV, list, forget a person."""


@contacts.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Refuse the whole file if any row is wrong.")
@click.option("--dry-run", is_flag=True, help="Check the file and count what would change; write nothing.")
@run_async
async def import_(file: Path, strict: bool, dry_run: bool) -> None:
    """Import contacts from a CSV FILE (see docs/contacts.md for the columns).

    Valid rows are written in one transaction. Exit 0 when rows were imported, even if some
    were rejected (each is listed); exit 2 when the file is unusable, every row is rejected,
    or --strict meets a bad row: then nothing is written.
    """
    settings = settings_from_env()
    parsed = read_contacts_csv(file)
    rejected = len(parsed.errors)
    if parsed.errors and (strict or not parsed.rows):
        _echo_rejected(parsed)
        first = parsed.errors[0]
        more = f" (and {rejected - 1} more rejected row{'s' if rejected > 2 else ''})" if rejected > 1 else ""
        why = "--strict" if strict and parsed.rows else "no valid rows"
        raise BadInput(f"{file} line {first.line}: {first.reason}{more}; nothing imported ({why})")

    async def work(db: Database) -> tuple[int, int]:
        if dry_run:
            async with db.session() as session:
                return await apply_rows(session, parsed.rows, write=False)
        async with db.transaction() as session:
            return await apply_rows(session, parsed.rows)

    imported, updated = await with_database(settings, work)
    if dry_run:
        click.echo(
            f"{file}: dry run, nothing written: {imported} to import, {updated} to update, {rejected} rejected"
        )
    else:
        click.echo(f"{file}: {imported} imported, {updated} updated, {rejected} rejected")
    _echo_rejected(parsed)


def _echo_rejected(parsed: ParsedCsv) -> None:
    for error in parsed.errors:
        click.echo(f"  line {error.line}: rejected: {error.reason}")


@contacts.command("export")
@click.option("--columns", help="Comma-separated columns (default: the importable ones).")
@click.option(
    "--output", "-o", type=click.Path(path_type=Path), help="Write to this file instead of standard output."
)
@run_async
async def export(columns: str | None, output: Path | None) -> None:
    """Export every contact as CSV (UTF-8), to standard output or to --output."""
    chosen = parse_columns(columns)
    if output is not None:
        _check_output(output)
    settings = settings_from_env()

    async def work(db: Database) -> int:
        async with db.session() as session:
            if output is None:
                try:
                    return await export_contacts(session, sys.stdout, chosen)
                except BrokenPipeError:
                    # `| head` closed the pipe: the reader has what it wanted. Point stdout at
                    # /dev/null so the interpreter's final flush does not fail again.
                    devnull = os.open(os.devnull, os.O_WRONLY)
                    os.dup2(devnull, sys.stdout.fileno())
                    os.close(devnull)
                    return 0
            # Written beside the target and renamed into place: never a half-written file.
            partial = output.with_name(f".{output.name}.partial")
            try:
                with partial.open("w", encoding="utf-8", newline="") as handle:
                    count = await export_contacts(session, handle, chosen)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(partial, output)
            except OSError as exc:
                raise StorageError(f"cannot write {output}: {exc.strerror}") from None
            finally:
                partial.unlink(missing_ok=True)
            return count

    count = await with_database(settings, work)
    if output is not None:
        click.echo(f"exported {count} contact{'s' if count != 1 else ''} to {output}")


def _check_output(output: Path) -> None:
    if output.is_dir():
        raise BadInput(f"--output is a directory: {output}")
    if not output.parent.is_dir():
        raise BadInput(f"--output folder does not exist: {output.parent}")


@contacts.command("forget")
@click.argument("url")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@run_async
async def forget(url: str, yes: bool) -> None:
    """Erase everything about the person at profile URL (see docs/contacts.md)."""
    normalized = normalize_profile_url(url)
    settings = settings_from_env()

    async def work(db: Database) -> tuple[str, ForgetReport]:
        async with db.session() as session:
            contact = await get_contact_by_url(session, normalized)
        if contact is None:
            raise BadInput(f"no contact with profile URL {normalized}")
        if not yes:
            if not sys.stdin.isatty():
                raise BadInput("contacts forget asks for confirmation: add --yes when not on a terminal")
            click.confirm(
                f"Forget {escape_controls(contact.name)} ({normalized}) and the texts sent to them? "
                "This cannot be undone",
                abort=True,
            )
        async with db.transaction() as session:
            return contact.name, await forget_contact(session, normalized)

    name, report = await with_database(settings, work)
    kept = "; still on the blacklist" if report.still_blacklisted else ""
    texts, runs = report.interactions_scrubbed, report.campaign_runs_scrubbed
    click.echo(
        f"forgot {escape_controls(name)} ({normalized}): {texts} interaction{'s' if texts != 1 else ''} erased, "
        f"{runs} campaign run{'s' if runs != 1 else ''} cleaned{kept}"
    )


@contacts.command("list")
@click.option("--search", "-s", help="Words that start words of the name or headline (accents ignored).")
@click.option("--limit", "-n", type=click.IntRange(1, MAX_PAGE), default=50, show_default=True)
@click.option("--status", type=click.Choice([str(s) for s in ContactStatus]))
@click.option("--degree", type=click.IntRange(1, 3))
@click.option("--open-to-work", is_flag=True, default=None, help="Only people open to work.")
@click.option("--blacklisted", is_flag=True, default=None, help="Only blacklisted people.")
@click.option("--sort", type=click.Choice([str(s) for s in ContactSort]), default="name", show_default=True)
@run_async
async def list_(
    search: str | None,
    limit: int,
    status: str | None,
    degree: int | None,
    open_to_work: bool | None,
    blacklisted: bool | None,
    sort: str,
) -> None:
    """List contacts as a table, one page read from the database."""
    filters = ContactFilters(
        status=status, degree=degree, open_to_work=open_to_work, blacklisted=blacklisted, search=search
    )
    settings = settings_from_env()

    async def work(db: Database) -> tuple[list[Contact], int]:
        async with db.session() as session:
            page = await page_contacts(session, limit=limit, filters=filters, sort=sort)
            total = len(page.contacts) if page.next_after is None else await count_contacts(session, filters)
            return page.contacts, total

    rows, total = await with_database(settings, work)
    if not rows:
        click.echo("no contacts match" if any(vars(filters).values()) else "no contacts yet")
        return
    headers = ["NAME", "DEG", "STATUS", "FIT", "BIRTHDAY", "PROFILE", "HEADLINE"]
    table = [_row(c) for c in rows]
    for line in render_table(headers, table, flex=len(headers) - 1):
        click.echo(line)
    if total <= len(rows):
        more = ""
    elif total <= MAX_PAGE:
        more = f" (--limit {total} to see all)"
    else:
        more = f" (narrow with --search or filters, or raise --limit up to {MAX_PAGE})"
    click.echo(f"{len(rows)} of {total} contact{'s' if total != 1 else ''}{more}")


def _row(contact: Contact) -> list[str]:
    birthday = (
        f"{contact.birthday_month:02d}-{contact.birthday_day:02d}"
        if contact.birthday_month and contact.birthday_day
        else ""
    )
    profile = (contact.profile_url or "").removeprefix("https://www.")
    name = contact.name if len(contact.name) <= 32 else contact.name[:31] + "…"
    return [
        name,
        str(contact.degree or ""),
        contact.status,
        "" if contact.fit_score is None else f"{contact.fit_score:.2f}",
        birthday,
        profile,
        contact.headline or "",
    ]
