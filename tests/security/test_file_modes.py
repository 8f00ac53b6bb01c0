"""Everything LinkPilot writes is for its owner only (files 0600, folders 0700), even when
started from a shell whose umask would share them: checked on real processes, with the
database's -wal and -shm looked at while `linkpilot serve` holds it open."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import free_port
from tests.engine.session.samples import SECRET
from tests.fixtures.v1_factory import create_v1_database


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def linkpilot(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    # umask=0o022 is a typical login shell's: LinkPilot must not rely on the caller's.
    result = subprocess.run(
        [sys.executable, "-m", "linkpilot", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
        umask=0o022,
    )
    assert result.returncode == 0, (args, result.stderr)
    return result


def get(url: str) -> str:
    response = httpx.get(url, timeout=5, trust_env=False)
    response.raise_for_status()
    return response.text


def test_data_folder_modes(home: Path, tmp_path: Path) -> None:
    env = {**os.environ, "LINKPILOT_HOME": str(home)}
    contacts = tmp_path / "contacts.csv"
    contacts.write_text("profile_url,name\nlinkedin.com/in/ada-l,Ada Lovelace\n", encoding="utf-8")
    v1 = create_v1_database(tmp_path / "linkedin.db")
    linkpilot(env, "session", "import", "--li-at", SECRET)
    linkpilot(env, "contacts", "import", str(contacts))
    linkpilot(env, "import-v1", str(v1))
    backup = tmp_path / "copy.db"
    linkpilot(env, "db", "backup", str(backup))

    port = free_port()
    serve_env = {**env, "LINKPILOT_HEALTH_PORT": str(port)}
    server = subprocess.Popen(
        [sys.executable, "-m", "linkpilot", "serve"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=serve_env,
        text=True,
        umask=0o022,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                ready = json.loads(get(f"http://127.0.0.1:{port}/ready"))
                break
            except httpx.HTTPError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "serve did not answer"
                time.sleep(0.2)
        assert ready["checks"]["storage"]["status"] == "ok"
        metrics = get(f"http://127.0.0.1:{port}/metrics")
        assert SECRET not in metrics
        assert SECRET not in json.dumps(ready)
        # The storage check has opened the database in WAL mode: its companions exist now.
        live = {name: mode(home / name) for name in ("linkpilot.db", "linkpilot.db-wal", "linkpilot.db-shm")}
    finally:
        server.send_signal(signal.SIGTERM)
        out, err = server.communicate(timeout=30)
    assert server.returncode == 0, err
    assert live == {"linkpilot.db": 0o600, "linkpilot.db-wal": 0o600, "linkpilot.db-shm": 0o600}

    assert mode(home) == 0o700
    for name in ("session.enc", "secret.key", "linkpilot.log", "linkpilot.db"):
        assert mode(home / name) == 0o600, name
    backups = home / "backups"
    assert mode(backups) == 0o700
    assert [mode(p) for p in backups.iterdir()] == [0o600]
    assert mode(backup) == 0o600
    # The browser profile does not exist until a campaign runs; nothing else may be readable.
    shared = [str(p) for p in home.rglob("*") if mode(p) & 0o077]
    assert shared == []
    assert SECRET not in (home / "linkpilot.log").read_text() + out + err
