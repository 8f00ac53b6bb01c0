"""The birthday campaign: wish 1st-degree connections on the day, or late within the window.

One wish per person per birthday occurrence: the storage row is claimed before the browser
acts, moves to `sending` before Send is clicked, and only reading the thread turns an
`unknown` (a crash or an unconfirmed send) into `sent` or back into something sendable.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Literal

from linkpilot.common.clock import local_date
from linkpilot.common.text import counted
from linkpilot.common.urls import normalize_profile_url
from linkpilot.engine import faultpoints
from linkpilot.engine.actions.messaging import Entry, MessageTarget, SendHooks
from linkpilot.engine.actions.outcomes import BirthdayCard, SendOutcome, SendStatus, ThreadMessage
from linkpilot.engine.campaigns.logic.birthday_status import BirthdayWhen, classify, parse_birthday_status
from linkpilot.engine.campaigns.logic.templates import (
    TemplateLibrary,
    choose_template,
    load_templates,
    render,
)
from linkpilot.engine.campaigns.registry import BIRTHDAY
from linkpilot.engine.campaigns.runner import ActResult, CampaignContext
from linkpilot.engine.campaigns.summary import PlanItem, Skip
from linkpilot.engine.pacing import Pause
from linkpilot.engine.runtime import Runtime
from linkpilot.storage.birthdays import occurrences_already_wished
from linkpilot.storage.blacklist import is_blacklisted
from linkpilot.storage.contacts import first_name_of, get_contact_by_url, upsert_contact
from linkpilot.storage.database import Session
from linkpilot.storage.interactions import (
    abandoned_plans_to_failed,
    abandoned_sends_to_unknown,
    claim_birthday,
    move,
    unknown_birthdays,
    wish_history,
)
from linkpilot.storage.models import Contact, InteractionKind, InteractionState

# Outcomes that say the page or our selectors are not what we expect: the breaker counts them.
TROUBLE = frozenset(
    {
        SendStatus.RECIPIENT_MISMATCH,
        SendStatus.DIALOG_FAILED,
        SendStatus.SEND_FAILED,
        SendStatus.NAVIGATION_FAILED,
        # A thread we cannot read: a layout we no longer read stops the run.
        SendStatus.THREAD_UNREADABLE,
    }
)
# Outcomes where nothing was clicked because this person should not get the message (or not
# yet: an unreadable thread may hold this year's wish; the next run looks again).
SKIP_REASONS = {
    SendStatus.NOT_FIRST_DEGREE: "not_first_degree",
    SendStatus.TARGET_NOT_FOUND: "card_not_found",
    SendStatus.WRONG_PERSON: "wrong_person",
    SendStatus.THREAD_UNREADABLE: "thread_unreadable",
}


@dataclass
class _Flight:
    """The storage row of the wish in progress, and what its thread said before sending."""

    interaction_id: int
    occurrence: date
    earlier_wish: ThreadMessage | None = None
    unclear: str | None = None
    sending: bool = False


@dataclass(frozen=True)
class ThreadVerdict:
    """What a thread says about one birthday's wish: `wish` found, or `unclear` (why), or neither."""

    wish: ThreadMessage | None = None
    unclear: str | None = None

    @property
    def absent(self) -> bool:
        return self.wish is None and self.unclear is None


def earlier_wish(thread: tuple[ThreadMessage, ...], occurrence: date, zone: tzinfo) -> ThreadVerdict:
    """Whether a message of ours in the thread is this birthday's wish.

    `occurrence` is the birthday as the site showed it and the messages carry the site's times,
    so the two are compared with each other, never with our clock: a box whose clock is wrong
    still recognises a wish that landed. Any message of ours from the occurrence on counts. A
    message whose sender or time cannot be read may be that wish: the verdict is then unclear,
    and the caller neither sends nor settles.
    """
    unclear = None
    for message in reversed(thread):
        if not message.sender:
            unclear = "a message in the thread has no readable sender"
            continue
        if not message.from_me:
            continue
        if message.at is None:
            unclear = "a message of ours in the thread has no readable time"
            continue
        if local_date(message.at, zone) >= occurrence:
            return ThreadVerdict(wish=message)
    return ThreadVerdict(unclear=unclear)


def card_birthday(card: BirthdayCard, today: date) -> BirthdayWhen | None:
    """The birthday as the site shows it: the card's exact date when it has one, else its text."""
    exact = parse_birthday_status(card.date_attr, today) if card.date_attr else None
    return exact or parse_birthday_status(card.status_text, today)


async def _unsettled(session: Session) -> set[tuple[int | None, date | None]]:
    return {(i.contact_id, i.occurrence) for i, _ in await unknown_birthdays(session)}


async def _stored_verdict(
    session: Session, slug: str, name: str, occurrence: date, unsettled: set[tuple[int | None, date | None]]
) -> tuple[Contact | None, str | None]:
    """The contact this card is (None if new), and why storage says not to wish them, if it does."""
    url = normalize_profile_url(f"/in/{slug}/")
    if await is_blacklisted(session, url, name):
        return None, "blacklisted"
    contact = await get_contact_by_url(session, url)
    if contact is None:
        return None, None
    if (contact.id, occurrence) in unsettled:
        # Its thread could not tell whether the wish landed: never sent blindly.
        return contact, "wish_unknown"
    if await occurrences_already_wished(session, [contact.id], [occurrence]):
        return contact, "already_wished"
    return contact, None


class BirthdayCampaign:
    name = BIRTHDAY.name
    action = BIRTHDAY.action
    pause = Pause.MESSAGE

    def __init__(self, rt: Runtime, library: TemplateLibrary | None = None) -> None:
        self.rt = rt
        # Loaded before the browser starts, so a broken template file stops the run at once (exit 2).
        self.library = library or load_templates(rt.settings.birthday.templates_dir)

    def run_limit(self, rt: Runtime) -> int:
        return rt.settings.limits.messages.per_run

    # Before planning: settle what a crash or an unconfirmed send left behind -----------------

    async def prepare(self, ctx: CampaignContext) -> None:
        async with self.rt.db.transaction() as session:
            abandoned = await abandoned_sends_to_unknown(session, [InteractionKind.BIRTHDAY])
            await abandoned_plans_to_failed(session, [InteractionKind.BIRTHDAY])
            pending = await unknown_birthdays(session)
        if abandoned:
            self.rt.bus.log(
                "warning",
                f"{counted(abandoned, 'wish', 'wishes')} {'was' if abandoned == 1 else 'were'} cut off while sending",
                self.name,
            )
        oldest = self.rt.today() - timedelta(days=self.rt.settings.birthday.late_days)
        for interaction, contact in pending:
            if (
                contact.profile_url is None
                or interaction.occurrence is None
                or interaction.occurrence < oldest
            ):
                continue
            slug = contact.profile_url.rstrip("/").rsplit("/", 1)[-1]
            target = MessageTarget(slug, contact.name, Entry.PROFILE)
            opened = await ctx.actions.open_dialog(target)
            await ctx.check_page()
            if opened.dialog is None:
                self.rt.bus.log(
                    "warning", f"{contact.name}: cannot read the thread yet; wish stays unknown", self.name
                )
                continue
            thread = await ctx.actions.read_thread(target)
            await ctx.actions.close_dialogs()
            if thread is None:
                self.rt.bus.log(
                    "warning",
                    f"{contact.name}: the open dialog cannot be shown to be theirs, or its thread cannot be"
                    " read; wish stays unknown",
                    self.name,
                )
                continue
            verdict = earlier_wish(thread, interaction.occurrence, self.rt.settings.zone)
            if verdict.unclear is not None and verdict.wish is None:
                self.rt.bus.log(
                    "warning", f"{contact.name}: {verdict.unclear}; wish stays unknown, not resent", self.name
                )
                continue
            found = verdict.wish
            async with self.rt.db.transaction() as session:
                if found is not None:
                    await move(session, interaction.id, InteractionState.SENT, text=found.text, at=found.at)
                    self.rt.bus.log("info", f"{contact.name}: the thread shows the wish landed", self.name)
                else:
                    await move(
                        session,
                        interaction.id,
                        InteractionState.FAILED,
                        error="not in the thread after a check",
                    )
                    self.rt.bus.log(
                        "info", f"{contact.name}: the thread has no wish; it will be sent", self.name
                    )

    # Plan -------------------------------------------------------------------------------

    async def plan(self, ctx: CampaignContext) -> tuple[list[PlanItem], list[Skip]]:
        page = await ctx.actions.read_birthday_page()
        await ctx.check_page()
        await ctx.readable("birthday", page.navigation, len(page.cards), page.unread)
        language = str(await ctx.actions.page.evaluate("document.documentElement.lang || 'en'"))
        today = self.rt.today()
        late_days = self.rt.settings.birthday.late_days
        items: list[PlanItem] = []
        skips: list[Skip] = []
        seen: set[str] = set()
        async with self.rt.db.session() as session:
            unsettled = await _unsettled(session)
            for card in page.cards:
                when = card_birthday(card, today)
                category = classify(when, late_days)
                if when is None or category == "ignore":
                    skips.append(Skip(card.slug, card.name, "not_in_window"))
                    continue
                if card.slug in seen:
                    skips.append(Skip(card.slug, card.name, "duplicate_card"))
                    continue
                seen.add(card.slug)
                if not card.is_first_degree:
                    skips.append(Skip(card.slug, card.name, "not_first_degree"))
                    continue
                contact, reason = await _stored_verdict(
                    session, card.slug, card.name, when.occurrence, unsettled
                )
                if reason is not None:
                    skips.append(Skip(card.slug, card.name, reason))
                    continue
                history = await wish_history(session, contact.id) if contact is not None else []
                items.append(self._item(card, when, category, language, history))
        return items, skips

    async def recheck(self, items: Sequence[PlanItem]) -> tuple[list[PlanItem], list[Skip]]:
        """A plan read from the site a few minutes ago, checked again in storage now: who was
        wished meanwhile (another run, another process), put on the blacklist, or left unknown."""
        still: list[PlanItem] = []
        skips: list[Skip] = []
        async with self.rt.db.session() as session:
            unsettled = await _unsettled(session)
            for item in items:
                assert item.occurrence is not None  # every birthday item has its occurrence
                occurrence = date.fromisoformat(item.occurrence)
                _, reason = await _stored_verdict(session, item.slug, item.name, occurrence, unsettled)
                if reason is None:
                    still.append(item)
                else:
                    skips.append(Skip(item.slug, item.name, reason))
        return still, skips

    def _item(
        self,
        card: BirthdayCard,
        when: BirthdayWhen,
        category: str,
        language: str,
        history: list[tuple[str, datetime]],
    ) -> PlanItem:
        kind: Literal["today", "late"] = "today" if category == "today" else "late"
        template = choose_template(
            self.library,
            kind,
            language,
            history,
            now=self.rt.clock(),
            no_repeat_years=self.rt.settings.birthday.no_repeat_years,
            # Seeded by person and occurrence: a dry run shows the very text the real run sends.
            rng=random.Random(f"{card.slug}/{when.occurrence.isoformat()}"),
        )
        first = first_name_of(card.name) or card.name
        text = render(template, first_name=first, name=card.name, days_late=when.days_late)
        if kind == "today":
            reason = "birthday today"
        elif when.days_late == 1:
            reason = "birthday yesterday"
        else:
            reason = f"birthday {when.days_late} days ago"
        return PlanItem(
            slug=card.slug,
            name=card.name,
            action="message",
            reason=reason,
            text=text,
            template_id=template.id,
            occurrence=when.occurrence.isoformat(),
            days_late=when.days_late,
        )

    # Act on one person --------------------------------------------------------------------

    async def act(self, ctx: CampaignContext, item: PlanItem) -> ActResult:
        assert item.text is not None
        assert item.occurrence is not None
        occurrence = date.fromisoformat(item.occurrence)
        flight = await self._claim(item, occurrence, ctx.summary.run_id)
        if flight is None:
            return ActResult("skipped", spent=False, skip_reason="already_wished")
        target = MessageTarget(item.slug, item.name, Entry.BIRTHDAY)
        try:
            outcome = await ctx.actions.send_message(target, item.text, self._hooks(ctx, flight))
        except BaseException:
            if flight.sending:
                await self._move(
                    flight, InteractionState.UNKNOWN, error="the run stopped after Send was prepared"
                )
            else:
                await self._move(flight, InteractionState.FAILED, error="the run stopped before sending")
            raise
        result = await self._settle(flight, outcome)
        try:
            await ctx.actions.close_dialogs()
            await ctx.check_page()
        except Exception:
            # Chromium gone after the outcome was recorded: the outcome stands (the runner
            # restarts the browser); anything else, a checkpoint above all, goes up.
            if not await ctx.browser.died(ctx.actions.page):
                raise
        return result

    async def _claim(self, item: PlanItem, occurrence: date, run_id: int | None) -> _Flight | None:
        async with self.rt.db.transaction() as session:
            contact, _ = await upsert_contact(
                session,
                normalize_profile_url(f"/in/{item.slug}/"),
                name=item.name,
                first_name=first_name_of(item.name),
                degree=1,
                birthday_month=occurrence.month,
                birthday_day=occurrence.day,
            )
            row = await claim_birthday(
                session,
                contact_id=contact.id,
                occurrence=occurrence,
                text=item.text or "",
                template_id=item.template_id,
                days_late=item.days_late or 0,
                run_id=run_id,
            )
            return None if row is None else _Flight(row.id, occurrence)

    def _hooks(self, ctx: CampaignContext, flight: _Flight) -> SendHooks:
        zone = self.rt.settings.zone

        async def on_thread(_target: MessageTarget, thread: tuple[ThreadMessage, ...]) -> bool:
            verdict = earlier_wish(thread, flight.occurrence, zone)
            flight.earlier_wish, flight.unclear = verdict.wish, verdict.unclear
            if verdict.absent:
                faultpoints.reach("before_typing")
            return verdict.absent

        async def on_before_send(_target: MessageTarget) -> None:
            # Written and committed before the click: after this line a crash means `unknown`.
            await self._move(flight, InteractionState.SENDING)
            flight.sending = True
            ctx.in_flight_spent = True

        async def on_after_click(_target: MessageTarget) -> None:
            faultpoints.reach("after_click")

        return SendHooks(on_thread=on_thread, on_before_send=on_before_send, on_after_click=on_after_click)

    async def _settle(self, flight: _Flight, outcome: SendOutcome) -> ActResult:
        status = outcome.status
        if status is SendStatus.SENT:
            faultpoints.reach("before_commit")
            await self._move(flight, InteractionState.SENT)
            return ActResult("sent", spent=True)
        if status is SendStatus.SKIPPED and flight.earlier_wish is not None:
            # Wished already (by hand, or by a run whose record was lost): record it, send nothing.
            await self._move(flight, InteractionState.SENDING)
            await self._move(
                flight, InteractionState.SENT, text=flight.earlier_wish.text, at=flight.earlier_wish.at
            )
            return ActResult("skipped", spent=False, skip_reason="wished_in_thread")
        if status is SendStatus.SKIPPED and flight.unclear is not None:
            # Maybe wished already: sending would risk a second wish. The next run looks again.
            await self._move(flight, InteractionState.FAILED, error=f"not sent: {flight.unclear}")
            return ActResult("skipped", spent=False, skip_reason="wish_unknown", detail=flight.unclear)
        if outcome.clicked or flight.sending:
            # Send was clicked (or about to be) but the bubble never showed: never resend blindly.
            if not flight.sending:
                await self._move(flight, InteractionState.SENDING)
            await self._move(flight, InteractionState.UNKNOWN, error=f"{status.value}: {outcome.detail}")
            return ActResult("unknown", spent=True, trouble=True, detail=outcome.detail or status.value)
        await self._move(flight, InteractionState.FAILED, error=f"{status.value}: {outcome.detail}")
        if status in SKIP_REASONS:
            return ActResult(
                "skipped",
                spent=False,
                trouble=status in TROUBLE,
                skip_reason=SKIP_REASONS[status],
                detail=outcome.detail,
            )
        return ActResult(
            "failed", spent=False, trouble=status in TROUBLE, detail=outcome.detail or status.value
        )

    async def _move(
        self,
        flight: _Flight,
        state: InteractionState,
        *,
        error: str | None = None,
        text: str | None = None,
        at: datetime | None = None,
    ) -> None:
        async with self.rt.db.transaction() as session:
            await move(session, flight.interaction_id, state, error=error, text=text, at=at)
