"""The LinkedIn session: importing it, keeping it encrypted, checking it, saving refreshes."""

from __future__ import annotations

from linkpilot.engine.session.cookies import LI_AT, Cookie
from linkpilot.engine.session.store import (
    NoSession,
    SessionKeyError,
    SessionStatus,
    SessionStore,
    StoredSession,
)

__all__ = [
    "LI_AT",
    "Cookie",
    "NoSession",
    "SessionKeyError",
    "SessionStatus",
    "SessionStore",
    "StoredSession",
]
