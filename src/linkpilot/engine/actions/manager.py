"""The action manager: one Playwright page, the selector engine and pacing, typed outcomes."""

from __future__ import annotations

from datetime import UTC, tzinfo

from playwright.async_api import Page

from linkpilot.engine.actions import birthday, invitations, messaging, profile, search
from linkpilot.engine.actions.base import ActionContext, Timeouts
from linkpilot.engine.actions.invitations import NO_WITHDRAW_HOOKS, WithdrawHooks
from linkpilot.engine.actions.messaging import NO_HOOKS, MessageTarget, OpenDialog, SendHooks
from linkpilot.engine.actions.outcomes import (
    BirthdayPage,
    InvitationsPage,
    ProfileOpen,
    SearchPage,
    SendOutcome,
    ThreadMessage,
    VisitOutcome,
    WithdrawOutcome,
)
from linkpilot.engine.pacing import FastPacing, Pacing
from linkpilot.engine.selectors import SelectorEngine


class ActionManager:
    """Everything the campaigns do on LinkedIn, each returning a typed outcome.

    It takes a page rather than a browser so it does not care how the page was made
    (persistent context, origin guard, session): the browser module hands one over.
    """

    def __init__(
        self,
        page: Page,
        selectors: SelectorEngine,
        origin: str,
        *,
        pacing: Pacing | None = None,
        timeouts: Timeouts | None = None,
        zone: tzinfo = UTC,
    ) -> None:
        self.ctx = ActionContext(
            page, selectors, origin, pacing or FastPacing(), timeouts or Timeouts(), zone
        )

    @property
    def page(self) -> Page:
        return self.ctx.page

    async def open_profile(self, slug: str, expected_name: str | None = None) -> ProfileOpen:
        return await profile.open_profile(self.ctx, slug, expected_name)

    async def visit_profile(self, slug: str, expected_name: str | None = None) -> VisitOutcome:
        return await profile.visit_profile(self.ctx, slug, expected_name)

    async def open_dialog(self, target: MessageTarget) -> OpenDialog:
        return await messaging.open_dialog(self.ctx, target)

    async def read_thread(self, target: MessageTarget) -> tuple[ThreadMessage, ...] | None:
        """The thread of the newest open dialog, which must be addressed to `target`; None when
        no open dialog can be shown to be `target`'s or its thread cannot be read (never an
        empty thread: settling a wish on an empty thread sends it again)."""
        dialog = await messaging.newest_dialog(self.ctx)
        if dialog is None or await messaging.verify_recipient(self.ctx, dialog, target) is not None:
            return None
        return await messaging.read_thread(self.ctx, dialog, target.name)

    async def close_dialogs(self) -> int:
        return await messaging.close_all_dialogs(self.ctx)

    async def send_message(
        self, target: MessageTarget, text: str, hooks: SendHooks = NO_HOOKS
    ) -> SendOutcome:
        return await messaging.send_message(self.ctx, target, text, hooks)

    async def read_birthday_page(self) -> BirthdayPage:
        return await birthday.read_birthday_page(self.ctx)

    async def read_search_page(self, url: str, *, enough: int | None = None) -> SearchPage:
        return await search.read_search_page(self.ctx, url, enough=enough)

    async def read_sent_invitations(self) -> InvitationsPage:
        return await invitations.read_sent_invitations(self.ctx)

    async def withdraw_invitation(
        self, slug: str, name: str | None = None, hooks: WithdrawHooks = NO_WITHDRAW_HOOKS
    ) -> WithdrawOutcome:
        return await invitations.withdraw_invitation(self.ctx, slug, name, hooks)
