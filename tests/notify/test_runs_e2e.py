"""Real `linkpilot` processes against the practice site, real receivers: the owner hears about a
checkpoint once and about its end; dead receivers cost a run nothing; `serve` tells at start."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from tests.conftest import free_port
from tests.e2e.conftest import Operator, Site, make_operator
from tests.notify.receivers import JsonReceiver, SilentReceiver, SmtpReceiver, closed_port_url
from tests.practice_site import start_site_process

TOKEN = "owner-token-1234"


def with_channels(operator: Operator, *urls: str, **notify: str) -> Operator:
    operator.env["LINKPILOT_NOTIFY__URLS"] = json.dumps(list(urls))
    for key, value in notify.items():
        operator.env[f"LINKPILOT_NOTIFY__{key.upper()}"] = value
    return operator


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_a_checkpoint_in_a_real_run_is_told_once_then_resolved_after_the_reset(
    tmp_path: Path, site: Site, hook: JsonReceiver, mailbox: SmtpReceiver
) -> None:
    operator = with_channels(
        make_operator(tmp_path, site, per_run="4", per_day="50"), hook.url(f"hooks/{TOKEN}"), mailbox.url()
    )
    site.admin("faults", {"checkpoint_after_actions": 2})
    code, summary = operator.run_json("run", "birthday")
    assert code == 4
    [told] = hook.wait_for(1)
    assert told.title == "LinkPilot: LinkedIn is waiting for a sign-in (checkpoint)"
    assert f"The page asks: {summary['stopped']['detail']}." in told.body
    assert "linkpilot login --checkpoint" in told.body
    assert mailbox.wait_for(1)[0].title == told.title
    # The next run refuses on the open breaker: news about the run, nothing more on the checkpoint.
    site.admin("faults", {"checkpoint_after_actions": None})
    code, _ = operator.run_json("run", "birthday")
    assert code == 4
    assert hook.wait_for(2)[1].title == "LinkPilot: the birthday run was skipped (breaker open)"
    # `breaker reset` runs no notifier; the next run sees the breaker closed and says so.
    assert operator.run("breaker", "reset", "--yes").returncode == 0
    code, resumed = operator.run_json("run", "birthday")
    assert code == 0
    assert resumed["counts"]["sent"] >= 1
    got = hook.wait_for(4)
    assert [r.title for r in got[2:]] == [
        "Resolved: LinkedIn is waiting for a sign-in (checkpoint)",
        "Resolved: the birthday run was skipped (breaker open)",
    ]
    assert mailbox.wait_for(4)
    assert hook.titles() == mailbox.titles()
    assert hook.paths == [f"/hooks/{TOKEN}"] * 4
    for name in ("linkpilot.log", "linkpilot.db"):
        assert TOKEN.encode() not in (operator.home / name).read_bytes()


def _expiring_session(operator: Operator, tmp_path: Path) -> None:
    """A session that expires in ten days: the notifier opens its cause as the run starts."""
    state = tmp_path / "state.json"
    expires = int(time.time()) + 10 * 24 * 3600
    state.write_text(
        json.dumps(
            {
                "cookies": [
                    {
                        "name": "li_at",
                        "value": "sandbox-li-at",
                        "domain": ".www.linkedin.com",
                        "path": "/",
                        "expires": expires,
                        "httpOnly": True,
                        "secure": True,
                        "sameSite": "None",
                    }
                ],
                "origins": [],
            }
        )
    )
    imported = operator.run("session", "import", "--storage-state", str(state))
    assert imported.returncode == 0, imported.stderr


def _timed_run(operator: Operator) -> tuple[float, float, dict[str, object]]:
    """(campaign seconds from its run record, process seconds, run --json)."""
    started = time.monotonic()
    code, summary = operator.run_json("run", "birthday")
    wall = time.monotonic() - started
    assert code == 0, summary
    with sqlite3.connect(operator.home / "linkpilot.db") as conn:
        begun, ended = conn.execute(
            "SELECT started_at, finished_at FROM campaign_runs WHERE dry_run = 0 ORDER BY id DESC LIMIT 1"
        ).fetchone()
    campaign = (datetime.fromisoformat(ended) - datetime.fromisoformat(begun)).total_seconds()
    return campaign, wall, summary


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_dead_receivers_do_not_slow_a_run(tmp_path: Path, silent: SilentReceiver, hook: JsonReceiver) -> None:
    results = {}
    channels = {
        "none": [],
        "live": [hook.url()],
        "closed port": [closed_port_url()],
        # Given 60 s to answer: a delivery the run waited on would stand out of any noise.
        "never answers": [silent.url() + "?rto=60"],
    }
    for name, urls in channels.items():
        site = start_site_process(clock=None, language="en")
        try:
            folder = tmp_path / name.replace(" ", "-")
            operator = make_operator(folder, site, per_run="2", per_day="50")
            _expiring_session(operator, folder)
            if urls:
                # A 60 s back-off: a retry the run waited for would stand out too.
                with_channels(
                    operator, *urls, session_warning_days="30", exit_wait_s="2", retry_initial_s="60"
                )
            results[name] = _timed_run(operator)
            assert len(site.messages()) == 2
        finally:
            site.stop()
    # The live receiver heard about the session while the run went on.
    assert hook.wait_for(1)[0].title == "LinkPilot: the LinkedIn session expires in 9 days"
    for name, (campaign, wall, _summary) in results.items():
        print(f"{name}: campaign {campaign:.2f} s, process {wall:.2f} s")
    base_campaign, _, base = results["none"]
    _, live_wall, _ = results["live"]
    for name in ("live", "closed port", "never answers"):
        campaign, wall, summary = results[name]
        assert summary["counts"] == base["counts"]
        # The campaign itself, against no notifier at all: the same within the noise of a
        # shared machine (runs of one campaign vary by ±10 s at a load of 30 on two cores);
        # a delivery waited on would add the receiver's 60 s, a retry waited for 60 s more.
        assert campaign <= base_campaign * 1.5 + 15.0, (name, campaign, base_campaign)
        # The whole process, against a live receiver (both import Apprise): the exit budget
        # (2 s) more at most, within the same noise; a hung delivery at exit would add 60 s.
        assert wall <= live_wall * 1.3 + 2.0 + 10.0, (name, wall, live_wall)
    # The closed port was tried during the run: its failure is recorded for the next process.
    with sqlite3.connect(tmp_path / "closed-port" / "home" / "linkpilot.db") as conn:
        attempts, delivered, error = conn.execute(
            "SELECT attempts, delivered_at, last_error FROM notify_deliveries"
        ).fetchone()
    assert (attempts, delivered) == (1, None)
    assert "Connection error" in error
    assert silent.held, "the silent receiver was never even reached"


def test_serve_tells_at_start_that_there_is_no_session_and_stops_on_sigterm(
    tmp_path: Path, hook: JsonReceiver
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINKPILOT_")}
    env |= {
        "LINKPILOT_HOME": str(tmp_path / "home"),
        "LINKPILOT_HEALTH_PORT": str(free_port()),
        "LINKPILOT_NOTIFY__URLS": json.dumps([hook.url()]),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "linkpilot", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        [told] = hook.wait_for(1, timeout=60)
        assert told.title == "LinkPilot: no LinkedIn session"
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err
        assert "linkpilot stopped" in out
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    assert hook.titles() == ["LinkPilot: no LinkedIn session"]
