"""A slow site under a real `linkpilot run birthday`: every page a little slow, and one Send
that the site records at once but answers only after the engine stopped waiting for it.

The contract: the run never claims a success it did not see (the slow wish is `unknown`,
counted as trouble by the breaker) and never sends it again; the next run reads the thread
and records it as sent. Every `sent` in storage is on the site's record and the reverse."""

from __future__ import annotations

from pathlib import Path

import pytest

from linkpilot.engine.actions.base import Timeouts
from tests.e2e.conftest import Site, make_operator
from tests.faults.realproc import (
    assert_counts_match_storage,
    assert_site_and_storage_agree,
    site_wishes,
    stored_wishes,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WISHED_BY_HAND = {"vincent-dupont-27bddf"}
# Past the engine's wait for the sent bubble, by two seconds.
SLOW_SEND_MS = int(Timeouts().confirm_ms) + 2_000


def test_a_send_answered_after_the_timeout_is_unknown_then_settled_never_resent(
    tmp_path: Path, site_en: Site
) -> None:
    # Three wishes today (the day's limit, so the next run only settles), every request 50 ms
    # late, and the first Send answered 12 s late.
    operator = make_operator(tmp_path, site_en, per_run="3", per_day="3")
    site_en.admin("faults", {"slow_ms": 50, "slow_sends": 1, "slow_send_ms": SLOW_SEND_MS})
    code, summary = operator.run_json("run", "birthday")
    assert code == 0, summary
    slow = summary["plan"][0]["slug"]
    # The site has the wish; the engine did not see it land, so it is `unknown`, not `sent`.
    assert site_wishes(site_en)[slow] == 1
    assert summary["counts"]["unknown"] == 1, summary["counts"]
    assert slow in stored_wishes(operator.home, "unknown")
    assert slow not in stored_wishes(operator.home, "sent")
    assert_counts_match_storage(operator.home, summary, summary["run_id"])
    # One unconfirmed send is below the breaker's threshold (and the sends after it succeeded).
    assert summary["breaker"]["state"] == "closed"
    # The run went on with the others, each confirmed.
    assert summary["counts"]["sent"] == 2, summary["counts"]

    # The next run reads the thread, finds the wish and records it: it is never sent twice.
    code, settled = operator.run_json("run", "birthday")
    assert code == 0, settled
    assert settled["stopped"]["reason"] == "quota"  # three spent, the slow one among them
    assert slow not in [item["slug"] for item in settled["plan"]]
    assert len(site_en.messages()) == 3
    assert stored_wishes(operator.home)[slow] == next(
        m["text"] for m in site_en.messages() if m["to_slug"] == slow
    )
    assert max(site_wishes(site_en).values()) == 1
    assert_site_and_storage_agree(operator.home, site_en, WISHED_BY_HAND)
