"""The invitations campaign: withdraw sent invitations nobody answered for `older_than_days`.

Ages come from the card's `<time datetime>` when it has one (exact), else from its "Sent 3
months ago" text read as a lower bound, so an invitation is never withdrawn early; one whose
age cannot be read is left alone. The oldest go first when the per-run cap leaves some for
later. Withdrawing only takes back our own request, so it is done for blacklisted people too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from linkpilot.common.urls import normalize_profile_url
from linkpilot.engine.actions.outcomes import SentInvitation, WithdrawOutcome, WithdrawStatus
from linkpilot.engine.campaigns.logic.invitation_age import parse_invitation_age, should_withdraw
from linkpilot.engine.campaigns.runner import ActResult, CampaignContext
from linkpilot.engine.campaigns.summary import PlanItem, Skip
from linkpilot.engine.pacing import Pause
from linkpilot.engine.quota.contract import Action
from linkpilot.engine.runtime import Runtime
from linkpilot.storage.contacts import get_contact_by_url, upsert_contact
from linkpilot.storage.interactions import record_action
from linkpilot.storage.models import ContactStatus, InteractionKind, InteractionState

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
    name = "invitations"
    action = Action.INVITATION_WITHDRAWAL
    # Withdrawing is paced like visiting: a person clicks through the list, not a burst.
    pause = Pause.VISIT

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt

    def run_limit(self, rt: Runtime) -> int:
        return min(rt.settings.invitations.max_per_run, rt.settings.limits.invitation_withdrawals.per_run)

    def today(self) -> date:
        return self.rt.clock().astimezone(self.rt.settings.zone).date()

    async def prepare(self, ctx: CampaignContext) -> None:
        """A withdrawal is one step, confirmed on the page: nothing is left half-done."""

    async def plan(self, ctx: CampaignContext) -> tuple[list[PlanItem], list[Skip]]:
        page = await ctx.actions.read_sent_invitations()
        await ctx.check_page()
        if not page.navigation.ok:
            detail = page.navigation.detail or page.navigation.status.value
            await self.rt.breaker.record_failure(f"{self.name}: sent invitations page: {detail}")
            self.rt.bus.log("warning", f"cannot read sent invitations: {detail}", self.name)
            return [], []
        stale, skips = select_stale(
            page.invitations, self.today(), self.rt.settings.invitations.older_than_days
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
        outcome = await ctx.actions.withdraw_invitation(item.slug, item.name or None)
        if outcome.clicked_confirm:
            ctx.in_flight_spent = True
        await ctx.check_page()
        await self._store(item, outcome, ctx.summary.run_id)
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

    async def _store(self, item: PlanItem, outcome: WithdrawOutcome, run_id: int | None) -> None:
        if outcome.status is WithdrawStatus.NOT_FOUND:
            return
        withdrawn = outcome.status is WithdrawStatus.WITHDRAWN
        url = normalize_profile_url(f"/in/{item.slug}/")
        async with self.rt.db.transaction() as session:
            contact = await get_contact_by_url(session, url)
            if contact is None:
                contact, _ = await upsert_contact(
                    session,
                    url,
                    name=item.name or item.slug,
                    source="invitations",
                    status=ContactStatus.NEW.value if withdrawn else ContactStatus.INVITED.value,
                )
            elif withdrawn and contact.status == ContactStatus.INVITED.value:
                # No longer invited: back to what we knew before the invitation.
                contact.status = (
                    ContactStatus.VISITED.value if contact.last_visited_at else ContactStatus.NEW.value
                )
            await record_action(
                session,
                kind=InteractionKind.WITHDRAWAL,
                contact_id=contact.id,
                state=STORED_STATE.get(outcome.status, InteractionState.FAILED),
                run_id=run_id,
                error=None if withdrawn else f"{outcome.status.value}: {outcome.detail}"[:500],
                at=self.rt.clock(),
            )
