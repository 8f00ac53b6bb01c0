from __future__ import annotations

from datetime import UTC, datetime

import pytest

from linkpilot.engine.events import Event, EventBus, LogLine, Progress


def test_subscribers_receive_events_in_order_and_can_unsubscribe() -> None:
    bus = EventBus()
    seen: list[Event] = []
    unsubscribe = bus.subscribe(seen.append)
    bus.log("info", "one", campaign="birthday")
    bus.publish(Progress(campaign="birthday", run_id=1, done=1, total=3))
    unsubscribe()
    bus.log("info", "after")
    assert [type(e).__name__ for e in seen] == ["LogLine", "Progress"]
    first = seen[0]
    assert isinstance(first, LogLine)
    assert (first.message, first.campaign, first.at.tzinfo is not None) == ("one", "birthday", True)


def test_lines_are_stamped_by_the_bus_clock() -> None:
    moved = datetime(2031, 1, 1, 12, 0, tzinfo=UTC)
    bus = EventBus(clock=lambda: moved)
    seen: list[Event] = []
    bus.subscribe(seen.append)
    bus.log("info", "at the engine's time")
    assert [event.at for event in seen] == [moved]


def test_a_failing_subscriber_does_not_stop_the_others(caplog: pytest.LogCaptureFixture) -> None:
    bus = EventBus()
    seen: list[Event] = []

    def broken(event: Event) -> None:
        raise RuntimeError("screen gone")

    bus.subscribe(broken)
    bus.subscribe(seen.append)
    bus.log("warning", "still delivered")
    assert len(seen) == 1
    assert "event subscriber failed" in caplog.text


def test_events_are_immutable() -> None:
    line = LogLine(level="info", message="x")
    with pytest.raises(AttributeError):
        line.message = "y"  # type: ignore[misc]


def test_every_line_also_reaches_the_log_on_disk_with_its_level_and_campaign(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level("DEBUG", logger="linkpilot.campaign")
    bus = EventBus()
    bus.log("warning", "quota spent", campaign="birthday")
    bus.log("info", "idle")
    got = [(r.name, r.levelname, r.getMessage()) for r in caplog.records]
    assert got == [
        ("linkpilot.campaign", "WARNING", "[birthday] quota spent"),
        ("linkpilot.campaign", "INFO", "[engine] idle"),
    ]


def test_a_private_bus_keeps_its_lines_off_the_log_on_disk(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG", logger="linkpilot.campaign")
    bus = EventBus(record=False)
    seen: list[Event] = []
    bus.subscribe(seen.append)
    bus.log("info", "planned 3 wishes", campaign="birthday")
    assert len(seen) == 1
    assert caplog.records == []
