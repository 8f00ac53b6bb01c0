"""The forward proxy on its own: what it forwards, what it refuses, and how."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
import pytest_asyncio
from aiohttp import web

from linkpilot.engine.browser.gate import OriginGate
from linkpilot.engine.browser.origin import OriginGuard

pytestmark = pytest.mark.asyncio(loop_scope="session")


@dataclass
class Upstream:
    origin: str
    port: int
    seen: list[dict[str, str]] = field(default_factory=list)


@pytest_asyncio.fixture(loop_scope="session")
async def upstream() -> AsyncIterator[Upstream]:
    seen: list[dict[str, str]] = []

    async def echo(request: web.Request) -> web.Response:
        body = await request.text()
        seen.append({"method": request.method, "path": request.path_qs, "body": body, **request.headers})
        return web.Response(text=f"{request.method} {request.path_qs} {body}")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", echo)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    yield Upstream(f"http://127.0.0.1:{port}", port, seen)
    await runner.cleanup()


@pytest_asyncio.fixture(loop_scope="session")
async def gate(upstream: Upstream) -> AsyncIterator[OriginGate]:
    proxy = OriginGate(OriginGuard(upstream.origin))
    await proxy.start()
    yield proxy
    await proxy.stop()


async def exchange(gate: OriginGate, raw: bytes, *, half_close: bool = True) -> bytes:
    host, _, port = gate.url.removeprefix("http://").partition(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(raw)
    await writer.drain()
    if half_close:
        # A client that half-closes after its request still gets the whole answer.
        writer.write_eof()
    answer = await asyncio.wait_for(reader.read(), timeout=10)
    writer.close()
    return answer


async def test_forwards_requests_for_the_origin(gate: OriginGate, upstream: Upstream) -> None:
    answer = await exchange(
        gate,
        f"POST {upstream.origin}/login?next=%2Ffeed%2F HTTP/1.1\r\nHost: 127.0.0.1:{upstream.port}\r\n"
        "Proxy-Connection: keep-alive\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello".encode(),
    )
    assert answer.startswith(b"HTTP/1.1 200")
    assert answer.endswith(b"POST /login?next=%2Ffeed%2F hello")
    request = upstream.seen[-1]
    assert request["Connection"] == "close"
    assert "Proxy-Connection" not in request
    assert gate.guard.blocked == 0


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("http://127.0.0.1:1/elsewhere", "off-origin"),
        ("http://example.test/", "off-origin"),
        ("{origin}/__admin/record", "admin API"),
        ("/relative-only", "not a URL"),
    ],
)
async def test_refuses_everything_else(
    gate: OriginGate, upstream: Upstream, target: str, reason: str
) -> None:
    answer = await exchange(gate, f"GET {target.format(origin=upstream.origin)} HTTP/1.1\r\n\r\n".encode())
    assert answer.startswith(b"HTTP/1.1 403 Forbidden")
    assert b"Blocked by LinkPilot" in answer
    assert upstream.seen == []
    assert gate.guard.counts[reason] == 1
    assert gate.guard.refusals[-1].layer == "proxy"


async def test_tunnels_only_to_the_origin(gate: OriginGate, upstream: Upstream) -> None:
    refused = await exchange(gate, b"CONNECT 127.0.0.1:1 HTTP/1.1\r\n\r\n")
    assert refused.startswith(b"HTTP/1.1 403")
    refused = await exchange(gate, b"CONNECT nonsense HTTP/1.1\r\n\r\n")
    assert refused.startswith(b"HTTP/1.1 403")
    assert gate.guard.counts["off-origin"] == 2

    answer = await exchange(
        gate,
        f"CONNECT 127.0.0.1:{upstream.port} HTTP/1.1\r\n\r\n"
        f"GET /through HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode(),
        half_close=False,
    )
    assert answer.startswith(b"HTTP/1.1 200 Connection Established\r\n\r\nHTTP/1.1 200")
    assert answer.endswith(b"GET /through ")
    assert upstream.seen[-1]["path"] == "/through"


async def test_a_client_that_says_nothing_is_dropped(gate: OriginGate) -> None:
    assert await exchange(gate, b"GET http://x/ HTTP/1.1\r\n") == b""


async def test_stop_is_idempotent(upstream: Upstream) -> None:
    proxy = OriginGate(OriginGuard(upstream.origin))
    await proxy.stop()
    await proxy.start()
    await proxy.stop()
    await proxy.stop()
