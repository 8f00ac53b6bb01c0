"""The session at rest: encrypted, private, written whole, and refused with the wrong key."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet, InvalidToken

from linkpilot.common.errors import ConfigError, ExitCode, StorageError
from linkpilot.common.settings import Settings, load_settings
from linkpilot.engine.session import NoSession, SessionKeyError, SessionStore, StoredSession
from linkpilot.engine.session.cookies import Cookie
from linkpilot.engine.session.crypto import key_path, load_key
from linkpilot.engine.session.formats import li_at_cookie
from tests.engine.session.samples import FUTURE, SECRET

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def settings(home: Path, key: str | None = None) -> Settings:
    return load_settings({}, home=home, **({"secret_key": key} if key else {}))


def sample(**change: object) -> StoredSession:
    cookie = li_at_cookie(SECRET)
    values: dict[str, object] = {"cookies": (cookie,), "source": "li_at", "imported_at": NOW}
    values.update(change)
    return StoredSession(**values)  # type: ignore[arg-type]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_saved_encrypted_and_private(tmp_path: Path) -> None:
    store = SessionStore(settings(tmp_path / "home"))
    store.save(sample())
    raw = store.path.read_bytes()
    assert SECRET.encode() not in raw
    assert b"li_at" not in raw
    assert mode(store.path) == 0o600
    generated = key_path(store.settings)
    assert mode(generated) == 0o600
    assert mode(store.path.parent) == 0o700
    # Without the key the file is noise; with it, the session comes back whole.
    with pytest.raises(InvalidToken):
        Fernet(Fernet.generate_key()).decrypt(raw)
    assert json.loads(Fernet(generated.read_bytes().strip()).decrypt(raw))["cookies"][0]["value"] == SECRET
    assert store.load() == sample()
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["secret.key", "session.enc"]


def test_the_generated_key_is_made_once(tmp_path: Path) -> None:
    config = settings(tmp_path / "home")
    assert load_key(config, create=False) is None
    first = load_key(config, create=True)
    assert load_key(config, create=True) == first
    assert load_key(config, create=False) == first


def test_a_key_from_the_environment_is_used_and_nothing_is_written(tmp_path: Path) -> None:
    key = Fernet.generate_key().decode()
    store = SessionStore(settings(tmp_path / "home", key))
    store.save(sample())
    assert not key_path(store.settings).exists()
    assert Fernet(key.encode()).decrypt(store.path.read_bytes())


def test_a_wrong_key_is_a_clear_error(tmp_path: Path) -> None:
    home = tmp_path / "home"
    SessionStore(settings(home, Fernet.generate_key().decode())).save(sample())
    with pytest.raises(SessionKeyError) as caught:
        SessionStore(settings(home, Fernet.generate_key().decode())).load()
    assert str(caught.value) == "cannot decrypt the session: wrong LINKPILOT_SECRET_KEY?"
    assert caught.value.exit_code == ExitCode.NO_SESSION
    # No key at all (none set, no secret.key): the same advice, not a logged-out browser.
    with pytest.raises(SessionKeyError, match="wrong LINKPILOT_SECRET_KEY"):
        SessionStore(settings(home)).load()


def test_a_lost_key_file_is_a_clear_error(tmp_path: Path) -> None:
    store = SessionStore(settings(tmp_path / "home"))
    store.save(sample())
    key_path(store.settings).unlink()
    with pytest.raises(SessionKeyError, match=r"secret\.key is missing"):
        store.load()


def test_a_malformed_key_is_refused_without_showing_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="secret_key: not a Fernet key") as caught:
        SessionStore(settings(tmp_path / "home", "my-passphrase-123")).save(sample())
    assert "my-passphrase-123" not in str(caught.value)
    config = settings(tmp_path / "other")
    config.home.mkdir()
    key_path(config).write_text("garbage")
    with pytest.raises(ConfigError, match="not a Fernet key"):
        load_key(config, create=True)


def test_missing_and_damaged_sessions(tmp_path: Path) -> None:
    store = SessionStore(settings(tmp_path / "home"))
    with pytest.raises(NoSession, match="no session imported yet") as caught:
        store.load()
    assert caught.value.exit_code == ExitCode.NO_SESSION
    store.save(sample())
    key = load_key(store.settings, create=False)
    assert key is not None
    store.path.write_bytes(Fernet(key).encrypt(b"{not json"))
    with pytest.raises(NoSession, match="damaged"):
        store.load()


def test_a_failed_write_leaves_the_old_session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = SessionStore(settings(tmp_path / "home"))
    store.save(sample())
    before = store.path.read_bytes()

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(StorageError, match=r"cannot write the session file .*: No space left on device"):
        store.save(sample(source="cookies"))
    monkeypatch.undo()
    assert store.path.read_bytes() == before
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["secret.key", "session.enc"]


def test_a_failed_first_save_takes_back_the_key_it_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SessionStore(settings(tmp_path / "home"))

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(StorageError):
        store.save(sample())
    monkeypatch.undo()
    # A key without the session it was made for would only confuse the next import.
    assert list(store.path.parent.iterdir()) == []


def test_status_meanings(tmp_path: Path) -> None:
    unknown = sample().status(NOW)
    assert unknown.state == "unknown"
    assert unknown.expires_at is None
    timed = Cookie("li_at", SECRET, ".www.linkedin.com", expires=float(FUTURE))
    assert sample(cookies=(timed,)).status(NOW).expires_at == datetime.fromtimestamp(FUTURE, UTC)
    assert sample(check_result="valid", checked_at=NOW).status(NOW).state == "valid"
    assert sample(check_result="expired", checked_at=NOW).status(NOW).state == "expired"
    # An expiry date in the past wins over an old "valid".
    later = datetime.fromtimestamp(FUTURE, UTC) + timedelta(days=1)
    assert sample(cookies=(timed,), check_result="valid").status(later).state == "expired"
    assert sample(cookies=()).status(NOW).state == "expired"
    as_json = sample(check_result="valid", checked_at=NOW).status(NOW).to_json()
    assert as_json["status"] == "valid"
    assert as_json["checked_at"] == NOW.isoformat()
    assert SECRET not in json.dumps(as_json)


def test_checks_and_refreshes_are_recorded(tmp_path: Path) -> None:
    store = SessionStore(settings(tmp_path / "home"))
    store.save(sample())
    assert store.record_check("valid", NOW).status(NOW).state == "valid"
    fresh = Cookie("li_at", "AQEDAfreshValue-123", "127.0.0.1")
    refreshed = store.replace_cookies([fresh], NOW)
    assert store.load() == refreshed
    assert refreshed.li_at == fresh
    assert refreshed.refreshed_at == NOW
    assert refreshed.checked_at == NOW
