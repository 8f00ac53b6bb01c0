"""The `linkpilot` console script: one group, subcommands loaded lazily so start-up stays quick."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import Any

import click

from linkpilot import __version__
from linkpilot.common.errors import ExitCode, LinkPilotError

# name -> "module:attribute". Lazy so `linkpilot health` on a Pi does not import Textual.
COMMANDS: dict[str, str] = {
    "attach": "linkpilot.cli.commands.attach_cmd:attach",
    "config": "linkpilot.cli.commands.config_cmd:config",
    "console": "linkpilot.console.entry.console_cmd:console",
    "db": "linkpilot.cli.commands.db_cmd:db",
    "demo": "linkpilot.console.entry.demo_cmd:demo",
    "contacts": "linkpilot.cli.commands.contacts_cmd:contacts",
    "blacklist": "linkpilot.cli.commands.blacklist_cmd:blacklist",
    "import-v1": "linkpilot.cli.commands.import_v1_cmd:import_v1",
    "health": "linkpilot.cli.commands.health_cmd:health",
    "sandbox": "linkpilot.cli.commands.sandbox_cmd:sandbox",
    "run": "linkpilot.cli.commands.run_cmd:run",
    "serve": "linkpilot.cli.commands.serve_cmd:serve",
    "session": "linkpilot.cli.commands.session_cmd:session",
    "login": "linkpilot.cli.commands.login_cmd:login",
    "notify": "linkpilot.cli.commands.notify_cmd:notify",
    "breaker": "linkpilot.cli.commands.breaker_cmd:breaker",
    "quota": "linkpilot.cli.commands.quota_cmd:quota",
    "selectors": "linkpilot.cli.commands.selectors_cmd:selectors",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """As click's, but each command's help is read from its source, not imported: listing
        the commands must not import Textual, Playwright and SQLAlchemy (seconds on a Pi)."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [(name, described(COMMANDS[name]).get_short_help_str(limit)) for name in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, attr = target.partition(":")
        command = getattr(importlib.import_module(module), attr)
        assert isinstance(command, click.Command)
        return command


def described(target: str) -> click.Command:
    """A stand-in for the command at `target` ("module:function") with its help: the
    function's docstring, as click takes it, read from the module's source."""
    import ast
    import importlib.util

    module, _, attr = target.partition(":")
    spec = importlib.util.find_spec(module)
    assert spec is not None, target
    assert spec.origin is not None, target
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    doc = next(
        ast.get_docstring(node)
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == attr
    )
    return click.Command(attr, help=doc)


@click.group(cls=LazyGroup, invoke_without_command=True)
@click.version_option(__version__, prog_name="linkpilot")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """LinkPilot: a self-hosted LinkedIn assistant for one account."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(cli.get_command(ctx, "console"))  # type: ignore[arg-type]


def _crash_log(exc: BaseException) -> Path | None:
    """Keep the traceback for the developers, out of the operator's terminal."""
    import traceback

    home = Path(os.environ.get("LINKPILOT_HOME", "~/.local/share/linkpilot")).expanduser()
    try:
        home.mkdir(parents=True, exist_ok=True)
        path = home / "crash.log"
        with path.open("a", encoding="utf-8") as handle:
            handle.write("".join(traceback.format_exception(exc)))
        return path
    except OSError:
        return None


def _one_line(message: str) -> str:
    # Click quotes the offending argument as typed: a newline in it must not split the line.
    return " ".join(message.split())


def main(argv: list[str] | None = None) -> int:
    # Everything LinkPilot writes (database, session, logs) is for its owner only.
    os.umask(0o077)
    try:
        result: Any = cli.main(args=argv, prog_name="linkpilot", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.format_message(), err=True)
        return ExitCode.BAD_INPUT
    except click.UsageError as exc:
        where = f" ({exc.ctx.command_path})" if exc.ctx is not None else ""
        click.echo(f"linkpilot: error{where}: {_one_line(exc.format_message())}", err=True)
        return ExitCode.BAD_INPUT
    except click.ClickException as exc:
        click.echo(f"linkpilot: error: {_one_line(exc.format_message())}", err=True)
        return ExitCode.BAD_INPUT
    except click.Abort:
        click.echo("linkpilot: aborted", err=True)
        return ExitCode.FAILURE
    except LinkPilotError as exc:
        click.echo(f"linkpilot: error: {exc.message}", err=True)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("linkpilot: interrupted", err=True)
        return 130
    except Exception as exc:  # the last line of defence: one line for the operator
        log = _crash_log(exc)
        hint = f"; details in {log}" if log else ""
        click.echo(f"linkpilot: internal error: {type(exc).__name__}{hint}", err=True)
        return ExitCode.FAILURE
    return int(result) if isinstance(result, int) else ExitCode.OK


def entry() -> None:
    sys.exit(main())
