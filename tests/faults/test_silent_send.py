"""Mid-campaign, under a real `linkpilot run birthday`: the next Send silently does nothing
(the site answers 200 and records nothing, `silent_send_once`).

The contract: the run never claims that wish (it is `unknown`, never `sent`) and goes on with
the others; the next run finds the wish missing from the thread and sends it, once. In the end
everyone is wished exactly once. (An HTTP 500 on a page is covered in-process, with a real
browser, by tests/engine/campaigns/test_campaign_outcomes.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import Site, make_operator
from tests.faults.realproc import (
    assert_counts_match_storage,
    assert_site_and_storage_agree,
    site_wishes,
    start_run,
    stored_wishes,
    wait_until,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WISHED_BY_HAND = {"vincent-dupont-27bddf"}


def test_a_silent_send_is_never_claimed_and_sent_once_by_the_next_run(tmp_path: Path, site_en: Site) -> None:
    # Four planned; four a day leaves the next run room for the lost one (a silent send's unit
    # stays spent: it may have reached the site).
    operator = make_operator(tmp_path, site_en, per_run="4", per_day="4")
    run = start_run(operator, "birthday")
    wait_until("a wish on the site", lambda: len(site_en.messages()) >= 1, run)
    site_en.admin("faults", {"silent_send_once": True})
    code, summary, err = run.finish()

    assert code == 0, (summary, err)
    assert "Traceback" not in err, err
    planned = [item["slug"] for item in summary["plan"]]
    lost = set(planned) - set(site_wishes(site_en)) - WISHED_BY_HAND
    assert len(lost) == 1, (planned, site_wishes(site_en))
    (victim,) = lost
    assert victim in stored_wishes(operator.home, "unknown")
    assert victim not in stored_wishes(operator.home, "sent")
    assert summary["counts"]["unknown"] == 1, summary["counts"]
    assert_counts_match_storage(operator.home, summary, summary["run_id"])

    code, again = operator.run_json("run", "birthday")
    assert code == 0, again
    assert site_wishes(site_en)[victim] == 1
    assert max(site_wishes(site_en).values()) == 1
    assert set(planned) - WISHED_BY_HAND <= set(site_wishes(site_en))
    assert_site_and_storage_agree(operator.home, site_en, WISHED_BY_HAND)
