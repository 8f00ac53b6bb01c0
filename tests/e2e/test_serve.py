"""`linkpilot serve` as a container runs it: health answers, readiness names what is missing,
SIGTERM ends it cleanly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import free_port


def _get(url: str) -> tuple[int, str]:
    response = httpx.get(url, timeout=5, trust_env=False)
    return response.status_code, response.text


def test_serve_answers_health_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINKPILOT_")}
    env |= {"LINKPILOT_HOME": str(tmp_path / "home"), "LINKPILOT_HEALTH_PORT": str(port)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "linkpilot", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().startswith("linkpilot serving")
        base = f"http://127.0.0.1:{port}"
        # The banner is printed before the sidecar binds: probe until it answers, a bounded number of times.
        for _ in range(50):
            probe = subprocess.run(
                [sys.executable, "-m", "linkpilot", "health", "--url", base, "--timeout", "5"],
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            if probe.returncode == 0:
                break
        assert probe.returncode == 0, probe.stderr
        status, body = _get(f"{base}/ready")
        assert status == 503
        checks = json.loads(body)["checks"]
        assert checks["session"] == {"ok": False, "status": "missing"}
        assert checks["storage"]["ok"] is True
        assert checks["ledger"] == {"ok": True, "status": "ok", "backend": "sqlite"}
        assert checks["breaker"]["status"] == "closed"
        status, metrics = _get(f"{base}/metrics")
        assert status == 200
        assert 'linkpilot_quota_limit{action="message",window="day"} 15.0' in metrics
        stopping = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
        assert time.monotonic() - stopping < 2.0  # docs/reliability.md: processes end
        assert proc.returncode == 0, err
        assert "linkpilot stopped" in out
    finally:
        if proc.poll() is None:
            proc.kill()
