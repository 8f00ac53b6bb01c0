"""Errors that reach the operator, each with the exit code the CLI contract promises."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FAILURE = 1
    BAD_INPUT = 2
    BREAKER_OPEN = 4
    NO_SESSION = 5


class LinkPilotError(Exception):
    """An expected failure: the CLI prints its message on one line and exits with its code."""

    exit_code: ExitCode = ExitCode.FAILURE

    def __init__(self, message: str) -> None:
        # One line, always: a multi-line message would break the "one clear line" promise.
        super().__init__(" ".join(message.split()))

    @property
    def message(self) -> str:
        return str(self)


class BadInput(LinkPilotError):
    """Something the user handed us (file, flag, setting, cookie, CSV) is wrong."""

    exit_code = ExitCode.BAD_INPUT


class ConfigError(BadInput):
    """A setting is unknown or has a bad value."""


class StorageError(LinkPilotError):
    """The database cannot be opened, migrated or written."""
