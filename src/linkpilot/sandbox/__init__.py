"""LinkPilot's practice site: a local LinkedIn look-alike driven by real Chromium.

Stands alone on purpose (stdlib + aiohttp only) so the engine can be tested against it
without the two sharing any code that could hide a mismatch.
"""

from __future__ import annotations

from linkpilot.sandbox.config import SandboxConfig
from linkpilot.sandbox.data import (
    Experience,
    Invitation,
    Message,
    Person,
    World,
    birthday_in_year,
    build_world,
    days_since_birthday,
)
from linkpilot.sandbox.faults import Faults
from linkpilot.sandbox.server import RunningSandbox, start_sandbox
from linkpilot.sandbox.state import Record, SandboxState

__all__ = [
    "Experience",
    "Faults",
    "Invitation",
    "Message",
    "Person",
    "Record",
    "RunningSandbox",
    "SandboxConfig",
    "SandboxState",
    "World",
    "birthday_in_year",
    "build_world",
    "days_since_birthday",
    "start_sandbox",
]
