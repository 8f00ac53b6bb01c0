"""A real birthday campaign against the practice site, whose li_at is a recognisable secret
and which rotates it mid-session: afterwards neither the first nor the rotated value is in
any output, log or file of the data folder but the encrypted session, and every file the run
made, Chromium's profile included, is for the owner only."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import stat
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from linkpilot.common.settings import load_settings
from linkpilot.engine.session.store import SessionStore
from tests.practice_site import ALWAYS_OPEN_ENV, SAFE_INSTANT, ZONE, MovedClock, start_site

SECRET = "AQEDAcampaignSECRET_li-at_value_0123456789zz"
KEY = Fernet.generate_key().decode()

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.browser]


async def linkpilot(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "linkpilot",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
        umask=0o022,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=240)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


def readable_text(path: Path) -> str:
    if path.suffix == ".db":
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return "\n".join(conn.iterdump())
        finally:
            conn.close()
    return path.read_bytes().decode("utf-8", "replace")


async def test_a_real_campaign_keeps_the_cookie_out_of_everything(home: Path) -> None:
    clock = MovedClock.to(SAFE_INSTANT)
    site = await start_site(clock=clock, seed=7, li_at=SECRET)
    site.state.request_rotation()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("LINKPILOT_")},
        **clock.env(),
        "LINKPILOT_TIMEZONE": ZONE,
        **ALWAYS_OPEN_ENV,
        "LINKPILOT_HOME": str(home),
        "LINKPILOT_LINKEDIN_URL": site.url,
        "LINKPILOT_PACING": "fast",
        "LINKPILOT_SECRET_KEY": KEY,
        "LINKPILOT_LIMITS__MESSAGES__PER_RUN": "3",
    }
    try:
        outputs = []
        for args in (
            ("session", "import", "--li-at", SECRET),
            ("session", "status", "--check"),  # the feed hands out the rotated value
            ("run", "birthday", "--json"),
            ("session", "status", "--json"),
        ):
            code, out, err = await linkpilot(env, *args)
            assert code == 0, (args, err)
            outputs += [out, err]
        summary = json.loads(outputs[4])
        assert summary["counts"]["sent"] >= 1
        rotated = site.state.current_token
        assert rotated != SECRET
    finally:
        await site.stop()
    # The rotation reached storage: the session now holds the value the site handed out.
    stored = SessionStore(load_settings(environ=env)).load()
    assert rotated in {c.value for c in stored.cookies}

    check_data_folder(home, outputs, rotated)


def check_data_folder(home: Path, outputs: list[str], rotated: str) -> None:
    browser = home / "browser"
    assert browser.is_dir()
    ours = [
        p for p in home.rglob("*") if p.is_file() and p.name != "session.enc" and browser not in p.parents
    ]
    assert {p.name for p in ours} >= {"linkpilot.db", "linkpilot.log"}
    for text in [*outputs, *(readable_text(p) for p in ours)]:
        assert SECRET not in text
        assert rotated not in text
        assert KEY not in text
    assert not (home / "crash.log").exists()
    shared = [
        str(p) for p in home.rglob("*") if not p.is_symlink() and stat.S_IMODE(p.stat().st_mode) & 0o077
    ]
    assert shared == []
