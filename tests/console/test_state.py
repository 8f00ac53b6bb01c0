"""Folding engine events into the console's state, and what each state lets the keys do."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from linkpilot.console.state import (
    Busy,
    ConsoleState,
    UnreadableView,
    campaign_blocked,
    fold,
    fold_all,
    quota_spent,
)
from linkpilot.engine.events import (
    ActivityChanged,
    BreakerChanged,
    CampaignFinished,
    CampaignStarted,
    ClockChecked,
    LogLine,
    Progress,
    QuotaChanged,
    RunCounts,
    RunPaused,
    ScheduleChanged,
    ScheduledRun,
    SessionChanged,
    Tick,
)
from linkpilot.engine.notify.status import ChannelStatus, NotifyStatus
from tests.console.fakes import GAUGES, NOW


def finished(campaign: str, run_id: int, stopped: str = "completed", **summary: object) -> CampaignFinished:
    return CampaignFinished(
        campaign=campaign, run_id=run_id, counts=RunCounts(), stopped=stopped, summary=summary, at=NOW
    )


def test_the_breaker_since_is_what_the_breaker_recorded() -> None:
    later = NOW + timedelta(minutes=5)
    state = fold_all(
        [
            BreakerChanged(state="open", reason="3 failures", hard=False, since=NOW, at=NOW),
            # Told again later (a new retry time): it opened at the same moment.
            BreakerChanged(
                state="open",
                reason="3 failures",
                hard=False,
                since=NOW,
                retry_at=later + timedelta(hours=1),
                at=later,
            ),
        ]
    )
    assert state.breaker.since == NOW
    assert state.breaker.retry_at == later + timedelta(hours=1)
    state = fold(state, BreakerChanged(state="half_open", reason=None, hard=False, since=later, at=later))
    assert state.breaker.since == later
    state = fold(state, BreakerChanged(state="closed", reason=None, hard=False, since=later, at=later))
    assert state.breaker.since is None
    assert not state.breaker.is_open


def test_a_run_from_start_to_finish_with_a_pause() -> None:
    state = fold(ConsoleState(), CampaignStarted(campaign="birthday", run_id=4, dry_run=True, planned=5))
    assert state.running is not None
    assert (state.running.done, state.running.total, state.running.dry_run) == (0, 5, True)
    state = fold(state, Progress(campaign="birthday", run_id=4, done=2, total=5, current="Ana"))
    assert state.running is not None
    assert (state.running.done, state.running.current, state.running.dry_run) == (2, "Ana", True)
    state = fold(state, RunPaused(campaign="birthday", run_id=4, paused=True))
    assert state.running is not None
    assert state.running.paused
    # Another campaign's pause or end does not touch this one.
    assert fold(state, RunPaused(campaign="sourcing", run_id=9, paused=False)) == state
    assert fold(state, finished("sourcing", 9)) == state
    state = fold(state, RunPaused(campaign="birthday", run_id=4, paused=False))
    assert state.running is not None
    assert not state.running.paused
    state = fold(state, finished("birthday", 4))
    assert state.running is None


def test_progress_without_a_start_still_shows_a_run() -> None:
    # The console may open while a scheduled run is under way.
    state = fold(ConsoleState(), Progress(campaign="sourcing", run_id=2, done=7, total=40))
    assert state.running is not None
    assert (state.running.campaign, state.running.done, state.running.total) == ("sourcing", 7, 40)


def test_the_tick_carries_the_date_the_hours_and_the_next_runs() -> None:
    runs = (ScheduledRun("birthday", NOW + timedelta(hours=1)),)
    state = fold(ConsoleState(), Tick(today=date(2026, 11, 26), working_hours=False, next_runs=runs, at=NOW))
    assert (state.today, state.now, state.working_hours, state.next_runs) == (
        date(2026, 11, 26),
        NOW,
        False,
        runs,
    )
    state = fold(state, ScheduleChanged(next_runs=()))
    assert state.next_runs == ()


def test_quota_session_activity_and_log_lines() -> None:
    state = fold(ConsoleState(), QuotaChanged(gauges=GAUGES))
    assert state.gauges == GAUGES
    state = fold(state, SessionChanged(status="valid", expires_at=NOW, checked_at=NOW))
    assert (state.session.status, state.session.expires_at, state.session.checked_at) == ("valid", NOW, NOW)
    state = fold(state, ActivityChanged(per_day=(0, 2, 4)))
    assert state.activity == (0, 2, 4)
    assert fold(state, LogLine(level="info", message="hello")) == state


def test_what_blocks_a_campaign_key() -> None:
    idle = ConsoleState(gauges=GAUGES)
    assert campaign_blocked(idle, "birthday") is None
    planning = Busy("birthday", "planning")
    assert campaign_blocked(idle, "sourcing", busy=planning) == "reading the birthday plan"
    assert campaign_blocked(idle, "birthday", busy=Busy("birthday", "starting")) == "birthday is starting"
    running = fold(idle, CampaignStarted(campaign="birthday", run_id=1, dry_run=False, planned=2, at=NOW))
    assert campaign_blocked(running, "invitations", busy=planning) == "a campaign is running"
    opened = fold(idle, BreakerChanged(state="open", reason="captcha", hard=True))
    assert campaign_blocked(opened, "sourcing") == "the breaker is open"
    assert campaign_blocked(replace(idle, working_hours=False), "invitations") == "outside working hours"

    week_spent = {**GAUGES, "profile_visit": {**GAUGES["profile_visit"], "week_used": 400}}
    state = replace(idle, gauges=week_spent)
    assert quota_spent(state, "sourcing")
    assert campaign_blocked(state, "sourcing") == "the profile visit quota is spent"
    assert campaign_blocked(state, "birthday") is None


def test_the_clock_guards_reading_and_the_channels_reach_the_state() -> None:
    skewed = fold(ConsoleState(), ClockChecked(ours=NOW, site=NOW, skew_s=-600.0, ok=False))
    assert (skewed.clock_skew_s, skewed.clock_ok) == (-600.0, False)
    fixed = fold(skewed, ClockChecked(ours=NOW, site=NOW, skew_s=1.0, ok=True))
    assert (fixed.clock_skew_s, fixed.clock_ok) == (1.0, True)
    channel = ChannelStatus("#1 ntfy://ntfy.sh/…", NOW, True, "LinkPilot: test message")
    assert fold(fixed, NotifyStatus(channels=(channel,))).notifications == (channel,)


def test_a_run_stopped_by_an_unreadable_page_stays_shown_until_that_campaign_reads_its_pages() -> None:
    copy = "/srv/linkpilot/diagnostics/20261126T093000000000Z-birthday.html"
    unread = {"page": "birthday", "failure": None, "missing": {"birthday.card.status": 3}, "diagnostic": copy}
    stopped = fold(ConsoleState(), finished("birthday", 4, "page_unreadable", unreadable=unread))
    assert stopped.unreadable == UnreadableView(
        "birthday", "birthday", "birthday.card.status on 3", copy, NOW
    )
    # Another campaign's run, or a run of this one that never read its pages, changes nothing.
    assert fold(stopped, finished("sourcing", 5)).unreadable == stopped.unreadable
    assert fold(stopped, finished("birthday", 6, "clock_skew")).unreadable == stopped.unreadable
    assert fold(stopped, finished("birthday", 7)).unreadable is None
