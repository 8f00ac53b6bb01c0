"""/ready carries the clock guard's latest reading."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from linkpilot.common.settings import load_settings
from linkpilot.engine.clock_guard import ClockReading
from linkpilot.engine.health.server import HealthSidecar
from linkpilot.engine.runtime import open_runtime
from linkpilot.engine.service import readiness_checks

SITE = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


async def test_ready_says_whether_the_clock_agreed_with_the_sites(tmp_path: Path) -> None:
    settings = load_settings({}, home=tmp_path / "home")
    async with open_runtime(settings) as rt:
        sidecar = HealthSidecar()
        readiness_checks(rt, sidecar)
        _, body = await sidecar.run_checks()
        assert body["clock"] == {"ok": True, "status": "unchecked"}  # no run has looked yet

        rt.clock_reading = ClockReading(SITE + timedelta(days=9), SITE)
        ready, body = await sidecar.run_checks()
        assert not ready
        assert body["clock"] == {
            "ok": False,
            "status": "clock_skew",
            "skew_s": 9 * 86_400.0,
            "tolerance_s": 300.0,
            "checked_at": "2026-12-05T09:00:00+00:00",
        }

        rt.clock_reading = ClockReading(SITE - timedelta(seconds=20), SITE)
        _, body = await sidecar.run_checks()
        assert (body["clock"]["ok"], body["clock"]["status"], body["clock"]["skew_s"]) == (True, "ok", -20.0)
