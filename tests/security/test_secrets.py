"""The li_at value and the secret key never reach a log, a command's output, an error message,
the health sidecar's answers or the crash log; each place is grepped for both."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet

from linkpilot.common.settings import load_settings
from linkpilot.engine.events import CampaignFinished, RunCounts
from linkpilot.engine.health.server import HealthSidecar
from linkpilot.engine.runtime import open_runtime
from linkpilot.engine.service import metrics_from_events, readiness_checks
from tests.engine.session.samples import SECRET, storage_state, write

KEY = Fernet.generate_key().decode()
REDIS_PASSWORD = "redis-password-kept-out-4242"


def everything_written(home: Path) -> str:
    """Every log LinkPilot keeps in its data folder, rotated ones included."""
    texts = []
    for path in sorted(home.glob("linkpilot.log*")) + sorted(home.glob("crash.log")):
        texts.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(texts)


def assert_kept(key: str, *texts: str) -> None:
    for text in texts:
        assert SECRET not in text
        assert key not in text


@pytest.fixture(autouse=True)
def _debug_logs(caplog: pytest.LogCaptureFixture) -> None:
    # Debug lines too: a secret logged "only at debug level" would still be on disk one day.
    caplog.set_level(logging.DEBUG)


@pytest.fixture(params=["generated key file", "LINKPILOT_SECRET_KEY"])
def secret_key(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, cli: Any, home: Path) -> str:
    if request.param == "LINKPILOT_SECRET_KEY":
        monkeypatch.setenv("LINKPILOT_SECRET_KEY", KEY)
    imported = cli("session", "import", "--li-at", SECRET)
    assert imported.code == 0, imported.err
    assert_kept(KEY, imported.out, imported.err)
    key = KEY if request.param == "LINKPILOT_SECRET_KEY" else (home / "secret.key").read_text().strip()
    return key


def test_commands_and_logs(
    cli: Any, home: Path, tmp_path: Path, secret_key: str, caplog: pytest.LogCaptureFixture
) -> None:
    outputs = []
    for args in (
        ("session", "status"),
        ("session", "status", "--json"),
        ("config", "show"),
        ("config", "show", "--json"),
        ("config", "check"),
        ("breaker", "status", "--json"),
        ("quota", "status", "--json"),
        ("contacts", "list"),
    ):
        result = cli(*args)
        assert result.code == 0, (args, result.err)
        outputs += [result.out, result.err]
    assert json.loads(cli("session", "status", "--json").out)["status"] == "unknown"
    assert "secret_key" in cli("config", "show").out
    assert_kept(secret_key, *outputs, everything_written(home), caplog.text)


def test_error_messages_about_cookies_and_keys(
    cli: Any,
    home: Path,
    tmp_path: Path,
    secret_key: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    refusals = [
        cli("session", "import", "--li-at", SECRET + " ;x"),
        cli("session", "import", "--li-at", SECRET * 100),
        cli(
            "session",
            "import",
            "--storage-state",
            str(write(tmp_path / "old.json", storage_state(expires=1000))),
        ),
        cli(
            "session",
            "import",
            "--storage-state",
            str(write(tmp_path / "bad.json", storage_state(sameSite=SECRET))),
        ),
        cli(
            "session",
            "import",
            "--cookies",
            str(write(tmp_path / "c.txt", f"x\tTRUE\t/\tTRUE\tsoon\tli_at\t{SECRET}\n")),
        ),
    ]
    for result in refusals:
        assert result.code == 2, result.err
    # A malformed key is named, never shown; a wrong (well-formed) one cannot decrypt.
    monkeypatch.setenv("LINKPILOT_SECRET_KEY", "x" + secret_key)
    malformed = cli("session", "status")
    assert malformed.code == 2
    monkeypatch.setenv("LINKPILOT_SECRET_KEY", Fernet.generate_key().decode())
    wrong = cli("session", "status")
    assert wrong.code == 5
    assert "cannot decrypt the session" in wrong.err
    # A damaged key file is named, its content never shown.
    monkeypatch.delenv("LINKPILOT_SECRET_KEY")
    if (home / "secret.key").exists():
        (home / "secret.key").write_text(secret_key[:-3] + "!!\n")
        damaged = cli("session", "status")
        assert damaged.code == 2
        refusals.append(damaged)
    for result in [*refusals, malformed, wrong]:
        assert len(result.err.splitlines()) == 1, result.err
        assert_kept(secret_key, result.out, result.err)
        assert_kept(secret_key[:-3], result.err)
    assert_kept(secret_key, everything_written(home), caplog.text)


async def test_ready_and_metrics(
    home: Path,
    secret_key: str,
    redis_url: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The real runtime's checks behind the sidecar, its ledger on Redis through a URL that
    carries a password: neither /ready nor /metrics nor the logs repeat it."""
    monkeypatch.setenv("LINKPILOT_REDIS_URL", redis_url.replace("redis://", f"redis://:{REDIS_PASSWORD}@"))
    settings = load_settings()
    sidecar = HealthSidecar()
    async with open_runtime(settings) as rt:
        rt.bus.subscribe(metrics_from_events(sidecar.metrics))
        readiness_checks(rt, sidecar)
        rt.bus.publish(
            CampaignFinished(
                campaign="birthday",
                run_id=1,
                counts=RunCounts(sent=1, skipped=2),
                stopped="completed",
                summary={"counts": {"sent": 1, "skipped": {"blacklisted": 2}}, "stopped": {"reason": "done"}},
            )
        )
        await rt.publish_quota()
        port = await sidecar.start("127.0.0.1", 0)
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", trust_env=False) as http:
                answers = {path: (await http.get(path)).text for path in ("/health", "/ready", "/metrics")}
        finally:
            await sidecar.stop()
    ready = json.loads(answers["/ready"])
    assert set(ready["checks"]) == {"storage", "ledger", "breaker", "session", "browser", "clock"}
    assert ready["checks"]["session"]["status"] == "unknown"
    assert 'linkpilot_actions_total{action="message",outcome="sent"} 1.0' in answers["/metrics"]
    for text in (*answers.values(), caplog.text, everything_written(home)):
        assert_kept(secret_key, text)
        assert REDIS_PASSWORD not in text


def test_crash_output(home: Path, tmp_path: Path) -> None:
    """An internal error in a real process, in the middle of saving the session: the operator
    sees one line, the crash log holds the traceback, neither holds the cookie or the key."""
    env = {**os.environ, "LINKPILOT_HOME": str(home), "LINKPILOT_SECRET_KEY": KEY}
    run = [sys.executable, "-m", "linkpilot", "session", "import", "--li-at", SECRET]
    first = subprocess.run(run, capture_output=True, text=True, env=env, timeout=60, check=False)
    assert first.returncode == 0, first.stderr
    # An error nothing expects, as the new file is put in place. (This used to be a directory at
    # session.enc, until that became a one-line refusal.) Only the standard library is broken.
    broken = [
        sys.executable,
        "-c",
        "import os, sys\n"
        "def replace(*_args, **_kwargs):\n"
        "    raise RuntimeError('injected fault in os.replace')\n"
        "os.replace = replace\n"
        "from linkpilot.cli.main import main\n"
        "sys.exit(main(sys.argv[1:]))\n",
        *run[3:],
    ]
    crashed = subprocess.run(broken, capture_output=True, text=True, env=env, timeout=60, check=False)
    assert crashed.returncode == 1
    assert crashed.stderr.startswith("linkpilot: internal error: RuntimeError; details in ")
    assert len(crashed.stderr.splitlines()) == 1
    log = (home / "crash.log").read_text()
    assert "Traceback (most recent call last)" in log
    assert (home / "crash.log").stat().st_mode & 0o777 == 0o600
    assert_kept(
        KEY, first.stdout, first.stderr, crashed.stdout, crashed.stderr, log, everything_written(home)
    )
    # The failed save left the first session in place, and no temporary file beside it.
    assert sorted(p.name for p in home.glob(".session-*")) == []
