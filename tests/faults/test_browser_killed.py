"""Chromium SIGKILLed under a real `linkpilot run birthday` (practice site, real processes).

The contract: the engine restarts Chromium once and goes on with the rest of the plan; a second
crash in the same run stops it cleanly (exit 1, `browser_failed`) with a breaker failure counted.
Either way nobody is wished twice, and what was cut off is settled by the next run."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import Operator, Site, make_operator
from tests.faults.realproc import (
    assert_counts_match_storage,
    assert_site_and_storage_agree,
    chromium_of,
    kill_chromium,
    site_wishes,
    start_run,
    wait_until,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Among the first six birthday cards of the practice site (seed 7) is one person already
# wished by hand: the run finds the wish in the thread and records it without sending.
WISHED_BY_HAND = {"vincent-dupont-27bddf"}
# Six planned per run; the day allows one more unit than that, for a send cut off before it
# reached the site (its unit stays spent) and then sent again by the next run.
LIMITS = {"per_run": "6", "per_day": "7"}


def finish_with_a_clean_run(operator: Operator, site: Site, first_plan: list[str]) -> None:
    code, summary = operator.run_json("run", "birthday")
    assert code == 0, summary
    # The next run settled what the crash cut off, from the thread, and sent what never left:
    # everyone of the first plan is wished exactly once, storage and the site agree.
    on_site = site_wishes(site)
    assert {slug for slug in first_plan if slug not in WISHED_BY_HAND} <= set(on_site), (first_plan, on_site)
    assert_site_and_storage_agree(operator.home, site, WISHED_BY_HAND)
    used = summary["quota"]["actions"]["message"]["day_used"]
    assert len(on_site) <= used <= len(on_site) + 1, (used, on_site)
    assert not chromium_of(operator.home), "Chromium outlived the run"


def test_chromium_killed_once_is_restarted_and_the_run_finishes(tmp_path: Path, site_en: Site) -> None:
    operator = make_operator(tmp_path, site_en, **LIMITS)
    site_en.admin("faults", {"slow_ms": 40})
    run = start_run(operator, "birthday")
    wait_until("two wishes on the site", lambda: len(site_en.messages()) >= 2, run)
    first = kill_chromium(run, operator.home)
    code, summary, err = run.finish()

    assert code == 0, (summary, err)
    assert summary["stopped"]["reason"] in ("completed", "quota"), summary["stopped"]
    assert "Chromium went away; restarting it" in err, err
    assert "Traceback" not in err, err
    assert "internal error" not in err, err
    assert not (operator.home / "crash.log").exists()
    # The rest of the plan went on in the new browser: more wishes after the kill.
    planned = [item["slug"] for item in summary["plan"]]
    assert len(planned) == 6
    counts = summary["counts"]
    assert counts["sent"] + counts["skipped"].get("wished_in_thread", 0) >= 4, counts
    # Only the person the crash cut off may be open (`unknown`, or `failed` if Send was never
    # clicked), and the summary says what storage says.
    assert counts["unknown"] + counts["failed"] <= 2, counts
    assert_counts_match_storage(operator.home, summary, summary["run_id"])
    # A browser's crash is not a sign from the site: the breaker stays closed, no failure counted.
    assert summary["breaker"]["state"] == "closed"
    assert summary["breaker"]["failures"] == 0
    assert max(site_wishes(site_en).values()) == 1
    assert not chromium_of(operator.home) & first
    finish_with_a_clean_run(operator, site_en, planned)


def test_chromium_killed_twice_stops_the_run_with_a_breaker_failure(tmp_path: Path, site_en: Site) -> None:
    operator = make_operator(tmp_path, site_en, **LIMITS)
    site_en.admin("faults", {"slow_ms": 40})
    run = start_run(operator, "birthday")
    wait_until("a wish on the site", lambda: len(site_en.messages()) >= 1, run)
    first = kill_chromium(run, operator.home)
    wait_until("a new Chromium", lambda: bool(chromium_of(operator.home, run.process.pid) - first), run)
    sent_before = len(site_en.messages())
    wait_until("a wish from the new Chromium", lambda: len(site_en.messages()) > sent_before, run)
    kill_chromium(run, operator.home)
    code, summary, err = run.finish()

    assert code == 1, (summary, err)
    assert summary["stopped"]["reason"] == "browser_failed"
    assert "crashed 2 times" in summary["stopped"]["detail"]
    assert "Traceback" not in err, err
    assert "internal error" not in err, err
    assert not (operator.home / "crash.log").exists()
    assert summary["breaker"]["failures"] == 1
    assert summary["breaker"]["reason"].startswith("browser: Chromium crashed 2 times")
    status = operator.run("breaker", "status", "--json")
    assert status.returncode == 0, status.stderr
    assert '"failures": 1' in status.stdout, status.stdout
    assert_counts_match_storage(operator.home, summary, summary["run_id"])
    assert max(site_wishes(site_en).values()) == 1
    # The stop left nothing running and nothing half-done that a run would send twice.
    assert not chromium_of(operator.home)
    finish_with_a_clean_run(operator, site_en, [item["slug"] for item in summary["plan"]])
