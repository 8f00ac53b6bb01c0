"""Messaging: open the dialog from the right card or top card, check who it is addressed to,
read the thread, type, send once, confirm the bubble landed, close.

`send_message` composes the steps and calls hooks between them so the caller can write the
interaction's state transitions (planned -> sending before the click, sent or unknown after).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from enum import StrEnum
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Locator
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from linkpilot.engine.actions import birthday as birthday_page
from linkpilot.engine.actions.base import VISIBLE_TEXTS_FN, ActionContext, clean, same_name, slug_of, text_of
from linkpilot.engine.actions.outcomes import (
    DialogStatus,
    IdentityStatus,
    Navigation,
    SendOutcome,
    SendStatus,
    ThreadMessage,
)
from linkpilot.engine.actions.profile import open_profile
from linkpilot.engine.pacing import Pause
from linkpilot.engine.page_state import load_markers

# Never more dialogs than this are closed before opening a new one: a page that keeps
# producing dialogs is not one to act on.
MAX_OPEN_DIALOGS = 8


class Entry(StrEnum):
    """Where the Message button is clicked."""

    BIRTHDAY = "birthday"  # the person's card on the birthday page
    PROFILE = "profile"  # the top card of the person's profile


@dataclass(frozen=True)
class MessageTarget:
    slug: str
    name: str
    entry: Entry = Entry.BIRTHDAY


ThreadHook = Callable[[MessageTarget, tuple[ThreadMessage, ...]], Awaitable[bool]]
StepHook = Callable[[MessageTarget], Awaitable[None]]


@dataclass(frozen=True)
class SendHooks:
    """Called between the steps of send_message.

    on_thread: sees the thread before anything is typed; returning False skips the send.
    on_before_send: right before Send is clicked (write `sending` here; raising aborts, and
        nothing is clicked).
    on_after_click: right after the single click, before confirmation is awaited.
    """

    on_thread: ThreadHook | None = None
    on_before_send: StepHook | None = None
    on_after_click: StepHook | None = None


NO_HOOKS = SendHooks()


@dataclass(frozen=True)
class OpenDialog:
    status: DialogStatus
    dialog: Locator | None = None
    navigation: Navigation | None = None
    detail: str = ""


# --- Dialog ----------------------------------------------------------------------------------


async def newest_dialog(ctx: ActionContext, *, timeout_ms: float = 0) -> Locator | None:
    found = await ctx.selectors.resolve("message.dialog", ctx.page, pick="last", timeout_ms=timeout_ms)
    return found.locator if found is not None else None


async def close_dialog(ctx: ActionContext, dialog: Locator) -> bool:
    """Click the dialog's own close button and wait for it to go away."""
    button = await ctx.selectors.resolve("message.close", dialog)
    if button is None:
        return False
    try:
        handle = await dialog.element_handle(timeout=ctx.timeouts.element_ms)
        await button.locator.click(timeout=ctx.timeouts.element_ms)
        await handle.wait_for_element_state("hidden", timeout=ctx.timeouts.settle_ms)
    except PlaywrightError:
        return False
    return True


async def close_all_dialogs(ctx: ActionContext) -> int:
    closed = 0
    # One query answers the usual case (no dialog open) without trying key by key.
    if not await ctx.selectors.any_locator("message.dialog", ctx.page).count():
        return 0
    while closed < MAX_OPEN_DIALOGS:
        dialog = await newest_dialog(ctx)
        if dialog is None or not await close_dialog(ctx, dialog):
            break
        closed += 1
    return closed


async def recipient(ctx: ActionContext, dialog: Locator) -> tuple[str | None, str | None]:
    """The name and profile slug the dialog's header shows (the last header: the newest)."""
    heading = await ctx.selectors.resolve("message.recipient", dialog, pick="last")
    name = await text_of(heading.locator) if heading is not None else None
    link = await ctx.selectors.resolve("message.recipient_link", dialog)
    slug = slug_of(await link.locator.get_attribute("href")) if link is not None else None
    return name, slug


async def verify_recipient(ctx: ActionContext, dialog: Locator, target: MessageTarget) -> str | None:
    """None when the dialog is addressed to the target; otherwise why not."""
    name, slug = await recipient(ctx, dialog)
    if not same_name(name, target.name):
        return f"dialog is addressed to {name!r}, not {target.name!r}"
    if slug is not None and slug != target.slug.lower():
        return f"dialog links to /in/{slug}/, not /in/{target.slug}/"
    return None


async def click_to_open(ctx: ActionContext, button: Locator, target: MessageTarget) -> OpenDialog:
    await close_all_dialogs(ctx)
    await ctx.pacing.pause(Pause.STEP)
    await button.click(timeout=ctx.timeouts.element_ms)
    dialog = await newest_dialog(ctx, timeout_ms=ctx.timeouts.element_ms)
    if dialog is None:
        return OpenDialog(DialogStatus.NO_DIALOG, detail="the message dialog did not open")
    problem = await verify_recipient(ctx, dialog, target)
    if problem is not None:
        await close_dialog(ctx, dialog)
        return OpenDialog(DialogStatus.RECIPIENT_MISMATCH, detail=problem)
    return OpenDialog(DialogStatus.OPEN, dialog)


async def open_from_birthday_card(ctx: ActionContext, target: MessageTarget) -> OpenDialog:
    navigation, card, identity = await birthday_page.find_card(ctx, target.slug)
    if not navigation.ok:
        return OpenDialog(DialogStatus.TARGET_NOT_FOUND, navigation=navigation, detail=navigation.detail)
    if card is None or identity is None:
        return OpenDialog(
            DialogStatus.TARGET_NOT_FOUND,
            navigation=navigation,
            detail=f"no birthday card links to /in/{target.slug}/",
        )
    shown = identity.name
    if not same_name(shown, target.name):
        return OpenDialog(
            DialogStatus.WRONG_PERSON,
            navigation=navigation,
            detail=f"card for /in/{target.slug}/ shows {shown!r}",
        )
    button = await ctx.selectors.resolve("birthday.card.message_button", card)
    if button is None:
        return OpenDialog(
            DialogStatus.NOT_FIRST_DEGREE,
            navigation=navigation,
            detail=await _why_no_message(ctx, "birthday.card.connect_button", card),
        )
    opened = await click_to_open(ctx, button.locator, target)
    return OpenDialog(opened.status, opened.dialog, navigation, opened.detail)


async def open_from_profile(ctx: ActionContext, target: MessageTarget) -> OpenDialog:
    opened = await open_profile(ctx, target.slug, target.name)
    if not opened.navigation.ok:
        return OpenDialog(
            DialogStatus.TARGET_NOT_FOUND, navigation=opened.navigation, detail=opened.navigation.detail
        )
    if opened.identity is not IdentityStatus.MATCH:
        return OpenDialog(
            DialogStatus.WRONG_PERSON,
            navigation=opened.navigation,
            detail=f"{opened.identity}: profile shows {opened.shown_name!r}",
        )
    card = opened.top_card
    assert card is not None  # open_profile read the name from it
    # Scoped to the top card: never the sticky header's button, never the sidebar's.
    button = await ctx.selectors.resolve("profile.message_button", card)
    if button is None:
        return OpenDialog(
            DialogStatus.NOT_FIRST_DEGREE,
            navigation=opened.navigation,
            detail=await _why_no_message(ctx, "profile.connect_button", card),
        )
    result = await click_to_open(ctx, button.locator, target)
    return OpenDialog(result.status, result.dialog, opened.navigation, result.detail)


async def _why_no_message(ctx: ActionContext, key: str, scope: Locator) -> str:
    other = await ctx.selectors.resolve(key, scope)
    if other is None:
        return "no Message button"
    return f"shows {await text_of(other.locator)!r} instead of Message"


async def open_dialog(ctx: ActionContext, target: MessageTarget) -> OpenDialog:
    if target.entry is Entry.PROFILE:
        return await open_from_profile(ctx, target)
    return await open_from_birthday_card(ctx, target)


# --- Thread ----------------------------------------------------------------------------------


def _parse_time(value: str | None, zone: tzinfo = UTC) -> datetime | None:
    """A `datetime` attribute or a shown "2026-11-26 08:10"; a time shown without its zone is
    the member's local time (LinkedIn prints local clock times)."""
    if not value:
        return None
    try:
        at = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return at if at.tzinfo is not None else at.replace(tzinfo=zone)


async def thread_items(ctx: ActionContext, dialog: Locator) -> Locator | None:
    found = await ctx.selectors.resolve("message.thread_item", dialog, pick="all")
    return found.locator if found is not None else None


# Reads every thread item in one round trip once the item parts' CSS selectors are known.
READ_ITEMS_JS = """(items, sel) => items.map((item) => {
  const pick = (css, last) => {
    if (!css) { return null; }
    const found = item.querySelectorAll(css);
    return found.length ? found[last ? found.length - 1 : 0] : null;
  };
  const sender = pick(sel.sender, false), body = pick(sel.body, true), time = pick(sel.time, false);
  return {
    sender: sender ? sender.innerText : "",
    body: body ? body.innerText : item.innerText,
    time: time ? time.getAttribute("datetime") : null,
    ok: Boolean(body),
  };
})"""
ITEM_PARTS = {
    "sender": "message.thread_item.sender",
    "body": "message.thread_item.body",
    "time": "message.thread_item.time",
}
# Each item's visible texts in order, and which of them sit in a `time` element: what the
# item says when its parts have no classes we know.
ITEM_TEXTS_JS = (
    "(items) => {"
    + VISIBLE_TEXTS_FN
    + """
  return items.map((item) => visibleTexts(item, "button, script, style").map(({ text, parent }) => {
    const time = parent.closest("time");
    return { text, time: Boolean(time), datetime: time ? time.getAttribute("datetime") : null };
  }));
}"""
)
# A time as a thread prints it: "2026-11-26 08:10", "10:12 AM", "10 h 12".
TIME_TEXT = re.compile(
    r"^(\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(:\d{2})?|\d{1,2}[:h] ?\d{2}( ?[ap]\.? ?m\.?)?)$", re.IGNORECASE
)


async def _item_selectors(ctx: ActionContext, item: Locator) -> dict[str, str | None] | None:
    """CSS selectors for the parts of a thread item, found on `item`; None unless the sender and
    the body are both found by a CSS candidate (else the items are read by meaning)."""
    found: dict[str, str | None] = {}
    for part, key in ITEM_PARTS.items():
        resolved = await ctx.selectors.resolve(key, item, pick="last" if part == "body" else "first")
        found[part] = resolved.candidate if resolved is not None else None
    return found if found["sender"] and found["body"] else None


def _rows_to_messages(
    rows: list[dict[str, str | None]], other_name: str, zone: tzinfo
) -> list[ThreadMessage]:
    out = []
    for row in rows:
        sender = clean(row["sender"])
        out.append(
            ThreadMessage(
                sender,
                clean(row["body"]),
                _parse_time(row["time"], zone),
                from_me=bool(sender) and not same_name(sender, other_name),
            )
        )
    return inherit_senders(out)


def message_from_texts(
    texts: list[dict[str, Any]], other_name: str, zone: tzinfo = UTC, member_name: str | None = None
) -> ThreadMessage:
    """One item read by meaning: a group's first item carries the sender's name and the time.

    The sender is the text that is one of the two people's names (the other person's, or the
    member's own, as the page's navigation shows it), wherever it sits in the item; failing
    that, the text before the time, as LinkedIn prints it. The message is the rest. An item
    without a time is inside a group: all of it is the message.
    """
    words = [clean(str(t["text"])) for t in texts]
    at_time = next((i for i, t in enumerate(texts) if t["time"] or TIME_TEXT.match(words[i])), None)
    if at_time is None:
        return ThreadMessage("", clean(" ".join(words)), None, from_me=False)
    at = _parse_time(texts[at_time]["datetime"], zone) or _parse_time(words[at_time], zone)
    others = [(i, w) for i, w in enumerate(words) if i != at_time]
    names = [name for name in (other_name, member_name) if name]
    named = [i for i, w in others if any(same_name(w, name) for name in names)]
    if named:
        sender_at = named[0]
    elif at_time > 0:
        sender_at = at_time - 1
    else:
        return ThreadMessage("", clean(" ".join(w for _i, w in others)), at, from_me=False)
    sender = words[sender_at]
    body = " ".join(w for i, w in others if i != sender_at)
    return ThreadMessage(sender, clean(body), at, from_me=not same_name(sender, other_name))


def inherit_senders(messages: list[ThreadMessage]) -> list[ThreadMessage]:
    """Give grouped items the sender and time of the item that heads their group.

    LinkedIn prints the name and the time once per group of consecutive messages from one
    person: the items after the first have neither. Read alone, our own second message of a
    group (a wish sent right after a "hi") would look like nobody's, and a campaign checking
    "did I already wish them this year?" would wish them twice.
    """
    out: list[ThreadMessage] = []
    for message in messages:
        head = out[-1] if out else None
        if not message.sender and head is not None and head.sender:
            message = ThreadMessage(head.sender, message.text, message.at or head.at, head.from_me)
        out.append(message)
    return out


# The member's own name as the global navigation shows it: the picture of the "Me"/"Vous"
# menu, else the member's profile link there.
MEMBER_NAME_JS = """(me) => {
  const tidy = (t) => (t || "").replace(/\\s+/g, " ").trim();
  const mine = new Set(me.map((m) => m.toLowerCase()));
  for (const land of document.querySelectorAll("header, nav, [role=banner], [role=navigation]")) {
    for (const control of land.querySelectorAll("button, a, [role=button]")) {
      const lines = (control.innerText || "").split("\\n").map((l) => tidy(l).toLowerCase());
      const img = control.querySelector("img[alt]");
      if (img && tidy(img.alt) && lines.some((line) => mine.has(line))) { return tidy(img.alt); }
    }
    const own = land.querySelector("a[href*='/in/']");
    if (own && tidy(own.textContent)) { return tidy(own.textContent).split(/\\s+[\u00b7|•-]\\s+/)[0]; }
  }
  return null;
}"""


async def member_name(ctx: ActionContext) -> str | None:
    """The member's own name (looked up once per page shown, then kept)."""
    if ctx.member_name is None:
        found = await ctx.page.evaluate(MEMBER_NAME_JS, list(load_markers().me_menu))
        ctx.member_name = clean(found) if found else ""
    return ctx.member_name or None


async def read_items(
    ctx: ActionContext, items: Locator, other_name: str, start: int = 0
) -> list[ThreadMessage]:
    """Thread items from index `start` on, in one round trip.

    The items before `start` are read too (in the same round trip): a grouped item's sender
    is the one heading its group, which may sit before `start`. Items are read through the
    CSS of their parts while the shipped (or learned) candidates find them, by meaning (the
    texts in order, the time among them) otherwise.
    """
    count = await items.count()
    if count <= start:
        return []
    for attempt in range(2):
        if ctx.thread_css == {}:
            break  # this layout's items are read by meaning (found out earlier in the run)
        if ctx.thread_css is None or attempt:
            ctx.thread_css = await _item_selectors(ctx, items.nth(0)) or {}
        if not ctx.thread_css:
            break
        rows = await items.evaluate_all(READ_ITEMS_JS, ctx.thread_css)
        # Grouped messages may lack a sender line, but a thread where none has one is a miss.
        if any(row["sender"] for row in rows) and all(row["ok"] for row in rows):
            return _rows_to_messages(rows, other_name, ctx.zone)[start:]
    ctx.thread_css = {}
    texts = await items.evaluate_all(ITEM_TEXTS_JS)
    me = await member_name(ctx)
    return inherit_senders([message_from_texts(t, other_name, ctx.zone, me) for t in texts])[start:]


async def read_thread(
    ctx: ActionContext, dialog: Locator, other_name: str
) -> tuple[ThreadMessage, ...] | None:
    """The conversation shown in the dialog, oldest first; None when it cannot be read.

    No item found is an empty conversation only while the dialog shows no message time either:
    times with no item we can read around them are messages we cannot read, and taking them for
    "no wish yet" would send a second one.
    """
    items = await thread_items(ctx, dialog)
    if items is None:
        return None if await dialog.locator("time").count() else ()
    return tuple(await read_items(ctx, items, other_name))


# --- Type, send, confirm ---------------------------------------------------------------------


async def type_text(ctx: ActionContext, dialog: Locator, text: str) -> bool:
    """Type into the last textbox inside the dialog; True when it holds exactly `text`."""
    box = await ctx.selectors.resolve("message.textbox", dialog, pick="last")
    if box is None:
        return False
    if ctx.pacing.types_per_character:
        await box.locator.click()
        for char in text:
            # Enter would send early: a line break is Shift+Enter, as a person types it.
            if char == "\n":
                await box.locator.press("Shift+Enter")
            else:
                await box.locator.press_sequentially(char)
            await ctx.pacing.keystroke()
    else:
        await box.locator.fill(text)
    return clean(await box.locator.inner_text()) == clean(text)


async def confirm_landed(
    ctx: ActionContext, dialog: Locator, before: int, text: str, other_name: str
) -> str | None:
    """None when the newest thread item is our text; otherwise what was seen instead."""
    items = ctx.selectors.any_locator("message.thread_item", dialog)
    try:
        await items.nth(before).wait_for(state="attached", timeout=ctx.timeouts.confirm_ms)
    except PlaywrightTimeoutError:
        return f"no new message in the thread after {ctx.timeouts.confirm_ms / 1000:g} s"
    newest = (await read_items(ctx, items, other_name, start=before))[-1:]
    if not newest:
        return "the thread could not be read after sending"
    if clean(newest[0].text) != clean(text):
        return f"the newest message is not ours: {newest[0].text[:60]!r}"
    return None


async def send_message(
    ctx: ActionContext, target: MessageTarget, text: str, hooks: SendHooks = NO_HOOKS
) -> SendOutcome:
    """Open the dialog for `target`, check it, send `text` once and confirm it landed."""
    if not clean(text):
        raise ValueError("refusing to send an empty message")
    opened = await open_dialog(ctx, target)
    nav = opened.navigation
    if opened.status is not DialogStatus.OPEN or opened.dialog is None:
        status = {
            DialogStatus.NOT_FIRST_DEGREE: SendStatus.NOT_FIRST_DEGREE,
            DialogStatus.WRONG_PERSON: SendStatus.WRONG_PERSON,
            DialogStatus.RECIPIENT_MISMATCH: SendStatus.RECIPIENT_MISMATCH,
            DialogStatus.NO_DIALOG: SendStatus.DIALOG_FAILED,
            DialogStatus.TARGET_NOT_FOUND: SendStatus.TARGET_NOT_FOUND,
        }[opened.status]
        if nav is not None and not nav.ok:
            status = SendStatus.NAVIGATION_FAILED
        await ctx.selectors.flush()
        return SendOutcome(status, target.slug, opened.detail, navigation=nav)
    dialog = opened.dialog
    read = await read_thread(ctx, dialog, target.name)
    thread = read or ()

    async def stop(status: SendStatus, detail: str) -> SendOutcome:
        await close_dialog(ctx, dialog)
        await ctx.selectors.flush()
        return SendOutcome(status, target.slug, detail, navigation=nav, thread=thread)

    if read is None:
        return await stop(SendStatus.THREAD_UNREADABLE, "the conversation shows messages that cannot be read")

    if hooks.on_thread is not None and not await hooks.on_thread(target, thread):
        return await stop(SendStatus.SKIPPED, "skipped after reading the thread")
    if not await type_text(ctx, dialog, text):
        return await stop(SendStatus.SEND_FAILED, "the text could not be typed into the dialog")
    send = await ctx.selectors.resolve("message.send", dialog, pick="last")
    if send is None or not await send.locator.is_enabled():
        return await stop(SendStatus.SEND_FAILED, "no usable Send button in the dialog")
    await ctx.pacing.pause(Pause.STEP)
    if hooks.on_before_send is not None:
        await hooks.on_before_send(target)
    try:
        await send.locator.click(timeout=ctx.timeouts.element_ms)
    except PlaywrightTimeoutError:
        return await stop(SendStatus.SEND_FAILED, "the Send button could not be clicked")
    if hooks.on_after_click is not None:
        await hooks.on_after_click(target)
    problem = await confirm_landed(ctx, dialog, len(thread), text, target.name)
    await close_dialog(ctx, dialog)
    await ctx.selectors.flush()
    if problem is not None:
        return SendOutcome(
            SendStatus.UNCONFIRMED, target.slug, problem, clicked=True, navigation=nav, thread=thread
        )
    return SendOutcome(SendStatus.SENT, target.slug, clicked=True, navigation=nav, thread=thread)
