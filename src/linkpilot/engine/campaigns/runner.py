"""Running a campaign: plan first, then act item by item under the breaker and the ledger.

The runner owns what every campaign shares — the run record, the session check, quota
reservations, breaker bookkeeping, events and the summary — so a campaign only says whom to
act on (`plan`) and how to act on one person (`act`).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Coroutine, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit

from linkpilot.engine.actions.base import FEED_PATH, Timeouts
from linkpilot.engine.actions.manager import ActionManager
from linkpilot.engine.actions.outcomes import Navigation, UnreadItem
from linkpilot.engine.activity import publish_activity
from linkpilot.engine.breaker import BreakerState
from linkpilot.engine.browser.context import BrowserSession
from linkpilot.engine.browser.errors import BrowserCrashed, BrowserError
from linkpilot.engine.campaigns.confirmed import rechecked
from linkpilot.engine.campaigns.summary import PlanItem, RunSummary, Skip, StopReason
from linkpilot.engine.clock_guard import ClockReading, ClockSkew, check_clock
from linkpilot.engine.diagnostics import save_diagnostic
from linkpilot.engine.events import CampaignStarted, ClockChecked, Progress
from linkpilot.engine.pacing import Pacing, Pause, make_pacing
from linkpilot.engine.page_state import Authwall, LoggedOut, PageBlocked, PageUnreadable
from linkpilot.engine.quota.contract import Action, QuotaRefused
from linkpilot.engine.runtime import Runtime
from linkpilot.engine.selectors import SelectorEngine
from linkpilot.engine.selectors.scores import SelectorScores
from linkpilot.engine.session.store import NoSession
from linkpilot.storage.runs import finish_run, start_run

log = logging.getLogger(__name__)

Result = Literal["sent", "failed", "unknown", "skipped"]

# A fresh page every so many people keeps Chromium's memory under the Pi's budget (see
# BrowserSession.fresh_page and the engine_overhead bench).
RECYCLE_PAGE_EVERY = 20
# On SIGTERM, SIGHUP or a lost terminal a campaign is told to stop between two people and given
# this long to get there; a person still in progress is then cut off, which the interaction
# records make safe (a `sending` wish is settled from the thread by the next run). The rest of
# the 2 s a process may take to end goes to closing Chromium and the database.
STOP_GRACE_S = 0.5


@dataclass(frozen=True)
class ActResult:
    """What acting on one person came to.

    `spent`: the action may have reached the site (Send or Withdraw was clicked, the profile was
    opened), so its quota unit is committed, never released. `trouble`: a sign that something is
    wrong with the site or the account, which the breaker counts.
    """

    result: Result
    spent: bool
    trouble: bool = False
    detail: str = ""
    skip_reason: str | None = None


class RunControl:
    """The operator's hand on a running campaign: pause, resume, stop — each taking effect
    between two people, never half-way through one."""

    def __init__(self) -> None:
        self._running = asyncio.Event()
        self._running.set()
        self._stopped = asyncio.Event()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    @property
    def stop_requested(self) -> bool:
        return self._stopped.is_set()

    def stop(self) -> None:
        self._stopped.set()
        self._running.set()

    async def unless_stopped(self, waiting: Coroutine[Any, Any, Any]) -> None:
        """Run a pacing wait, cut short when the operator stops the run."""
        wait = asyncio.ensure_future(waiting)
        stopped = asyncio.ensure_future(self._stopped.wait())
        try:
            await asyncio.wait({wait, stopped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (wait, stopped):
                task.cancel()
            await asyncio.gather(wait, stopped, return_exceptions=True)

    async def wait_if_paused(self) -> None:
        await self._running.wait()


async def finish_within(task: asyncio.Future[Any], seconds: float = STOP_GRACE_S) -> None:
    """Give `task` `seconds` to end by itself, then cancel it; return once it has ended."""
    if not task.done():
        await asyncio.wait({task}, timeout=seconds)
    if not task.done():
        task.cancel()
    await asyncio.gather(task, return_exceptions=True)


@dataclass
class CampaignContext:
    rt: Runtime
    browser: BrowserSession
    actions: ActionManager
    pacing: Pacing
    summary: RunSummary
    # Set by a campaign the moment its action may reach the site; read if acting raises.
    in_flight_spent: bool = field(default=False)

    async def check_page(self) -> None:
        """After an action: still on the origin, no checkpoint, no login wall (raises if so)."""
        await self.browser.verify(self.actions.page)

    async def readable(
        self, page: str, navigation: Navigation, items: int, unread: Sequence[UnreadItem]
    ) -> None:
        """Raise PageUnreadable, with a diagnostic copy of the page as it is, unless the page
        loaded and every item on it was read: a campaign never acts on a page read by halves,
        and "nothing to do" is only ever said of a page read whole."""
        if navigation.ok and not unread:
            return
        missing = dict(Counter(key for item in unread for key in item.missing))
        failure = None if navigation.ok else navigation.detail or navigation.status.value
        details = {
            "failure": failure,
            "missing": missing,
            "items": items + len(unread),
            "unread": [{"slug": item.slug, "missing": list(item.missing)} for item in unread],
        }
        copy = await save_diagnostic(
            self.actions.page, self.rt.settings.home, page, details, now=self.rt.clock()
        )
        raise PageUnreadable(
            page,
            urlsplit(self.actions.page.url).path or "/",
            missing=missing,
            items=items + len(unread),
            unread=len(unread),
            failure=failure,
            diagnostic=str(copy.html),
        )


class Campaign(Protocol):
    name: str
    action: Action
    pause: Pause  # what the pacing waits between two people

    def run_limit(self, rt: Runtime) -> int: ...

    async def prepare(self, ctx: CampaignContext) -> None:
        """Before planning, in real runs only: settle what an earlier crash left open."""
        ...

    async def plan(self, ctx: CampaignContext) -> tuple[list[PlanItem], list[Skip]]: ...

    async def act(self, ctx: CampaignContext, item: PlanItem) -> ActResult: ...


async def run_campaign(
    rt: Runtime,
    campaign: Campaign,
    *,
    dry_run: bool,
    control: RunControl | None = None,
    confirmed: RunSummary | None = None,
) -> RunSummary:
    """Run `campaign`. With `confirmed` (the plan the operator was shown and said yes to), the
    run acts on those very people, checked again, when that plan is still fresh
    (`campaigns.confirmed`); otherwise it reads the site for its plan as always."""
    summary = RunSummary(campaign.name, dry_run)
    control = control or RunControl()
    async with rt.db.transaction() as session:
        summary.run_id = (await start_run(session, campaign.name, dry_run=dry_run)).id
    try:
        await _run(rt, campaign, summary, control, confirmed)
    except asyncio.CancelledError:
        # Stopped from outside (SIGTERM, the console's stop key): recorded, then passed on.
        summary.stop, summary.stop_detail = StopReason.CANCELLED, "stopped by the operator"
        raise
    except NoSession as exc:
        summary.stop, summary.stop_detail = StopReason.NO_SESSION, exc.message
    except PageBlocked as blocked:
        await _blocked(rt, summary, blocked)
    except PageUnreadable as unreadable:
        await rt.breaker.record_failure(f"page_unreadable: the {unreadable.page} page")
        summary.stop, summary.stop_detail = StopReason.PAGE_UNREADABLE, unreadable.message
        summary.unreadable = unreadable.as_json()
    except BrowserError as exc:
        await rt.breaker.record_failure(f"browser: {exc.message}")
        summary.stop, summary.stop_detail = StopReason.BROWSER_FAILED, exc.message
    finally:
        await _finish(rt, summary)
    return summary


async def _run(
    rt: Runtime, campaign: Campaign, summary: RunSummary, control: RunControl, confirmed: RunSummary | None
) -> None:
    # A dry run only looks: it must not take the half-open probe slot, so it reads the state.
    state = await rt.breaker.state()
    if state.state is BreakerState.OPEN and (state.hard or summary.dry_run):
        summary.stop = StopReason.BREAKER_OPEN
        summary.stop_detail = state.reason
        return
    if not summary.dry_run:
        decision = await rt.breaker.allow()
        if not decision.allowed:
            summary.stop, summary.stop_detail = StopReason.BREAKER_OPEN, decision.reason
            return
    async with rt.browser() as browser:
        page = await browser.goto(FEED_PATH)
        scores = await SelectorScores.load(rt.db, rt.clock)
        pacing = make_pacing(rt.settings, rng=rt.rng, clock=rt.clock)
        actions = ActionManager(
            page,
            SelectorEngine(scores),
            browser.origin.url,
            pacing=pacing,
            timeouts=_timeouts(rt),
            zone=rt.settings.zone,
        )
        ctx = CampaignContext(rt, browser, actions, pacing, summary)
        try:
            await _plan_and_act(ctx, campaign, control, confirmed)
        except Exception as exc:
            # Chromium gone outside an action (planning, settling): a clean stop, never a traceback.
            if isinstance(exc, BrowserError) or not await browser.died(actions.page):
                raise
            raise BrowserCrashed(f"Chromium went away: {_first_line(exc)}") from None
        finally:
            await scores.flush()


def clock_agrees(ctx: CampaignContext) -> bool:
    """The clock guard, before anything is planned or done and again before each action: False
    (the run stopped on `clock_skew`, both times logged) when our clock and the site's disagree."""
    rt, summary = ctx.rt, ctx.summary
    if not rt.settings.clock.guard:
        return True
    tolerance = rt.settings.clock.tolerance
    reading: ClockReading | None
    try:
        reading = check_clock(ctx.browser.site_clock, tolerance)
    except ClockSkew as skew:
        reading = skew.reading
        summary.stop, summary.stop_detail = StopReason.CLOCK_SKEW, skew.message
        rt.bus.log("error", f"clock skew, nobody acted on: {skew.message}", summary.campaign)
    if reading is not None:
        rt.clock_reading = reading
        rt.bus.publish(
            ClockChecked(
                ours=reading.ours,
                site=reading.site,
                skew_s=reading.skew.total_seconds(),
                ok=reading.within(tolerance),
                at=reading.ours,
            )
        )
    return summary.stop is not StopReason.CLOCK_SKEW


async def _plan_and_act(
    ctx: CampaignContext, campaign: Campaign, control: RunControl, confirmed: RunSummary | None
) -> None:
    rt, summary = ctx.rt, ctx.summary
    # A wrong clock is a wrong "today": even a plan would name the wrong people.
    if not clock_agrees(ctx):
        return
    if not summary.dry_run:
        await campaign.prepare(ctx)
    # Checked after `prepare`: what it settled counts, as it would in a plan made now.
    kept = (
        await rechecked(rt, campaign, confirmed)
        if confirmed and confirmed.campaign == campaign.name
        else None
    )
    if kept is not None:
        planned, summary.skipped, summary.planned_at = kept.planned, kept.skipped, kept.planned_at
        assert kept.planned_at is not None  # a fresh plan has one
        read_at = kept.planned_at.astimezone(rt.settings.zone).strftime("%H:%M")
        rt.bus.log(
            "info",
            f"the plan as confirmed, read from the site at {read_at}, checked again now",
            campaign.name,
        )
    else:
        summary.planned_at = rt.clock()
        planned, summary.skipped = await campaign.plan(ctx)
    # The plan shows what this run will do: people past the per-run cap wait for the next.
    cap = campaign.run_limit(rt)
    summary.planned = planned[:cap]
    summary.skipped += [Skip(item.slug, item.name, "over_run_cap") for item in planned[cap:]]
    _log_plan(rt, campaign.name, summary)
    rt.bus.publish(
        CampaignStarted(
            campaign=campaign.name,
            run_id=summary.run_id,
            dry_run=summary.dry_run,
            planned=len(summary.planned),
            at=rt.clock(),
        )
    )
    if not summary.planned:
        summary.stop = StopReason.NOTHING_TO_DO
        return
    if summary.dry_run:
        rt.bus.log("info", "dry run: nothing is sent, no quota is spent", campaign.name)
        return
    rt.bus.log("info", f"started: {len(summary.planned)} to go, one at a time", campaign.name)
    await _act_on_plan(ctx, campaign, control)


def _log_plan(rt: Runtime, campaign: str, summary: RunSummary) -> None:
    """The plan as the log tells it: how many, then each person and why, each skip and why."""
    skipped = Counter(skip.reason for skip in summary.skipped)
    reasons = ", ".join(f"{n} {reason.replace('_', ' ')}" for reason, n in sorted(skipped.items()))
    rt.bus.log(
        "info",
        f"plan: {len(summary.planned)} planned, {len(summary.skipped)} skipped"
        + (f" ({reasons})" if reasons else ""),
        campaign,
    )
    for item in summary.planned:
        rt.bus.log("debug", f"planned {item.name}: {item.reason}", campaign)
    for skip in summary.skipped:
        rt.bus.log("debug", f"skipped {skip.name}: {skip.reason.replace('_', ' ')}", campaign)


def _timeouts(rt: Runtime) -> Timeouts:
    # Fast pacing only ever drives the local practice site, which answers a scroll within
    # milliseconds: waiting LinkedIn's two seconds for more cards three times adds nothing.
    return Timeouts(scroll_ms=1_000) if rt.settings.pacing == "fast" else Timeouts()


async def _act_on_plan(ctx: CampaignContext, campaign: Campaign, control: RunControl) -> None:
    rt, summary = ctx.rt, ctx.summary
    total = len(summary.planned)
    for done, item in enumerate(summary.planned):
        if control.paused:
            rt.bus.log("info", f"paused after {done} of {total}; resume to go on", campaign.name)
            await control.wait_if_paused()
            if not control.stop_requested:
                rt.bus.log("info", "resumed", campaign.name)
        if control.stop_requested:
            summary.stop, summary.stop_detail = StopReason.CANCELLED, "stopped by the operator"
            rt.bus.log("warning", f"stopped by the operator after {done} of {total}", campaign.name)
            return
        decision = await rt.breaker.allow()
        if not decision.allowed:
            summary.stop, summary.stop_detail = StopReason.BREAKER_OPEN, decision.reason
            rt.bus.log("warning", f"stopped: the breaker is open ({decision.reason})", campaign.name)
            return
        if not clock_agrees(ctx):
            return
        reservation = await rt.ledger.reserve(
            campaign.action, run_id=summary.run_id, run_limit=campaign.run_limit(rt)
        )
        if isinstance(reservation, QuotaRefused):
            outside = reservation.reason == "outside_working_hours"
            summary.stop = StopReason.OUTSIDE_WORKING_HOURS if outside else StopReason.QUOTA
            summary.stop_detail = reservation.describe()
            rt.bus.log("warning", f"stopped before {item.name}: {summary.stop_detail}", campaign.name)
            return
        rt.bus.publish(
            Progress(
                campaign=campaign.name,
                run_id=summary.run_id,
                done=done,
                total=total,
                current=item.name,
                at=rt.clock(),
            )
        )
        ctx.in_flight_spent = False
        try:
            outcome = await campaign.act(ctx, item)
        except BaseException as exc:
            # Whatever broke, a unit that may have reached the site stays spent.
            if ctx.in_flight_spent:
                await rt.ledger.commit(reservation)
            else:
                await rt.ledger.release(reservation)
            if not isinstance(exc, Exception) or not await ctx.browser.died(ctx.actions.page):
                raise
            # Chromium went away mid-action. The campaign has recorded the person as cut off
            # (`unknown` if Send may have been clicked, which the next run settles from the
            # thread, else `failed`, which the next run sends): never sent again blindly here.
            spent = ctx.in_flight_spent
            outcome = ActResult(
                "unknown" if spent else "failed",
                spent=spent,
                detail=f"Chromium went away: {_first_line(exc)}",
            )
        else:
            if outcome.spent:
                await rt.ledger.commit(reservation)
            else:
                await rt.ledger.release(reservation)
        crashed = await ctx.browser.died(ctx.actions.page)
        if crashed:
            # What the crash broke is the browser's fault, not a sign from the site: the restart
            # below (or the stop, after a second crash) is what the breaker hears about.
            outcome = replace(outcome, trouble=False)
        if outcome.result == "skipped":
            reason = outcome.skip_reason or "skipped"
            summary.skipped.append(Skip(item.slug, item.name, reason))
            told = f"{item.name}: skipped because {reason.replace('_', ' ')}"
        else:
            summary.count(outcome.result)
            told = f"{item.name}: {outcome.result} ({item.reason})"
        rt.bus.log(
            "warning" if outcome.result in ("failed", "unknown") else "info",
            f"{told}{' — ' + outcome.detail if outcome.detail else ''}",
            campaign.name,
        )
        if outcome.trouble:
            await rt.breaker.record_failure(f"{campaign.name}: {outcome.detail or outcome.result}")
        elif outcome.result == "sent":
            await rt.breaker.record_success()
        await rt.publish_quota()
        await publish_activity(rt)
        rt.bus.publish(
            Progress(campaign=campaign.name, run_id=summary.run_id, done=done + 1, total=total, at=rt.clock())
        )
        if crashed:
            await _restart_browser(ctx, campaign.name)
        if done + 1 < total:
            if (done + 1) % RECYCLE_PAGE_EVERY == 0:
                ctx.actions.ctx.page = await ctx.browser.fresh_page()
            await control.unless_stopped(ctx.pacing.pause(campaign.pause))


async def _restart_browser(ctx: CampaignContext, campaign: str) -> None:
    """A new Chromium on the stored session for the rest of the plan, once per run: a second
    crash raises BrowserCrashed, which stops the run and counts a breaker failure."""
    ctx.rt.bus.log("warning", "Chromium went away; restarting it for the rest of the run", campaign)
    page = await ctx.browser.page()
    await ctx.browser.goto(FEED_PATH, page=page)
    ctx.actions.ctx.page = page


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


async def _blocked(rt: Runtime, summary: RunSummary, blocked: PageBlocked) -> None:
    if isinstance(blocked, LoggedOut):
        summary.stop, summary.stop_detail = StopReason.NO_SESSION, blocked.message
        await rt.breaker.record_failure(blocked.kind)
        return
    # A checkpoint, a captcha, a restriction, the sign-in wall or a limit warning: stop at the
    # first sign and stay stopped until the operator has looked (`linkpilot breaker reset`).
    reason = "authwall" if isinstance(blocked, Authwall) else blocked.kind
    await rt.breaker.trip_hard(reason)
    summary.stop, summary.stop_detail = StopReason.CHECKPOINT, blocked.message


async def _finish(rt: Runtime, summary: RunSummary) -> None:
    try:
        summary.quota = await rt.publish_quota()
        summary.breaker = (await rt.breaker.state()).as_dict()
    finally:
        status = "completed" if summary.exit_code == 0 else "stopped"
        async with rt.db.transaction() as session:
            await finish_run(
                session,
                summary.run_id or 0,
                status=status,
                stop_reason=f"{summary.stop}: {summary.stop_detail}"
                if summary.stop_detail
                else str(summary.stop),
                plan=[asdict(item) for item in summary.planned],
                counts=summary.to_json()["counts"],
            )
        counts = summary.to_json()["counts"]
        detail = f" — {summary.stop_detail}" if summary.stop_detail else ""
        rt.bus.log(
            "info" if summary.exit_code == 0 else "warning",
            f"finished ({summary.stop}{detail}): {counts['sent']} sent, {counts['failed']} failed, "
            f"{counts['unknown']} unknown, {len(summary.skipped)} skipped",
            summary.campaign,
        )
        rt.bus.publish(summary.finished(rt.clock()))
