"""Which mutation seeds a run tries: 20 a language, moving with the commit by a fixed rule.

The window is the commit's: the same commit always runs the same seeds (a failure can be
reproduced), the next commit runs the next ones, and `MUTATION_SEEDS=3,17,40` pins a list
for both languages while a failure is chased.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

PER_LANGUAGE = 20
# So many windows of seeds, in turn: 50 windows of 40 seeds cover seeds 0 to 1999.
WINDOWS = 50
REPO = Path(__file__).resolve().parents[2]


def _commit() -> str:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, timeout=10, check=False
        )
    except OSError:
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def window() -> int:
    commit = _commit()
    return int(commit[:8], 16) % WINDOWS if commit else 0


def seeds_for(language: str) -> list[int]:
    pinned = os.environ.get("MUTATION_SEEDS", "").strip()
    if pinned:
        return [int(part) for part in pinned.split(",") if part.strip()]
    base = window() * 2 * PER_LANGUAGE + (PER_LANGUAGE if language == "fr" else 0)
    return list(range(base, base + PER_LANGUAGE))
