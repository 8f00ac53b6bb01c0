"""Contacts paging: keyset pages against OFFSET pages, deep in a large contact list.

Builds a throw-away SQLite database with the real schema (linkpilot.storage.migrate.upgrade),
fills it with N contacts (random accented names and headlines, about a third without a fit
score) through executemany, then times in the same run, for both list orders the console
offers (by name, by fit score):

  (a) keyset    linkpilot.storage.contacts.page_contacts(after=<key of the last row of page P-1>)
  (b) baseline  the same statement (linkpilot.storage.contacts.offset_query) with
                OFFSET (P-1)*size LIMIT size, which walks and throws away every earlier row

Each is timed twice: through the async session into Contact objects (what the console pays),
and as the very SQL statements that session sent, replayed on a bare sqlite3 connection (what
the database pays). The bench checks both sides return the same page, and exits 1 otherwise.
A deeper page (10,000 by default) is timed at the SQL level for information.

    .venv/bin/python bench/contacts_paging.py [--contacts 1000000] [--page 1000] [--size 50]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import closing
from pathlib import Path

import sqlalchemy

from linkpilot.common.text import fold
from linkpilot.storage.contacts import ContactSort, PageKey, offset_query, page_contacts, sort_key
from linkpilot.storage.database import Database
from linkpilot.storage.migrate import upgrade
from linkpilot.storage.models import Contact, contact_search_text

BATCH = 50_000

FIRST = [
    "Éloïse",
    "Jean",
    "Zoé",
    "Ana",
    "Bob",
    "Ünal",
    "Chloé",
    "Marc",
    "Léa",
    "Noah",
    "Inès",
    "Hugo",
    "Mia",
    "Sam",
]
LAST = [
    "Durand",
    "Dupont",
    "Smith",
    "Lima",
    "Öz",
    "Martin",
    "Bernard",
    "Lefèvre",
    "Nguyen",
    "García",
    "Rossi",
]
HEADLINES = [
    "Data engineer",
    "Développeuse Python",
    "CTO",
    "Recruiter",
    "Product manager",
    "",
    "Chef de projet",
]

INSERT = """
INSERT INTO contacts (profile_url, name, name_key, search_text, first_name, headline, degree, status,
    fit_score, open_to_work, skills, languages, work_history, education, source, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', '[]', '[]', '[]', 'bench',
    '2026-01-01 00:00:00.000000', '2026-01-01 00:00:00.000000')
"""


def rows(count: int, rng: random.Random) -> Iterator[tuple[object, ...]]:
    keys = functools.cache(lambda name, headline: (fold(name), contact_search_text(name, headline)))
    for n in range(1, count + 1):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        name = f"{first} {last}" if rng.random() < 0.9 else f"{last.upper()} {first}"
        headline = rng.choice(HEADLINES)
        fit = None if rng.random() < 0.33 else round(rng.random(), 2)  # many ties: the id breaks them
        name_key, search_text = keys(name, headline)
        yield (
            f"https://www.linkedin.com/in/bench-{n}/",
            name,
            name_key,
            search_text,
            first,
            headline or None,
            rng.choice((1, 2, 2, 3)),
            rng.choice(("new", "new", "visited", "connected")),
            fit,
            rng.random() < 0.2,
        )


def build(path: Path, count: int, seed: int) -> None:
    upgrade(f"sqlite+aiosqlite:///{path}")
    rng = random.Random(seed)
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA cache_size = -262144")  # 256 MiB while loading: index pages stay hot
        # The schema's own indexes, dropped while loading and rebuilt from their own SQL after:
        # one sort per index instead of a million random B-tree inserts.
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'contacts' AND sql IS NOT NULL"
        ).fetchall()
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        batch: list[tuple[object, ...]] = []
        with conn:
            for row in rows(count, rng):
                batch.append(row)
                if len(batch) == BATCH:
                    conn.executemany(INSERT, batch)
                    batch.clear()
            if batch:
                conn.executemany(INSERT, batch)
        with conn:
            for _, sql in indexes:
                conn.execute(sql)
        conn.execute("ANALYZE")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


Fetch = Callable[[], Awaitable[list[int]]]
Statement = tuple[str, tuple[object, ...]]


Sample = tuple[float, float]  # (wall ms, process CPU ms)


async def timed(fetch: Fetch, warmup: int, runs: int) -> list[Sample]:
    for _ in range(warmup):
        await fetch()
    samples = []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        await fetch()
        samples.append(((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000))
    return samples


def timed_sql(conn: sqlite3.Connection, statements: list[Statement], warmup: int, runs: int) -> list[Sample]:
    for _ in range(warmup):
        for sql, params in statements:
            conn.execute(sql, params).fetchall()
    samples = []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        for sql, params in statements:
            conn.execute(sql, params).fetchall()
        samples.append(((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000))
    return samples


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def report(label: str, fast: list[Sample], slow: list[Sample]) -> None:
    """Wall-clock medians, and CPU medians: on a shared, loaded box the wall clock also counts the
    time spent waiting for a core (each async query hops to aiosqlite's thread several times)."""
    print(f"  {label}:")
    for name, index in (("wall", 0), ("CPU", 1)):
        fast_ms, slow_ms = [s[index] for s in fast], [s[index] for s in slow]
        fast_med, slow_med = statistics.median(fast_ms), statistics.median(slow_ms)
        print(
            f"    {name:4}  keyset median {fast_med:8.3f} ms (p95 {p95(fast_ms):8.3f})   "
            f"OFFSET median {slow_med:8.3f} ms (p95 {p95(slow_ms):8.3f})   ratio {slow_med / fast_med:5.1f}x"
        )
    print(f"    runs: {len(fast)} keyset, {len(slow)} OFFSET")


class Recorder:
    """The SQL the session really sends, to replay it on a bare sqlite3 connection."""

    def __init__(self, db: Database) -> None:
        self.engine = db.engine.sync_engine
        self.statements: list[Statement] = []

    def __call__(self, _conn: object, _cursor: object, sql: str, params: object, *_: object) -> None:
        self.statements.append((sql, tuple(params)))  # type: ignore[call-overload]

    async def record(self, fetch: Fetch) -> list[Statement]:
        self.statements = []
        sqlalchemy.event.listen(self.engine, "before_cursor_execute", self)
        try:
            await fetch()
        finally:
            sqlalchemy.event.remove(self.engine, "before_cursor_execute", self)
        return self.statements


async def measure_page(
    db: Database, path: Path, sort: ContactSort, page: int, args: argparse.Namespace
) -> bool:
    skip = (page - 1) * args.size

    async def by_offset() -> list[int]:
        async with db.session() as session:
            stmt = offset_query(None, sort).offset(skip).limit(args.size)
            return [c.id for c in (await session.execute(stmt)).scalars()]

    # The key of the last row of the previous page, as the console holds it after showing that page.
    async with db.session() as session:
        previous = (await session.execute(offset_query(None, sort).offset(skip - 1).limit(1))).scalar_one()
        after: PageKey = sort_key(previous, sort)

    async def by_keyset() -> list[int]:
        async with db.session() as session:
            found = await page_contacts(session, after=after, limit=args.size, sort=sort)
            return [c.id for c in found.contacts]

    keyset_ids, offset_ids = await by_keyset(), await by_offset()
    print(f"sort by {sort}, page {page:,} (rows {skip + 1:,} to {skip + args.size:,}):")
    if keyset_ids != offset_ids or len(keyset_ids) != args.size:
        print(f"  FAIL: keyset and OFFSET pages differ: {keyset_ids[:3]}... vs {offset_ids[:3]}...")
        return False
    recorder = Recorder(db)
    keyset_sql, offset_sql = await recorder.record(by_keyset), await recorder.record(by_offset)
    if page == args.page:
        # What the console pays: session, query, rows into Contact objects. Interleaved rounds,
        # so a noisy neighbour on a shared box slows both sides alike.
        fast: list[Sample] = []
        slow: list[Sample] = []
        for _ in range(args.rounds):
            fast += await timed(by_keyset, warmup=2, runs=args.runs)
            slow += await timed(by_offset, warmup=1, runs=args.runs)
        report("through page_contacts (async session, ORM objects)", fast, slow)
    with closing(sqlite3.connect(path)) as conn:
        fast, slow = [], []
        for _ in range(args.rounds):
            fast += timed_sql(conn, keyset_sql, warmup=2, runs=args.runs)
            slow += timed_sql(
                conn, offset_sql, warmup=1, runs=max(2, args.runs // (4 if page > args.page else 1))
            )
    report(f"the same SQL alone on sqlite3 ({len(keyset_sql)} keyset statement(s) vs 1 OFFSET)", fast, slow)
    return True


async def measure(path: Path, args: argparse.Namespace) -> bool:
    db = Database(f"sqlite+aiosqlite:///{path}")
    ok = True
    try:
        async with db.session() as session:
            count = (
                await session.execute(sqlalchemy.select(sqlalchemy.func.count()).select_from(Contact))
            ).scalar()
        print(f"contacts: {count:,}, page size {args.size}")
        for sort in ContactSort:
            ok = await measure_page(db, path, sort, args.page, args) and ok
        if args.deep_page and args.deep_page * args.size <= args.contacts:
            print("(for information, deeper: OFFSET grows with the page, keyset does not)")
            ok = await measure_page(db, path, ContactSort.NAME, args.deep_page, args) and ok
    finally:
        await db.dispose()
    print("PASS: keyset and OFFSET return the same pages" if ok else "FAIL")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--page", type=int, default=1000, help="the page to fetch (1-based)")
    parser.add_argument("--size", type=int, default=50, help="rows per page")
    parser.add_argument("--deep-page", type=int, default=10_000, help="a deeper page, SQL only (0: none)")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds of timing")
    parser.add_argument("--runs", type=int, default=10, help="timed runs per side and round")
    args = parser.parse_args(argv)
    if args.page < 2 or args.page * args.size > args.contacts:
        parser.error("--page must be at least 2 and the page must lie inside --contacts")
    print(
        f"python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    with tempfile.TemporaryDirectory(prefix="linkpilot-bench-") as folder:
        path = Path(folder) / "bench.db"
        start = time.perf_counter()
        build(path, args.contacts, args.seed)
        print(
            f"built {args.contacts:,} contacts in {time.perf_counter() - start:.1f} s ({path.stat().st_size / 2**20:.0f} MB)"
        )
        ok = asyncio.run(measure(path, args))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
