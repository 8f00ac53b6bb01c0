"""Birthday look-up: indexed month/day columns against a date function over a date column.

Builds a throw-away SQLite database with the real schema (linkpilot.storage.migrate.upgrade),
fills it with N contacts (random birthdays, about 10% without one), adds the earlier bot's
`birthday TEXT` column to this database only, then times in the same run:

  (a) ours      linkpilot.storage.birthdays.birthdays_due (today + late window)
  (b) baseline  the same look-up written the earlier bot's way:
                strftime('%m-%d', birthday) IN (...), which scans every row

Both answer the same question with the same post-processing; the bench checks they agree.
Targets: ours at least 100x faster than the baseline (median) and under 10 ms (median).

    .venv/bin/python bench/birthday_lookup.py [--contacts 1000000] [--seed 7]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import text

from linkpilot.storage.birthdays import (
    DEFAULT_LATE_DAYS,
    MAX_LATE_DAYS,
    DueBirthdays,
    birthdays_due,
    collect_due,
    window_occurrences,
)
from linkpilot.storage.database import Database
from linkpilot.storage.migrate import upgrade

TARGET_RATIO = 100.0
TARGET_MS = 10.0
BATCH = 50_000

INSERT = """
INSERT INTO contacts (name, profile_url, degree, birthday_month, birthday_day, birthday, status,
    open_to_work, skills, languages, work_history, education, source, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, 'new', 0, '[]', '[]', '[]', '[]', 'bench',
    '2026-01-01 00:00:00.000000', '2026-01-01 00:00:00.000000')
"""


def rows(count: int, rng: random.Random) -> Iterator[tuple[object, ...]]:
    first_day = date(1950, 1, 1)
    span = (date(2005, 12, 31) - first_day).days + 1
    for n in range(1, count + 1):
        degree = rng.choice((1, 1, 2, 3))
        if rng.random() < 0.10:
            yield (f"Person {n}", f"https://www.linkedin.com/in/bench-{n}", degree, None, None, None)
            continue
        born = first_day + timedelta(days=rng.randrange(span))
        yield (
            f"Person {n}",
            f"https://www.linkedin.com/in/bench-{n}",
            degree,
            born.month,
            born.day,
            born.isoformat(),
        )


def build(path: Path, count: int, seed: int) -> None:
    upgrade(f"sqlite+aiosqlite:///{path}")
    rng = random.Random(seed)
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA cache_size = -262144")  # 256 MiB while loading: index pages stay hot
        # The earlier bot kept a full date; only this bench database gets the column.
        conn.execute("ALTER TABLE contacts ADD COLUMN birthday TEXT")
        batch: list[tuple[object, ...]] = []
        with conn:
            for row in rows(count, rng):
                batch.append(row)
                if len(batch) == BATCH:
                    conn.executemany(INSERT, batch)
                    batch.clear()
            if batch:
                conn.executemany(INSERT, batch)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


async def baseline(db: Database, today: date, late_days: int) -> DueBirthdays:
    """The earlier bot's way: a date function over the date column, so every row is read.

    Same question, same answer shape and the same post-processing (`collect_due`) as ours; only
    the WHERE differs."""
    occurrences = window_occurrences(today, late_days)
    late_by_key = {f"{m:02d}-{d:02d}": (today - occ).days for (m, d), occ in occurrences.items()}
    params = {f"p{i}": key for i, key in enumerate(late_by_key)}
    placeholders = ", ".join(f":{name}" for name in params)
    stmt = text(
        "SELECT strftime('%m-%d', birthday), group_concat(id), count(*) FROM contacts"
        f" WHERE strftime('%m-%d', birthday) IN ({placeholders}) GROUP BY 1"
    )
    async with db.session() as session:
        rows = await session.execute(stmt, params)
        return collect_due(
            today, late_days, ((late_by_key[month_day], joined, count) for month_day, joined, count in rows)
        )


async def ours(db: Database, today: date, late_days: int) -> DueBirthdays:
    async with db.session() as session:
        return await birthdays_due(session, today, late_days=late_days)


async def ours_first_degree(db: Database, today: date, late_days: int) -> DueBirthdays:
    async with db.session() as session:
        return await birthdays_due(session, today, late_days=late_days, first_degree_only=True)


Lookup = Callable[[Database, date, int], Awaitable[DueBirthdays]]


class Samples:
    """Wall-clock milliseconds (the verdict) and this process's CPU milliseconds, all threads
    included (the driver runs queries in a worker thread): on a loaded box the wall clock also
    counts time spent waiting for a core, the CPU time does not."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    async def take(self, lookup: Lookup, db: Database, today: date, late_days: int) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        await lookup(db, today, late_days)
        self.cpu.append((time.process_time() - cpu) * 1000)
        self.wall.append((time.perf_counter() - wall) * 1000)

    def line(self, label: str) -> str:
        return (
            f"{label} median {statistics.median(self.wall):8.2f} ms   p95 {p95(self.wall):8.2f} ms"
            f"   (CPU median {statistics.median(self.cpu):7.2f} ms)   runs {len(self.wall)}"
        )


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def measure(path: Path, args: argparse.Namespace) -> bool:
    rng = random.Random(args.seed + 1)
    # Fixed hard cases (year boundary, 29 February in a non-leap and a leap year) plus random days.
    days = [date(2026, 1, 3), date(2027, 3, 5), date(2028, 3, 1)]
    days += [date(2026, 1, 1) + timedelta(days=rng.randrange(3 * 365)) for _ in range(9)]
    db = Database(f"sqlite+aiosqlite:///{path}")
    try:
        # The baseline reads every row: check agreement on the hard cases and one ordinary day only.
        for day in days[:4]:
            mine, theirs = await ours(db, day, args.late_days), await baseline(db, day, args.late_days)
            if list(mine) != list(theirs) or len(mine) != len(theirs):
                print(f"FAIL: the two look-ups disagree for {day}: {len(mine)} vs {len(theirs)} rows")
                return False
        found = [len(await ours(db, day, args.late_days)) for day in days]
        print(f"contacts due per look-up (today + {args.late_days} days late): {min(found)}..{max(found)}")
        for lookup, warmup in ((ours, 10), (ours_first_degree, 3), (baseline, 2)):
            for i in range(warmup):
                await lookup(db, days[i % len(days)], args.late_days)
        # Interleaved rounds: on a shared box the load drifts, and both sides should feel the same drift.
        fast, slow, first = Samples(), Samples(), Samples()
        per_round = max(1, args.runs // args.baseline_runs)
        for round_ in range(args.baseline_runs):
            await slow.take(baseline, db, days[round_ % len(days)], args.late_days)
            for _ in range(per_round):
                await fast.take(ours, db, days[len(fast.wall) % len(days)], args.late_days)
            await first.take(ours_first_degree, db, days[round_ % len(days)], args.late_days)
    finally:
        await db.dispose()
    fast_med, slow_med = statistics.median(fast.wall), statistics.median(slow.wall)
    ratio = slow_med / fast_med
    print(fast.line("ours      (indexed month/day) "))
    print(slow.line("baseline  (strftime over date)"))
    print(f"ratio (baseline / ours, wall-clock medians): {ratio:.1f}x")
    cpu_ratio = statistics.median(slow.cpu) / max(statistics.median(fast.cpu), 1e-6)
    print(f"(for information) ratio of CPU medians: {cpu_ratio:.1f}x")
    print(first.line("(for information) ours, 1st degree only"))
    ok_ratio, ok_ms = ratio >= TARGET_RATIO, fast_med < TARGET_MS
    print(f"{'PASS' if ok_ratio else 'FAIL'}: at least {TARGET_RATIO:.0f}x faster ({ratio:.1f}x)")
    print(f"{'PASS' if ok_ms else 'FAIL'}: under {TARGET_MS:.0f} ms ({fast_med:.2f} ms median)")
    return ok_ratio and ok_ms


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--late-days", type=int, default=DEFAULT_LATE_DAYS)
    parser.add_argument(
        "--runs", type=int, default=200, help="timed runs of our look-up (spread over the rounds)"
    )
    parser.add_argument(
        "--baseline-runs", type=int, default=15, help="timed runs of the baseline (one per round)"
    )
    args = parser.parse_args(argv)
    if args.contacts < 1:
        parser.error("--contacts must be at least 1")
    if not 0 <= args.late_days <= MAX_LATE_DAYS:
        parser.error(f"--late-days must be between 0 and {MAX_LATE_DAYS}")
    if args.runs < 1 or args.baseline_runs < 1:
        parser.error("--runs and --baseline-runs must be at least 1")
    # Timings on a shared box move with its load: print it so a reader can judge the numbers.
    print(
        f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f};"
        f" Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )
    with tempfile.TemporaryDirectory(prefix="linkpilot-bench-") as tmp:
        path = Path(tmp) / "bench.db"
        start = time.perf_counter()
        build(path, args.contacts, args.seed)
        size_mb = path.stat().st_size / 1e6
        print(
            f"built {args.contacts:,} contacts in {time.perf_counter() - start:.1f} s ({size_mb:.0f} MB), seed {args.seed}"
        )
        ok = asyncio.run(measure(path, args))
    print(f"load average after the run: {os.getloadavg()[0]:.2f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
