"""`linkpilot run birthday` and `linkpilot serve` told to stop (SIGTERM, as systemd and `docker
stop` do) end within 2 s; a run stops between two people when it can, and leaves nothing that
could send a wish twice.

Two moments: in the pause between two people (human pacing, a minute between messages), where
the run stops at once; and in the middle of a person (a Send the site answers 12 s late),
where the person is cut off after the grace and recorded `unknown`, which the next run
settles from the thread."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import free_port
from tests.e2e.conftest import Site, make_operator
from tests.faults.realproc import (
    assert_counts_match_storage,
    assert_site_and_storage_agree,
    site_wishes,
    start_run,
    states,
    stored_wishes,
    wait_until,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WITHIN_S = 2.0


def test_sigterm_between_two_people_stops_at_once_after_the_first(tmp_path: Path, site_en: Site) -> None:
    operator = make_operator(tmp_path, site_en, per_run="3", per_day="3")
    human = {
        "LINKPILOT_PACING": "human",
        "LINKPILOT_DELAYS__MESSAGE_MIN_S": "60",
        "LINKPILOT_DELAYS__MESSAGE_MAX_S": "60",
    }
    run = start_run(operator, "birthday", env=human)
    # The first wish is on the site and stored: the run is now in its minute between two people.
    wait_until(
        "the first wish to be sent and recorded",
        lambda: bool(site_wishes(site_en)) and bool(stored_wishes(operator.home)),
        run,
        timeout=120,
    )

    started = time.monotonic()
    run.process.send_signal(signal.SIGTERM)
    code, summary, err = run.finish()
    took = time.monotonic() - started

    assert took < WITHIN_S, f"the run took {took:.2f} s to stop"
    assert code == 1, err
    assert summary["stopped"] == {"reason": "cancelled", "detail": "stopped by the operator"}
    assert summary["counts"]["sent"] == 1
    assert_counts_match_storage(operator.home, summary, summary["run_id"])
    assert "Traceback" not in err

    # The others were left for the next run, which wishes each of them once.
    code, rest = operator.run_json("run", "birthday")
    assert code == 0, rest
    assert rest["counts"]["sent"] == 2
    assert_site_and_storage_agree(operator.home, site_en, wished_by_hand=set())


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def test_serve_ends_within_two_seconds_of_sigterm(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINKPILOT_")}
    env |= {"LINKPILOT_HOME": str(tmp_path / "home"), "LINKPILOT_HEALTH_PORT": str(port)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "linkpilot", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until("the health sidecar to answer", lambda: _answers(port), timeout=60)
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
        took = time.monotonic() - started
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    assert took < WITHIN_S, f"serve took {took:.2f} s to stop"
    assert (proc.returncode, err) == (0, "")
    assert out.splitlines()[-1] == "linkpilot stopped"


def test_sigterm_in_the_middle_of_a_send_cuts_it_off_as_unknown_never_resent(
    tmp_path: Path, site_en: Site
) -> None:
    operator = make_operator(tmp_path, site_en, per_run="3", per_day="3")
    # The first Send is recorded by the site at once and answered 12 s later.
    site_en.admin("faults", {"slow_sends": 1, "slow_send_ms": 12_000})
    run = start_run(operator, "birthday")
    wait_until("the first Send to reach the site", lambda: bool(site_wishes(site_en)), run, timeout=120)

    started = time.monotonic()
    run.process.send_signal(signal.SIGTERM)
    code, summary, err = run.finish()
    took = time.monotonic() - started

    assert took < WITHIN_S, f"the run took {took:.2f} s to stop"
    assert code == 1, err
    assert summary["stopped"]["reason"] == "cancelled"
    [cut_off] = site_wishes(site_en)
    # Send was clicked and never confirmed: `unknown`, never `sent`, never `failed` (a failed
    # wish would be sent again).
    assert states(operator.home) == {"unknown": 1}
    assert cut_off in stored_wishes(operator.home, "unknown")
    assert "Traceback" not in err

    # The next run reads the thread, records the cut-off wish as sent and wishes the others.
    code, rest = operator.run_json("run", "birthday")
    assert code == 0, rest
    assert cut_off not in [item["slug"] for item in rest["plan"]]
    assert rest["counts"]["sent"] == 2
    assert_site_and_storage_agree(operator.home, site_en, wished_by_hand=set())
