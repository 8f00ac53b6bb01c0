"""Sent invitations: read them by meaning, and withdraw one (find by slug, Withdraw, confirm, gone).

`withdraw_invitation` calls hooks between its steps so the caller can write the withdrawal's
state before the confirm click, as `send_message` does for a message.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from playwright.async_api import Locator
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from linkpilot.common.text import fold
from linkpilot.engine.actions.base import INVITATIONS_PATH, ActionContext
from linkpilot.engine.actions.batch import CardReading, identity_of
from linkpilot.engine.actions.cards import DATETIME_JS, by_slug, card_identity, unread
from linkpilot.engine.actions.lists import ItemReader, find_item, read_list
from linkpilot.engine.actions.outcomes import (
    InvitationsPage,
    Navigation,
    SentInvitation,
    UnreadItem,
    WithdrawOutcome,
    WithdrawStatus,
)
from linkpilot.engine.pacing import Pause
from linkpilot.engine.selectors.engine import evaluate_one

StepHook = Callable[[str], Awaitable[None]]


@dataclass(frozen=True)
class WithdrawHooks:
    """Called with the slug between the steps of withdraw_invitation.

    on_before_click: right before the card's Withdraw button is clicked (nothing is taken back yet).
    on_before_confirm: right before the dialog's confirm click, the one that takes the invitation
        back (write `sending` here; raising aborts, and nothing is clicked).
    on_after_confirm: right after that single click, before the card is seen to go.
    """

    on_before_click: StepHook | None = None
    on_before_confirm: StepHook | None = None
    on_after_confirm: StepHook | None = None


NO_WITHDRAW_HOOKS = WithdrawHooks()


async def read_card(ctx: ActionContext, card: Locator) -> SentInvitation | UnreadItem:
    """An invitation is read when its person, its age and its Withdraw button all resolve."""
    identity = await card_identity(ctx, card, "invitation.name")
    age = await ctx.selectors.resolve("invitation.age", card)
    withdraw = await ctx.selectors.resolve("invitation.withdraw", card)
    missing = [
        key
        for key, found in (
            ("invitation.name", identity),
            ("invitation.age", age),
            ("invitation.withdraw", withdraw),
        )
        if found is None
    ]
    if identity is None or age is None or missing:
        return await unread(card, identity, missing)
    assert age.text is not None  # the age key has a text recogniser
    sent_on = await evaluate_one(age.locator, DATETIME_JS)
    return SentInvitation(identity.name, identity.slug, age.text, sent_on)


def quick_card(reading: CardReading) -> SentInvitation | None:
    who = identity_of(reading, "invitation.name")
    age = reading["invitation.age"]
    if who is None or age is None or reading["invitation.withdraw"] is None:
        return None
    return SentInvitation(who[1], who[0], age.text, age.datetime)


CARDS = ItemReader(
    ("invitation.name", "invitation.age", "invitation.withdraw"), quick_card, read_card, lambda inv: inv.slug
)


async def read_sent_invitations(ctx: ActionContext) -> InvitationsPage:
    """Open the sent invitations, load every card (every page of them) and read them."""
    listing = await read_list(ctx, INVITATIONS_PATH, "invitation.card", CARDS)
    await ctx.selectors.flush()
    return InvitationsPage(listing.navigation, tuple(listing.items), tuple(listing.unread), listing.pages)


async def find_card(ctx: ActionContext, slug: str) -> tuple[Navigation, Locator | None]:
    return await find_item(ctx, INVITATIONS_PATH, "invitation.card", lambda cards: by_slug(ctx, cards, slug))


async def withdraw_invitation(
    ctx: ActionContext, slug: str, name: str | None = None, hooks: WithdrawHooks = NO_WITHDRAW_HOOKS
) -> WithdrawOutcome:
    """Withdraw the invitation sent to /in/<slug>/; the card must be gone afterwards."""
    navigation, card = await find_card(ctx, slug)
    if not navigation.ok:
        return WithdrawOutcome(
            WithdrawStatus.NAVIGATION_FAILED, slug, navigation=navigation, detail=navigation.detail
        )
    if card is None:
        return WithdrawOutcome(
            WithdrawStatus.NOT_FOUND,
            slug,
            navigation=navigation,
            detail=f"no sent invitation links to /in/{slug}/",
        )
    identity = await card_identity(ctx, card, "invitation.name")
    if identity is None or identity.slug != slug.lower():
        return WithdrawOutcome(
            WithdrawStatus.NOT_FOUND,
            slug,
            navigation=navigation,
            detail=f"the card links to /in/{identity.slug if identity else '?'}/",
        )
    button = await ctx.selectors.resolve("invitation.withdraw", card)
    if button is None:
        return WithdrawOutcome(WithdrawStatus.NO_BUTTON, slug, navigation=navigation)
    await ctx.pacing.pause(Pause.STEP)
    if hooks.on_before_click is not None:
        await hooks.on_before_click(slug)
    await button.locator.click(timeout=ctx.timeouts.element_ms)
    dialog = await ctx.selectors.resolve(
        "invitation.dialog", ctx.page, pick="last", timeout_ms=ctx.timeouts.element_ms
    )
    if dialog is None:
        return WithdrawOutcome(WithdrawStatus.NO_CONFIRM_DIALOG, slug, navigation=navigation)
    if name is not None and fold(name) not in fold(await dialog.locator.inner_text()):
        cancel = await ctx.selectors.resolve("invitation.cancel", dialog.locator)
        if cancel is not None:
            await cancel.locator.click(timeout=ctx.timeouts.element_ms)
        return WithdrawOutcome(
            WithdrawStatus.WRONG_PERSON,
            slug,
            navigation=navigation,
            detail=f"the confirmation does not name {name!r}",
        )
    confirm = await ctx.selectors.resolve("invitation.confirm", dialog.locator)
    if confirm is None:
        return WithdrawOutcome(
            WithdrawStatus.NO_CONFIRM_DIALOG,
            slug,
            navigation=navigation,
            detail="the confirmation has no Withdraw button",
        )
    await ctx.pacing.pause(Pause.STEP)
    if hooks.on_before_confirm is not None:
        await hooks.on_before_confirm(slug)
    await confirm.locator.click(timeout=ctx.timeouts.element_ms)
    if hooks.on_after_confirm is not None:
        await hooks.on_after_confirm(slug)
    await ctx.selectors.flush()
    try:
        await card.wait_for(state="detached", timeout=ctx.timeouts.settle_ms)
    except PlaywrightTimeoutError:
        return WithdrawOutcome(
            WithdrawStatus.STILL_PRESENT,
            slug,
            clicked_confirm=True,
            navigation=navigation,
            detail="the card is still listed after confirming",
        )
    return WithdrawOutcome(WithdrawStatus.WITHDRAWN, slug, clicked_confirm=True, navigation=navigation)
