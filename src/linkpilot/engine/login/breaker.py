"""After a sign-in: the breaker closes only on a session that checks as valid."""

from __future__ import annotations

from linkpilot.engine.breaker import BreakerSnapshot, BreakerState, CircuitBreaker
from linkpilot.engine.login.steps import Done


async def close_breaker_after_login(breaker: CircuitBreaker, done: Done) -> BreakerSnapshot | None:
    """Close an open breaker (hard ones included) once the new session is valid.

    Returns what the breaker held before, or None when there was nothing to close (it was
    closed already, or the session is not valid, in which case it stays as it is).
    """
    if done.status.state != "valid":
        return None
    before = await breaker.state()
    if before.state == BreakerState.CLOSED:
        return None
    await breaker.reset()
    return before
