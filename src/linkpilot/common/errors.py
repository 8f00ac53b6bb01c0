"""Errors that reach the operator, each with the exit code the CLI contract promises."""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path


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


class NotAFile(BadInput):
    """A path LinkPilot keeps a file at (the session, the database) is a directory.

    Bad input rather than a storage failure: the data folder was arranged by hand, and only its
    owner can say what the directory is; LinkPilot never removes it.
    """

    def __init__(self, path: Path, what: str) -> None:
        super().__init__(f"{what} {path} is a directory, not a file: move it out of the way and try again")


def require_file_or_nothing(path: Path, what: str) -> None:
    """Raise NotAFile when `path` is a directory; a missing path is fine (it will be created)."""
    if path.is_dir():
        raise NotAFile(path, what)
