"""The sidecar's HTTP server. Every answer is built from check results and counters only:
no secret and no personal data can reach it."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from linkpilot.engine.health.lag import LagMonitor
from linkpilot.engine.health.metrics import Metrics


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    status: str
    detail: dict[str, Any] = field(default_factory=dict)


Check = Callable[[], Awaitable[CheckResult]]
Readiness = tuple[bool, dict[str, Any]]
CHECK_TIMEOUT_S = 2.0
# How long one run of the checks answers /ready (and, while a new run refreshes it, up to
# CHECK_TIMEOUT_S more). The checks query storage and decrypt the session on the engine's own loop: a probe
# hammering /ready must not turn into as many database round trips (bench/ready_load.py: at 500
# requests/s every one of them timed out). Probes ask every few seconds, so a result a second or
# two old serves them as well as a fresh one; the answer says how old it is.
READY_TTL_S = 1.0


class HealthSidecar:
    def __init__(
        self,
        metrics: Metrics | None = None,
        lag: LagMonitor | None = None,
        *,
        ready_ttl_s: float = READY_TTL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.metrics = metrics or Metrics()
        self.lag = lag or LagMonitor()
        self.checks: dict[str, Check] = {}
        self.started = time.monotonic()
        self.ready_ttl_s = ready_ttl_s
        self._clock = clock  # for the ages of readiness results
        self._readiness: tuple[float, Readiness] | None = None  # (when checked, result)
        self._checking: asyncio.Task[tuple[float, Readiness]] | None = None
        self._runner: web.AppRunner | None = None
        self.port: int | None = None
        # Read when /metrics is asked, never in between.
        self.metrics.loop_lag_p99.set_function(lambda: self.lag.percentile(99))
        self.metrics.uptime.set_function(lambda: time.monotonic() - self.started)

    def add_check(self, name: str, check: Check) -> None:
        self.checks[name] = check
        self._readiness = None

    async def readiness(self) -> tuple[Readiness, float]:
        """The checks' result and its age in seconds.

        Under the TTL the last result answers. Past it, the result still answers while one run
        of the checks refreshes it in the background, for as long as a run may take (each check
        is cut at CHECK_TIMEOUT_S): under a steady probe nobody waits for the checks, which take
        a second or more on a busy box (bench/ready_load.py). Older than that, or never
        checked, the caller waits for a run, the same one as every other caller then."""
        cached = self._readiness
        now = self._clock()
        if cached is None or now - cached[0] >= self.ready_ttl_s:
            if self._checking is None:
                self._checking = asyncio.create_task(self._check_once())
            if cached is None or now - cached[0] >= self.ready_ttl_s + CHECK_TIMEOUT_S:
                # Shielded: a prober that hangs up cancels its own wait, not the shared run.
                cached = await asyncio.shield(self._checking)
        return cached[1], self._clock() - cached[0]

    async def _check_once(self) -> tuple[float, Readiness]:
        try:
            result = await self.run_checks()
            self._readiness = (self._clock(), result)
            return self._readiness
        finally:
            self._checking = None

    async def run_checks(self) -> Readiness:
        async def one(check: Check) -> CheckResult:
            try:
                return await asyncio.wait_for(check(), CHECK_TIMEOUT_S)
            except TimeoutError:
                return CheckResult(False, "timeout")
            except Exception as exc:  # a check that breaks reports itself as failing
                return CheckResult(False, "error", {"error": type(exc).__name__})

        names = list(self.checks)
        results = await asyncio.gather(*(one(self.checks[n]) for n in names))
        body = {n: {"ok": r.ok, "status": r.status, **r.detail} for n, r in zip(names, results, strict=True)}
        return all(r.ok for r in results), body

    async def _health(self, _request: web.Request) -> web.Response:
        return web.json_response({"status": "alive", "uptime_s": round(time.monotonic() - self.started, 1)})

    async def _ready(self, _request: web.Request) -> web.Response:
        (ok, body), age = await self.readiness()
        return web.json_response(
            {"ready": ok, "age_s": round(age, 3), "checks": body}, status=200 if ok else 503, dumps=json.dumps
        )

    async def _metrics(self, request: web.Request) -> web.Response:
        body, content_type = self.metrics.render(request.headers.get("Accept", ""))
        return web.Response(body=body, headers={"Content-Type": content_type})

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/health", self._health)
        app.router.add_get("/ready", self._ready)
        app.router.add_get("/metrics", self._metrics)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 8765) -> int:
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        # The port the system picked when asked for 0.
        self.port = int(self._runner.addresses[0][1])
        self.lag.start()
        return self.port

    async def stop(self) -> None:
        self.lag.stop()
        if self._checking is not None:
            self._checking.cancel()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
