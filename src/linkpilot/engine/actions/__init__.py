"""The action manager: what LinkPilot does on LinkedIn, each step returning a typed outcome."""

from __future__ import annotations

from linkpilot.engine.actions.base import ActionContext, Timeouts
from linkpilot.engine.actions.manager import ActionManager
from linkpilot.engine.actions.messaging import NO_HOOKS, Entry, MessageTarget, OpenDialog, SendHooks
from linkpilot.engine.actions.outcomes import (
    BirthdayCard,
    BirthdayPage,
    DialogStatus,
    EducationItem,
    ExperienceItem,
    IdentityStatus,
    InvitationsPage,
    Navigation,
    NavStatus,
    ProfileData,
    ProfileOpen,
    SearchPage,
    SearchResult,
    SendOutcome,
    SendStatus,
    SentInvitation,
    ThreadMessage,
    VisitOutcome,
    VisitStatus,
    WithdrawOutcome,
    WithdrawStatus,
)

__all__ = [
    "NO_HOOKS",
    "ActionContext",
    "ActionManager",
    "BirthdayCard",
    "BirthdayPage",
    "DialogStatus",
    "EducationItem",
    "Entry",
    "ExperienceItem",
    "IdentityStatus",
    "InvitationsPage",
    "MessageTarget",
    "NavStatus",
    "Navigation",
    "OpenDialog",
    "ProfileData",
    "ProfileOpen",
    "SearchPage",
    "SearchResult",
    "SendHooks",
    "SendOutcome",
    "SendStatus",
    "SentInvitation",
    "ThreadMessage",
    "Timeouts",
    "VisitOutcome",
    "VisitStatus",
    "WithdrawOutcome",
    "WithdrawStatus",
]
