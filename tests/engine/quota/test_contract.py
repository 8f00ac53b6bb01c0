"""The ledger contract, run against the embedded and the Redis backend alike."""

from __future__ import annotations

from datetime import UTC, time

import pytest

from linkpilot.common.clock import FrozenClock
from linkpilot.engine.quota.contract import RESERVATION_TTL, Action, QuotaError, QuotaRefused, Reservation
from tests.engine.quota.conftest import MakeLedger, paris

MSG = {"messages": {"per_run": 50, "per_day": 3, "per_week": 5}}
ALL_DAY = {"start": time(0, 0), "end": time(23, 59, 59)}


async def take(ledger, action: Action = Action.MESSAGE, n: int = 1, **kw) -> list[Reservation]:  # type: ignore[no-untyped-def]
    got = []
    for _ in range(n):
        result = await ledger.reserve(action, **kw)
        assert isinstance(result, Reservation), result
        got.append(result)
    return got


async def spend(ledger, action: Action = Action.MESSAGE, n: int = 1) -> None:  # type: ignore[no-untyped-def]
    for reservation in await take(ledger, action, n):
        await ledger.commit(reservation)


async def refused(ledger, action: Action = Action.MESSAGE, **kw) -> QuotaRefused:  # type: ignore[no-untyped-def]
    result = await ledger.reserve(action, **kw)
    assert isinstance(result, QuotaRefused), result
    return result


async def test_daily_limit_then_refusal_until_next_working_morning(
    make_ledger: MakeLedger, clock: FrozenClock
) -> None:
    ledger = await make_ledger(limits=MSG)
    for reservation in await take(ledger, n=3):
        await ledger.commit(reservation)
    no = await refused(ledger)
    assert (no.reason, no.used, no.limit) == ("daily_limit", 3, 3)
    assert no.retry_at == paris(2026, 3, 11, 7, 0)  # tomorrow, when working hours open
    assert "daily limit (3/3)" in no.describe()
    # Other actions have their own budget.
    await take(ledger, Action.PROFILE_VISIT)
    clock.at = paris(2026, 3, 11, 7, 0)
    await take(ledger)


async def test_live_reservations_count_and_release_gives_the_unit_back(make_ledger: MakeLedger) -> None:
    ledger = await make_ledger(limits=MSG)
    held = await take(ledger, n=3)
    assert (await refused(ledger)).reason == "daily_limit"
    await ledger.release(held[0])
    await ledger.release(held[0])  # twice is harmless
    [again] = await take(ledger)
    assert again.token != held[0].token
    await ledger.commit(held[1])
    await ledger.commit(held[1])  # idempotent
    await ledger.release(held[1])  # a spent unit is never given back
    assert (await refused(ledger)).reason == "daily_limit"
    with pytest.raises(QuotaError, match="it was released"):
        await ledger.commit(held[0])


async def test_unknown_reservation_is_refused(make_ledger: MakeLedger, clock: FrozenClock) -> None:
    ledger = await make_ledger(limits=MSG)
    ghost = Reservation("0" * 32, Action.MESSAGE, clock(), clock() + RESERVATION_TTL)
    with pytest.raises(QuotaError, match="unknown quota reservation"):
        await ledger.commit(ghost)


async def test_an_abandoned_reservation_stays_spent(make_ledger: MakeLedger, clock: FrozenClock) -> None:
    ledger = await make_ledger(limits=MSG)
    abandoned = await take(ledger, n=3)  # a crashed process: never committed, never released
    clock.advance(seconds=RESERVATION_TTL.total_seconds() * 4)
    # It may have clicked Send before dying: its units are not handed out again that day.
    assert (await refused(ledger)).reason == "daily_limit"
    assert (await ledger.snapshot()).get(Action.MESSAGE).day_used == 3
    # A late commit counts once, a late release gives the unit back.
    await ledger.commit(abandoned[0])
    await ledger.release(abandoned[1])
    assert (await ledger.snapshot()).get(Action.MESSAGE).day_used == 2
    await take(ledger, n=1)
    assert (await refused(ledger)).reason == "daily_limit"


async def test_rolling_week_across_days_and_when_it_frees(
    make_ledger: MakeLedger, clock: FrozenClock
) -> None:
    ledger = await make_ledger(limits=MSG)
    clock.at = paris(2026, 3, 2, 9, 0)  # Monday
    for r in await take(ledger, n=2):
        await ledger.commit(r)
    clock.at = paris(2026, 3, 4, 9, 0)
    for r in await take(ledger, n=3):
        await ledger.commit(r)
    clock.at = paris(2026, 3, 6, 9, 0)
    no = await refused(ledger)
    assert (no.reason, no.used, no.limit) == ("weekly_limit", 5, 5)
    # The two Monday units leave when Monday drops out of the seven days: next Monday 00:00,
    # moved to the opening of working hours.
    assert no.retry_at == paris(2026, 3, 9, 7, 0)
    clock.at = paris(2026, 3, 8, 18, 0)  # Sunday: Monday is still inside the seven days
    assert (await refused(ledger)).reason == "weekly_limit"
    clock.at = paris(2026, 3, 9, 7, 0)
    await take(ledger, n=2)
    assert (await refused(ledger)).reason == "weekly_limit"
    snap = await ledger.snapshot()
    assert (snap.get(Action.MESSAGE).week_used, snap.get(Action.MESSAGE).week_limit) == (5, 5)


async def test_run_cap_per_run(make_ledger: MakeLedger) -> None:
    ledger = await make_ledger(limits={"profile_visits": {"per_run": 3, "per_day": 80, "per_week": 400}})
    await take(ledger, Action.PROFILE_VISIT, n=2, run_id=7, run_limit=2)
    no = await refused(ledger, Action.PROFILE_VISIT, run_id=7, run_limit=2)
    assert (no.reason, no.retry_at, no.used, no.limit) == ("run_cap", None, 2, 2)
    # A run may not ask for more than the configured cap.
    held = await take(ledger, Action.PROFILE_VISIT, n=3, run_id=8, run_limit=100)
    assert (await refused(ledger, Action.PROFILE_VISIT, run_id=8, run_limit=100)).limit == 3
    await ledger.release(held[0])
    await take(ledger, Action.PROFILE_VISIT, run_id=8, run_limit=100)
    # Without a run there is no run cap.
    await take(ledger, Action.PROFILE_VISIT, n=4)


async def test_working_hours(make_ledger: MakeLedger, clock: FrozenClock) -> None:
    ledger = await make_ledger(
        working_hours={"start": time(8, 30), "end": time(18, 0), "days": [0, 1, 2, 3, 4]}
    )
    clock.at = paris(2026, 3, 10, 8, 29)
    no = await refused(ledger)
    assert (no.reason, no.retry_at) == ("outside_working_hours", paris(2026, 3, 10, 8, 30))
    assert no.describe() == "message: outside working hours; retry after 2026-03-10T07:30:00+00:00"
    clock.at = paris(2026, 3, 10, 8, 30)
    await take(ledger)
    clock.at = paris(2026, 3, 13, 18, 0)  # Friday evening: the end is exclusive
    assert (await refused(ledger)).retry_at == paris(2026, 3, 16, 8, 30)  # Monday morning
    clock.at = paris(2026, 3, 14, 12, 0)  # Saturday noon
    assert (await refused(ledger)).retry_at == paris(2026, 3, 16, 8, 30)


async def test_no_working_day_means_no_retry_time(make_ledger: MakeLedger, clock: FrozenClock) -> None:
    ledger = await make_ledger(working_hours={"days": []})
    no = await refused(ledger)
    assert (no.reason, no.retry_at) == ("outside_working_hours", None)


async def test_warmup_ramp_from_first_use(make_ledger: MakeLedger, clock: FrozenClock) -> None:
    ledger = await make_ledger(limits={"warmup_days": 10})  # messages: 15 a day, 100 a week
    clock.at = paris(2026, 3, 1, 10, 0)
    first = await take(ledger, n=4)  # day 0: ceil(15 * 0.25)
    no = await refused(ledger)
    assert (no.reason, no.used, no.limit) == ("warming_up", 4, 4)
    assert no.retry_at == paris(2026, 3, 2, 7, 0)
    for r in first:
        await ledger.commit(r)
    assert (await ledger.snapshot()).warmup_day == 0
    clock.at = paris(2026, 3, 6, 10, 0)  # day 5: ceil(15 * (0.25 + 0.75 * 0.5)) = 10
    await take(ledger, n=10)
    assert (await refused(ledger)).reason == "warming_up"
    snap = await ledger.snapshot()
    assert (snap.warmup_day, snap.get(Action.MESSAGE).day_limit) == (5, 10)
    clock.at = paris(2026, 3, 11, 10, 0)  # day 10: the full limit
    await take(ledger, n=15)
    assert (await refused(ledger)).reason == "daily_limit"
    assert (await ledger.snapshot()).warmup_day is None


async def test_searches_have_a_calendar_month_budget(make_ledger: MakeLedger, clock: FrozenClock) -> None:
    ledger = await make_ledger(limits={"searches_per_month": 3})
    clock.at = paris(2026, 3, 2, 10, 0)
    await spend(ledger, Action.SEARCH, n=2)
    clock.at = paris(2026, 3, 31, 10, 0)
    await spend(ledger, Action.SEARCH)
    no = await refused(ledger, Action.SEARCH)
    assert (no.reason, no.used, no.limit) == ("monthly_limit", 3, 3)
    assert no.retry_at == paris(2026, 4, 1, 7, 0)
    gauges = (await ledger.snapshot()).gauges()
    assert gauges["search"] == {"month_used": 3, "month_limit": 3}
    clock.at = paris(2026, 4, 1, 7, 0)
    await take(ledger, Action.SEARCH, n=3)


async def test_spring_forward_day_boundaries_in_paris(make_ledger: MakeLedger, clock: FrozenClock) -> None:
    ledger = await make_ledger(
        limits={"messages": {"per_run": 10, "per_day": 2, "per_week": 3}}, working_hours=ALL_DAY
    )
    clock.at = paris(2026, 3, 28, 23, 0)  # Saturday; Sunday 29 March loses an hour
    await spend(ledger, n=2)
    clock.at = paris(2026, 3, 28, 23, 59)
    assert (await refused(ledger)).reason == "daily_limit"
    clock.at = paris(2026, 3, 29, 0, 0)  # a new local day, 23 hours long
    await spend(ledger)
    no = await refused(ledger)
    assert no.reason == "weekly_limit"
    # The 28th leaves the seven days at local midnight of 4 April, in summer time (UTC+2).
    assert no.retry_at == paris(2026, 4, 4, 0, 0)
    assert no.retry_at.astimezone(UTC).hour == 22
    clock.at = paris(2026, 4, 3, 23, 59)
    assert (await refused(ledger)).reason == "weekly_limit"
    clock.at = paris(2026, 4, 4, 0, 0)
    await spend(ledger, n=2)


async def test_fall_back_day_lasts_25_hours(make_ledger: MakeLedger, clock: FrozenClock) -> None:
    ledger = await make_ledger(
        limits={"messages": {"per_run": 10, "per_day": 2, "per_week": 10}}, working_hours=ALL_DAY
    )
    clock.at = paris(2026, 10, 25, 0, 30)  # 25 October 2026: 03:00 becomes 02:00
    await spend(ledger)
    clock.at = paris(2026, 10, 25, 23, 30)  # 24 real hours later, still the same local day
    await spend(ledger)
    no = await refused(ledger)
    assert no.reason == "daily_limit"
    assert no.retry_at == paris(2026, 10, 26, 0, 0)
    assert (no.retry_at - paris(2026, 10, 25, 0, 0)).total_seconds() == 25 * 3600


async def test_snapshot_reports_every_action(make_ledger: MakeLedger) -> None:
    ledger = await make_ledger(limits=MSG)
    [r] = await take(ledger)
    await ledger.commit(r)
    await take(ledger, Action.INVITATION_WITHDRAWAL)
    snap = await ledger.snapshot()
    assert snap.backend == ledger.backend
    gauges = snap.gauges()
    assert set(gauges) == {"message", "profile_visit", "invitation_withdrawal", "search"}
    assert gauges["message"] == {"day_used": 1, "day_limit": 3, "week_used": 1, "week_limit": 5}
    assert gauges["invitation_withdrawal"]["day_used"] == 1
    assert gauges["profile_visit"] == {"day_used": 0, "day_limit": 80, "week_used": 0, "week_limit": 400}
    as_dict = snap.as_dict()
    assert as_dict["actions"] == gauges
    assert as_dict["warmup_day"] is None
    with pytest.raises(KeyError):
        snap.get("nothing")  # type: ignore[arg-type]
