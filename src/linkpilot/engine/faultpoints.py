"""Named points in a send where the crash tests kill the process, as a power cut would.

`LP_CRASH_AT=after_click:2` kills the process with SIGKILL the second time the run reaches
`after_click`. Unset (always, outside the crash tests) it costs one dictionary look-up. The
variable deliberately lacks the LINKPILOT_ prefix: it is not a setting.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

CRASH_ENV = "LP_CRASH_AT"
POINTS = frozenset({"before_typing", "after_click", "before_commit"})
_reached: Counter[str] = Counter()


def reach(point: str) -> None:
    assert point in POINTS, point
    spec = os.environ.get(CRASH_ENV)
    if not spec:
        return
    name, _, nth = spec.partition(":")
    if name != point:
        return
    _reached[point] += 1
    if _reached[point] >= int(nth or "1"):
        os.kill(os.getpid(), signal.SIGKILL)
