"""What the deployment suites share: the repo's scripts, the venv's tools, a private tmux."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
BIN = Path(sys.executable).parent


def script_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment a unit or the container gives the scripts: this venv's linkpilot on PATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINKPILOT_")}
    env.update(PATH=f"{BIN}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}", LINKPILOT_HOME=str(home))
    env.update(extra)
    return env


@dataclass
class Tmux:
    """One throwaway tmux server: its own socket name under its own short TMUX_TMPDIR."""

    socket: str
    tmpdir: str

    def env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        env = dict(os.environ if base is None else base)
        env["TMUX_TMPDIR"] = self.tmpdir
        env.pop("TMUX", None)
        return env

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, env=self.env(), check=check
        )

    def has_session(self, name: str = "linkpilot") -> bool:
        return self.run("has-session", "-t", f"={name}", check=False).returncode == 0

    def screen(self, target: str = "linkpilot") -> str:
        return self.run("capture-pane", "-p", "-t", f"={target}:").stdout


def until(condition: Callable[[], bool], what: str, within: float = 30.0) -> None:
    """Poll a real condition with a deadline (a process or a screen we do not own the timing of)."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def private_tmux(name: str) -> Iterator[Tmux]:
    # A short directory: tmux socket paths must fit in 108 bytes, pytest's tmp_path may not.
    with tempfile.TemporaryDirectory(prefix="lp-tmux-") as tmpdir:
        server = Tmux(name, tmpdir)
        try:
            yield server
        finally:
            server.run("kill-server", check=False)
