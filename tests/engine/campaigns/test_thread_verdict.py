"""Settling a wish from its thread: what counts as this birthday's wish, and what is unclear."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from linkpilot.engine.actions.outcomes import BirthdayCard, ThreadMessage
from linkpilot.engine.campaigns.birthday import card_birthday, earlier_wish
from linkpilot.engine.campaigns.logic.birthday_status import BirthdayWhen

PARIS = ZoneInfo("Europe/Paris")
BIRTHDAY = date(2026, 11, 26)


def ours(text: str, at: datetime | None) -> ThreadMessage:
    return ThreadMessage("Alex Pilot", text, at, from_me=True)


def theirs(text: str, at: datetime | None) -> ThreadMessage:
    return ThreadMessage("Marie Martin", text, at, from_me=False)


def test_a_wish_of_ours_from_the_birthday_on_is_found_whatever_our_clock_says() -> None:
    # Stamped by the site; compared with the birthday the site showed, not with our "today".
    wish = ours("Happy birthday!", datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    verdict = earlier_wish((theirs("hi", datetime(2026, 10, 1, tzinfo=UTC)), wish), BIRTHDAY, PARIS)
    assert verdict.wish == wish
    assert not verdict.absent
    # 23:30 UTC on the 25th is already the 26th in Paris.
    late_evening = ours("Joyeux anniversaire", datetime(2026, 11, 25, 23, 30, tzinfo=UTC))
    assert earlier_wish((late_evening,), BIRTHDAY, PARIS).wish == late_evening


def test_last_years_wish_and_their_messages_leave_it_absent() -> None:
    thread = (
        ours("Happy birthday!", datetime(2025, 11, 26, 9, 0, tzinfo=UTC)),
        theirs("Thanks!", datetime(2026, 11, 26, 9, 0, tzinfo=UTC)),
    )
    verdict = earlier_wish(thread, BIRTHDAY, PARIS)
    assert verdict.absent
    assert verdict.wish is None
    assert verdict.unclear is None
    assert earlier_wish((), BIRTHDAY, PARIS).absent


def test_a_message_that_may_be_ours_without_a_time_or_a_sender_is_unclear() -> None:
    no_time = earlier_wish((ours("Happy birthday!", None),), BIRTHDAY, PARIS)
    assert no_time.wish is None
    assert no_time.unclear == "a message of ours in the thread has no readable time"
    nobody = earlier_wish((ThreadMessage("", "Happy birthday!", None, from_me=False),), BIRTHDAY, PARIS)
    assert nobody.unclear == "a message in the thread has no readable sender"
    assert not nobody.absent
    # A wish that is there settles it even beside an unreadable item.
    wish = ours("Happy birthday!", datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    assert earlier_wish((ours("?", None), wish), BIRTHDAY, PARIS).wish == wish


def test_the_card_s_exact_date_is_the_birthday_the_site_shows() -> None:
    card = BirthdayCard("Marie Martin", "marie", "Birthday today", True, "2026-11-26")
    # A box nine days ahead reads "today" as its own 5 December; the card's date says the 26th.
    assert card_birthday(card, date(2026, 12, 5)) == BirthdayWhen(BIRTHDAY, 9)
    no_date = BirthdayCard("Marie Martin", "marie", "Birthday today", True, None)
    assert card_birthday(no_date, date(2026, 12, 5)) == BirthdayWhen(date(2026, 12, 5), 0)
    bad_date = BirthdayCard("Marie Martin", "marie", "2 days ago", True, "soon")
    assert card_birthday(bad_date, date(2026, 12, 5)) == BirthdayWhen(date(2026, 12, 3), 2)
