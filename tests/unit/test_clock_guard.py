from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from linkpilot.common.clock import FrozenClock
from linkpilot.engine.chromium import browser_env
from linkpilot.engine.clock_guard import ClockReading, ClockSkew, SiteClock, check_clock, parse_http_date

SITE = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
FIVE_MINUTES = timedelta(minutes=5)


def site_clock_at(ours: datetime, header: str | None = "Thu, 26 Nov 2026 09:00:00 GMT") -> SiteClock:
    site = SiteClock(FrozenClock(ours))
    site.observe(header)
    return site


def test_http_dates_are_read_as_utc_and_junk_is_not_a_time() -> None:
    assert parse_http_date("Thu, 26 Nov 2026 09:00:00 GMT") == SITE
    assert parse_http_date("Thu, 26 Nov 2026 10:00:00 +0100") == SITE
    for junk in (None, "", "yesterday", "Thu, 99 Nov 2026 09:00:00 GMT"):
        assert parse_http_date(junk) is None


@pytest.mark.parametrize(
    ("ours", "ok", "words"),
    [
        (SITE + timedelta(minutes=4, seconds=59), True, "5 minutes ahead of"),
        (SITE - timedelta(minutes=5), True, "5 minutes behind"),
        (SITE + timedelta(days=9), False, "9.0 days ahead of"),
        (SITE - timedelta(minutes=10), False, "10 minutes behind"),
        (SITE - timedelta(hours=3), False, "3.0 hours behind"),
    ],
)
def test_the_guard_passes_within_the_tolerance_either_way_and_stops_beyond(
    ours: datetime, ok: bool, words: str
) -> None:
    site = site_clock_at(ours)
    assert site.latest == ClockReading(ours, SITE)
    if ok:
        assert check_clock(site, FIVE_MINUTES).within(FIVE_MINUTES)
        return
    with pytest.raises(ClockSkew) as stopped:
        check_clock(site, FIVE_MINUTES)
    message = stopped.value.message
    assert f"{words} the site" in message
    # Both times, so the owner can see which one is wrong.
    assert f"{ours:%Y-%m-%d %H:%M:%S} UTC" in message
    assert "2026-11-26 09:00:00 UTC" in message


def test_no_readable_date_is_no_go_and_a_later_one_replaces_the_earlier() -> None:
    with pytest.raises(ClockSkew, match="no readable Date"):
        check_clock(site_clock_at(SITE, header=None), FIVE_MINUTES)
    site = site_clock_at(SITE + timedelta(days=1))
    site.observe("not a date")  # ignored: the last readable answer stands
    assert site.latest is not None
    assert site.latest.skew == timedelta(days=1)
    site.clock = FrozenClock(SITE)  # NTP answered
    site.observe("Thu, 26 Nov 2026 09:00:00 GMT")
    assert check_clock(site, FIVE_MINUTES).skew == timedelta(0)


def test_chromium_runs_on_the_real_clock_under_faketime() -> None:
    env = browser_env(
        {
            "PATH": "/usr/bin",
            "LD_PRELOAD": "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1:/opt/libother.so",
            "FAKETIME": "+3600",
            "FAKETIME_DONT_FAKE_MONOTONIC": "1",
        }
    )
    assert env == {"PATH": "/usr/bin", "LD_PRELOAD": "/opt/libother.so"}
    assert "LD_PRELOAD" not in browser_env({"LD_PRELOAD": "/usr/lib/faketime/libfaketimeMT.so.1"})
