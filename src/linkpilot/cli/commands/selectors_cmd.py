"""`linkpilot selectors check`: how every logical selector key resolves on the live pages."""

from __future__ import annotations

import click

from linkpilot.cli.common import echo_json, run_async, settings_from_env, with_database
from linkpilot.common.errors import ExitCode
from linkpilot.common.text import counted
from linkpilot.engine.diagnostics import saved
from linkpilot.engine.selectors import SelectorEngine, SelectorScores
from linkpilot.engine.selectors.health import HealthReport, KeyStatus, check_selectors
from linkpilot.engine.session.check import session_browser
from linkpilot.storage.database import Database


@click.group()
def selectors() -> None:
    """The selector engine: logical keys, their candidates and heuristics."""


def report_json(report: HealthReport, latest: list[str]) -> dict[str, object]:
    return {
        "ok": report.ok,
        "missing_required": list(report.missing_required),
        "page_errors": report.page_errors,
        "pages": {
            name: {"items": r.items, "unread": r.unread, "missing": r.missing}
            for name, r in report.readings.items()
        },
        "diagnostics": report.diagnostics,
        "latest_diagnostics": latest,
        "keys": [
            {
                "key": k.key,
                "page": k.page,
                "required": k.required,
                "status": k.status.value,
                "candidate": k.candidate,
                "layer": k.layer,
            }
            for k in report.keys
        ],
    }


def print_report(report: HealthReport, latest: list[str]) -> None:
    width = max(len(k.key) for k in report.keys)
    for k in report.keys:
        how = k.status.value if k.candidate is None else f"{k.status.value}: {k.candidate}"
        if k.status is KeyStatus.HEURISTIC and k.layer is not None:
            how = f"{how} (by {k.layer})" if k.candidate else f"heuristic: {k.layer}"
        if k.status is KeyStatus.MISSING:
            how = "MISSING" if k.required else "missing (optional)"
        click.echo(f"{k.key:<{width}}  {k.page:<15}  {how}")
    for page, problem in sorted(report.page_errors.items()):
        click.echo(f"page {page}: {problem}")
    for page, reading in report.readings.items():
        if reading.unread:
            keys = ", ".join(f"{key} on {n}" for key, n in sorted(reading.missing.items()))
            click.echo(
                f"page {page}: {counted(reading.unread, 'item')} cannot be read ({keys}), {reading.items} read"
            )
        else:
            click.echo(f"page {page}: {counted(reading.items, 'item')}, all read")
    for page, copy in sorted(report.diagnostics.items()):
        click.echo(f"page {page}: diagnostic copy saved: {copy}")
    if latest and not report.diagnostics:
        click.echo(f"latest diagnostic copy (from an earlier run or check): {latest[0]}")
    counts = {s: sum(1 for k in report.keys if k.status is s) for s in KeyStatus}
    summary = ", ".join(f"{n} {s.value}" for s, n in counts.items() if n)
    problems = []
    if report.missing_required:
        problems.append(f"{counted(len(report.missing_required), 'required key')} missing")
    unread = sum(r.unread for r in report.readings.values())
    if unread:
        problems.append(f"{counted(unread, 'listed item')} cannot be read")
    if report.page_errors and not problems:
        problems.append(f"{counted(len(report.page_errors), 'page')} could not be checked")
    verdict = "; ".join(problems) if problems else "all required keys resolve, every listed item reads"
    click.echo(f"{len(report.keys)} keys: {summary}; {verdict}")


@selectors.command("check")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@run_async
async def check(as_json: bool) -> int:
    """Open the feed, birthday page, a profile, search and sent invitations; report each key
    and each list page read whole, with diagnostic copies of pages that cannot be read.

    Nothing is sent or withdrawn. Exit 0 when every required key resolves and every listed
    item reads, else 1.
    """
    settings = settings_from_env()

    async def run(db: Database) -> HealthReport:
        engine = SelectorEngine(await SelectorScores.load(db))
        # max_pages=1: the check needs one page; blocked images change nothing it looks at.
        async with session_browser(settings, max_pages=1) as browser:
            page = await browser.goto("/feed/")
            return await check_selectors(page, engine, browser.origin.url, home=settings.home)

    report = await with_database(settings, run)
    latest = [str(d.html) for d in saved(settings.home)[:5]]
    if as_json:
        echo_json(report_json(report, latest))
    else:
        print_report(report, latest)
    return int(ExitCode.OK) if report.ok else int(ExitCode.FAILURE)
