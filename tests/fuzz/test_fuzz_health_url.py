"""`linkpilot health --url` with any text: an answer about the sidecar (here nobody listens:
exit 1, "unhealthy") or one line saying the URL is unusable (exit 2), never an internal error.
Broken hosts, ports and paths used to crash it with ValueError / InvalidURL."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import assume, event, example, given
from hypothesis import strategies as st

from tests.fuzz.helpers import FUZZ, assert_no_crash, assert_refused, terminal_lines

CHARS = st.characters(codec="utf-8", exclude_characters="\x00")
URLS = st.one_of(
    st.text(CHARS, max_size=30),
    st.builds(
        lambda port, path: f"http://127.0.0.1:{port}/{path}",
        st.text(CHARS, max_size=8),
        st.text(CHARS, max_size=12),
    ),
    st.builds(lambda host: f"http://[{host}", st.text(CHARS, max_size=8)),
)


def loopback_only(url: str) -> bool:
    """Whether asking `url` cannot leave this machine (or is refused before any lookup)."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return True
    return host in (None, "", "127.0.0.1")


@FUZZ
@given(url=URLS)
@example(url="http://[x")
@example(url="http://127.0.0.1:abc")
@example(url="http://127.0.0.1:99999")
@example(url="http://127.0.0.1:1/a b")
def test_any_health_url(cli: Any, home: Path, url: str) -> None:
    assume(loopback_only(url))
    result = cli("health", f"--url={url}", "--timeout", "0.5")
    assert_no_crash(result, home)
    event(f"exit {result.code}")
    if result.code == 2:
        assert_refused(result)
        assert "--url" in result.err
    else:
        assert result.code == 1, result.err
        assert len(terminal_lines(result.err)) == 1
        assert result.err.startswith("unhealthy: ")


@pytest.mark.parametrize(
    "url", ["http://[x", "http://127.0.0.1:abc", "http://127.0.0.1:0/", "http://127.0.0.1:1/a b"]
)
def test_unusable_urls_are_bad_input(cli: Any, home: Path, url: str) -> None:
    assert_refused(cli("health", "--url", url))
