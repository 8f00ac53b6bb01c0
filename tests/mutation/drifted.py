"""A LinkedIn look-alike that drifted past what the engine can read, with secrets on the page.

Its birthday cards have lost their status lines (no text says when the birthday is), and the
page carries everything a diagnostic copy must not keep: the session cookie echoed into a
script and an attribute, a CSRF token in a meta tag, a hidden field and a link's query, and
an open conversation with a message and a draft. Its buttons do nothing; any POST is counted
(there must be none). Its answers carry the test's time in `Date`, as every site a test starts
does (the engine's clock guard reads it).
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime

from aiohttp import web

TOKEN = "ajax:5150-csrf-token-998877"
MESSAGE = "Private words about the Lisbon offer"
DRAFT = "Draft reply still being typed"
PEOPLE = [("ana-lima-1", "Ana Lima"), ("bruno-costa-2", "Bruno Costa"), ("carla-reis-3", "Carla Reis")]


def shell(body: str, cookie: str) -> str:
    safe = html.escape(cookie)
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LinkedIn</title>
<meta name="csrf-token" content="{TOKEN}">
<script>window.session = {{"li_at": "{safe}", "csrf": "{TOKEN}"}};</script></head>
<body data-session="{safe}"><header><nav aria-label="Primary">
<a href="/feed/?trk=nav&amp;csrfToken={TOKEN}">Home</a><button type="button">Me</button></nav></header>
{body}
<form method="post" action="/voyager/api/track"><input type="hidden" name="csrfToken" value="{TOKEN}"></form>
<aside><div role="dialog" aria-label="Ana Lima"><h2><a href="/in/ana-lima-1/">Ana Lima</a></h2>
<ul><li><span>Ana Lima</span><time datetime="2026-11-20T09:00:00Z">09:00</time><p>{MESSAGE}</p></li></ul>
<div role="textbox" contenteditable="true">{DRAFT}</div><button type="button">Send</button></div></aside>
<p class="debug">session {safe}</p></body></html>"""


@dataclass
class Drifted:
    url: str = ""
    posts: list[str] = field(default_factory=list)
    runner: web.AppRunner | None = field(default=None, repr=False)

    async def feed(self, request: web.Request) -> web.Response:
        return page(shell("<main><p>Welcome back</p></main>", request.cookies.get("li_at", "")))

    async def birthdays(self, request: web.Request) -> web.Response:
        cards = "".join(
            f"""<li><a href="/in/{slug}/"><span>{html.escape(name)}</span></a><p>Product lead</p>
<button type="button" aria-label="Message {html.escape(name)}">Message</button></li>"""
            for slug, name in PEOPLE
        )
        body = f"<main><h1>Birthdays</h1><ul>{cards}</ul></main>"
        return page(shell(body, request.cookies.get("li_at", "")))

    async def post(self, request: web.Request) -> web.Response:
        self.posts.append(request.path)
        return web.json_response({})

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


def page(text: str) -> web.Response:
    return web.Response(text=text, content_type="text/html", charset="utf-8")


async def start_drifted(port: int, clock: Callable[[], datetime]) -> Drifted:
    site = Drifted()

    @web.middleware
    async def dated(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        response = await handler(request)
        response.headers["Date"] = format_datetime(clock().astimezone(UTC), usegmt=True)
        return response

    app = web.Application(middlewares=[dated])
    app.router.add_get("/feed/", site.feed)
    app.router.add_get("/mynetwork/catch-up/birthday/", site.birthdays)
    app.router.add_post("/{tail:.*}", site.post)
    site.runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await site.runner.setup()
    await web.TCPSite(site.runner, "127.0.0.1", port).start()
    site.url = f"http://127.0.0.1:{port}"
    return site
