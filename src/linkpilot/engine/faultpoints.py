"""Named points in an action where the crash tests kill the process, as a power cut would.

`LP_CRASH_AT=after_click:2` kills the process with SIGKILL the second time the run reaches
`after_click`. Unset (always, outside the crash tests) it costs one dictionary look-up. The
variable deliberately lacks the LINKPILOT_ prefix: it is not a setting.

The points, in the order each action reaches them:

- a birthday send: `before_typing` (the thread was read, nothing typed), `after_click` (Send
  clicked, the row is `sending`), `before_commit` (the bubble was seen, `sent` not written);
- a profile visit: `before_visit` (the unit is reserved, the profile not opened),
  `after_visit_loaded` (the profile was opened and read, nothing stored),
  `before_visit_commit` (the contact and the visit are written but not committed);
- a withdrawal: `before_withdraw_click` (the card was found, Withdraw not clicked),
  `after_withdraw_confirm` (confirm clicked, the row is `sending`), `before_withdrawal_commit`
  (the card was seen to go; `sent` is written but not committed).
"""

from __future__ import annotations

import os
import signal
from collections import Counter

CRASH_ENV = "LP_CRASH_AT"
SEND_POINTS = ("before_typing", "after_click", "before_commit")
VISIT_POINTS = ("before_visit", "after_visit_loaded", "before_visit_commit")
WITHDRAW_POINTS = ("before_withdraw_click", "after_withdraw_confirm", "before_withdrawal_commit")
POINTS = frozenset(SEND_POINTS + VISIT_POINTS + WITHDRAW_POINTS)
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
