"""Lines from standard input: typed-ahead lines kept, waits that do not block the loop."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from linkpilot.cli.terminal_input import Terminal


def test_a_file_gives_its_lines_then_none(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "answers"
    path.write_bytes(b"me@example.com\r\nsecret\nlast without newline")
    with path.open("rb") as handle:
        terminal = Terminal(handle.fileno())
        assert not terminal.tty
        assert terminal.ask("Email: ") == "me@example.com"
        assert terminal.secret("Password: ") == "secret"
        assert asyncio.run(terminal.readline()) == "last without newline"
        assert terminal.ask("More: ") is None
    assert capsys.readouterr().out == "Email: Password: More: "


async def test_a_pipe_is_waited_on_without_blocking_the_loop() -> None:
    read_end, write_end = os.pipe()
    try:
        terminal = Terminal(read_end)
        pending = asyncio.create_task(terminal.readline())
        await asyncio.sleep(0)  # the reader is registered, nothing to read yet
        assert not pending.done()
        os.write(write_end, b"12")
        os.write(write_end, b"34\nnext\n")
        assert await asyncio.wait_for(pending, timeout=5) == "1234"
        assert await terminal.readline() == "next"  # typed ahead, kept
        waiting = asyncio.create_task(terminal.readline())
        await asyncio.sleep(0)
        waiting.cancel()  # as when the approval comes before Enter
        with pytest.raises(asyncio.CancelledError):
            await waiting
        os.close(write_end)
        write_end = -1
        assert await asyncio.wait_for(terminal.readline(), timeout=5) is None
    finally:
        os.close(read_end)
        if write_end >= 0:
            os.close(write_end)
