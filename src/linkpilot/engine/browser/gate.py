"""A tiny forward proxy that Chromium sends every request through, loopback included.

Playwright's request routing never sees the hops of a redirect chain (it continues them on
its own), so a 302 to another host, or to another port of this machine, would slip past a
route handler. Every request does go through the proxy, so the proxy is where the origin
rule is enforced for all of them; the route handler stays in front for resource blocking
and readable refusals before anything reaches the network.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from urllib.parse import urlsplit

from linkpilot.engine.browser.origin import OriginGuard

log = logging.getLogger("linkpilot.engine.browser.gate")

HEAD_LIMIT = 64 * 1024
HOP_BY_HOP = frozenset(
    {"connection", "proxy-connection", "keep-alive", "proxy-authorization", "te", "upgrade"}
)
BLOCKED_BODY = b"<!DOCTYPE html><title>Blocked</title><h1>Blocked by LinkPilot's origin guard</h1>"


class OriginGate:
    def __init__(self, guard: OriginGuard) -> None:
        self.guard = guard
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self.url = ""

    async def start(self) -> str:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        if self._server is None:
            return
        self._server.close()
        for writer in list(self._writers):
            writer.close()
        await self._server.wait_closed()
        self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            await self._handle(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError):
            log.debug("proxy connection dropped")
        finally:
            self._writers.discard(writer)
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=60)
        if len(head) > HEAD_LIMIT:
            return
        request_line, *header_lines = head.decode("latin-1").split("\r\n")
        method, _, rest = request_line.partition(" ")
        target, _, version = rest.partition(" ")
        if method.upper() == "CONNECT":
            await self._tunnel(target, reader, writer)
        else:
            await self._forward(method, target, version, header_lines, reader, writer)

    async def _tunnel(
        self, authority: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        host, _, port_text = authority.rpartition(":")
        origin = self.guard.origin
        if not port_text.isdigit() or not origin.owns_authority(host, int(port_text)):
            self.guard.refuse(f"https://{authority}/", "off-origin", "proxy")
            writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            await writer.drain()
            return
        up_reader, up_writer = await asyncio.open_connection(origin.host, origin.port)
        writer.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
        await writer.drain()
        await _splice(reader, writer, up_reader, up_writer, tunnel=True)

    async def _forward(
        self,
        method: str,
        target: str,
        version: str,
        header_lines: list[str],
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        reason = self.guard.verdict(target) if target.startswith(("http://", "https://")) else "not a URL"
        if reason is not None:
            self.guard.refuse(target, reason, "proxy")
            writer.write(
                b"HTTP/1.1 403 Forbidden\r\nContent-Type: text/html\r\nConnection: close\r\n"
                + f"Content-Length: {len(BLOCKED_BODY)}\r\n\r\n".encode()
                + BLOCKED_BODY
            )
            await writer.drain()
            return
        parts = urlsplit(target)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        # One request per upstream connection: a kept-alive client connection could carry
        # the next request to another host, which would then never be checked.
        headers = [h for h in header_lines if h and h.partition(":")[0].strip().lower() not in HOP_BY_HOP]
        head = "\r\n".join([f"{method} {path} {version}", *headers, "Connection: close", "", ""])
        origin = self.guard.origin
        up_reader, up_writer = await asyncio.open_connection(origin.host, origin.port)
        up_writer.write(head.encode("latin-1"))
        await up_writer.drain()
        await _splice(reader, writer, up_reader, up_writer, tunnel=False)


async def _pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
        while data := await src.read(65536):
            dst.write(data)
            await dst.drain()


async def _splice(
    client_reader: asyncio.StreamReader,
    client_writer: asyncio.StreamWriter,
    up_reader: asyncio.StreamReader,
    up_writer: asyncio.StreamWriter,
    *,
    tunnel: bool,
) -> None:
    """Copy both ways, then drop both ends.

    A forwarded request ends when the origin has answered (it was told to close), whatever
    the client does meanwhile; a tunnel ends as soon as either side goes away.
    """
    upload = asyncio.ensure_future(_pump(client_reader, up_writer))
    download = asyncio.ensure_future(_pump(up_reader, client_writer))
    try:
        await asyncio.wait({upload, download} if tunnel else {download}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for pump in (upload, download):
            pump.cancel()
        await asyncio.gather(upload, download, return_exceptions=True)
        up_writer.close()
