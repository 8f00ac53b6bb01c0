"""The invitations campaign: withdraw sent invitations nobody answered for `older_than_days`.

Ages come from the card's `<time datetime>` when it has one (exact), else from its "Sent 3
months ago" text read as a lower bound, so an invitation is never withdrawn early; one whose
age cannot be read is left alone. The oldest go first when the per-run cap leaves some for
later. Withdrawing only takes back our own request, so it is done for blacklisted people too.

The withdrawal's row is written `sending` before the confirm click, so a crash after it leaves a
row that says so. The next run turns it `unknown`, then reads the sent invitations before
planning: a card that is gone was withdrawn (recorded `sent`, the same evidence a live
withdrawal waits for), one still listed was not (`failed`, and it is planned again). The
site refuses to withdraw an invitation twice; reading first means we never try.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from linkpilot.common.text import counted
from linkpilot.common.urls import normalize_profile_url
from linkpilot.engine import faultpoints
from linkpilot.engine.actions.invitations import WithdrawHooks
from linkpilot.engine.actions.outcomes import SentInvitation, WithdrawOutcome, WithdrawStatus
from linkpilot.engine.campaigns.logic.invitation_age import parse_invitation_age, should_withdraw
from linkpilot.engine.campaigns.registry import INVITATIONS
from linkpilot.engine.campaigns.runner import ActResult, CampaignContext
from linkpilot.engine.campaigns.summary import PlanItem, Skip
from linkpilot.engine.pacing import Pause
from linkpilot.engine.runtime import Runtime
from linkpilot.storage.contacts import get_contact_by_url, upsert_contact
from linkpilot.storage.database import Session
from linkpilot.storage.interactions import (
    abandoned_sends_to_unknown,
    move,
    record_action,
    unknown_of_kind,
)
from linkpilot.storage.models import Contact, ContactStatus, InteractionKind, InteractionState

# Outcomes that say the page is not what we expect: the breaker counts them.
TROUBLE = frozenset(
    {
        WithdrawStatus.NO_BUTTON,
        WithdrawStatus.NO_CONFIRM_DIALOG,
        WithdrawStatus.STILL_PRESENT,
        WithdrawStatus.NAVIGATION_FAILED,
    }
)

STORED_STATE = {
    WithdrawStatus.WITHDRAWN: InteractionState.SENT,
    # Confirmed, but the card stayed: whether LinkedIn took it is not known.
    WithdrawStatus.STILL_PRESENT: InteractionState.UNKNOWN,
}


@dataclass
class _Flight:
    """The storage row of the withdrawal in progress, once the confirm click is about to happen."""

    interaction_id: int | None = None


def _uninvite(contact: Contact) -> None:
    """No longer invited: back to what we knew before the invitation."""
    if contact.status == ContactStatus.INVITED.value:
        contact.status = ContactStatus.VISITED.value if contact.last_visited_at else ContactStatus.NEW.value


def _slug_of(contact: Contact) -> str | None:
    if contact.profile_url is None:
        return None
    return contact.profile_url.rstrip("/").rsplit("/", 1)[-1].lower()


@dataclass(frozen=True, slots=True)
class Aged:
    invitation: SentInvitation
    days: int | None


def invitation_age(invitation: SentInvitation, today: date) -> int | None:
    """Days since it was sent: the exact `datetime` value first, the text's lower bound else."""
    if invitation.sent_on:
        exact = parse_invitation_age(invitation.sent_on, today)
        if exact is not None:
            return exact
    return parse_invitation_age(invitation.age_text, today)


def select_stale(
    invitations: tuple[SentInvitation, ...], today: date, older_than_days: int
) -> tuple[list[Aged], list[Skip]]:
    """Invitations to withdraw, oldest first, and why each other one is kept."""
    stale: list[Aged] = []
    skips: list[Skip] = []
    seen: set[str] = set()
    for invitation in invitations:
        if invitation.slug in seen:
            continue
        seen.add(invitation.slug)
        days = invitation_age(invitation, today)
        if days is None:
            skips.append(Skip(invitation.slug, invitation.name, "age_unreadable"))
        elif not should_withdraw(days, older_than_days):
            skips.append(Skip(invitation.slug, invitation.name, "too_recent"))
        else:
            stale.append(Aged(invitation, days))
    stale.sort(key=lambda aged: -(aged.days or 0))
    return stale, skips


class InvitationsCampaign:
    name = INVITATIONS.name
    action = INVITATIONS.action
    # Withdrawing is paced like visiting: a person clicks through the list, not a burst.
    pause = Pause.VISIT

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt

    def run_limit(self, rt: Runtime) -> int:
        return min(rt.settings.invitations.max_per_run, rt.settings.limits.invitation_withdrawals.per_run)

    async def prepare(self, ctx: CampaignContext) -> None:
        """Settle withdrawals a crash (or an unconfirmed click) left open by reading the list."""
        async with self.rt.db.transaction() as session:
            abandoned = await abandoned_sends_to_unknown(session, [InteractionKind.WITHDRAWAL])
            pending = await unknown_of_kind(session, InteractionKind.WITHDRAWAL)
        if abandoned:
            self.rt.bus.log(
                "warning",
                f"{counted(abandoned, 'withdrawal')} {'was' if abandoned == 1 else 'were'} cut off after confirming",
                self.name,
            )
        if not pending:
            return
        page = await ctx.actions.read_sent_invitations()
        await ctx.check_page()
        # Settling on a list read by halves would record as withdrawn a card merely unread.
        await ctx.readable("sent invitations", page.navigation, len(page.invitations), page.unread)
        listed = {invitation.slug.lower() for invitation in page.invitations}
        async with self.rt.db.transaction() as session:
            for interaction, loaded in pending:
                slug = _slug_of(loaded)
                contact = await session.get(Contact, loaded.id)  # this session's copy, to write it
                if slug is None or contact is None:
                    continue
                if slug in listed:
                    await move(
                        session, interaction.id, InteractionState.FAILED, error="still listed after a check"
                    )
                    self.rt.bus.log("info", f"{contact.name}: still invited; it will be withdrawn", self.name)
                else:
                    await move(session, interaction.id, InteractionState.SENT, at=self.rt.clock())
                    _uninvite(contact)
                    self.rt.bus.log("info", f"{contact.name}: the list shows it withdrawn", self.name)

    async def plan(self, ctx: CampaignContext) -> tuple[list[PlanItem], list[Skip]]:
        page = await ctx.actions.read_sent_invitations()
        await ctx.check_page()
        await ctx.readable("sent invitations", page.navigation, len(page.invitations), page.unread)
        stale, skips = select_stale(
            page.invitations, self.rt.today(), self.rt.settings.invitations.older_than_days
        )
        items = [
            PlanItem(
                slug=aged.invitation.slug,
                name=aged.invitation.name,
                action="withdraw",
                reason=f"sent {aged.days} days ago",
            )
            for aged in stale
        ]
        return items, skips

    async def act(self, ctx: CampaignContext, item: PlanItem) -> ActResult:
        flight = _Flight()
        try:
            outcome = await ctx.actions.withdraw_invitation(
                item.slug, item.name or None, self._hooks(ctx, item, flight)
            )
        except BaseException:
            if flight.interaction_id is not None:
                async with self.rt.db.transaction() as session:
                    await move(
                        session,
                        flight.interaction_id,
                        InteractionState.UNKNOWN,
                        error="the run stopped after confirming",
                    )
            raise
        if outcome.clicked_confirm:
            ctx.in_flight_spent = True
        await ctx.check_page()
        await record_withdrawal(self.rt, item, outcome, ctx.summary.run_id, flight.interaction_id)
        detail = outcome.detail or outcome.status.value
        if outcome.status is WithdrawStatus.WITHDRAWN:
            return ActResult("sent", spent=True)
        if outcome.status is WithdrawStatus.NOT_FOUND:
            # Accepted or withdrawn by hand since the page was read: nothing to do.
            return ActResult("skipped", spent=False, skip_reason="no_longer_listed", detail=detail)
        if outcome.status is WithdrawStatus.STILL_PRESENT:
            return ActResult("unknown", spent=True, trouble=True, detail=detail)
        return ActResult(
            "failed", spent=outcome.clicked_confirm, trouble=outcome.status in TROUBLE, detail=detail
        )

    def _hooks(self, ctx: CampaignContext, item: PlanItem, flight: _Flight) -> WithdrawHooks:
        run_id = ctx.summary.run_id

        async def on_before_click(_slug: str) -> None:
            faultpoints.reach("before_withdraw_click")

        async def on_before_confirm(_slug: str) -> None:
            # Committed before the click: after this a crash leaves `sending`, settled next run.
            async with self.rt.db.transaction() as session:
                contact = await _contact(session, item, ContactStatus.INVITED)
                row = await record_action(
                    session,
                    kind=InteractionKind.WITHDRAWAL,
                    contact_id=contact.id,
                    state=InteractionState.SENDING,
                    run_id=run_id,
                    at=self.rt.clock(),
                )
            flight.interaction_id = row.id
            ctx.in_flight_spent = True

        async def on_after_confirm(_slug: str) -> None:
            faultpoints.reach("after_withdraw_confirm")

        return WithdrawHooks(
            on_before_click=on_before_click,
            on_before_confirm=on_before_confirm,
            on_after_confirm=on_after_confirm,
        )


async def record_withdrawal(
    rt: Runtime,
    item: PlanItem,
    outcome: WithdrawOutcome,
    run_id: int | None,
    interaction_id: int | None = None,
) -> None:
    """What a withdrawal's outcome leaves in storage. Nothing when the invitation was gone
    already. Otherwise the person as a contact (made from the card if new), back from
    `invited` to `visited` or `new` once withdrawn; and the withdrawal's interaction: the row
    written before the confirm click (`interaction_id`) becomes `sent` if the card went, else
    `unknown`; without one (confirm never clicked) a row is added saying why."""
    if outcome.status is WithdrawStatus.NOT_FOUND:
        return
    withdrawn = outcome.status is WithdrawStatus.WITHDRAWN
    error = None if withdrawn else f"{outcome.status.value}: {outcome.detail}"[:500]
    async with rt.db.transaction() as session:
        contact = await _contact(session, item, ContactStatus.NEW if withdrawn else ContactStatus.INVITED)
        if withdrawn:
            _uninvite(contact)
        if interaction_id is None:
            await record_action(
                session,
                kind=InteractionKind.WITHDRAWAL,
                contact_id=contact.id,
                state=STORED_STATE.get(outcome.status, InteractionState.FAILED),
                run_id=run_id,
                error=error,
                at=rt.clock(),
            )
        else:
            state = InteractionState.SENT if withdrawn else InteractionState.UNKNOWN
            await move(session, interaction_id, state, error=error, at=rt.clock())
        if withdrawn:
            faultpoints.reach("before_withdrawal_commit")


async def _contact(session: Session, item: PlanItem, status: ContactStatus) -> Contact:
    url = normalize_profile_url(f"/in/{item.slug}/")
    contact = await get_contact_by_url(session, url)
    if contact is None:
        contact, _ = await upsert_contact(
            session, url, name=item.name or item.slug, source=INVITATIONS.name, status=status.value
        )
    return contact
