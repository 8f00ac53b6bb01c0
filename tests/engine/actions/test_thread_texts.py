"""A thread item read by meaning, whatever order its parts come in (no browser needed)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from linkpilot.engine.actions.messaging import inherit_senders, message_from_texts

PARIS = ZoneInfo("Europe/Paris")


def text(value: str, *, time: bool = False, datetime: str | None = None) -> dict[str, Any]:
    return {"text": value, "time": time, "datetime": datetime}


WISH = "Happy birthday Vincent! Have a great day."
AT = text("2026-11-26 08:10", time=True, datetime="2026-11-26T08:10:00+00:00")


@pytest.mark.parametrize(
    "parts",
    [
        [text("Alex Pilot"), AT, text(WISH)],  # as LinkedIn prints it
        [text(WISH), AT, text("Alex Pilot")],  # the text first, the name last
        [AT, text("Alex Pilot"), text(WISH)],
    ],
    ids=["name-time-text", "text-time-name", "time-name-text"],
)
def test_the_sender_is_the_name_wherever_it_sits(parts: list[dict[str, Any]]) -> None:
    message = message_from_texts(parts, "Vincent Dupont", PARIS, member_name="Alex Pilot")
    assert (message.sender, message.text, message.from_me) == ("Alex Pilot", WISH, True)
    assert message.at == dt.datetime(2026, 11, 26, 8, 10, tzinfo=dt.UTC)


def test_the_other_persons_name_is_theirs() -> None:
    message = message_from_texts([text("Thanks!"), AT, text("Vincent Dupont")], "Vincent Dupont", PARIS)
    assert (message.sender, message.text, message.from_me) == ("Vincent Dupont", "Thanks!", False)


def test_without_the_members_name_the_name_before_the_time_is_the_sender() -> None:
    message = message_from_texts([text("Alex Pilot"), AT, text(WISH)], "Vincent Dupont", PARIS)
    assert (message.sender, message.from_me) == ("Alex Pilot", True)


def test_a_time_shown_without_a_zone_is_the_members_local_time() -> None:
    parts = [text("Alex Pilot"), text("2026-11-26 08:10"), text(WISH)]
    message = message_from_texts(parts, "Vincent Dupont", PARIS, member_name="Alex Pilot")
    assert message.at == dt.datetime(2026, 11, 26, 8, 10, tzinfo=PARIS)
    assert message.text == WISH


def test_an_item_inside_a_group_takes_the_sender_and_time_heading_it() -> None:
    first = message_from_texts([text("Alex Pilot"), AT, text("Good morning!")], "Vincent Dupont", PARIS)
    grouped = message_from_texts([text(WISH)], "Vincent Dupont", PARIS)
    assert (grouped.sender, grouped.at) == ("", None)
    thread = inherit_senders([first, grouped])
    assert thread[1].sender == "Alex Pilot"
    assert thread[1].from_me
    assert thread[1].at == first.at
    assert thread[1].text == WISH
