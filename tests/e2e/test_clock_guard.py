"""The clock guard, end to end: a box whose clock disagrees with the site's acts on nobody."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.practice_site import MovedClock

from .conftest import Site, make_operator

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("skew_s", "side"),
    [
        pytest.param(9 * 86_400, "9.0 days ahead of", id="box-9-days-ahead"),
        pytest.param(-10 * 60, "10 minutes behind", id="box-10-minutes-behind"),
    ],
)
def test_a_wrong_clock_stops_the_run_before_anyone_with_exit_4(
    tmp_path: Path, site_en: Site, shared_clock: MovedClock, skew_s: int, side: str
) -> None:
    operator = make_operator(tmp_path, site_en, clock=shared_clock.skewed(skew_s))
    for campaign in ("birthday", "invitations"):
        code, summary = operator.run_json("run", campaign)
        assert code == 4, summary
        assert summary["stopped"]["reason"] == "clock_skew"
        detail = summary["stopped"]["detail"]
        # Both times are given, and which way the box is off.
        assert f"{side} the site" in detail, detail
        assert detail.count(" UTC") == 2, detail
        assert summary["plan"] == []
        assert summary["counts"]["sent"] == 0
    record = site_en.admin("record")
    assert record["messages"] == []
    assert record["withdrawals"] == []
    log = (operator.home / "linkpilot.log").read_text(encoding="utf-8")
    assert "clock skew, nobody acted on" in log
    # A dry run is refused too: its plan would be made for another day than LinkedIn's.
    code, dry = operator.run_json("run", "birthday", "--dry-run")
    assert (code, dry["stopped"]["reason"]) == (4, "clock_skew")


def test_a_clock_within_the_tolerance_acts(tmp_path: Path, site_en: Site, shared_clock: MovedClock) -> None:
    operator = make_operator(tmp_path, site_en, clock=shared_clock.skewed(-4 * 60), per_run="2")
    code, summary = operator.run_json("run", "birthday")
    assert code == 0, summary
    assert summary["counts"]["sent"] == 2 == len(site_en.messages())


def test_the_tolerance_is_a_setting(tmp_path: Path, site_en: Site, shared_clock: MovedClock) -> None:
    operator = make_operator(tmp_path, site_en, clock=shared_clock.skewed(-4 * 60), per_run="2")
    operator.env["LINKPILOT_CLOCK__TOLERANCE_MINUTES"] = "3"
    code, summary = operator.run_json("run", "birthday")
    assert (code, summary["stopped"]["reason"]) == (4, "clock_skew")
    assert site_en.messages() == []
    operator.env["LINKPILOT_CLOCK__TOLERANCE_MINUTES"] = "0"
    bad = operator.run("config", "check")
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1, bad.stderr
    assert "clock.tolerance_minutes" in bad.stderr, bad.stderr
