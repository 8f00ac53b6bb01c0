from __future__ import annotations

import asyncio

from linkpilot.engine.campaigns.runner import RunControl


async def test_pause_holds_until_resume() -> None:
    control = RunControl()
    control.pause()
    assert control.paused
    waiting = asyncio.ensure_future(control.wait_if_paused())
    await asyncio.sleep(0)
    assert not waiting.done()
    control.resume()
    await asyncio.wait_for(waiting, 1)
    assert not control.paused


async def test_stop_releases_a_pause_and_cuts_a_pacing_wait_short() -> None:
    control = RunControl()
    control.pause()
    waiting = asyncio.ensure_future(control.wait_if_paused())
    never = asyncio.Event()
    cut = asyncio.ensure_future(control.unless_stopped(never.wait()))
    await asyncio.sleep(0)
    control.stop()
    await asyncio.wait_for(asyncio.gather(waiting, cut), 1)
    assert control.stop_requested


async def test_a_pacing_wait_that_ends_by_itself_returns() -> None:
    control = RunControl()
    done = asyncio.Event()
    done.set()
    await asyncio.wait_for(control.unless_stopped(done.wait()), 1)
    assert not control.stop_requested
