from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from linkpilot.engine.health.metrics import Metrics
from linkpilot.engine.health.server import CHECK_TIMEOUT_S, CheckResult, HealthSidecar


async def _ok() -> CheckResult:
    return CheckResult(True, "ok", {"backend": "sqlite"})


async def _down() -> CheckResult:
    return CheckResult(False, "unreachable")


async def _hangs() -> CheckResult:
    await asyncio.Event().wait()
    raise AssertionError("unreachable")


async def _breaks() -> CheckResult:
    raise RuntimeError("boom with secret li_at=AQEDxyz")


def _client(port: int) -> httpx.AsyncClient:
    # Straight to the sidecar on loopback, whatever proxy the environment names.
    return httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", trust_env=False, timeout=30)


async def _probe(*args: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "linkpilot",
        "health",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def test_health_ready_and_metrics_over_http() -> None:
    sidecar = HealthSidecar()
    sidecar.add_check("storage", _ok)
    port = await sidecar.start(port=0)
    sidecar.metrics.actions.labels(action="message", outcome="sent").inc(2)
    try:
        async with _client(port) as http:
            r = await http.get("/health")
            assert r.status_code == 200
            assert r.json()["status"] == "alive"
            r = await http.get("/ready")
            assert r.status_code == 200
            body = r.json()
            assert 0 <= body.pop("age_s") < 1
            assert body == {
                "ready": True,
                "checks": {"storage": {"ok": True, "status": "ok", "backend": "sqlite"}},
            }
            r = await http.get("/metrics")
            assert r.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
            assert 'linkpilot_actions_total{action="message",outcome="sent"} 2.0' in r.text
            assert "# TYPE linkpilot_event_loop_lag_p99_seconds gauge" in r.text
            uptime = float(r.text.split("\nlinkpilot_uptime_seconds ")[1].split()[0])
            assert 0 <= uptime < 60
        assert await _probe("--url", f"http://127.0.0.1:{port}") == (
            0,
            f"healthy: http://127.0.0.1:{port}/health\n",
            "",
        )
    finally:
        await sidecar.stop()


async def test_ready_is_503_and_names_each_failing_check() -> None:
    sidecar = HealthSidecar()
    sidecar.add_check("storage", _ok)
    sidecar.add_check("ledger", _down)
    sidecar.add_check("browser", _hangs)
    sidecar.add_check("session", _breaks)
    port = await sidecar.start(port=0)
    try:
        async with _client(port) as http:
            r = await http.get("/ready")
            assert r.status_code == 503
            checks = r.json()["checks"]
            raw = r.text
        assert checks["ledger"] == {"ok": False, "status": "unreachable"}
        assert checks["browser"] == {"ok": False, "status": "timeout"}
        assert checks["session"] == {"ok": False, "status": "error", "error": "RuntimeError"}
        assert "AQEDxyz" not in raw
        code, _, err = await _probe("--ready", "--url", f"http://127.0.0.1:{port}")
        assert code == 1
        assert "answered 503 (failing: browser, ledger, session)" in err
    finally:
        await sidecar.stop()


class _Gated:
    """A check that counts its runs and answers only once let through."""

    def __init__(self, ok: bool = True) -> None:
        self.runs = 0
        self.ok = ok
        self.gate = asyncio.Event()
        self.running = asyncio.Event()

    async def __call__(self) -> CheckResult:
        self.runs += 1
        self.running.set()
        await self.gate.wait()
        return CheckResult(self.ok, "ok" if self.ok else "open")


async def test_ready_under_a_burst_runs_the_checks_once_and_says_how_old_they_are() -> None:
    now = [100.0]
    check = _Gated(ok=False)
    sidecar = HealthSidecar(ready_ttl_s=1, clock=lambda: now[0])
    sidecar.add_check("breaker", check)
    port = await sidecar.start(port=0)
    try:
        async with _client(port) as http:

            async def ready() -> tuple[int, dict[str, Any]]:
                r = await http.get("/ready")
                return r.status_code, r.json()

            burst = [asyncio.create_task(ready()) for _ in range(20)]
            # The requests of the burst wait on the one run already going (or, arriving late,
            # take its result): either way the checks run once.
            await asyncio.wait_for(check.running.wait(), 10)
            await asyncio.sleep(0.1)
            check.gate.set()
            answers = await asyncio.gather(*burst)
            assert check.runs == 1
            assert {status for status, _ in answers} == {503}
            assert {body["checks"]["breaker"]["status"] for _, body in answers} == {"open"}
            assert {body["age_s"] for _, body in answers} == {0}
            # Within the TTL the same result answers, with its age, and nothing is run again.
            now[0] += 0.25
            status, body = await ready()
            assert (status, body["age_s"], check.runs) == (503, 0.25, 1)
            # Too old to answer even while refreshed: the request waits for a new run.
            now[0] += 1 + CHECK_TIMEOUT_S
            check.ok = True
            status, body = await ready()
            assert (status, body["age_s"], check.runs) == (200, 0, 2)
    finally:
        await sidecar.stop()


async def test_a_prober_that_hangs_up_does_not_cancel_the_run_others_wait_for() -> None:
    check = _Gated()
    sidecar = HealthSidecar(ready_ttl_s=60)
    sidecar.add_check("storage", check)
    gone = asyncio.create_task(sidecar.readiness())
    await asyncio.wait_for(check.running.wait(), 10)
    waiting = asyncio.create_task(sidecar.readiness())
    await asyncio.sleep(0)
    gone.cancel()
    check.gate.set()
    (ok, body), age = await waiting
    assert ok is True
    assert body == {"storage": {"ok": True, "status": "ok"}}
    assert 0 <= age < 1
    assert check.runs == 1
    with pytest.raises(asyncio.CancelledError):
        await gone


async def test_an_expired_result_answers_at_once_while_one_run_refreshes_it() -> None:
    now = [100.0]
    check = _Gated()
    check.gate.set()
    sidecar = HealthSidecar(ready_ttl_s=1, clock=lambda: now[0])
    sidecar.add_check("breaker", check)
    (ok, _), age = await sidecar.readiness()
    assert (ok, age, check.runs) == (True, 0, 1)
    check.gate.clear()
    check.running.clear()
    check.ok = False
    # Past the TTL, within the time a run may take: the last result answers at once, and one
    # refresh starts.
    now[0] += 1.5
    (ok, _), age = await sidecar.readiness()
    assert (ok, age) == (True, 1.5)
    await asyncio.wait_for(check.running.wait(), 10)
    (ok, _), age = await sidecar.readiness()
    assert (ok, check.runs) == (True, 2)
    # TTL + CHECK_TIMEOUT_S: too old to answer, so the caller waits for the refresh running.
    now[0] += CHECK_TIMEOUT_S - 0.5
    waiting = asyncio.create_task(sidecar.readiness())
    await asyncio.sleep(0)
    assert not waiting.done()
    check.gate.set()
    (ok, body), age = await waiting
    assert (ok, body["breaker"]["status"], age, check.runs) == (False, "open", 0, 2)


async def test_probe_of_a_dead_sidecar_fails_and_bad_url_is_bad_input() -> None:
    code, _, err = await _probe("--url", "http://127.0.0.1:9", "--timeout", "1")
    assert code == 1
    assert err.startswith("unhealthy: http://127.0.0.1:9/health did not answer")
    code, _, err = await _probe("--url", "file:///etc/passwd")
    assert code == 2
    assert err.strip() == "linkpilot: error: --url: not an http(s) URL: 'file:///etc/passwd'"


async def test_metrics_carry_the_processs_memory_cpu_files_and_collections() -> None:
    sidecar = HealthSidecar()
    port = await sidecar.start(port=0)
    try:
        async with _client(port) as http:
            r = await http.get("/metrics")
            samples = {
                line.split(" ")[0]: float(line.split(" ")[1])
                for line in r.text.splitlines()
                if not line.startswith("#")
            }
            # A scraper that asks for OpenMetrics gets it, with its end marker.
            r = await http.get("/metrics", headers={"Accept": "application/openmetrics-text"})
            assert r.headers["Content-Type"].startswith("application/openmetrics-text")
            assert r.text.endswith("# EOF\n")
    finally:
        await sidecar.stop()
    status = (await asyncio.to_thread(Path("/proc/self/status").read_text)).splitlines()
    rss_kb = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    # The process's own figures, read from /proc at the scrape (a second later they moved a little).
    assert 0.5 < samples["process_resident_memory_bytes"] / (rss_kb * 1024) < 2
    assert samples["process_open_fds"] >= 3  # stdin, stdout, stderr, the listening socket...
    assert samples["process_max_fds"] > samples["process_open_fds"]
    assert samples["process_cpu_seconds_total"] > 0
    assert samples['python_gc_collections_total{generation="0"}'] > 0


def test_labels_are_escaped_in_the_exposition() -> None:
    metrics = Metrics()
    metrics.skipped.labels(action="message", reason='a"b\\c\nd').inc()
    body, _ = metrics.render()
    assert 'linkpilot_skipped_total{action="message",reason="a\\"b\\\\c\\nd"} 1.0' in body.decode()
