"""`linkpilot notify test`, and notification URLs in `config show` / `config check`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.notify.receivers import JsonReceiver, SmtpReceiver, closed_port_url

TOKEN = "owner-token-1234"


def set_urls(monkeypatch: pytest.MonkeyPatch, *urls: str) -> None:
    monkeypatch.setenv("LINKPILOT_NOTIFY__URLS", json.dumps(list(urls)))


def test_notify_test_reaches_every_channel(
    cli: Any, monkeypatch: pytest.MonkeyPatch, hook: JsonReceiver, mailbox: SmtpReceiver, home: Path
) -> None:
    set_urls(monkeypatch, hook.url(f"hooks/{TOKEN}"), mailbox.url())
    result = cli("notify", "test")
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        f"ok      #1 json://127.0.0.1:{hook.port}/…",
        f"ok      #2 mailto://127.0.0.1:{mailbox.port}/…",
        "2 of 2 channels took the test message",
    ]
    assert result.err == ""
    [sent] = hook.wait_for(1)
    [mailed] = mailbox.wait_for(1)
    assert sent.title == mailed.title == "LinkPilot: test message"
    assert "linkpilot notify test" in sent.body
    assert TOKEN not in (home / "linkpilot.log").read_text()


def test_notify_test_names_the_channel_that_failed(
    cli: Any, monkeypatch: pytest.MonkeyPatch, hook: JsonReceiver
) -> None:
    dead = closed_port_url()
    set_urls(monkeypatch, hook.url(), dead)
    result = cli("notify", "test")
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0] == f"ok      #1 json://127.0.0.1:{hook.port}/…"
    assert lines[1].startswith(f"FAILED  #2 json://127.0.0.1:{dead.split(':')[2].split('/')[0]}/…: ")
    assert "Connection error" in lines[1]
    assert lines[2] == "1 of 2 channels took the test message"
    # A test is tried once: nothing is left queued to come back later.
    again = cli("notify", "test")
    assert again.code == 1
    assert hook.wait_for(2)[1].title == "LinkPilot: test message"


def test_notify_test_without_a_channel_or_with_a_bad_url_is_bad_input(
    cli: Any, monkeypatch: pytest.MonkeyPatch, home: Path
) -> None:
    none = cli("notify", "test")
    assert none.code == 2
    assert (
        none.err == "linkpilot: error: notify.urls: no notification channel is set (docs/notifications.md)\n"
    )
    set_urls(monkeypatch, f"nosuchservice://{TOKEN}@example.test/x")
    bad = cli("notify", "test")
    assert bad.code == 2
    assert bad.err.count("\n") == 1
    assert bad.err.startswith(
        "linkpilot: error: notify.urls: URL #1 (nosuchservice://…) is not one Apprise can use"
    )
    assert TOKEN not in bad.err + bad.out
    assert not home.exists()  # refused before anything was written
    set_urls(monkeypatch, "not a url")
    shape = cli("notify", "test")
    assert shape.code == 2
    assert shape.err == (
        "linkpilot: error: notify.urls.0: a notification URL must look like SCHEME://..., "
        "e.g. ntfy://ntfy.sh/TOPIC (from environment variable LINKPILOT_NOTIFY__URLS)\n"
    )


def test_config_show_masks_and_config_check_parses_the_urls(
    cli: Any, monkeypatch: pytest.MonkeyPatch, hook: JsonReceiver
) -> None:
    set_urls(monkeypatch, hook.url(f"hooks/{TOKEN}"), f"ntfy://user:{TOKEN}@ntfy.example.test/topic-{TOKEN}")
    shown = cli("config", "show")
    assert shown.code == 0
    assert 'urls = ["json://********", "ntfy://********"]' in shown.out
    checked = cli("config", "check", "--settings-only")
    assert checked.code == 0
    full = cli("config", "check")
    assert full.code == 0, full.err
    assert (
        f"ok      notifications: 2 channels parse: #1 json://127.0.0.1:{hook.port}/…, "
        "#2 ntfy://user:****@ntfy.example.test/…"
    ) in full.out.splitlines()
    for result in (shown, checked, full):
        assert TOKEN not in result.out + result.err
    set_urls(monkeypatch, hook.url(), f"nosuchservice://{TOKEN}@x/y")
    failed = cli("config", "check")
    assert failed.code == 2
    assert "FAILED  notifications: notify.urls: URL #2 (nosuchservice://…)" in failed.out
    assert failed.err.startswith("linkpilot: error: config check failed: notifications: notify.urls: URL #2")
    assert TOKEN not in failed.out + failed.err
