"""The practice site's sign-in admin API, as the login tests (engine and CLI) use it."""

from __future__ import annotations

from typing import Any

import aiohttp

from linkpilot.sandbox import RunningSandbox


async def admin(site: RunningSandbox, payload: dict[str, Any] | None = None) -> dict[str, Any]:
    """GET /__admin/login, or POST ``payload`` to it (which must be accepted)."""
    async with aiohttp.ClientSession(site.url) as http:
        if payload is None:
            async with http.get("/__admin/login") as resp:
                return dict(await resp.json())
        async with http.post("/__admin/login", json=payload) as resp:
            assert resp.status == 200, await resp.text()
            return dict(await resp.json())


async def expected_pin(site: RunningSandbox) -> str:
    """The PIN the site "sent": only its admin API shows it."""
    pending = (await admin(site))["pending"]
    assert pending is not None
    return str(pending["pin"])
