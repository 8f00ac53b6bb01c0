"""LinkPilot's own encrypted keyring file: what is on disk, and when it is not used."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from cryptography.fernet import Fernet

from linkpilot.common.settings import load_settings
from linkpilot.engine.login.keyring import (
    SavedLogin,
    forget_login,
    keyring_path,
    load_saved_login,
    save_login,
)

SECRET = "correct-Horse-battery-7"


def test_saved_encrypted_0600_even_under_a_sharing_umask(tmp_path: Path) -> None:
    settings = load_settings({}, home=tmp_path / "home")
    old = os.umask(0o000)
    try:
        path = save_login(settings, " pilot@sandbox.test ", SECRET)
    finally:
        os.umask(old)
    assert path == keyring_path(settings) == settings.home / "login.enc"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    raw = path.read_bytes()
    assert SECRET.encode() not in raw
    assert b"pilot@sandbox.test" not in raw
    assert load_saved_login(settings) == SavedLogin("pilot@sandbox.test", SECRET)
    assert SECRET not in repr(load_saved_login(settings))
    assert [p.name for p in settings.home.iterdir() if p.name.startswith(".login-")] == []


def test_another_key_reads_nothing_and_forget_removes_the_file(tmp_path: Path) -> None:
    home = tmp_path / "home"
    save_login(load_settings({}, home=home, secret_key=Fernet.generate_key().decode()), "a@b.c", SECRET)
    other = load_settings({}, home=home, secret_key=Fernet.generate_key().decode())
    assert load_saved_login(other) is None  # not an error: the operator types the password
    assert forget_login(other)
    assert not (home / "login.enc").exists()
    assert not forget_login(other)
    assert load_saved_login(other) is None
