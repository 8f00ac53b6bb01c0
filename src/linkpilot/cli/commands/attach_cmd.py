"""`linkpilot attach`: join the console running in tmux (start it there first if it is not).

Over SSH a dropped connection would kill a console run in the login shell, and the engine
inside it; under tmux the operator detaches (Ctrl-b d) and everything keeps running.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys

import click

from linkpilot.common.errors import BadInput, LinkPilotError

SESSION = "linkpilot"


def console_command() -> str:
    """The console of this same installation, whatever PATH the tmux server was started with."""
    return shlex.join([sys.executable, "-m", "linkpilot", "console"])


def run_tmux(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # argv is tmux from PATH and fixed arguments, never passed through a shell.
    return subprocess.run(argv, capture_output=True, text=True, env=env, check=False)  # noqa: S603


def tmux_environment() -> dict[str, str]:
    # COLUMNS and LINES would pin the console to the size of the terminal that started it,
    # whatever size the operator's terminal has when attaching later.
    return {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}


@click.command()
@click.option("-s", "--session", default=SESSION, show_default=True, help="tmux session name.")
@click.option("-L", "--socket", "socket_name", help="tmux socket name (tmux -L); default: tmux's own.")
@click.option(
    "--detached", is_flag=True, help="Only make sure the session runs (start it if absent); do not attach."
)
def attach(session: str, socket_name: str | None, detached: bool) -> int:
    """Attach to the console in tmux, starting it there if absent (detach with Ctrl-b d)."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", session):
        # tmux would quietly rename "a:b" to "a_b", and attach would then look for the wrong name.
        raise BadInput(f"--session: use letters, digits, - and _ only (1 to 64), not {session!r}")
    tmux = shutil.which("tmux")
    if tmux is None:
        raise BadInput(
            "tmux is not installed: install it (sudo apt-get install tmux) or run `linkpilot console`"
        )
    base = [tmux, *(["-L", socket_name] if socket_name else [])]
    env = tmux_environment()
    if detached:
        if run_tmux([*base, "has-session", "-t", f"={session}"], env).returncode == 0:
            click.echo(f"the tmux session {session} is already running")
            return 0
        started = run_tmux([*base, "new-session", "-d", "-s", session, console_command()], env)
        if started.returncode != 0:
            reason = " ".join(started.stderr.split()) or f"tmux exited with {started.returncode}"
            raise LinkPilotError(f"could not start the tmux session {session}: {reason}")
        click.echo(f"console started in the tmux session {session}; attach with `linkpilot attach`")
        return 0
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise LinkPilotError("attach needs a terminal: over SSH use `ssh -t HOST linkpilot attach`")
    sys.stdout.flush()
    # tmux takes over this process and its terminal: nothing of Python stays behind while attached.
    os.execvpe(tmux, [*base, "new-session", "-A", "-s", session, console_command()], env)  # noqa: S606
