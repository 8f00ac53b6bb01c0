"""/ready under load: the health sidecar's readiness answer at 500 requests/s while a campaign runs.

The sidecar is served from the engine's own process and event loop, in `linkpilot serve` and
in the console alike, so this bench builds the same shape in its own process: the runtime and
the practice site as `linkpilot demo` sets them up (linkpilot.console.demo) but in fast pacing
with a message limit of --messages, the sidecar with the engine's readiness checks
(linkpilot.engine.service.readiness_checks) on 127.0.0.1, and a live birthday campaign
(run_campaign, not a dry run). A `linkpilot serve` subprocess would be the same code on the
same kind of loop, but its campaigns start only at a scheduled minute; in process, the bench
starts the campaign when it wants, knows when it ends, and can time the sidecar's handlers.

The load comes from a separate process (this file with --client; standard library only):
open loop, each request sent at its scheduled time whether or not the earlier ones were
answered; by default one new TCP connection per request (`Connection: close`), as a
container's or a supervisor's health probe does, or with --keep-alive reused connections (a
new one only when all are busy). Latency = from the start of the request (connect() included)
to the end of the answer. Phases, each --seconds long at --rate requests/s:

  (info)     /ready with no campaign (before it starts)
  then, while the campaign runs, in the order /health, /ready, /ready, /health (drift on a
  shared box hits both alike):
  baseline   /health: the trivial answer (no check), same server, same loop, same load
  measured   /ready: the readiness checks (storage, ledger, breaker, session, browser)

Per phase it also prints the time spent inside the sidecar's handler, the engine loop's lag
and where its late ticks' lateness went (bench/loop_lag.py), both processes' CPU share, and
how late the client itself sent (a starved client inflates every latency it measures).
Any answer other than 200 or 503, or none within --timeout, is an error and fails the bench; so
does a campaign that ends before the load does. Target: /ready p99 under 20 ms at 500/s.

    .venv/bin/python bench/ready_load.py [--rate 500] [--seconds 5] [--messages 60] [--keep-alive]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from loop_lag import AttributedLag, Lateness, ms

TARGET_P99_MS = 20.0
LATE_S = 0.01  # engine loop ticks later than this are broken down by cause
PHASES = ("/health", "/ready", "/ready", "/health")


# -- the load generator (a separate process) ---------------------------------------------------


Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class Client:
    """One request per call, on a new connection each time or on an idle kept-alive one."""

    def __init__(self, host: str, port: int, timeout_s: float, keep_alive: bool) -> None:
        self.host, self.port, self.timeout_s, self.keep_alive = host, port, timeout_s, keep_alive
        # Open loop: a request never waits for a busy connection, it opens one more.
        self.idle: list[Connection] = []

    async def request(self, path: str) -> tuple[float, int | str]:
        """Latency in seconds and the HTTP status, or the name of what went wrong."""
        header = "keep-alive" if self.keep_alive else "close"
        request = f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nConnection: {header}\r\n\r\n"
        start = time.monotonic()
        conn: Connection | None = None
        status: int | str
        answered = False  # a whole answer was read: the connection can serve the next request
        try:
            async with asyncio.timeout(self.timeout_s):
                conn = self.idle.pop() if self.idle else await asyncio.open_connection(self.host, self.port)
                reader, writer = conn
                writer.write(request.encode())
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                body = await reader.readexactly(length)
                answered = True
            status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/1.") else "bad answer"
            if status == 503:
                # Not ready is a valid answer, but which check said so belongs in the report.
                checks = json.loads(body).get("checks", {})
                failing = sorted(f"{n}: {c.get('status')}" for n, c in checks.items() if not c.get("ok"))
                status = f"503 ({', '.join(failing)})"
        except TimeoutError:
            status = "timeout"
        except (OSError, ValueError, IndexError, asyncio.IncompleteReadError) as exc:
            status = type(exc).__name__
        elapsed = time.monotonic() - start
        if conn is not None:
            if self.keep_alive and answered:
                self.idle.append(conn)
            else:
                conn[1].close()
        return elapsed, status

    def close(self) -> None:
        for _, writer in self.idle:
            writer.close()
        self.idle.clear()


async def load_phase(client: Client, path: str, rate: float, seconds: float) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    count = round(rate * seconds)
    first = loop.time() + 0.05
    slips: list[float] = []
    tasks: list[asyncio.Task[tuple[float, int | str]]] = []
    cpu = time.process_time()
    started = time.monotonic()
    for i in range(count):
        due = first + i / rate
        wait = due - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        # Open loop: a late client sends the backlog at once rather than skipping it.
        slips.append(max(0.0, loop.time() - due))
        tasks.append(asyncio.create_task(client.request(path)))
    results = await asyncio.gather(*tasks)
    statuses: dict[str, int] = {}
    for _, status in results:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    return {
        "path": path,
        "latencies": [latency for latency, _ in results],
        "statuses": statuses,
        "slips": slips,
        "wall_s": time.monotonic() - started,
        "client_cpu_s": time.process_time() - cpu,
        "ended_at": time.monotonic(),
        "connections": len(client.idle),
    }


async def client(host: str, port: int, timeout_s: float, keep_alive: bool) -> None:
    """Runs one phase per line read ("PATH RATE SECONDS"), answers one JSON line each."""
    loop = asyncio.get_running_loop()
    print("ready", flush=True)
    while line := await loop.run_in_executor(None, sys.stdin.readline):
        path, rate, seconds = line.split()
        load = Client(host, port, timeout_s, keep_alive)
        try:
            result = await load_phase(load, path, float(rate), float(seconds))
        finally:
            load.close()
        print(json.dumps(result), flush=True)


# -- the engine side (this process) ------------------------------------------------------------


def errors_of(statuses: dict[str, int]) -> int:
    return sum(n for status, n in statuses.items() if status != "200" and not status.startswith("503"))


def merged(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The phases of one path, as one."""
    total: dict[str, Any] = {
        "latencies": [],
        "slips": [],
        "lag": [],
        "lag_split": [],
        "handled": [],
        "statuses": {},
    }
    for key in ("wall_s", "server_cpu_s", "client_cpu_s"):
        total[key] = sum(r[key] for r in results)
    for result in results:
        for key in ("latencies", "slips", "lag", "lag_split", "handled"):
            total[key] += result[key]
        for status, n in result["statuses"].items():
            total["statuses"][status] = total["statuses"].get(status, 0) + n
    return total


def describe(label: str, phase: dict[str, Any]) -> str:
    latencies = phase["latencies"]
    late = Lateness(phase["lag"], phase["lag_split"])
    answers = ", ".join(f"{n} x {status}" for status, n in sorted(phase["statuses"].items()))
    return (
        f"{label:<28} p50 {ms(latencies, 50):6.2f} ms  p99 {ms(latencies, 99):7.2f} ms"
        f"  max {max(latencies) * 1000:7.1f} ms  ({answers})\n"
        f"{'':<28} in the handler p50 {ms(phase['handled'], 50):.2f} ms, p99 {ms(phase['handled'], 99):.2f} ms;"
        f" engine loop lag p99 {ms(phase['lag'], 99):6.1f} ms, engine process CPU"
        f" {phase['server_cpu_s'] / phase['wall_s']:4.0%}, client CPU {phase['client_cpu_s'] / phase['wall_s']:4.0%},"
        f" client late p99 {ms(phase['slips'], 99):.1f} ms\n"
        f"{'':<28} engine loop: {late.summary(LATE_S)}"
    )


async def measure(args: argparse.Namespace, folder: Path) -> bool:
    # Imported here, not at the top: the load client (this file with --client) stays light.
    from aiohttp import web
    from aiohttp.typedefs import Handler

    from linkpilot.cli.common import configure_logging
    from linkpilot.common.settings import ActionLimits
    from linkpilot.console.demo import (
        demo_settings,
        prepare_folder,
        sandbox_config,
        seed_contacts,
        store_session,
    )
    from linkpilot.engine.campaigns.registry import create_campaign
    from linkpilot.engine.campaigns.runner import run_campaign
    from linkpilot.engine.events import CampaignFinished, CampaignStarted, Event, EventBus
    from linkpilot.engine.health.server import HealthSidecar
    from linkpilot.engine.heap import freeze_startup_objects
    from linkpilot.engine.runtime import open_runtime
    from linkpilot.engine.service import metrics_from_events, readiness_checks
    from linkpilot.sandbox import start_sandbox

    prepare_folder(folder)
    configure_logging(folder)
    site = await start_sandbox(sandbox_config(demo_settings(folder, "http://127.0.0.1").timezone))
    proc: asyncio.subprocess.Process | None = None
    try:
        demo = demo_settings(folder, site.url)
        messages = ActionLimits(
            per_run=args.messages, per_day=args.messages, per_week=max(args.messages, 100)
        )
        settings = demo.model_copy(
            update={"pacing": "fast", "limits": demo.limits.model_copy(update={"messages": messages})}
        )
        store_session(settings, site.state.config.li_at)
        bus = EventBus()
        # The sidecar's own lag monitor, ticking often enough to see each phase's share.
        lag = AttributedLag(interval=0.01)
        # Time spent in the sidecar's handlers, apart from the accept queue and the client.
        handled: list[float] = []

        @web.middleware
        async def timed(request: web.Request, handler: Handler) -> web.StreamResponse:
            start = time.perf_counter()
            try:
                return await handler(request)
            finally:
                handled.append(time.perf_counter() - start)

        class TimedSidecar(HealthSidecar):
            def app(self) -> web.Application:
                app = super().app()
                app.middlewares.append(timed)
                return app

        sidecar = TimedSidecar(lag=lag)
        bus.subscribe(metrics_from_events(sidecar.metrics))
        started = asyncio.Event()
        finished: list[CampaignFinished] = []
        finished_at: list[float] = []

        def on_event(event: Event) -> None:
            if isinstance(event, CampaignStarted):
                started.set()
            elif isinstance(event, CampaignFinished):
                finished.append(event)
                finished_at.append(time.monotonic())

        bus.subscribe(on_event)
        async with open_runtime(settings, bus=bus) as rt:
            await seed_contacts(rt.db, site.state.world)
            readiness_checks(rt, sidecar)
            port = await sidecar.start("127.0.0.1", 0)
            freeze_startup_objects()  # as `serve` and the console do once they are up
            try:
                proc = await asyncio.create_subprocess_exec(
                    sys.executable, __file__, "--client", "--port", str(port), "--timeout", str(args.timeout),
                    *(["--keep-alive"] if args.keep_alive else []),
                    stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=2**26,
                )  # fmt: skip
                assert proc.stdin is not None
                assert proc.stdout is not None
                stdin, stdout = proc.stdin, proc.stdout
                if (await stdout.readline()).strip() != b"ready":
                    raise RuntimeError("the load client did not start")

                async def phase(path: str) -> dict[str, Any]:
                    first, cpu, served = lag.mark(), time.process_time(), len(handled)
                    stdin.write(f"{path} {args.rate} {args.seconds}\n".encode())
                    await stdin.drain()
                    result: dict[str, Any] = json.loads(await stdout.readline())
                    result["server_cpu_s"] = time.process_time() - cpu
                    result["handled"] = handled[served:]
                    late = lag.since(first)
                    result["lag"], result["lag_split"] = late.samples, late.split
                    return result

                idle = await phase("/ready")
                campaign = asyncio.create_task(
                    run_campaign(rt, create_campaign("birthday", rt), dry_run=False)
                )
                await asyncio.wait(
                    {campaign, asyncio.create_task(started.wait())}, return_when="FIRST_COMPLETED"
                )
                if not started.is_set():
                    await campaign  # it ended before it started: let its error show
                    raise RuntimeError("the campaign ended before it started")
                load_start = time.monotonic()
                loaded = [await phase(path) for path in PHASES]
                load_end = max(r["ended_at"] for r in loaded)
                await campaign
            finally:
                if proc is not None and proc.stdin is not None:
                    proc.stdin.close()
                    await proc.wait()
                await sidecar.stop()
        landed = len(site.state.record.messages)
    finally:
        await site.stop()

    counts = finished[0].summary.get("counts", {}) if finished else {}
    campaign_s = finished_at[0] - load_start if finished_at else float("nan")
    covered = bool(finished_at) and finished_at[0] >= load_end
    print(
        f"load: {args.rate:.0f} requests/s open loop, {args.seconds:.0f} s per phase,"
        f" {'kept-alive connections' if args.keep_alive else 'a new connection per request'},"
        f" timeout {args.timeout:.1f} s; sidecar on 127.0.0.1:{port}"
    )
    print(
        f"campaign: birthday, fast pacing, {counts.get('sent', 0)} sent ({landed} landed on the site),"
        f" {counts.get('failed', 0)} failed; it ran {campaign_s:.1f} s after the load began,"
        f" the load lasted {load_end - load_start:.1f} s"
    )
    health = merged([r for r in loaded if r["path"] == "/health"])
    ready = merged([r for r in loaded if r["path"] == "/ready"])
    print(describe("(info) /ready, no campaign", idle))
    print(describe("baseline: /health, campaign", health))
    print(describe("/ready, campaign", ready))
    ready_p99, health_p99 = ms(ready["latencies"], 99), ms(health["latencies"], 99)
    print(f"ratio (/ready p99 / /health p99, both during the campaign): {ready_p99 / health_p99:.2f}x")
    errors = sum(errors_of(r["statuses"]) for r in (idle, health, ready))
    ok_errors = errors == 0
    ok_covered = covered
    ok_p99 = ready_p99 < TARGET_P99_MS
    if not ok_errors:
        print(f"FAIL: {errors} requests failed (not 200 or 503, or no answer within {args.timeout} s)")
    if not ok_covered:
        print("FAIL: the campaign ended before the load did: raise --messages")
    print(
        f"{'PASS' if ok_p99 else 'FAIL'}: /ready p99 under {TARGET_P99_MS:.0f} ms at {args.rate:.0f}/s during a campaign ({ready_p99:.2f} ms)"
    )
    return ok_errors and ok_covered and ok_p99


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rate", type=float, default=500.0, help="requests per second")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each load phase")
    parser.add_argument("--timeout", type=float, default=1.0, help="seconds before a request is an error")
    parser.add_argument("--messages", type=int, default=60, help="message limit per run and day")
    parser.add_argument(
        "--keep-alive", action="store_true", help="reuse connections (default: a new one per request)"
    )
    parser.add_argument("--client", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.client:
        asyncio.run(client("127.0.0.1", args.port, args.timeout, args.keep_alive))
        return 0
    if not (0 < args.rate <= 2000 and 0 < args.seconds <= 60 and args.messages >= 1):
        parser.error("--rate must be in (0, 2000], --seconds in (0, 60], --messages at least 1")
    print(
        f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f};"
        f" Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory(prefix="linkpilot-bench-") as tmp:
        ok = asyncio.run(measure(args, Path(tmp) / "demo"))
    print(f"load average after the run: {os.getloadavg()[0]:.2f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
