"""`linkpilot sandbox`: serve the practice site (the options are the site's own)."""

from __future__ import annotations

import click


@click.command(
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []},
    add_help_option=False,
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def sandbox(args: tuple[str, ...]) -> int:
    """Serve the practice site: --host, --port, --seed, --timezone, --today, --language en|fr, --markup classic|hashed|mutated, --mutation-seed N."""
    from linkpilot.sandbox.__main__ import main

    try:
        return main(list(args))
    except SystemExit as exc:
        # The site's own parser already printed its one-line error.
        return int(exc.code) if isinstance(exc.code, int) else 2
