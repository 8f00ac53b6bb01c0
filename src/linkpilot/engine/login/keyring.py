"""LinkPilot's own encrypted keyring file: the sign-in password, kept only when asked to.

A headless Raspberry Pi has no desktop keyring (no Secret Service, no keychain), so the
password the operator chose to keep (``linkpilot login --save-password``) is encrypted with
the same key as the session (``secret.key`` or LINKPILOT_SECRET_KEY) into ``login.enc`` in
the data folder, mode 0600. Like the session file, it protects a copied file or a backup
without the key, not an attacker who can read the whole data folder.

Nothing here logs, prints or puts the password into an error message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from linkpilot.common.errors import StorageError
from linkpilot.common.settings import Settings
from linkpilot.engine.session.crypto import load_key
from linkpilot.engine.session.private_file import write_private

KEYRING_FILE = "login.enc"


@dataclass(frozen=True)
class SavedLogin:
    email: str
    password: str

    def __repr__(self) -> str:
        # A stray debug print or a traceback's locals must not show it.
        return f"SavedLogin(email={self.email!r}, password='***')"


def keyring_path(settings: Settings) -> Path:
    return settings.home / KEYRING_FILE


def load_saved_login(settings: Settings) -> SavedLogin | None:
    """The saved email and password, or None when there is none (or it cannot be read).

    A keyring entry that cannot be decrypted (the key changed) is treated as absent: the
    operator types the password, and saving again replaces the stale file.
    """
    path = keyring_path(settings)
    try:
        token = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StorageError(f"cannot read the keyring file {path}: {exc.strerror}") from None
    key = load_key(settings, create=False)
    if key is None:
        return None
    try:
        data = json.loads(Fernet(key).decrypt(token))
        email, password = data["email"], data["password"]
    except (InvalidToken, ValueError, KeyError, TypeError):
        return None
    if not isinstance(email, str) or not isinstance(password, str) or not email or not password:
        return None
    return SavedLogin(email, password)


def save_login(settings: Settings, email: str, password: str) -> Path:
    """Encrypt and write atomically, mode 0600 from the first byte on disk."""
    if not email.strip() or not password:
        raise ValueError("the email and the password must not be empty")
    key = load_key(settings, create=True)
    assert key is not None
    token = Fernet(key).encrypt(json.dumps({"email": email.strip(), "password": password}).encode())
    path = keyring_path(settings)
    write_private(path, token)
    return path


def forget_login(settings: Settings) -> bool:
    """Remove the saved password; False when there was none."""
    try:
        keyring_path(settings).unlink()
    except FileNotFoundError:
        return False
    return True
