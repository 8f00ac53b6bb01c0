"""The session at rest: ``session.enc`` in the data folder, Fernet-encrypted, mode 0600."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from cryptography.fernet import Fernet, InvalidToken

from linkpilot.common.clock import utc_now
from linkpilot.common.errors import ExitCode, LinkPilotError, NotAFile, StorageError, require_file_or_nothing
from linkpilot.common.settings import Settings
from linkpilot.engine.session.cookies import LI_AT, Cookie
from linkpilot.engine.session.crypto import create_key, key_path, load_key
from linkpilot.engine.session.private_file import write_private

SESSION_FILE = "session.enc"
FORMAT_VERSION = 1

CheckResult = Literal["valid", "expired"]
State = Literal["valid", "expired", "unknown"]


class NoSession(LinkPilotError):
    """There is no usable session: none imported, or it cannot be read."""

    exit_code = ExitCode.NO_SESSION


class SessionKeyError(NoSession):
    """The session file exists but this key cannot open it."""


@dataclass(frozen=True)
class SessionStatus:
    state: State
    expires_at: datetime | None
    checked_at: datetime | None
    imported_at: datetime
    refreshed_at: datetime | None
    source: str
    cookies: int

    def to_json(self) -> dict[str, Any]:
        def iso(moment: datetime | None) -> str | None:
            return moment.isoformat() if moment is not None else None

        return {
            "status": self.state,
            "expires_at": iso(self.expires_at),
            "checked_at": iso(self.checked_at),
            "imported_at": iso(self.imported_at),
            "refreshed_at": iso(self.refreshed_at),
            "source": self.source,
            "cookies": self.cookies,
        }


@dataclass(frozen=True)
class StoredSession:
    cookies: tuple[Cookie, ...]
    source: str
    imported_at: datetime
    checked_at: datetime | None = None
    check_result: CheckResult | None = None
    refreshed_at: datetime | None = field(default=None)

    @property
    def li_at(self) -> Cookie | None:
        return next((c for c in self.cookies if c.name == LI_AT), None)

    @property
    def expires_at(self) -> datetime | None:
        cookie = self.li_at
        if cookie is None or cookie.expires is None:
            return None
        return datetime.fromtimestamp(cookie.expires, UTC)

    def status(self, now: datetime | None = None) -> SessionStatus:
        now = now or utc_now()
        expires = self.expires_at
        state: State
        if self.li_at is None or (expires is not None and expires <= now):
            state = "expired"
        elif self.check_result is not None:
            state = self.check_result
        else:
            state = "unknown"
        return SessionStatus(
            state,
            expires,
            self.checked_at,
            self.imported_at,
            self.refreshed_at,
            self.source,
            len(self.cookies),
        )

    def to_json(self) -> dict[str, Any]:
        def iso(moment: datetime | None) -> str | None:
            return moment.isoformat() if moment is not None else None

        return {
            "version": FORMAT_VERSION,
            "cookies": [c.to_json() for c in self.cookies],
            "source": self.source,
            "imported_at": self.imported_at.isoformat(),
            "checked_at": iso(self.checked_at),
            "check_result": self.check_result,
            "refreshed_at": iso(self.refreshed_at),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StoredSession:
        def moment(value: Any) -> datetime | None:
            return datetime.fromisoformat(value) if value else None

        imported = moment(data["imported_at"])
        assert imported is not None
        return cls(
            cookies=tuple(Cookie.from_json(c) for c in data["cookies"]),
            source=str(data["source"]),
            imported_at=imported,
            checked_at=moment(data.get("checked_at")),
            check_result=data.get("check_result"),
            refreshed_at=moment(data.get("refreshed_at")),
        )


class SessionStore:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.path = settings.home / SESSION_FILE

    def exists(self) -> bool:
        return self.path.exists()

    def load(self) -> StoredSession:
        try:
            token = self.path.read_bytes()
        except FileNotFoundError:
            raise NoSession("no session imported yet: run `linkpilot session import`") from None
        except IsADirectoryError:
            raise NotAFile(self.path, "session file") from None
        except OSError as exc:
            raise StorageError(f"cannot read the session file {self.path}: {exc.strerror}") from None
        key = load_key(self.settings, create=False)
        if key is None:
            raise SessionKeyError(
                "cannot decrypt the session: wrong LINKPILOT_SECRET_KEY? (none is set and secret.key is missing)"
            )
        try:
            plain = Fernet(key).decrypt(token)
        except InvalidToken:
            raise SessionKeyError("cannot decrypt the session: wrong LINKPILOT_SECRET_KEY?") from None
        try:
            return StoredSession.from_json(json.loads(plain))
        except (ValueError, KeyError, TypeError, AssertionError):
            raise NoSession(f"the session file {self.path} is damaged: import the session again") from None

    def save(self, session: StoredSession) -> None:
        """Encrypt and write atomically: a reader sees the old file or the new one, never half.

        A key this save has to make is written first (a session nobody can decrypt is worse than
        a spare key) and removed again if the session cannot be written, so a failed first import
        leaves the data folder as it found it.
        """
        require_file_or_nothing(self.path, "session file")
        key = load_key(self.settings, create=False)
        made_key = False
        try:
            if key is None:
                key, made_key = create_key(key_path(self.settings))
            write_private(self.path, Fernet(key).encrypt(json.dumps(session.to_json()).encode()))
        except BaseException as exc:
            if made_key:
                key_path(self.settings).unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise StorageError(f"cannot write the session file {self.path}: {exc.strerror}") from None
            raise

    def record_check(self, result: CheckResult, now: datetime | None = None) -> StoredSession:
        session = replace(self.load(), checked_at=now or utc_now(), check_result=result)
        self.save(session)
        return session

    def replace_cookies(self, cookies: list[Cookie], now: datetime | None = None) -> StoredSession:
        session = replace(self.load(), cookies=tuple(cookies), refreshed_at=now or utc_now())
        self.save(session)
        return session

    async def save_refreshed(self, cookies: list[Cookie]) -> None:
        """The browser's cookie sink: the site rotated li_at or JSESSIONID."""
        await asyncio.to_thread(self.replace_cookies, cookies)


def session_path(settings: Settings) -> Path:
    return settings.home / SESSION_FILE
