"""The console under tmux: deploy/linkpilot-tmux (the container's command) and `linkpilot attach`."""

from __future__ import annotations

import fcntl
import shlex
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult
from tests.deploy.helpers import DEPLOY, Tmux, script_env, until
from tests.leakcheck import running

WRAPPER = DEPLOY / "linkpilot-tmux"


def _default_signals() -> None:
    # tini (the image's PID 1) and systemd start the wrapper with default signal dispositions.
    # A test runner started in the background (nohup, `cmd &` in a script) passes SIGHUP or
    # SIGINT on as ignored, and bash cannot trap a signal ignored on entry: reset them here.
    for sig in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)


def wrapper(tmux: Tmux, home: Path, *command: str) -> subprocess.Popen[str]:
    args = [str(WRAPPER), "-L", tmux.socket, *(["--", *command] if command else [])]
    return subprocess.Popen(
        args,
        env=tmux.env(script_env(home)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # The child only resets three dispositions before exec: no lock a thread could hold.
        preexec_fn=_default_signals,
    )


def finish(proc: subprocess.Popen[str]) -> tuple[int, str]:
    # Generous: tmux answers slowly on a loaded two-core machine (seen in a full CI-like run).
    _, err = proc.communicate(timeout=100)
    return proc.returncode, err


def test_wrapper_exits_with_the_commands_status_and_leaves_no_session(tmux: Tmux, home: Path) -> None:
    code, err = finish(wrapper(tmux, home, "sh", "-c", "exit 3"))
    assert (code, err) == (3, "")
    assert not tmux.has_session()


@pytest.mark.parametrize("sent", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_stop_signal_reaches_the_console_as_sigterm_and_ends_the_wrapper(
    tmux: Tmux, home: Path, tmp_path: Path, sent: signal.Signals
) -> None:
    stopped = tmp_path / "stopped"
    ready = tmp_path / "ready"
    script = f"trap 'echo term > {stopped}; exit 0' TERM; touch {ready}; while :; do sleep 0.1; done"
    proc = wrapper(tmux, home, "sh", "-c", script)
    until(ready.exists, "the command to start in the tmux pane")
    assert tmux.has_session()

    proc.send_signal(sent)

    assert finish(proc) == (0, "")
    assert stopped.read_text() == "term\n"
    assert not tmux.has_session()


def test_a_console_that_lets_go_of_its_terminal_before_exiting_is_still_waited_for(
    tmux: Tmux, home: Path
) -> None:
    # The pane closes (no process holds the terminal) while the command still runs: the state in
    # which the wrapper's watchdog nudges the tmux server. The status must still come through.
    code, err = finish(wrapper(tmux, home, "sh", "-c", "trap '' HUP; exec 0<&- 1>&- 2>&-; sleep 3; exit 5"))
    assert (code, err) == (5, "")
    assert not tmux.has_session()


def test_a_second_wrapper_refuses_to_take_over_a_running_session(
    tmux: Tmux, home: Path, tmp_path: Path
) -> None:
    ready = tmp_path / "ready"
    first = wrapper(tmux, home, "sh", "-c", f"touch {ready}; exec sleep 300")
    until(ready.exists, "the first console")
    code, err = finish(wrapper(tmux, home, "true"))
    assert (code, err.strip()) == (
        2,
        "linkpilot-tmux: error: a tmux session named linkpilot is already running",
    )
    assert tmux.has_session()
    first.send_signal(signal.SIGTERM)
    assert finish(first)[0] == 128 + signal.SIGTERM  # sleep has no handler: killed by the signal


def test_a_session_closed_from_outside_ends_the_wrapper_with_a_failure(
    tmux: Tmux, home: Path, tmp_path: Path
) -> None:
    ready = tmp_path / "ready"
    proc = wrapper(tmux, home, "sh", "-c", f"touch {ready}; exec sleep 300")
    until(ready.exists, "the console")
    tmux.run("kill-session", "-t", "=linkpilot")
    code, err = finish(proc)
    assert code == 1
    assert "was closed without its command ending" in err


@pytest.mark.slow
def test_wrapper_runs_the_real_console_by_default(tmux: Tmux, home: Path) -> None:
    proc = wrapper(tmux, home)
    until(lambda: tmux.has_session() and "Breaker CLOSED" in tmux.screen(), "the console to draw", within=60)
    start = tmux.run("display-message", "-p", "-t", "=linkpilot:", "#{pane_start_command}").stdout
    assert "linkpilot console" in start
    # A key that lands while Textual still waits for the terminal's answers to its start-up
    # queries can be lost: press q until the console has quit (pressing it again is harmless).

    def quit_pressed() -> bool:
        if proc.poll() is None:
            tmux.run("send-keys", "-t", "=linkpilot:", "q", check=False)
        return proc.poll() is not None

    until(quit_pressed, "the console to quit on q")
    assert finish(proc) == (0, "")
    assert (home / "linkpilot.db").exists()


def test_attach_without_tmux_says_so_in_one_line(
    cli: Callable[..., CliResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = cli("attach")
    assert result.code == 2
    assert result.err.strip().splitlines() == [
        "linkpilot: error: tmux is not installed: install it (sudo apt-get install tmux) or run `linkpilot console`"
    ]


def test_attach_needs_a_terminal(
    cli: Callable[..., CliResult], tmux: Tmux, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMUX_TMPDIR", tmux.tmpdir)
    result = cli("attach", "-L", tmux.socket)
    assert result.code == 1
    assert result.err.strip().splitlines() == [
        "linkpilot: error: attach needs a terminal: over SSH use `ssh -t HOST linkpilot attach`"
    ]
    assert not tmux.has_session()


@pytest.mark.slow
def test_attach_detached_starts_the_console_once(
    cli: Callable[..., CliResult], tmux: Tmux, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMUX_TMPDIR", tmux.tmpdir)
    monkeypatch.setenv("COLUMNS", "33")  # must not reach the console: it would pin its width

    first = cli("attach", "--detached", "-L", tmux.socket)

    assert (first.code, first.out.strip()) == (
        0,
        "console started in the tmux session linkpilot; attach with `linkpilot attach`",
    )
    start = tmux.run("display-message", "-p", "-t", "=linkpilot:", "#{pane_start_command}").stdout
    assert f"{sys.executable} -m linkpilot console" in start
    until(lambda: "Breaker CLOSED" in tmux.screen(), "the console to draw", within=60)
    assert (home / "linkpilot.db").exists()  # the console runs on this test's data folder
    environment = tmux.run("show-environment", "-g").stdout.splitlines()
    assert f"LINKPILOT_HOME={home}" in environment
    assert not any(line.startswith("COLUMNS=") for line in environment)

    again = cli("attach", "--detached", "-L", tmux.socket)

    assert (again.code, again.out.strip()) == (0, "the tmux session linkpilot is already running")
    assert tmux.run("list-sessions", "-F", "#{session_name}").stdout.split() == ["linkpilot"]


@pytest.mark.slow
def test_attach_from_a_terminal_then_detach_leaves_the_console_running(
    tmux: Tmux, outer_tmux: Tmux, home: Path
) -> None:
    # The outer server's pane is the operator's terminal (an SSH session); attach runs inside it.
    command = shlex.join(
        [
            "env",
            "-u",
            "TMUX",
            f"TMUX_TMPDIR={tmux.tmpdir}",
            sys.executable,
            "-m",
            "linkpilot",
            "attach",
            "-L",
            tmux.socket,
        ]
    )
    outer_tmux.run("-f", "/dev/null", "new-session", "-d", "-s", "operator", "-x", "120", "-y", "40", command)
    until(tmux.has_session, "attach to start the console session", within=60)
    until(
        lambda: "Breaker CLOSED" in outer_tmux.screen("operator"),
        "the console in the operator's terminal",
        within=60,
    )
    clients = tmux.run("list-clients", "-F", "#{client_session}").stdout.split()
    assert clients == ["linkpilot"]

    tmux.run("detach-client", "-s", "=linkpilot")  # what Ctrl-b d does

    until(lambda: not outer_tmux.has_session("operator"), "the operator's attach to return")
    assert tmux.run("list-clients").stdout == ""
    dead = tmux.run("display-message", "-p", "-t", "=linkpilot:", "#{pane_dead}").stdout.strip()
    assert dead == "0"  # the console (and its engine) is still running
    assert "Breaker CLOSED" in tmux.screen()


@pytest.mark.slow
def test_a_killed_tmux_server_takes_the_console_with_it(
    cli: Callable[..., CliResult], tmux: Tmux, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Found after a test run: consoles whose tmux server was gone still ran 18 minutes later,
    # holding console.lock and the database, deaf to SIGHUP and SIGTERM (see console/terminal.py).
    monkeypatch.setenv("TMUX_TMPDIR", tmux.tmpdir)
    assert cli("attach", "--detached", "-L", tmux.socket).code == 0
    until(lambda: "Breaker CLOSED" in tmux.screen(), "the console to draw", within=60)
    pid = int((home / "console.lock").read_text())
    assert running(pid)

    tmux.run("kill-server")

    # Its parent (the tmux server) gone, init reaps it: a zombie has ended. Alone it takes well
    # under 2 s; the bound is wider because the suite runs this beside whole campaigns (a load
    # of 6 on two cores once stretched the shutdown past 2 s). The fault was a console that
    # never ended.
    until(lambda: not running(pid), "the console to end with its terminal", within=10.0)
    with (home / "console.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises BlockingIOError if still held
    assert not (home / "crash.log").exists()


@pytest.mark.parametrize("name", ["bad:name", "", "a.b", "x" * 65])
def test_attach_refuses_a_session_name_tmux_would_change(cli: Callable[..., CliResult], name: str) -> None:
    result = cli("attach", "--detached", "-s", name)
    assert result.code == 2
    assert result.err.strip().splitlines() == [
        f"linkpilot: error: --session: use letters, digits, - and _ only (1 to 64), not {name!r}"
    ]


def test_attach_reports_a_tmux_that_cannot_start_in_one_line(
    cli: Callable[..., CliResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("tmux cannot make its socket folder in here")
    monkeypatch.setenv("TMUX_TMPDIR", str(not_a_folder))
    result = cli("attach", "--detached", "-L", "lp-nowhere")
    assert result.code == 1
    [line] = result.err.strip().splitlines()
    assert line.startswith("linkpilot: error: could not start the tmux session linkpilot: ")
    assert len(line) > len("linkpilot: error: could not start the tmux session linkpilot: ")
