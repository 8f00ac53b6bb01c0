"""The one writer of the files only the owner may read (session.enc, login.enc, secret.key)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from linkpilot.engine.session.crypto import create_key
from linkpilot.engine.session.private_file import write_private


def test_written_0600_in_a_0700_folder_whatever_the_umask(tmp_path: Path) -> None:
    path = tmp_path / "new" / "session.enc"
    old = os.umask(0o000)
    try:
        write_private(path, b"first")
        write_private(path, b"second")
    finally:
        os.umask(old)
    assert path.read_bytes() == b"second"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert sorted(p.name for p in path.parent.iterdir()) == ["session.enc"]


def test_a_failed_write_leaves_nothing_behind_and_the_target_as_it_was(tmp_path: Path) -> None:
    # A folder where the file should be: the final rename fails after the bytes were written.
    target = tmp_path / "login.enc"
    target.mkdir()
    (target / "kept").write_text("untouched")
    with pytest.raises(IsADirectoryError):
        write_private(target, b"secret bytes")
    assert (target / "kept").read_text() == "untouched"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["login.enc"]


def test_an_exclusive_write_creates_once_and_never_replaces(tmp_path: Path) -> None:
    path = tmp_path / "secret.key"
    write_private(path, b"theirs\n", exclusive=True)
    with pytest.raises(FileExistsError):
        write_private(path, b"ours\n", exclusive=True)
    assert path.read_bytes() == b"theirs\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret.key"]


def test_a_key_made_elsewhere_in_the_meantime_is_kept_and_used(tmp_path: Path) -> None:
    path = tmp_path / "home" / "secret.key"
    key, made = create_key(path)
    assert made
    assert path.read_bytes() == key + b"\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again, made_again = create_key(path)
    assert (again, made_again) == (key, False)
    assert sorted(p.name for p in path.parent.iterdir()) == ["secret.key"]
