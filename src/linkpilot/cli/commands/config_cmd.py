"""`linkpilot config show|check`."""

from __future__ import annotations

import json

import click

from linkpilot.cli.common import settings_from_env
from linkpilot.common.settings import masked_dump


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
def check() -> None:
    """Validate the settings: exit 0 when they are usable, 2 with one line when not."""
    settings = settings_from_env()
    click.echo(f"settings OK (data folder {settings.home}, time zone {settings.timezone})")


def _toml_lines(data: dict[str, object], prefix: str = "") -> list[str]:
    scalars = [(k, v) for k, v in data.items() if not isinstance(v, dict)]
    tables = [(k, v) for k, v in data.items() if isinstance(v, dict)]
    lines = [f"{key} = {json.dumps(value)}" for key, value in scalars if value is not None]
    lines += [f"# {key} is not set" for key, value in scalars if value is None]
    for key, value in tables:
        name = f"{prefix}{key}"
        lines += ["", f"[{name}]", *_toml_lines(value, f"{name}.")]
    return lines
