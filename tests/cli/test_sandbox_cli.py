from __future__ import annotations

import subprocess
import sys
import urllib.request


def test_linkpilot_sandbox_serves_and_stops_on_sigterm() -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "linkpilot",
            "sandbox",
            "--port",
            "0",
            "--today",
            "2026-11-26",
            "--language",
            "fr",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(f"{url}/login", timeout=10) as response:
            page = response.read().decode()
        assert 'id="username"' in page
        proc.terminate()
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


def test_linkpilot_sandbox_bad_option_is_one_line_exit_2(cli) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "linkpilot", "sandbox", "--markup", "retro"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "--markup" in result.stderr
