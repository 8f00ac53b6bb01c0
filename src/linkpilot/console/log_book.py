"""The console's memory of the campaign log: the newest lines, and how many ever came.

The full log is on disk (`home/linkpilot.log`); this keeps only what the log screen can show.
The screen remembers how many lines it has taken (`total` when it last looked) and asks for
the ones after: fewer than that if the book dropped some meanwhile.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from linkpilot.engine.events import LogLine


class LogBook:
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._lines: deque[LogLine] = deque(maxlen=capacity)
        self.total = 0  # lines ever added

    def add(self, line: LogLine) -> None:
        self._lines.append(line)
        self.total += 1

    def __iter__(self) -> Iterator[LogLine]:
        return iter(self._lines)

    def __len__(self) -> int:
        return len(self._lines)

    def since(self, seen: int) -> list[LogLine]:
        """The lines added after the first `seen`, as far as the book still holds them."""
        new = min(self.total - seen, len(self._lines))
        return list(self._lines)[len(self._lines) - new :] if new > 0 else []
