"""send_message and its steps, in both markup generations and both languages, with every trap."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from linkpilot.common.clock import FrozenClock
from linkpilot.common.settings import Delays, WorkingHours
from linkpilot.engine.actions import (
    DialogStatus,
    Entry,
    MessageTarget,
    NavStatus,
    SendHooks,
    SendStatus,
    ThreadMessage,
)
from linkpilot.engine.pacing import HumanPacing
from linkpilot.sandbox import Person
from tests.engine.conftest import GENERATIONS
from tests.engine.livesite import Live

pytestmark = [
    pytest.mark.asyncio(loop_scope="session"),
    pytest.mark.parametrize("sandbox", GENERATIONS, indirect=True),
]


def target(person: Person, entry: Entry = Entry.BIRTHDAY) -> MessageTarget:
    return MessageTarget(person.slug, person.full_name, entry)


def sent_to(live: Live) -> list[str]:
    return [m["to_slug"] for m in live.site.state.record.messages]


@pytest.mark.parametrize("entry", [Entry.BIRTHDAY, Entry.PROFILE])
async def test_sends_once_to_the_intended_person_with_hooks_in_order(live: Live, entry: Entry) -> None:
    person = live.cast("today", degree=1)[1]
    steps: list[tuple[str, int]] = []

    async def on_thread(t: MessageTarget, thread: tuple[ThreadMessage, ...]) -> bool:
        steps.append(("thread", len(live.site.state.record.messages)))
        return True

    async def before(t: MessageTarget) -> None:
        assert t.slug == person.slug
        steps.append(("before_send", len(live.site.state.record.messages)))

    async def after(t: MessageTarget) -> None:
        steps.append(("after_click", -1))

    text = f"Happy birthday {person.first_name}! 🎉"
    outcome = await live.actions.send_message(
        target(person, entry), text, SendHooks(on_thread, before, after)
    )
    assert outcome.status is SendStatus.SENT, outcome.detail
    assert outcome.sent
    assert outcome.clicked
    assert [s for s, _ in steps] == ["thread", "before_send", "after_click"]
    assert steps[1][1] == 0  # nothing had reached the site when `sending` would be written
    messages = live.site.state.record.messages
    assert [(m["to_slug"], m["text"]) for m in messages] == [(person.slug, text)]
    # The dialog was closed afterwards.
    assert await live.page.locator("[role=dialog]").count() == 0


async def test_profile_top_card_not_sticky_header_nor_sidebar(live: Live) -> None:
    """The sticky header repeats the Message button and the sidebar offers other people's."""
    person = live.cast("late", degree=1)[0]
    sidebar = live.site.state.world.also_viewed(person)
    assert any(p.degree == 1 for p in sidebar)  # the trap is armed
    # Scroll first so the sticky header (with its own Message button) is on screen.
    await live.page.goto(f"{live.site.url}/in/{person.slug}/")
    await live.page.mouse.wheel(0, 900)
    outcome = await live.actions.send_message(target(person, Entry.PROFILE), "Hello from the top card")
    assert outcome.status is SendStatus.SENT, outcome.detail
    # Exactly one message, to the profile's owner: no double send, no sidebar person.
    assert sent_to(live) == [person.slug]


@pytest.mark.parametrize("role", ["connect-trap", "follow-trap"])
async def test_a_card_that_is_not_first_degree_is_not_messaged(live: Live, role: str) -> None:
    person = live.cast(role)[0]
    assert person.degree > 1
    hooked: list[str] = []

    async def before(t: MessageTarget) -> None:
        hooked.append(t.slug)

    outcome = await live.actions.send_message(
        target(person), "Happy birthday!", SendHooks(on_before_send=before)
    )
    assert outcome.status is SendStatus.NOT_FIRST_DEGREE
    assert not outcome.clicked
    assert "instead of Message" in outcome.detail
    assert hooked == []
    assert sent_to(live) == []


async def test_a_profile_that_is_not_first_degree_is_not_messaged(live: Live) -> None:
    person = live.cast("connect-trap")[0]
    outcome = await live.actions.send_message(target(person, Entry.PROFILE), "Hello")
    assert outcome.status is SendStatus.NOT_FIRST_DEGREE
    assert sent_to(live) == []


async def test_homonyms_are_told_apart_by_profile_slug(live: Live) -> None:
    first, second = live.cast("homonym")
    assert first.full_name == second.full_name == "Marie Martin"
    assert first.slug != second.slug
    outcome = await live.actions.send_message(target(second), "Joyeux anniversaire Marie !")
    assert outcome.status is SendStatus.SENT, outcome.detail
    assert sent_to(live) == [second.slug]
    # The thread read before sending is the second Marie's, not the first's.
    assert any("Lyon office" in m.text for m in outcome.thread)
    assert not any("conference" in m.text for m in outcome.thread)


async def test_thierry_is_messaged_like_anyone_else(live: Live) -> None:
    (thierry,) = live.cast("thierry")
    outcome = await live.actions.send_message(target(thierry), "Happy birthday Thierry!")
    assert outcome.status is SendStatus.SENT, outcome.detail
    assert sent_to(live) == [thierry.slug]


async def test_a_silent_send_is_unconfirmed_never_a_success(live: Live) -> None:
    person = live.cast("today", degree=1)[0]
    live.site.state.faults.silent_send_once = True
    clicked: list[str] = []

    async def after(t: MessageTarget) -> None:
        clicked.append(t.slug)

    outcome = await live.actions.send_message(
        target(person), "Happy birthday!", SendHooks(on_after_click=after)
    )
    assert outcome.status is SendStatus.UNCONFIRMED
    assert not outcome.sent
    assert outcome.clicked  # the caller must record `unknown`, never retry blindly
    assert clicked == [person.slug]
    assert "no new message" in outcome.detail
    assert sent_to(live) == []


async def test_an_http_500_is_a_typed_navigation_failure(live: Live) -> None:
    person = live.cast("today", degree=1)[0]
    live.site.state.faults.http_500 = 1
    outcome = await live.actions.send_message(target(person, Entry.PROFILE), "Hello")
    assert outcome.status is SendStatus.NAVIGATION_FAILED
    assert outcome.navigation is not None
    assert outcome.navigation.status is NavStatus.HTTP_ERROR
    assert outcome.navigation.http_status == 500
    assert not outcome.clicked
    assert sent_to(live) == []


async def test_a_checkpoint_is_a_blocked_navigation(live: Live) -> None:
    person = live.cast("today", degree=1)[0]
    live.site.state.faults.checkpoint_after_actions = 0
    outcome = await live.actions.send_message(target(person), "Hello")
    assert outcome.status is SendStatus.NAVIGATION_FAILED
    assert outcome.navigation is not None
    assert outcome.navigation.status is NavStatus.BLOCKED
    assert sent_to(live) == []


async def test_an_earlier_wish_in_the_thread_can_stop_the_send(live: Live) -> None:
    (wished,) = live.cast("already-wished")
    seen: list[tuple[ThreadMessage, ...]] = []

    async def on_thread(t: MessageTarget, thread: tuple[ThreadMessage, ...]) -> bool:
        seen.append(thread)
        return not any(m.from_me and "birthday" in m.text.lower() for m in thread)

    outcome = await live.actions.send_message(
        target(wished), "Happy birthday!", SendHooks(on_thread=on_thread)
    )
    assert outcome.status is SendStatus.SKIPPED
    assert not outcome.clicked
    (thread,) = seen
    # The wish came two minutes after another message of ours, so the page shows it grouped
    # under that one, with no name or time of its own: it is still read as ours, and today's.
    assert [m.from_me for m in thread] == [False, True, True]
    assert thread[2].text.startswith("Happy birthday")
    assert thread[2].sender == thread[1].sender != ""
    assert thread[2].at is not None
    assert thread[2].at.date() == live.site.state.today
    assert thread[0].sender == wished.full_name
    assert outcome.thread == thread
    assert sent_to(live) == []


async def test_wrong_name_for_the_slug_is_refused(live: Live) -> None:
    person = live.cast("today", degree=1)[0]
    for entry in (Entry.BIRTHDAY, Entry.PROFILE):
        outcome = await live.actions.send_message(MessageTarget(person.slug, "Someone Else", entry), "Hi")
        assert outcome.status is SendStatus.WRONG_PERSON, entry
    assert sent_to(live) == []


async def test_unknown_people_are_not_found(live: Live) -> None:
    outcome = await live.actions.send_message(MessageTarget("nobody-000000", "No Body"), "Hi")
    assert outcome.status is SendStatus.TARGET_NOT_FOUND
    profile = await live.actions.send_message(MessageTarget("nobody-000000", "No Body", Entry.PROFILE), "Hi")
    assert profile.status is SendStatus.NAVIGATION_FAILED
    assert profile.navigation is not None
    assert profile.navigation.status is NavStatus.NOT_FOUND
    with pytest.raises(ValueError, match="empty message"):
        await live.actions.send_message(MessageTarget("x-1", "X"), "   ")


async def test_a_failing_before_send_hook_means_nothing_is_clicked(live: Live) -> None:
    person = live.cast("today", degree=1)[0]

    async def broken(t: MessageTarget) -> None:
        raise RuntimeError("storage is down")

    with pytest.raises(RuntimeError, match="storage is down"):
        await live.actions.send_message(target(person), "Hello", SendHooks(on_before_send=broken))
    assert sent_to(live) == []


async def test_dialog_steps_one_by_one(live: Live) -> None:
    first, second = live.cast("homonym")
    opened = await live.actions.open_dialog(target(first))
    assert opened.status is DialogStatus.OPEN
    thread = await live.actions.read_thread(target(first))
    assert [m.text for m in thread] == ["Great meeting you at the conference."]
    # The open dialog is the first Marie's: the second Marie's thread cannot be read from it
    # (None, never an empty thread, which would let a cut-off wish be sent again).
    assert await live.actions.read_thread(target(second)) is None
    assert await live.actions.close_dialogs() == 1
    assert await live.actions.read_thread(target(first)) is None
    assert sent_to(live) == []


async def test_human_pacing_types_character_by_character(live: Live) -> None:
    waits: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        waits.append(seconds)

    pacing = HumanPacing(
        Delays(message_min_s=90, message_max_s=180),
        WorkingHours(),
        ZoneInfo("UTC"),
        rng=random.Random(3),
        clock=FrozenClock(datetime(2026, 3, 18, 10, 0, tzinfo=UTC)),
        sleep=fake_sleep,
    )
    live.actions.ctx.pacing = pacing
    person = live.cast("today", degree=1)[1]
    text = "Bon anniversaire\nà toi !"
    outcome = await live.actions.send_message(target(person), text)
    assert outcome.status is SendStatus.SENT, outcome.detail
    (message,) = live.site.state.record.messages
    assert message["text"].replace("\n", " ").split() == text.replace("\n", " ").split()
    keystrokes = [w for w in waits if w < 0.25]
    assert len(keystrokes) >= len(text)
    assert all(0.05 <= w <= 0.22 for w in keystrokes)
    # Steps were paced too: at least opening the dialog and clicking Send.
    assert len([w for w in waits if 0.6 <= w <= 2.2]) >= 2
