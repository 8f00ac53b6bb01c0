"""Writing a file only its owner may read (the session, the saved sign-in, the key), all or nothing."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_private(path: Path, data: bytes, *, exclusive: bool = False) -> None:
    """Replace `path` with `data`, mode 0600 from the first byte on disk.

    A reader sees the old file or the new one, never half of either: the bytes go to a
    temporary file beside it, reach the disk, and are renamed over it. Its folder is made
    0700 if missing. On any failure the temporary file is removed and `path` is untouched.

    `exclusive`: only create `path`, never replace it; FileExistsError when it exists (another
    process made it first). The complete file is linked into place, so no reader ever sees it
    empty or half-written.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # mkstemp creates the file 0600 already; fchmod says so in case the umask had a say.
    fd, temp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if exclusive:
            # link, unlike rename, fails when the name is taken.
            os.link(temp, path)
            os.unlink(temp)
        else:
            os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
