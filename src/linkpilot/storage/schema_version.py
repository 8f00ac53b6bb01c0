"""Which schema revision this code expects, known without importing Alembic.

Every migration file is named after its revision (`0001_initial_schema.py` is revision
"0001") and each follows the one before, so the newest file names the head; a test holds
Alembic's own answer to it. Starting a command compares the database with it and imports
Alembic only when there is something to migrate (about a third of a status command's
start-up otherwise: bench/startup.py).
"""

from __future__ import annotations

import re
from pathlib import Path

VERSIONS = Path(__file__).with_name("migrations") / "versions"
REVISION_FILE = re.compile(r"^(\d{4})_\w+\.py$")


def head_revision() -> str:
    revisions = sorted(m.group(1) for p in VERSIONS.iterdir() if (m := REVISION_FILE.match(p.name)))
    if not revisions:
        raise RuntimeError(f"no migration in {VERSIONS}")
    return revisions[-1]
