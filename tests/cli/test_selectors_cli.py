"""`linkpilot selectors check` against a practice site served by another process."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from collections.abc import Iterator

import pytest


@pytest.fixture
def site_url(request: pytest.FixtureRequest) -> Iterator[str]:
    markup = getattr(request, "param", "classic")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "linkpilot.sandbox",
            "--port",
            "0",
            # No --today: `linkpilot selectors check` runs on the real clock, so the site does too.
            "--markup",
            markup,
            *(["--mutation-seed", "11"] if markup == "mutated" else []),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        yield proc.stdout.readline().strip()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def admin(url: str, path: str, payload: dict[str, object]) -> None:
    request = urllib.request.Request(
        f"{url}{path}", data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


@pytest.mark.parametrize("site_url", ["classic", "hashed", "mutated"], indirect=True)
def test_check_reports_every_key_and_exits_0(cli, site_url: str, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("LINKPILOT_LINKEDIN_URL", site_url)
    assert cli("session", "import", "--li-at", "sandbox-li-at").code == 0
    result = cli("selectors", "check")
    assert result.code == 0, result.out + result.err
    lines = result.out.splitlines()
    assert lines[-1].endswith("all required keys resolve, every listed item reads")
    assert any(line.startswith("page birthday: ") and line.endswith("all read") for line in lines)
    assert any(line.startswith("profile.top_card ") for line in lines)
    data = json.loads(cli("selectors", "check", "--json").out)
    assert data["ok"] is True
    assert data["missing_required"] == []
    statuses = {k["key"]: k["status"] for k in data["keys"]}
    with urllib.request.urlopen(f"{site_url}/__admin/config", timeout=10) as response:
        markup = json.loads(response.read())["markup"]
    assert data["pages"]["birthday"]["unread"] == 0
    assert data["pages"]["invitations"]["items"] > 0
    if markup in ("hashed", "mutated"):
        # Hashed markup: the first check learned the top card, the second found it learned.
        assert statuses["profile.top_card"] == "learned"
    else:
        assert statuses["profile.top_card"] == "candidate"


def test_check_exits_1_when_pages_fail(cli, site_url: str, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("LINKPILOT_LINKEDIN_URL", site_url)
    assert cli("session", "import", "--li-at", "sandbox-li-at").code == 0
    admin(site_url, "/__admin/faults", {"http_500": 1000})
    failed = cli("selectors", "check")
    assert failed.code == 1
    assert "page feed: HTTP 500 for /feed/" in failed.out
    assert "birthday.card " in failed.out
    assert "MISSING" in failed.out
    assert failed.out.splitlines()[-1].endswith("required keys missing")


def test_check_without_a_session_exits_5(cli, site_url: str, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("LINKPILOT_LINKEDIN_URL", site_url)
    result = cli("selectors", "check")
    assert result.code == 5
    assert result.err.count("\n") == 1
    assert "session" in result.err
