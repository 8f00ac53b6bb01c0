"""The engine service's minute tick against real storage, with the clock moved by hand:
across local midnight the daily gauges roll over and the activity shifts; across a week the
rolling week lets go; the state the console folds follows, without restarting anything."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from linkpilot.cli.common import prepare_home
from linkpilot.common.clock import FrozenClock
from linkpilot.common.settings import load_settings
from linkpilot.console.state import ConsoleState, fold_all
from linkpilot.engine.events import ActivityChanged, Event
from linkpilot.engine.quota.contract import Action, Reservation
from linkpilot.engine.runtime import open_runtime
from linkpilot.engine.service import EngineService
from linkpilot.storage.interactions import record_action
from linkpilot.storage.models import InteractionKind, InteractionState

# 23:58 in Paris on Thursday 26 November 2026.
BEFORE_MIDNIGHT = datetime(2026, 11, 26, 22, 58, tzinfo=UTC)


async def test_midnight_and_a_week_later_without_a_restart(home: Path) -> None:
    settings = load_settings(
        home=home, timezone="Europe/Paris", working_hours={"start": "07:00", "end": "23:59"}
    )
    prepare_home(settings)
    clock = FrozenClock(BEFORE_MIDNIGHT)
    async with open_runtime(settings, clock=clock) as rt:
        service = EngineService(rt, scheduled=False)
        seen: list[Event] = []
        rt.bus.subscribe(seen.append)
        # Two messages sent at 23:58, as a run records them: a quota unit and a sent row each.
        for _ in range(2):
            reservation = await rt.ledger.reserve(Action.MESSAGE)
            assert isinstance(reservation, Reservation)
            await rt.ledger.commit(reservation)
            async with rt.db.transaction() as session:
                await record_action(
                    session,
                    kind=InteractionKind.MESSAGE,
                    contact_id=None,
                    state=InteractionState.SENT,
                    run_id=None,
                    at=clock(),
                )
        await service.refresh()
        state = fold_all(service.current())
        assert state.today == BEFORE_MIDNIGHT.astimezone(settings.zone).date()
        assert state.working_hours
        assert (state.gauges["message"]["day_used"], state.gauges["message"]["week_used"]) == (2, 2)
        assert (len(state.activity), state.activity[-1]) == (30, 2)

        clock.advance(minutes=3)  # 00:01 on Friday
        await service.tick()
        state = fold_all(service.current(), state)
        assert state.today == (BEFORE_MIDNIGHT + timedelta(minutes=3)).astimezone(settings.zone).date()
        assert state.now == clock()
        assert (state.gauges["message"]["day_used"], state.gauges["message"]["week_used"]) == (0, 2)
        assert state.activity[-2:] == (2, 0)  # yesterday's two, nothing yet today
        assert not state.working_hours

        clock.advance(hours=8)  # 08:01: the working day opened
        await service.tick()
        assert fold_all(service.current(), state).working_hours

        clock.advance(days=7)  # a week on: the rolling week let the two units go
        await service.tick()
        state = fold_all(service.current(), ConsoleState())
        assert state.gauges["message"]["week_used"] == 0
        assert state.activity[-9:] == (2, 0, 0, 0, 0, 0, 0, 0, 0)
        assert isinstance(seen[-2], ActivityChanged)
        # Everything the engine published is stamped by its clock, never the wall clock.
        rt.bus.log("info", "a line at the engine's time")
        await rt.breaker.trip_hard("checkpoint")
        stamps = {event.at for event in seen if event.at < BEFORE_MIDNIGHT or event.at > clock()}
        assert not stamps
        assert seen[-1].at == seen[-2].at == clock()
        await service.close()
