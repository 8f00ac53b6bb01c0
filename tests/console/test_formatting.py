"""Times as the panels word them, counted from the engine's last tick."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from linkpilot.console.formatting import ago, relative

TICK = datetime(2026, 11, 26, 22, 58, tzinfo=UTC)


def test_a_fact_newer_than_the_last_tick_happened_just_now() -> None:
    # The session was checked 29 s after the minute tick the screen counts from.
    assert ago(TICK + timedelta(seconds=29), TICK) == "just now"
    assert ago(TICK, TICK) == "just now"


def test_past_facts_say_how_long_ago() -> None:
    assert ago(TICK - timedelta(seconds=45), TICK) == "45s ago"
    assert ago(TICK - timedelta(minutes=12, seconds=5), TICK) == "12 min ago"
    assert ago(TICK - timedelta(hours=9, minutes=3), TICK) == "9 h 03 ago"
    assert ago(TICK - timedelta(days=3), TICK) == "3 days ago"


def test_what_is_to_come_is_in_so_long_and_what_is_past_so_long_ago() -> None:
    assert relative(TICK + timedelta(hours=1), TICK) == "in 1 h 00"
    assert relative(TICK - timedelta(minutes=5), TICK) == "5 min ago"
