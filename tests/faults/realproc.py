"""Helpers for the end-to-end fault tests: a `linkpilot run` in the background, its process
tree read from /proc, polling with a deadline, and what storage and the site each recorded."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.e2e.conftest import Operator, Site

PROFILE = "https://www.linkedin.com/in/"


@dataclass
class Background:
    """`linkpilot run …` started without waiting, so a test can break things while it runs."""

    process: subprocess.Popen[str]

    def alive(self) -> bool:
        return self.process.poll() is None

    def finish(self, timeout: float = 60) -> tuple[int, dict[str, Any], str]:
        out, err = self.process.communicate(timeout=timeout)
        assert out.strip(), err
        return self.process.returncode, json.loads(out), err


def start_run(operator: Operator, *args: str, env: dict[str, str] | None = None) -> Background:
    return Background(
        subprocess.Popen(
            [sys.executable, "-m", "linkpilot", "run", *args, "--json"],
            env={**operator.env, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    )


def wait_until(
    what: str, condition: Callable[[], bool], run: Background | None = None, timeout: float = 40
) -> None:
    """Poll `condition` until it holds; fail if the deadline passes or the run ends first."""
    deadline = time.monotonic() + timeout
    while not condition():
        if run is not None and not run.alive():
            raise AssertionError(
                f"the run ended before {what}: {run.process.stderr.read() if run.process.stderr else ''}"
            )
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


# Process tree ---------------------------------------------------------------------------


def _parents() -> dict[int, int]:
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            # The command name may hold spaces and parentheses: the fields follow the last ')'.
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    return parents


def descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for child, parent in _parents().items():
        children.setdefault(parent, []).append(child)
    found: set[int] = set()
    stack = [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def chromium_of(home: Path, root: int | None = None) -> set[int]:
    """Chromium processes on this data folder's profile (all of them, or those under `root`)."""
    marker = f"--user-data-dir={home / 'browser'}"
    pids = descendants(root) if root is not None else {int(e) for e in os.listdir("/proc") if e.isdigit()}
    return {pid for pid in pids if marker in _cmdline(pid)}


def kill_chromium(run: Background, home: Path) -> set[int]:
    """SIGKILL every Chromium process of this run, as the OOM killer or a crash would."""
    pids = chromium_of(home, run.process.pid)
    assert pids, "no Chromium under the run"
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return pids


# What each side recorded ----------------------------------------------------------------


def rows(home: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    """Rows from the data folder's database (or from the database file `home` names)."""
    conn = sqlite3.connect(home if home.suffix == ".db" else home / "linkpilot.db")
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def states(home: Path) -> Counter[str]:
    return Counter(dict(rows(home, "SELECT state, count(*) FROM interactions GROUP BY state")))


def stored_wishes(home: Path, state: str = "sent") -> dict[str, str]:
    """slug -> text of the birthday wishes storage holds in `state`."""
    found = rows(
        home,
        "SELECT c.profile_url, i.text FROM interactions i JOIN contacts c ON c.id = i.contact_id "
        "WHERE i.kind = 'birthday' AND i.state = ?",
        state,
    )
    return {url.removeprefix(PROFILE).rstrip("/"): text for url, text in found}


def site_wishes(site: Site) -> Counter[str]:
    return Counter(m["to_slug"] for m in site.messages())


def assert_counts_match_storage(home: Path, summary: dict[str, Any], run_id: int) -> None:
    """The run's summary says what storage says about that run's rows."""
    by_state = Counter(
        dict(
            rows(
                home,
                "SELECT state, count(*) FROM interactions WHERE campaign_run_id = ? GROUP BY state",
                run_id,
            )
        )
    )
    counts = summary["counts"]
    in_thread = counts["skipped"].get("wished_in_thread", 0)
    assert by_state["sent"] == counts["sent"] + in_thread, (by_state, counts)
    assert by_state["unknown"] == counts["unknown"], (by_state, counts)
    assert by_state["failed"] == counts["failed"], (by_state, counts)
    assert not {"planned", "sending"} & set(by_state), by_state


def assert_site_and_storage_agree(home: Path, site: Site, wished_by_hand: set[str]) -> None:
    """Nobody wished twice; every wish on the site is `sent` in storage with the very text, and
    every `sent` row is on the site (or was found already wished in the thread)."""
    on_site = site_wishes(site)
    assert not on_site or max(on_site.values()) == 1, on_site
    sent = stored_wishes(home)
    texts = {m["to_slug"]: m["text"] for m in site.messages()}
    for slug, text in texts.items():
        assert sent.get(slug) == text, (slug, sent.get(slug), text)
    assert set(sent) - set(on_site) <= wished_by_hand, set(sent) - set(on_site)
    assert not {"planned", "sending", "unknown"} & set(states(home)), states(home)
