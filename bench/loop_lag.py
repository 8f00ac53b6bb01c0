"""Event-loop lag with its causes, shared by bench/console_lag.py and bench/ready_load.py.

The engine's LagMonitor says how late the loop ran a tick. On a shared box that lateness has
three causes the benches must tell apart: the loop's thread was on a core doing our work (a
callback that ran too long), it was runnable but waiting for a core (the box is busy), or it
was neither (a blocking call: a file, a lock). Linux reports the first two per thread in
/proc/thread-self/schedstat (nanoseconds on a core, nanoseconds waiting in the run queue).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from linkpilot.engine.health.lag import LagMonitor

SCHEDSTAT = Path("/proc/thread-self/schedstat")


def schedstat() -> tuple[float, float]:
    """Seconds this thread has been on a core, and waiting for one; zeros where unknown."""
    try:
        on_cpu, waiting, _ = SCHEDSTAT.read_text().split()
    except (OSError, ValueError):
        return 0.0, 0.0
    return int(on_cpu) / 1e9, int(waiting) / 1e9


class AttributedLag(LagMonitor):
    """LagMonitor that also notes, per tick, where the loop's thread spent the time since the
    tick before: on a core, or waiting for one."""

    def __init__(self, interval: float, keep: int = 1_000_000) -> None:
        # Keep every sample of a run: a p99 must be over all of them, not the last few hundred.
        super().__init__(interval=interval, keep=keep)
        self.split: list[tuple[float, float]] = []
        self._last = schedstat()

    def start(self) -> None:
        self._last = schedstat()
        super().start()

    def _tick(self) -> None:
        # Runs on the loop's thread, so thread-self is the loop's thread.
        now = schedstat()
        self.split.append((now[0] - self._last[0], now[1] - self._last[1]))
        self._last = now
        super()._tick()

    def mark(self) -> int:
        """Where the next phase's samples begin."""
        return len(self.samples)

    def since(self, mark: int) -> Lateness:
        return Lateness(list(self.samples)[mark:], self.split[mark:])


def ms(samples: Sequence[float], p: float) -> float:
    """The p-th percentile (nearest rank, as LagMonitor.percentile) in milliseconds."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


@dataclass(frozen=True)
class Lateness:
    samples: list[float]
    split: list[tuple[float, float]]

    def parts(self) -> list[tuple[float, float, float]]:
        """Each tick's lateness as (on a core, waiting for a core, elsewhere)."""
        out = []
        for lag, (on_cpu, waiting) in zip(self.samples, self.split, strict=True):
            own = min(on_cpu, lag)
            starved = min(waiting, lag - own)
            out.append((own, starved, lag - own - starved))
        return out

    def without_waiting(self) -> list[float]:
        """Each tick's lateness less the time the thread waited for a core: what the loop's own
        work (and blocking calls) would have cost on an idle machine, as an estimate."""
        return [own + other for own, _, other in self.parts()]

    def summary(self, over_s: float) -> str:
        late = [p for lag, p in zip(self.samples, self.parts(), strict=True) if lag > over_s]
        total = sum(sum(p) for p in late)
        if not late or total <= 0:
            return f"no tick later than {over_s * 1000:.0f} ms"
        own, starved, other = (sum(p[i] for p in late) / total for i in range(3))
        return (
            f"{len(late)} ticks later than {over_s * 1000:.0f} ms: of their lateness {own:.0%} on a core"
            f" (our work; at most {max(p[0] for p in late) * 1000:.0f} ms in one tick), {starved:.0%}"
            f" waiting for a core (the box), {other:.0%} elsewhere (blocking calls)"
        )
