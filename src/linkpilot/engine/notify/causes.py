"""What the owner is told, cause by cause: why it stopped, since when, what to do about it.

Each cause has a key. While a cause with that key is open nothing more is said about it; its
"resolved" message closes it. Texts are plain: they go to phones, chat rooms and mailboxes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from linkpilot.storage.notifications import Outgoing

BREAKER = "breaker"
SESSION = "session"
CLOCK_SKEW = "clock_skew"
# The page kinds that a sign-in answers (engine/page_state.py).
SIGN_IN_KINDS = frozenset({"checkpoint", "captcha", "authwall"})


@dataclass(frozen=True)
class Cause:
    key: str
    kind: str
    title: str
    body: str

    def opened(self) -> Outgoing:
        return Outgoing("open", self.title, self.body, self.key)


def resolved(key: str, title: str, how: str) -> Outgoing:
    return Outgoing("resolved", f"Resolved: {title.removeprefix('LinkPilot: ')}", how, key)


def when(moment: datetime | None, zone: ZoneInfo) -> str:
    if moment is None:
        return "unknown"
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def run_key(campaign: str) -> str:
    return f"run:{campaign}"


def page_key(campaign: str) -> str:
    return f"page_unreadable:{campaign}"


def breaker_opened(
    reason: str | None, since: datetime | None, retry_at: datetime | None, hard: bool, zone: ZoneInfo
) -> Cause:
    if hard or retry_at is None:
        wait = "Nothing acts on the account until you close it."
    else:
        wait = f"Nothing acts until {when(retry_at, zone)}; then one careful try decides whether it closes."
    return Cause(
        BREAKER,
        "breaker_open",
        "LinkPilot: the circuit breaker is open",
        "\n".join(
            [
                f"Why: {reason or 'repeated failures'}.",
                f"Since: {when(since, zone)}.",
                wait,
                "What to do: look at the account in your own browser first.",
                "Close it with: linkpilot breaker reset",
            ]
        ),
    )


def sign_in_waiting(kind: str, page: str | None, since: datetime, zone: ZoneInfo) -> Cause:
    if kind == "captcha":
        todo = (
            "LinkPilot never solves a captcha: sign in from a browser on the same network, then "
            "`linkpilot session import`, then `linkpilot breaker reset`."
        )
    elif kind == "authwall":
        todo = "Sign in again with `linkpilot login` (or the console's sign-in screen, key g)."
    else:
        todo = (
            "Answer it with `linkpilot login --checkpoint` (or the console's sign-in screen, key g); "
            "the breaker closes once the session checks valid."
        )
    return Cause(
        BREAKER,
        "sign_in",
        f"LinkPilot: LinkedIn is waiting for a sign-in ({kind})",
        "\n".join(
            [
                f"The page asks: {page or kind}.",
                f"Since: {when(since, zone)}. The breaker is open: nothing acts on the account.",
                f"What to do: {todo}",
            ]
        ),
    )


def session_problem(state: str, expires_at: datetime | None, days_left: int | None, zone: ZoneInfo) -> Cause:
    if state == "missing":
        title = "LinkPilot: no LinkedIn session"
        body = "No session is stored, so no campaign can run."
    elif state == "expiring":
        title = f"LinkPilot: the LinkedIn session expires in {days_left} day{'s' if days_left != 1 else ''}"
        body = f"The session expires on {when(expires_at, zone)}; campaigns stop then."
    else:
        title = "LinkPilot: the LinkedIn session has expired"
        body = f"The session is not valid any more (expiry: {when(expires_at, zone)}); no campaign can run."
    return Cause(
        SESSION,
        f"session_{state}",
        title,
        body
        + "\nWhat to do: `linkpilot login`, or import a fresh li_at with `linkpilot session import --li-at -`.",
    )


def run_failed(campaign: str, reason: str, detail: str | None, at: datetime, zone: ZoneInfo) -> Cause:
    return Cause(
        run_key(campaign),
        "run_failed",
        f"LinkPilot: the {campaign} run failed",
        "\n".join(
            [
                f"Stopped: {reason.replace('_', ' ')}" + (f" — {detail}" if detail else "") + ".",
                f"At: {when(at, zone)}.",
                "What to do: the details are in home/linkpilot.log; the next run tries again.",
            ]
        ),
    )


SKIP_ADVICE = {
    "outside_working_hours": "check working_hours and the schedule's window (`linkpilot config show`)",
    "breaker_open": "see the breaker message; `linkpilot breaker status` says why",
}


def run_skipped(campaign: str, reason: str, detail: str | None, at: datetime, zone: ZoneInfo) -> Cause:
    return Cause(
        run_key(campaign),
        "run_skipped",
        f"LinkPilot: the {campaign} run was skipped ({reason.replace('_', ' ')})",
        "\n".join(
            [
                f"Nothing was done: {detail or reason.replace('_', ' ')}.",
                f"At: {when(at, zone)}.",
                f"What to do: {SKIP_ADVICE.get(reason, 'see home/linkpilot.log')}.",
            ]
        ),
    )


def clock_skew(detail: str | None, at: datetime, zone: ZoneInfo) -> Cause:
    return Cause(
        CLOCK_SKEW,
        "clock_skew",
        "LinkPilot: the clock is off; nothing acts",
        "\n".join(
            [
                f"The box's clock and the site's disagree: {detail or 'beyond the tolerance'}.",
                f"At: {when(at, zone)}.",
                "What to do: check time synchronisation on the box (timedatectl status).",
            ]
        ),
    )


def page_unreadable(campaign: str, detail: str | None, at: datetime, zone: ZoneInfo) -> Cause:
    return Cause(
        page_key(campaign),
        "page_unreadable",
        f"LinkPilot: a page the {campaign} run could not read",
        "\n".join(
            [
                f"The run stopped: {detail or 'items on the page could not be read'}.",
                f"At: {when(at, zone)}.",
                "What to do: LinkedIn may have changed its pages: `linkpilot selectors check`; "
                "a copy of the page is in home/diagnostics/.",
            ]
        ),
    )
