"""Finding the Chromium processes of one profile, for crash tests and memory measurements."""

from __future__ import annotations

from pathlib import Path

PROC = Path("/proc")


def chromium_pids(user_data_dir: Path) -> list[int]:
    """Every live process started with ``--user-data-dir=<user_data_dir>``."""
    marker = f"--user-data-dir={user_data_dir}".encode()
    pids = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if marker in args:
            pids.append(int(entry.name))
    return sorted(pids)


def browser_pid(user_data_dir: Path) -> int | None:
    """The main browser process: the one that is not a renderer, GPU or utility child."""
    for pid in chromium_pids(user_data_dir):
        try:
            args = (PROC / str(pid) / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if not any(a.startswith(b"--type=") for a in args):
            return pid
    return None


def pss_kib(pids: list[int]) -> int:
    """Proportional set size of the processes together, in KiB (shared pages split fairly)."""
    total = 0
    for pid in pids:
        try:
            text = (PROC / str(pid) / "smaps_rollup").read_text()
        except OSError:
            continue
        for line in text.splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1])
                break
    return total
