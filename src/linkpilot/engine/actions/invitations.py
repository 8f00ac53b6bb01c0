"""Sent invitations: read them, and withdraw one (find by slug, Withdraw, confirm, gone).

`withdraw_invitation` calls hooks between its steps so the caller can write the withdrawal's
state before the confirm click, as `send_message` does for a message.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from playwright.async_api import Locator
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from linkpilot.common.text import fold
from linkpilot.engine.actions.base import (
    INVITATIONS_PATH,
    ActionContext,
    current_path,
    goto,
    slug_of,
    text_of,
)
from linkpilot.engine.actions.outcomes import (
    InvitationsPage,
    Navigation,
    NavStatus,
    SentInvitation,
    WithdrawOutcome,
    WithdrawStatus,
)
from linkpilot.engine.pacing import Pause

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


async def invitation_cards(ctx: ActionContext) -> Locator | None:
    main = await ctx.selectors.resolve("page.main", ctx.page)
    if main is None:
        return None
    found = await ctx.selectors.resolve("invitation.card", main.locator, pick="all")
    return found.locator if found is not None else None


async def _name_and_slug(ctx: ActionContext, card: Locator) -> tuple[str, str | None]:
    found = await ctx.selectors.resolve("invitation.name", card)
    if found is None:
        return "", None
    element = found.locator
    href = await element.get_attribute("href")
    if href is None:
        inner = element.locator("a[href*='/in/']")
        href = await inner.first.get_attribute("href") if await inner.count() else None
    return await text_of(element), slug_of(href)


async def read_card(ctx: ActionContext, card: Locator) -> SentInvitation | None:
    name, slug = await _name_and_slug(ctx, card)
    if slug is None:
        return None
    age = await ctx.selectors.resolve("invitation.age", card)
    age_text = await text_of(age.locator) if age is not None else ""
    sent_on = await age.locator.get_attribute("datetime") if age is not None else None
    return SentInvitation(name, slug, age_text, sent_on)


async def read_sent_invitations(ctx: ActionContext) -> InvitationsPage:
    navigation = await goto(ctx, INVITATIONS_PATH)
    if not navigation.ok:
        return InvitationsPage(navigation)
    cards = await invitation_cards(ctx)
    found: list[SentInvitation] = []
    if cards is not None:
        for index in range(await cards.count()):
            item = await read_card(ctx, cards.nth(index))
            if item is not None:
                found.append(item)
    await ctx.selectors.flush()
    return InvitationsPage(navigation, tuple(found))


async def withdraw_invitation(
    ctx: ActionContext, slug: str, name: str | None = None, hooks: WithdrawHooks = NO_WITHDRAW_HOOKS
) -> WithdrawOutcome:
    """Withdraw the invitation sent to /in/<slug>/; the card must be gone afterwards."""
    if current_path(ctx.page) != INVITATIONS_PATH:
        navigation = await goto(ctx, INVITATIONS_PATH)
        if not navigation.ok:
            return WithdrawOutcome(
                WithdrawStatus.NAVIGATION_FAILED, slug, navigation=navigation, detail=navigation.detail
            )
    else:
        navigation = Navigation(NavStatus.OK, ctx.page.url)
    cards = await invitation_cards(ctx)
    card = cards.filter(has=ctx.page.locator(f'a[href*="/in/{slug}/"]')) if cards is not None else None
    if card is None or await card.count() != 1:
        return WithdrawOutcome(
            WithdrawStatus.NOT_FOUND,
            slug,
            navigation=navigation,
            detail=f"no sent invitation links to /in/{slug}/",
        )
    _shown, shown_slug = await _name_and_slug(ctx, card)
    if shown_slug != slug.lower():
        return WithdrawOutcome(
            WithdrawStatus.NOT_FOUND,
            slug,
            navigation=navigation,
            detail=f"the card links to /in/{shown_slug}/",
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
