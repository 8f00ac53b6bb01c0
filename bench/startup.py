"""Command start-up: how long each `linkpilot` command takes from exec to exit, and how much of
it is importing, against `python -c pass`.

Each command is started as the operator starts it (the `linkpilot` console script of this
virtual environment) on a data folder made for the run (`db upgrade` first, so the database
exists at the newest schema: the steady state). The commands that talk to LinkedIn (`session
import`, `run birthday --dry-run`) talk to a practice site started for the run, on a second
data folder whose session was imported once (working hours open all day, fast pacing, so the
dry run reads the whole birthday page at any hour). The commands and the baseline take turns,
round after round, so a change in the box's load hits all alike.

Each line gives the median and best wall time, the median CPU time (user + system), the
median's ratio to the baseline's median, and the median and best time spent importing
(Python's own `-X importtime` count, from a second start of the same command in the same round:
every import of the process's life, the ones a command makes on its way included), the median's
ratio to the same baseline. On a loaded box the best times and the CPU time move least. A
warm-up round first writes the bytecode and fills the page cache, as on a box that has run
LinkPilot before.

`--baseline SRC` runs every command a second time in each round from another source tree
(say a worktree of main) with this virtual environment, so two versions are compared within
the same minutes: the box's speed moves by a third over a day.

Targets (issue 16): `quota status` and `breaker status` under 0.2 s.

    .venv/bin/python bench/startup.py [--rounds 15] [--only 'run birthday --dry-run'] [--only=--help]
        [--baseline ../main/src]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

TARGET_S = 0.2
TARGETS = ("quota status", "breaker status")
BASELINE = "python -c pass"
# `-X importtime`'s line for a module imported at the top level of the process (not by another).
TOP_LEVEL_IMPORT = re.compile(r"^import time:\s+\d+ \|\s+(\d+) \| (?! )")
SITE_ENV = {
    "LINKPILOT_PACING": "fast",
    "LINKPILOT_TIMEZONE": "Europe/Paris",
    "LINKPILOT_WORKING_HOURS__START": "00:00",
    "LINKPILOT_WORKING_HOURS__END": "24:00",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def commands() -> dict[str, list[str]]:
    dead = f"http://127.0.0.1:{free_port()}"  # nobody listens: `health` answers at once
    return {
        "quota status": ["quota", "status"],
        "quota status --json": ["quota", "status", "--json"],
        "breaker status": ["breaker", "status"],
        "--version": ["--version"],
        "config check": ["config", "check"],
        "health (no sidecar)": ["health", "--url", dead, "--timeout", "1"],
        "session status": ["session", "status"],
        "contacts list": ["contacts", "list"],
        "blacklist list": ["blacklist", "list"],
        "--help": ["--help"],
        "run birthday --help": ["run", "birthday", "--help"],
    }


# Against the practice site.
SITE_COMMANDS: dict[str, list[str]] = {
    "session import": ["session", "import", "--li-at", "sandbox-li-at"],
    "run birthday --dry-run": ["run", "birthday", "--dry-run"],
}


@dataclass
class Timings:
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    imports: list[float] = field(default_factory=list)


@dataclass
class Version:
    label: str
    env: dict[str, str]
    site_env: dict[str, str]


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run (its exit code is the command's business)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def import_seconds(argv: list[str], env: dict[str, str]) -> float:
    """Seconds one run spent importing, by `-X importtime` (PYTHONPROFILEIMPORTTIME)."""
    done = subprocess.run(
        argv,
        env=env | {"PYTHONPROFILEIMPORTTIME": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    micros = sum(int(m.group(1)) for line in done.stderr.splitlines() if (m := TOP_LEVEL_IMPORT.match(line)))
    return micros / 1e6


@contextmanager
def practice_site() -> Iterator[str]:
    """The practice site in a process of its own; its URL."""
    site = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "linkpilot.sandbox",
            "--port",
            "0",
            "--timezone",
            SITE_ENV["LINKPILOT_TIMEZONE"],
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert site.stdout is not None
        url = site.stdout.readline().strip()
        if not url:
            sys.exit("the practice site did not start")
        yield url
    finally:
        site.terminate()
        site.wait(timeout=30)


def prepared(script: Path, label: str, base_env: dict[str, str], root: Path, site_url: str) -> Version:
    """The data folders of one version: the database at its newest schema, a session imported."""
    env = base_env | {"LINKPILOT_HOME": str(root / label / "home")}
    site_env = (
        base_env
        | SITE_ENV
        | {"LINKPILOT_HOME": str(root / label / "site-home"), "LINKPILOT_LINKEDIN_URL": site_url}
    )
    subprocess.run([str(script), "db", "upgrade"], env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(
        [str(script), *SITE_COMMANDS["session import"]], env=site_env, check=True, capture_output=True
    )
    subprocess.run([str(script), "db", "upgrade"], env=site_env, check=True, stdout=subprocess.DEVNULL)
    return Version(label, env, site_env)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument(
        "--only", action="append", metavar="COMMAND", help="Time only this command (repeatable)."
    )
    parser.add_argument(
        "--baseline", type=Path, metavar="SRC", help="Also time the linkpilot package in SRC."
    )
    args = parser.parse_args()

    script = Path(sys.executable).with_name("linkpilot")
    if not script.exists():
        sys.exit(f"no console script at {script}: run ./dev setup")
    if args.baseline is not None and not (args.baseline / "linkpilot" / "__init__.py").is_file():
        sys.exit(f"--baseline {args.baseline}: no linkpilot package there (give the tree's src folder)")
    named = commands() | SITE_COMMANDS
    chosen = args.only or list(named)
    unknown = [name for name in chosen if name not in named]
    if unknown:
        sys.exit(f"--only: no command {unknown[0]!r}; one of: {', '.join(named)}")
    root = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINKPILOT_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed LinkPilot has its bytecode written
    env.pop("PYTHONPATH", None)
    try:
        with practice_site() as site_url:
            versions = [prepared(script, "this", env, root, site_url)]
            if args.baseline is not None:
                base_env = env | {"PYTHONPATH": str(args.baseline.resolve())}
                versions.append(prepared(script, "base", base_env, root, site_url))
            runs: dict[tuple[str, str], tuple[list[str], dict[str, str]]] = {
                (BASELINE, ""): ([sys.executable, "-c", "pass"], env)
            }
            for name in chosen:
                for version in versions:
                    run_env = version.site_env if name in SITE_COMMANDS else version.env
                    runs[(name, version.label)] = ([str(script), *named[name]], run_env)
            for argv, run_env in runs.values():  # warm-up: bytecode, page cache
                run_once(argv, run_env)
            print(
                f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; "
                f"Python {platform.python_version()}; {args.rounds} rounds"
            )
            timings = {key: Timings() for key in runs}
            for _ in range(args.rounds):
                for key, (argv, run_env) in runs.items():
                    wall, cpu = run_once(argv, run_env)
                    timings[key].walls.append(wall)
                    timings[key].cpus.append(cpu)
                    timings[key].imports.append(import_seconds(argv, run_env))
    finally:
        shutil.rmtree(root, ignore_errors=True)

    base = statistics.median(timings[(BASELINE, "")].walls)
    width = max(len(name) for name, _ in runs) + (7 if args.baseline else 0)
    print(
        f"{'command':<{width}} {'median':>8} {'best':>8} {'cpu':>8} {'ratio':>7} "
        f"{'imports':>8} {'best':>8} {'ratio':>7}"
    )
    for (name, label), t in timings.items():
        shown = f"{name} [{label}]" if args.baseline and label else name
        median = statistics.median(t.walls)
        imports = statistics.median(t.imports)
        print(
            f"{shown:<{width}} {median:7.3f}s {min(t.walls):7.3f}s {statistics.median(t.cpus):7.3f}s "
            f"{median / base:6.1f}x {imports:7.3f}s {min(t.imports):7.3f}s {imports / base:6.1f}x"
        )
    failed = 0
    for name in TARGETS:
        if (name, "this") not in timings:
            continue
        median = statistics.median(timings[(name, "this")].walls)
        verdict = "PASS" if median < TARGET_S else "FAIL"
        failed += verdict == "FAIL"
        print(
            f"{verdict}: {name} under {TARGET_S} s ({median:.3f} s median, {median / base:.1f}x python -c pass)"
        )
    print(f"load average after the run: {os.getloadavg()[0]:.2f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
