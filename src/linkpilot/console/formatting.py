"""How times and counts read on screen: local time of the configured zone, relative to the clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


def local(at: datetime, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%d %b %H:%M")


def clock_time(at: datetime, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%H:%M:%S")


def span(delta: timedelta) -> str:
    """A short human duration: 45s, 12 min, 3 h 05, 4 days."""
    seconds = int(abs(delta.total_seconds()))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h {seconds % 3600 // 60:02d}"
    return f"{seconds // 86400} days"


def skew_text(skew_s: float) -> str:
    """How far apart two clocks are: seconds up to a minute ("12 s"), then as `span`."""
    seconds = abs(skew_s)
    return f"{seconds:.0f} s" if seconds < 60 else span(timedelta(seconds=seconds))


def relative(at: datetime, now: datetime) -> str:
    delta = at - now
    return f"in {span(delta)}" if delta.total_seconds() > 0 else f"{span(delta)} ago"


def ago(at: datetime, now: datetime) -> str:
    """How long ago something happened. `now` is the engine's last tick, so a fact that came
    after it (a session checked a few seconds ago) is "just now", never "in 29s"."""
    return "just now" if at >= now else f"{span(now - at)} ago"


def bar(used: int, limit: int | None, width: int = 20) -> str:
    if not limit:
        return "·" * width
    filled = min(width, round(width * used / limit))
    return "█" * filled + "░" * (width - filled)


ACTION_LABELS = {
    "message": "messages",
    "profile_visit": "profile visits",
    "invitation_withdrawal": "withdrawals",
    "search": "searches",
}


# Where a panel is narrow (an 80-column terminal).
SHORT_LABELS = {"profile_visit": "visits"}


def action_label(action: str, *, short: bool = False) -> str:
    if short and action in SHORT_LABELS:
        return SHORT_LABELS[action]
    return ACTION_LABELS.get(action, action.replace("_", " "))
