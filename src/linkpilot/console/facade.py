"""What the console needs from the engine, and nothing more: the edge the UI is tested at.

`linkpilot.engine.service.EngineService` satisfies `EngineFacade`; tests drive the UI with a
fake that publishes the same events. The console never reaches into the ledger, the breaker
or the runner: it folds `current()` once when it starts, then every event on the bus
(`console.state.fold`), and acts only through the few coroutines below.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Protocol

from linkpilot.engine.campaigns.summary import PlanItem, Skip, StopReason
from linkpilot.engine.events import Event, EventBus
from linkpilot.engine.login.keyring import SavedLogin
from linkpilot.engine.login.steps import Answer, Done, Step, WaitingForApproval

PLAN_WHOLE = frozenset({StopReason.COMPLETED, StopReason.NOTHING_TO_DO})


def why_no_plan(plan: CampaignPlan) -> str | None:
    """Why the plan could not be made (no session, the breaker open...), or None when it was."""
    if plan.stop in PLAN_WHOLE:
        return None
    return f"{plan.stop.replace('_', ' ')}" + (f": {plan.stop_detail}" if plan.stop_detail else "")


class CampaignPlan(Protocol):
    """What a campaign means to do, before it does it (RunSummary satisfies this)."""

    @property
    def campaign(self) -> str: ...

    @property
    def planned(self) -> Sequence[PlanItem]: ...

    @property
    def skipped(self) -> Sequence[Skip]: ...

    @property
    def stop(self) -> StopReason:
        """Why planning ended: anything but completed or nothing_to_do means the plan is not whole."""
        ...

    @property
    def stop_detail(self) -> str | None: ...


class LoginSession(Protocol):
    """One sign-in, step by step (``engine.login.LoginFlow`` satisfies this): see docs/login.md."""

    async def start(self, email: str, password: str) -> Step: ...

    async def resume(self) -> Step:
        """Answer a checkpoint met while acting, with the stored session: no password."""
        ...

    async def answer(self, step: Step, value: Answer) -> Step: ...

    async def wait_for_approval(
        self, step: WaitingForApproval, stop: asyncio.Event | None = None
    ) -> Step: ...

    async def screenshot(self) -> bytes:
        """The page as the browser shows it (PNG)."""
        ...

    async def close(self) -> None: ...


class EngineFacade(Protocol):
    """The engine as the console drives it. Every coroutine may raise; the console reports it."""

    @property
    def bus(self) -> EventBus: ...

    def current(self) -> Sequence[Event]:
        """The latest fact of each kind, and the run under way: what a late subscriber folds first."""
        ...

    async def plan(self, campaign: str, *, reread: bool = False) -> CampaignPlan:
        """Who the campaign would act on and why, with the exact texts. Acts on nothing.

        A plan read from the site minutes ago may be given again, checked again in storage;
        `reread` reads the site anew."""
        ...

    async def start(self, campaign: str, *, dry_run: bool, plan: CampaignPlan | None = None) -> None:
        """Run the campaign to its end, publishing CampaignStarted, Progress, LogLine, QuotaChanged,
        BreakerChanged and CampaignFinished on the bus as it goes. `plan`: the one the operator
        confirmed; the run acts on it (checked again) while it is fresh, else makes its own."""
        ...

    def pause(self) -> None:
        """Finish the current step, then wait (RunPaused follows, and a LogLine saying so)."""
        ...

    def resume(self) -> None:
        """Go on with the next person (RunPaused follows)."""
        ...

    def stop(self) -> None:
        """Finish or abandon the current step safely, then end the run (CampaignFinished follows)."""
        ...

    async def reset_breaker(self) -> None:
        """Close the breaker after the operator checked the account (BreakerChanged follows)."""
        ...

    def open_login(self) -> LoginSession:
        """A new sign-in, not started yet; the caller closes it."""
        ...

    def saved_login(self) -> SavedLogin | None:
        """The email and password kept in LinkPilot's encrypted keyring file, if the operator saved them."""
        ...

    def save_login(self, email: str, password: str) -> None: ...

    async def check_login(self, done: Done) -> Done:
        """Check the new session as `session status --check` does; SessionChanged follows."""
        ...

    async def close_breaker_after_login(self, done: Done) -> bool:
        """Close an open breaker if (and only if) ``done`` checked valid; BreakerChanged follows."""
        ...
