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
CHECK_TIMEOUT_S = 2.0


class HealthSidecar:
    def __init__(self, metrics: Metrics | None = None, lag: LagMonitor | None = None) -> None:
        self.metrics = metrics or Metrics()
        self.lag = lag or LagMonitor()
        self.checks: dict[str, Check] = {}
        self.started = time.monotonic()
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    def add_check(self, name: str, check: Check) -> None:
        self.checks[name] = check

    async def run_checks(self) -> tuple[bool, dict[str, Any]]:
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
        ok, body = await self.run_checks()
        return web.json_response({"ready": ok, "checks": body}, status=200 if ok else 503, dumps=json.dumps)

    async def _metrics(self, _request: web.Request) -> web.Response:
        self.metrics.set(
            "event_loop_lag_p99_seconds", "Event-loop lag, 99th percentile", self.lag.percentile(99)
        )
        self.metrics.set(
            "uptime_seconds", "Seconds since the sidecar started", time.monotonic() - self.started
        )
        return web.Response(text=self.metrics.render(), content_type="text/plain", charset="utf-8")

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/health", self._health)
        app.router.add_get("/ready", self._ready)
        app.router.add_get("/metrics", self._metrics)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 8765) -> int:
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        self.port = int(sockets[0].getsockname()[1]) if sockets else port
        self.lag.start()
        return self.port

    async def stop(self) -> None:
        self.lag.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
