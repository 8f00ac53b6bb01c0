"""Lines from standard input, readable while other work goes on (an approval being polled).

Reads the file descriptor itself with its own buffer, never through ``sys.stdin``: a buffered
reader would swallow lines a script typed ahead, and ``asyncio`` could then wait forever on a
descriptor that has nothing left. Works the same on a terminal, a pipe and a file.
"""

from __future__ import annotations

import asyncio
import os
import sys

import click


class Terminal:
    def __init__(self, fd: int | None = None) -> None:
        self.fd = sys.stdin.fileno() if fd is None else fd
        self.tty = os.isatty(self.fd)
        self._buffer = b""
        self._eof = False

    def ask(self, prompt: str) -> str | None:
        """Show ``prompt`` and wait for one line; None when the input has ended."""
        click.echo(prompt, nl=False)
        while True:
            line = self._take()
            if line is not None or self._eof:
                return line
            self._fill()

    def secret(self, prompt: str) -> str | None:
        """A line that is never echoed: hidden on a terminal, and a pipe does not echo anyway."""
        if self.tty:
            value: str = click.prompt(prompt.rstrip(": "), hide_input=True, prompt_suffix=": ")
            return value
        return self.ask(prompt)

    async def ask_async(self, prompt: str) -> str | None:
        click.echo(prompt, nl=False)
        return await self.readline()

    async def readline(self) -> str | None:
        """The next line, waiting without blocking the event loop; None at the end of input."""
        while True:
            line = self._take()
            if line is not None or self._eof:
                return line
            await self._readable()
            self._fill()

    def _take(self) -> str | None:
        if b"\n" in self._buffer:
            line, _, self._buffer = self._buffer.partition(b"\n")
        elif self._eof and self._buffer:
            line, self._buffer = self._buffer, b""
        else:
            return None
        return line.decode("utf-8", errors="replace").rstrip("\r")

    def _fill(self) -> None:
        chunk = os.read(self.fd, 4096)
        if chunk:
            self._buffer += chunk
        else:
            self._eof = True

    async def _readable(self) -> None:
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[None] = loop.create_future()

        def wake() -> None:
            if not ready.done():
                ready.set_result(None)

        try:
            loop.add_reader(self.fd, wake)
        except (PermissionError, NotImplementedError):
            return  # a regular file: reading it never blocks
        try:
            await ready
        finally:
            loop.remove_reader(self.fd)
