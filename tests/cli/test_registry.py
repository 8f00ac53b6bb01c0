from __future__ import annotations

import click

from linkpilot.cli.main import COMMANDS, LazyGroup, cli, described


def test_every_registered_command_loads_with_help() -> None:
    ctx = click.Context(cli)
    assert isinstance(cli, LazyGroup)
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert isinstance(command, click.Command), name
        assert command.help, f"{name} has no help text"


def test_help_names_every_command(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("--help")
    assert result.code == 0
    for name in COMMANDS:
        assert f"  {name}" in result.out, name


def test_the_help_read_from_the_sources_is_each_commands_own() -> None:
    ctx = click.Context(cli)
    for name, target in COMMANDS.items():
        command = cli.get_command(ctx, name)
        assert command is not None
        for limit in (30, 45, 70):
            assert described(target).get_short_help_str(limit) == command.get_short_help_str(limit), name
