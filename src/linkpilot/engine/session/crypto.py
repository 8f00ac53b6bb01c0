"""The key that encrypts the session at rest: LINKPILOT_SECRET_KEY, or one generated once.

A generated key lives next to the data (``secret.key``, mode 0600). That protects a copied
session file or a backup that leaves the machine without the key, not an attacker who can
read the whole data folder; set LINKPILOT_SECRET_KEY from a secret store for that.
"""

from __future__ import annotations

import binascii
from pathlib import Path

from cryptography.fernet import Fernet

from linkpilot.common.errors import ConfigError
from linkpilot.common.settings import Settings
from linkpilot.engine.session.private_file import write_private

KEY_FILE = "secret.key"
MAKE_ONE = 'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'


def key_path(settings: Settings) -> Path:
    return settings.home / KEY_FILE


def _valid(raw: bytes) -> bool:
    try:
        Fernet(raw)
    except (ValueError, binascii.Error):
        return False
    return True


def load_key(settings: Settings, *, create: bool) -> bytes | None:
    """The Fernet key, or None when there is none yet and ``create`` is off."""
    if settings.secret_key is not None:
        raw = settings.secret_key.get_secret_value().strip().encode()
        if not _valid(raw):
            # The value itself is never shown: it is a secret, even when malformed.
            raise ConfigError(
                f"secret_key: LINKPILOT_SECRET_KEY is not a Fernet key (make one with {MAKE_ONE})"
            )
        return raw
    path = key_path(settings)
    try:
        raw = path.read_bytes().strip()
    except FileNotFoundError:
        if not create:
            return None
        return create_key(path)[0]
    except OSError as exc:
        raise ConfigError(f"cannot read the key file {path}: {exc.strerror}") from None
    if not _valid(raw):
        raise ConfigError(f"{path}: not a Fernet key (the file is damaged; restore it from a backup)")
    return raw


def create_key(path: Path) -> tuple[bytes, bool]:
    """A new key written to `path`, and True; or, when another process made one in the
    meantime, theirs and False (then it is theirs to keep, whatever happens to ours)."""
    key = Fernet.generate_key()
    try:
        write_private(path, key + b"\n", exclusive=True)
    except FileExistsError:
        return path.read_bytes().strip(), False
    return key, True
