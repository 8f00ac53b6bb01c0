"""Real headless Chromium, driven by the engine's own browser, against the real practice site.

* ``sandbox``: a fresh practice site for every test, always on the same loopback port, so
  one engine browser can serve the whole session. Choose its world with indirect
  parametrisation, e.g. ``@pytest.mark.parametrize("sandbox", GENERATIONS, indirect=True)``
  or ``[{"language": "fr", "markup": "hashed", "clock": FrozenClock(...)}]``. Its clock
  (``sandbox.state.config.clock``, frozen at 2026-11-26 10:00 in Paris unless chosen) is the
  one a test's engine ``Runtime`` must get too.
* ``browser``: the session's ``BrowserSession`` pointed at that site and logged in with
  its ``li_at``; cookies, pages and guard counters are reset for every test.

Both live on the session event loop: modules that use them start with
``pytestmark = pytest.mark.asyncio(loop_scope="session")``.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from linkpilot.common.clock import FrozenClock
from linkpilot.common.settings import Settings, load_settings
from linkpilot.engine.browser import BrowserSession
from linkpilot.engine.session.cookies import Cookie
from linkpilot.sandbox import RunningSandbox
from tests.practice_site import SAFE_INSTANT, SAFE_TODAY, start_site

TODAY = SAFE_TODAY
SANDBOX_LI_AT = "sandbox-li-at"
GENERATIONS = [
    pytest.param({"language": "en", "markup": "classic"}, id="en-classic"),
    pytest.param({"language": "en", "markup": "hashed"}, id="en-hashed"),
    pytest.param({"language": "fr", "markup": "classic"}, id="fr-classic"),
    pytest.param({"language": "fr", "markup": "hashed"}, id="fr-hashed"),
]


def sandbox_cookie(value: str = SANDBOX_LI_AT) -> Cookie:
    """The li_at a user would import from LinkedIn (domain .www.linkedin.com, rewritten by the engine)."""
    return Cookie(
        "li_at", value, ".www.linkedin.com", "/", None, http_only=True, secure=True, same_site="None"
    )


def engine_settings(home: Path, origin: str, **overrides: Any) -> Settings:
    return load_settings({}, home=home, linkedin_url=origin, pacing="fast", **overrides)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def sandbox_port() -> int:
    return _free_port()


@pytest.fixture(scope="session")
def sandbox_origin(sandbox_port: int) -> str:
    return f"http://127.0.0.1:{sandbox_port}"


@pytest_asyncio.fixture(loop_scope="session")
async def sandbox(request: pytest.FixtureRequest, sandbox_port: int) -> AsyncIterator[RunningSandbox]:
    """A fresh practice site (seed 7, frozen at 2026-11-26 10:00 in Paris unless parametrised)."""
    options: dict[str, Any] = {"seed": 7, "clock": FrozenClock(SAFE_INSTANT)}
    options.update(getattr(request, "param", None) or {})
    running = await start_site(port=sandbox_port, **options)
    try:
        yield running
    finally:
        await running.stop()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def _session_browser(
    tmp_path_factory: pytest.TempPathFactory, sandbox_origin: str
) -> AsyncIterator[list[BrowserSession]]:
    holder: list[BrowserSession] = []
    home = tmp_path_factory.mktemp("engine-home")
    holder.append(BrowserSession(engine_settings(home, sandbox_origin), cookies=[sandbox_cookie()]))
    await holder[0].start()
    yield holder
    await holder[0].close()


@pytest_asyncio.fixture(loop_scope="session")
async def browser(sandbox: RunningSandbox, _session_browser: list[BrowserSession]) -> BrowserSession:
    """The engine's browser on the sandbox, logged in, with one blank page and clean counters."""
    current = _session_browser[0]
    if current.crashed or current.restarts:
        # A test broke it on purpose: the rest of the session gets a fresh one.
        await current.close()
        current = BrowserSession(current.settings, cookies=[sandbox_cookie()])
        await current.start()
        _session_browser[0] = current
    await current.use_cookies([sandbox_cookie(sandbox.state.current_token)])
    main = await current.page()
    for page in current.context.pages:
        if page is not main:
            await page.close()
    await main.goto("about:blank")
    current.guard.refusals.clear()
    current.guard.counts.clear()
    current.resources_blocked = 0
    current.off_origin_navigations = 0
    return current
