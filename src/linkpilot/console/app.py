"""The operator console: a Textual app over the engine's events and its service.

The app folds every engine event into one immutable `ConsoleState` (`console.state.fold`) and
holds it in a reactive attribute; each screen and widget watches what it draws, and the keys
decide from it what can act. Everything that calls the engine runs in a worker that never
takes the app down: a failure becomes a notification and a log line.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen

from linkpilot.common.clock import Clock, utc_now
from linkpilot.common.errors import LinkPilotError
from linkpilot.common.settings import Settings
from linkpilot.console.facade import CampaignPlan, EngineFacade, why_no_plan
from linkpilot.console.log_book import LogBook
from linkpilot.console.screens.contacts import ContactsScreen
from linkpilot.console.screens.dashboard import DashboardScreen
from linkpilot.console.screens.dialogs import CampaignChoice, ConfirmCampaignScreen, ConfirmScreen, HelpScreen
from linkpilot.console.screens.log import LogScreen
from linkpilot.console.screens.login import LoginScreen
from linkpilot.console.screens.system import SystemScreen
from linkpilot.console.state import CAMPAIGNS, Busy, ConsoleState, campaign_blocked, fold, fold_all
from linkpilot.console.workers import WorkFailed, run_guarded
from linkpilot.engine.events import CampaignFinished, Event, LogLine
from linkpilot.storage.contact_book import ContactBook

# Binding ids, for the keymap: {"campaign.birthday": "B"} moves the birthday campaign to B.
DEFAULT_KEYS: Mapping[str, str] = {
    "screen.dashboard": "1",
    "screen.contacts": "2",
    "screen.log": "3",
    "screen.system": "4",
    "campaign.birthday": "b",
    "campaign.sourcing": "s",
    "campaign.invitations": "i",
    "campaign.pause": "p",
    "campaign.resume": "p",
    "campaign.stop": "x",
    "breaker.reset": "R",
    "login.open": "g",
    "app.help": "f1",
    "app.quit": "q",
}


BINDING_GROUPS = frozenset({"screen", "campaign", "breaker", "login", "app", "dashboard", "contacts", "log"})


@dataclass(frozen=True, slots=True)
class PlanView:
    """Today's birthday plan as the dashboard shows it: loading, loaded, or why not."""

    day: date | None = None
    plan: CampaignPlan | None = None
    error: str | None = None


class EngineEvent(Message):
    """One engine event, handed from the bus to the app's message queue."""

    def __init__(self, event: Event) -> None:
        super().__init__()
        self.event = event


class PlanLoaded(Message):
    def __init__(self, view: PlanView) -> None:
        super().__init__()
        self.view = view


def _binding(binding_id: str, action: str, description: str, *, show: bool = True) -> Binding:
    return Binding(DEFAULT_KEYS[binding_id], action, description, show=show, id=binding_id)


class ConsoleApp(App[None]):
    CSS_PATH = "console.tcss"
    TITLE = "LinkPilot"
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {
        "dashboard": DashboardScreen,
        "contacts": ContactsScreen,
        "log": LogScreen,
        "system": SystemScreen,
    }
    DEFAULT_MODE = "dashboard"
    BINDINGS: ClassVar[list[BindingType]] = [
        _binding("screen.dashboard", "show('dashboard')", "Dashboard", show=False),
        _binding("screen.contacts", "show('contacts')", "Contacts", show=False),
        _binding("screen.log", "show('log')", "Log", show=False),
        _binding("screen.system", "show('system')", "System", show=False),
        _binding("campaign.birthday", "campaign('birthday')", "Birthday"),
        _binding("campaign.sourcing", "campaign('sourcing')", "Sourcing"),
        _binding("campaign.invitations", "campaign('invitations')", "Invitations"),
        _binding("campaign.pause", "pause", "Pause"),
        _binding("campaign.resume", "resume", "Resume"),
        _binding("campaign.stop", "stop", "Stop"),
        _binding("breaker.reset", "reset_breaker", "Reset breaker"),
        _binding("login.open", "sign_in", "Sign in / answer a checkpoint", show=False),
        _binding("app.help", "help", "Help"),
        _binding("app.quit", "quit_console", "Quit"),
    ]

    # What the engine last told, folded; every screen watches it.
    state: reactive[ConsoleState] = reactive(ConsoleState, init=False)
    # The campaign being planned or run from this console (its keys wait until it ends).
    busy: reactive[Busy | None] = reactive(None, init=False)
    birthday_plan: reactive[PlanView] = reactive(PlanView, init=False)
    # Lines ever added to the log book: the log screen watches it to take the new ones.
    log_count: reactive[int] = reactive(0, init=False)

    def __init__(
        self,
        facade: EngineFacade,
        contacts: ContactBook,
        *,
        clock: Clock = utc_now,
        zone: ZoneInfo | None = None,
        settings: Settings | None = None,
        keymap: Mapping[str, str] | None = None,
        page_size: int = 50,
        search_debounce: float = 0.25,
        log_capacity: int = 2000,
        animations: bool = False,
    ) -> None:
        super().__init__()
        self.facade = facade
        self.contacts = contacts
        self.clock = clock
        self.zone = zone or (settings.zone if settings is not None else ZoneInfo("UTC"))
        self.settings = settings
        self.page_size = page_size
        self.search_debounce = search_debounce
        self.animations = animations
        # Slow links and snapshots: nothing moves unless it has to.
        self.animation_level = "full" if animations else "none"
        self.keymap = dict(keymap or {})
        if keymap:
            self.set_keymap(dict(keymap))
        self.log_book = LogBook(log_capacity)
        self._log_pending = False
        self._unsubscribe: Callable[[], None] | None = None
        self._thread = threading.get_ident()

    # Engine -> state ---------------------------------------------------------------

    def on_mount(self) -> None:
        self._thread = threading.get_ident()
        try:
            self.state = fold_all(self.facade.current())
        except Exception as exc:
            self.report_error("reading the engine state", exc)
        self._unsubscribe = self.facade.bus.subscribe(self._from_bus)
        self.load_birthday_plan()

    async def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        # The pool's connections belong to this loop: close them before it ends.
        await self.contacts.close()

    def _from_bus(self, event: Event) -> None:
        # The engine runs on this loop; a thread (a blocking helper) must go through the loop.
        if threading.get_ident() == self._thread:
            self.post_message(EngineEvent(event))
        else:
            self.call_from_thread(self.post_message, EngineEvent(event))

    @on(EngineEvent)
    def engine_event(self, message: EngineEvent) -> None:
        event = message.event
        if isinstance(event, LogLine):
            self.add_log(event)
            return
        try:
            self.state = fold(self.state, event)
        except Exception as exc:  # a malformed event must not take the console down
            self.report_error(f"showing {type(event).__name__}", exc)
            return
        if isinstance(event, CampaignFinished):
            self._finished(event)

    def watch_state(self, old: ConsoleState, new: ConsoleState) -> None:
        self.refresh_bindings()
        if new.breaker.is_open and not old.breaker.is_open:
            self.offer_sign_in()
        if old.today is not None and new.today != old.today:
            # Local midnight: yesterday's plan is no one's birthday any more.
            self.load_birthday_plan()

    def watch_busy(self) -> None:
        self.refresh_bindings()

    def at_checkpoint(self) -> bool:
        """The breaker is open because LinkedIn showed a checkpoint: a sign-in step can clear it."""
        return self.state.breaker.is_open and self.state.breaker.reason == "checkpoint"

    def offer_sign_in(self) -> None:
        """A checkpoint: open the sign-in screen on it at once, unless it is open already."""
        if self.at_checkpoint() and not any(isinstance(s, LoginScreen) for s in self.screen_stack):
            self.push_screen(LoginScreen(checkpoint=True))

    def key_for(self, binding_id: str) -> str:
        return self.keymap.get(binding_id, DEFAULT_KEYS[binding_id]).split(",")[0]

    def add_log(self, line: LogLine) -> None:
        self.log_book.add(line)
        # Coalesced: a burst of lines reaches the log screen once, after the next refresh.
        if not self._log_pending:
            self._log_pending = True
            self.call_after_refresh(self._publish_log)

    def _publish_log(self) -> None:
        self._log_pending = False
        self.log_count = self.log_book.total

    def _finished(self, event: CampaignFinished) -> None:
        counts = event.counts
        self.notify(
            f"{event.campaign}: {counts.sent} sent, {counts.failed} failed, {counts.skipped} skipped "
            f"({event.stopped})",
            title="Campaign finished",
            severity="information" if event.stopped in ("completed", "nothing_to_do") else "warning",
        )
        self.load_birthday_plan()

    # Errors ------------------------------------------------------------------------

    def report_error(self, what: str, exc: BaseException) -> None:
        """The one place engine failures surface: a notification and a line in the log."""
        detail = exc.message if isinstance(exc, LinkPilotError) else f"{type(exc).__name__}: {exc}"
        self.notify(detail, title=f"Error {what}", severity="error", timeout=10)
        self.add_log(LogLine(level="error", message=f"{what}: {detail}", at=self.clock()))

    @on(WorkFailed)
    def work_failed(self, message: WorkFailed) -> None:
        self.report_error(message.what, message.error)

    # Keys --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        running = self.state.running
        if action == "campaign":
            # None: shown dimmed in the footer, the key-status line says why.
            return None if campaign_blocked(self.state, str(parameters[0]), busy=self.busy) else True
        if action == "pause":
            return running is not None and not running.paused
        if action == "resume":
            return running is not None and running.paused
        if action == "stop":
            return running is not None
        if action == "reset_breaker":
            return self.state.breaker.state != "closed"
        return True

    def blocked_summary(self) -> str:
        reasons = {c: campaign_blocked(self.state, c, busy=self.busy) for c in CAMPAIGNS}
        blocked = {c: r for c, r in reasons.items() if r}
        if not blocked:
            return ""
        distinct = set(blocked.values())
        if len(blocked) == len(CAMPAIGNS) and len(distinct) == 1:
            reason = distinct.pop()
            reset = self.key_for("breaker.reset")
            hint = f" ({reset}: reset after checking the account)" if self.state.breaker.is_open else ""
            if self.at_checkpoint():
                hint = (
                    f" ({self.key_for('login.open')}: answer the checkpoint · "
                    f"{reset}: reset after checking the account)"
                )
            return f"Campaign keys off: {reason}{hint}"
        return "Off: " + "; ".join(f"{c} ({r})" for c, r in blocked.items())

    def action_show(self, mode: str) -> None:
        self.switch_mode(mode)

    def action_campaign(self, campaign: str) -> None:
        self.busy = Busy(campaign, "planning")
        run_guarded(
            self, partial(self._campaign_flow, campaign), name=f"planning {campaign}", group="campaign"
        )

    async def _campaign_flow(self, campaign: str) -> None:
        try:
            plan = await self.facade.plan(campaign)
            why = why_no_plan(plan)
            if why is not None:
                self.notify(why, title=f"No {campaign} plan", severity="warning", timeout=10)
                return
            choice: CampaignChoice | None = await self.push_screen_wait(ConfirmCampaignScreen(plan))
            if choice is None:
                return
            self.notify(
                f"{campaign}: {'dry run' if choice.dry_run else 'live run'} starting", title="Campaign"
            )
            self.busy = Busy(campaign, "starting")
            # The plan just confirmed is the one to run: the engine re-checks it, not re-reads it.
            await self.facade.start(choice.campaign, dry_run=choice.dry_run, plan=plan)
        finally:
            self.busy = None

    def action_pause(self) -> None:
        # The engine answers with RunPaused: the state changes when it says so, not before.
        self._call("pausing", self.facade.pause)

    def action_resume(self) -> None:
        self._call("resuming", self.facade.resume)

    def _call(self, what: str, call: Callable[[], None]) -> None:
        try:
            call()
        except Exception as exc:
            self.report_error(what, exc)

    def action_stop(self) -> None:
        run_guarded(self, self._stop_flow, name="stopping", group="stop", exclusive=True)

    async def _stop_flow(self) -> None:
        running = self.state.running
        if running is None:
            return
        question = f"Stop the {running.campaign} campaign after the current step?"
        if await self.push_screen_wait(ConfirmScreen(question, yes="Stop")):
            self.facade.stop()

    def action_reset_breaker(self) -> None:
        run_guarded(self, self._reset_flow, name="resetting the breaker", group="breaker", exclusive=True)

    async def _reset_flow(self) -> None:
        breaker = self.state.breaker
        detail = f"It opened because: {breaker.reason or 'unknown'}.\nCheck the account in a browser first."
        if await self.push_screen_wait(ConfirmScreen("Reset the circuit breaker?", detail, yes="Reset")):
            await self.facade.reset_breaker()
            # A plan made while the breaker was open said "not available": make it again.
            self.load_birthday_plan()

    def action_sign_in(self) -> None:
        if not isinstance(self.screen, LoginScreen):
            self.push_screen(LoginScreen(checkpoint=self.at_checkpoint()))

    def action_help(self) -> None:
        self.push_screen(HelpScreen(list(self.key_help())))

    def key_help(self) -> Iterable[tuple[str, str]]:
        for key, active in self.screen.active_bindings.items():
            # Ours only: every console binding has an id ("campaign.birthday"), widget ones do not.
            if active.binding.id and active.binding.id.split(".")[0] in BINDING_GROUPS:
                state = "" if active.enabled else "  (off now)"
                yield self.get_key_display(active.binding) or key, active.binding.description + state

    def action_quit_console(self) -> None:
        run_guarded(self, self._quit_flow, name="quitting", group="quit", exclusive=True)

    async def _quit_flow(self) -> None:
        if self.state.running is not None:
            question = f"The {self.state.running.campaign} campaign is running. Stop it and quit?"
            if not await self.push_screen_wait(ConfirmScreen(question, yes="Stop and quit")):
                return
            self.facade.stop()
        self.exit()

    def shut_down(self, why: str) -> None:
        """A signal asked the console to leave: stop the campaign after its step, then exit."""
        if self.state.running is not None:
            try:
                self.facade.stop()
            except Exception as exc:
                self.report_error(f"stopping on {why}", exc)
        self.exit()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The command palette offers what can be done now, worded from the current state."""
        for campaign in CAMPAIGNS:
            reason = campaign_blocked(self.state, campaign, busy=self.busy)
            if reason is None:
                yield SystemCommand(
                    f"Run the {campaign} campaign",
                    "See its plan, then confirm",
                    partial(self.action_campaign, campaign),
                )
        running = self.state.running
        if running is not None:
            if running.paused:
                yield SystemCommand(f"Resume {running.campaign}", "Carry on with the run", self.action_resume)
            else:
                yield SystemCommand(
                    f"Pause {running.campaign}", "Finish this step, then wait", self.action_pause
                )
            yield SystemCommand(f"Stop {running.campaign}", "End the run after this step", self.action_stop)
        yield SystemCommand(
            "Answer the checkpoint" if self.at_checkpoint() else "Sign in to LinkedIn",
            "Email and password, then any PIN or app approval, here in the console",
            self.action_sign_in,
        )
        if self.state.breaker.state != "closed":
            reason = self.state.breaker.reason or "unknown reason"
            yield SystemCommand("Reset the breaker", f"Open: {reason}", self.action_reset_breaker)
        screens = (
            ("dashboard", "Dashboard"),
            ("contacts", "Contacts"),
            ("log", "Campaign log"),
            ("system", "System"),
        )
        for mode, title in screens:
            yield SystemCommand(
                f"Show the {title.lower()}", f"Switch to the {title} screen", partial(self.action_show, mode)
            )
        yield from super().get_system_commands(screen)

    # Background loads ----------------------------------------------------------------

    def load_birthday_plan(self, *, reread: bool = False) -> None:
        """Today's birthday plan again (at start, at local midnight, after a run or a reset; and
        read from the site anew, `reread`, when the operator asks)."""
        day = self.state.today
        self.birthday_plan = PlanView(day)
        run_guarded(
            self,
            partial(self._load_plan, day, reread),
            name="planning today's birthdays",
            group="birthday-plan",
            exclusive=True,
        )

    async def _load_plan(self, day: date | None, reread: bool) -> None:
        # Shown in its panel rather than notified: the dashboard must open quietly even when
        # today's plan cannot be made (no session yet, the breaker open).
        try:
            plan = await self.facade.plan("birthday", reread=reread)
            why = why_no_plan(plan)
        except Exception as exc:
            why = exc.message if isinstance(exc, LinkPilotError) else type(exc).__name__
        if why is None:
            view = PlanView(day, plan)
        else:
            view = PlanView(day, error=f"not available ({why})")
            self.add_log(LogLine(level="warning", message=f"today's birthday plan: {why}", at=self.clock()))
        self.post_message(PlanLoaded(view))

    @on(PlanLoaded)
    def plan_loaded(self, message: PlanLoaded) -> None:
        self.birthday_plan = message.view
