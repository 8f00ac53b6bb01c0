"""The origin guard's policy, without a browser."""

from __future__ import annotations

from pathlib import Path

import pytest

from linkpilot.engine.browser import BrowserSession
from linkpilot.engine.browser.origin import Origin, OriginGuard, redact
from tests.engine.conftest import engine_settings


def test_origin_parsing_and_ownership() -> None:
    origin = Origin.parse("https://www.linkedin.com")
    assert origin.url == "https://www.linkedin.com"
    assert origin.owns("https://www.linkedin.com/feed/")
    assert origin.owns("wss://www.linkedin.com/realtime")
    assert origin.owns("https://WWW.LinkedIn.com:443/in/x/")
    assert not origin.owns("http://www.linkedin.com/feed/")
    assert not origin.owns("https://www.linkedin.com.evil.test/")
    assert not origin.owns("https://evil.test/?https://www.linkedin.com")
    assert not origin.owns("https://www.linkedin.com:8443/")
    assert not origin.owns("https://[::1/")
    local = Origin.parse("http://127.0.0.1:8080")
    assert local.url == "http://127.0.0.1:8080"
    assert local.owns_authority("127.0.0.1", 8080)
    assert not local.owns_authority("127.0.0.1", 8081)
    with pytest.raises(ValueError, match="not an http"):
        Origin.parse("ftp://x")


def test_guard_verdicts_and_redacted_log(caplog: pytest.LogCaptureFixture) -> None:
    guard = OriginGuard("http://127.0.0.1:8080")
    assert guard.verdict("http://127.0.0.1:8080/feed/") is None
    assert guard.verdict("about:blank") is None
    assert guard.verdict("data:text/html,x") is None
    assert guard.verdict("http://127.0.0.1:8080/__admin/faults") == "admin API"
    assert guard.verdict("http://127.0.0.1:9090/") == "off-origin"
    guard.refuse("http://user:pw@evil.test/path?token=SECRET#frag", "off-origin", "route")
    assert guard.blocked == 1
    assert guard.refusals[0].url == "http://evil.test/path"
    assert "SECRET" not in caplog.text
    assert "pw" not in caplog.text
    assert redact("data:text/html,secret") == "data:…"


def test_the_profile_lives_in_the_data_folder(tmp_path: Path) -> None:
    session = BrowserSession(engine_settings(tmp_path / "home", "http://127.0.0.1:9"))
    assert session.user_data_dir == tmp_path / "home" / "browser"


def test_what_only_the_proxy_refuses_is_logged_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    guard = OriginGuard("http://127.0.0.1:8080")
    caplog.set_level("DEBUG", logger="linkpilot.engine.browser")
    # Chromium's own background call: routine, for -v only.
    guard.refuse("https://update.googleapis.com:443/", "off-origin", "proxy")
    # A request a page made, refused by the route handler: the operator should hear of it.
    guard.refuse("https://evil.test/pixel.gif", "off-origin", "route")
    levels = {record.getMessage().rsplit(" ", 1)[-1]: record.levelname for record in caplog.records}
    assert levels == {"https://update.googleapis.com:443/": "DEBUG", "https://evil.test/pixel.gif": "WARNING"}
