"""`linkpilot run birthday` told to stop (SIGTERM, as systemd and `docker stop` do) ends within
2 s, between two people when it can, and leaves nothing that could send a wish twice (`serve`:
tests/e2e/test_serve.py).

Two moments: in the pause between two people (human pacing, a minute between messages), where
the run stops at once; and in the middle of a person (a Send the site answers 12 s late),
where the person is cut off after the grace and recorded `unknown`, which the next run
settles from the thread."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Site, make_operator
from tests.faults.realproc import (
    Background,
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


def sigterm(run: Background) -> tuple[int, dict[str, Any], str]:
    """SIGTERM the run; its status, JSON summary and standard error, once it ended within the bound."""
    started = time.monotonic()
    run.process.send_signal(signal.SIGTERM)
    ended = run.finish()
    took = time.monotonic() - started
    assert took < WITHIN_S, f"the run took {took:.2f} s to stop"
    return ended


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

    code, summary, err = sigterm(run)
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


def test_sigterm_in_the_middle_of_a_send_cuts_it_off_as_unknown_never_resent(
    tmp_path: Path, site_en: Site
) -> None:
    operator = make_operator(tmp_path, site_en, per_run="3", per_day="3")
    # The first Send is recorded by the site at once and answered 12 s later.
    site_en.admin("faults", {"slow_sends": 1, "slow_send_ms": 12_000})
    run = start_run(operator, "birthday")
    wait_until("the first Send to reach the site", lambda: bool(site_wishes(site_en)), run, timeout=120)

    code, summary, err = sigterm(run)
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
