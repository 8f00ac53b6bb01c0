"""Command start-up: how long each `linkpilot` command takes from exec to exit, against `python -c pass`.

Each command is started as the operator starts it (the `linkpilot` console script of this
virtual environment) on a data folder made for the run (`db upgrade` first, so the database
exists at the newest schema: the steady state). The commands and the baseline take turns,
round after round, so a change in the box's load hits all alike; each line gives the median
and best wall time, the median CPU time (user + system) and the median's ratio to the
baseline's median. A warm-up round first writes the bytecode and fills the page cache, as on
a box that has run LinkPilot before.

Targets (issue 16): `quota status` and `breaker status` under 0.2 s.

    .venv/bin/python bench/startup.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_S = 0.2
TARGETS = ("quota status", "breaker status")


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
    }


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run (its exit code is the command's business)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()

    script = Path(sys.executable).with_name("linkpilot")
    if not script.exists():
        sys.exit(f"no console script at {script}: run ./dev setup")
    home = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINKPILOT_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed LinkPilot has its bytecode written
    env["LINKPILOT_HOME"] = str(home)
    try:
        subprocess.run([str(script), "db", "upgrade"], env=env, check=True, stdout=subprocess.DEVNULL)
        runs = {"python -c pass": [sys.executable, "-c", "pass"]}
        runs |= {name: [str(script), *argv] for name, argv in commands().items()}
        for argv in runs.values():  # warm-up: bytecode, page cache
            run_once(argv, env)
        print(
            f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; "
            f"Python {platform.python_version()}; {args.rounds} rounds"
        )
        walls: dict[str, list[float]] = {name: [] for name in runs}
        cpus: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(args.rounds):
            for name, argv in runs.items():
                wall, cpu = run_once(argv, env)
                walls[name].append(wall)
                cpus[name].append(cpu)
    finally:
        shutil.rmtree(home, ignore_errors=True)

    base = statistics.median(walls["python -c pass"])
    print(f"{'command':<22} {'median':>8} {'best':>8} {'cpu':>8} {'ratio':>7}")
    for name in runs:
        median = statistics.median(walls[name])
        print(
            f"{name:<22} {median:7.3f}s {min(walls[name]):7.3f}s {statistics.median(cpus[name]):7.3f}s "
            f"{median / base:6.1f}x"
        )
    failed = 0
    for name in TARGETS:
        median = statistics.median(walls[name])
        verdict = "PASS" if median < TARGET_S else "FAIL"
        failed += verdict == "FAIL"
        print(
            f"{verdict}: {name} under {TARGET_S} s ({median:.3f} s median, {median / base:.1f}x python -c pass)"
        )
    print(f"load average after the run: {os.getloadavg()[0]:.2f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
