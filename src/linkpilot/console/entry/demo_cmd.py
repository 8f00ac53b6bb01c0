"""`linkpilot demo`: the console against the practice site, with nothing to configure.

No account and no Redis: the practice site runs in this process, the data folder is a
throwaway one, and the campaigns pace themselves visibly.
"""

from __future__ import annotations

from pathlib import Path

import click

from linkpilot.cli.common import configure_logging, run_async
from linkpilot.console.demo import demo_settings, prepare_folder, sandbox_config, seed_contacts, store_session
from linkpilot.console.run import require_terminal, run_console
from linkpilot.engine.service import open_service
from linkpilot.sandbox import start_sandbox
from linkpilot.storage.stats import contact_summary

DEMO_HOME = Path("~/.local/share/linkpilot-demo")


@click.command()
@click.option(
    "--home",
    type=click.Path(path_type=Path, file_okay=False),
    help="Demo data folder (wiped at each start; default ~/.local/share/linkpilot-demo).",
)
@click.option(
    "--check",
    is_flag=True,
    help="No console: set the demo up, print what the birthday campaign would do (fast pacing), and exit.",
)
@run_async
async def demo(home: Path | None, check: bool) -> None:
    """Run the console against the practice site, with sample data and nothing to configure."""
    folder = (home or DEMO_HOME).expanduser()
    if not check:
        require_terminal()
    prepare_folder(folder)
    configure_logging(folder)
    site = await start_sandbox(sandbox_config(demo_settings(folder, "http://127.0.0.1").timezone))
    try:
        settings = demo_settings(folder, site.url)
        if check:
            # Visible pacing is for someone watching the console; --check has no one to show it to.
            settings = settings.model_copy(update={"pacing": "fast"})
        store_session(settings, site.state.config.li_at)
        # No health sidecar: the demo is not watched by a container, and a real LinkPilot on
        # this box may hold the port.
        async with open_service(settings, health="off") as service:
            seeded = await seed_contacts(service.rt.db, site.state.world)
            if check:
                async with service.rt.db.session() as session:
                    summary = await contact_summary(session)
                click.echo(
                    f"demo ready in {folder}: {summary.contacts} contacts ({seeded} seeded), practice site {site.url}"
                )
                plan = await service.plan("birthday")
                click.echo(
                    f"birthday plan: {len(plan.planned)} to wish, {len(plan.skipped)} skipped ({plan.stop})"
                )
                return
            await run_console(settings, service, db=service.rt.db)
    finally:
        await site.stop()
