"""Quota ledger: reservations per second, and overshoots when processes race for the last units.

Starts its own redis-server on a free loopback port (no persistence, a throw-away folder) and
stops it at the end. In the same run:

  throughput  N reservations in one process, one after the other, through
              (a) RedisLedger   Lua check-and-increment + the grant mirrored to SQLite under
                                the storage write lock (what a Redis deployment pays)
              (b) SqliteLedger  BEGIN IMMEDIATE, count, insert (the embedded default)
              (c) baseline      the `limits` library: MovingWindowRateLimiter on RedisStorage,
                                one `hit()` per reservation
  overshoot   8 worker processes start together and each takes units until refused, against
              a limit of L: ours on one shared data folder (SQLite), ours on 8 separate data
              folders sharing the redis-server, and `limits` on the same server. Overshoot =
              units granted beyond L (ours must be 0).

    .venv/bin/python bench/quota_ledger.py [--reservations 2000] [--workers 8] [--limit 200]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from pathlib import Path

from limits import RateLimitItemPerDay
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter

from linkpilot.common.clock import FrozenClock
from linkpilot.common.settings import load_settings
from linkpilot.engine.quota.contract import Action, QuotaLedger, QuotaRefused
from linkpilot.engine.quota.redis_ledger import RedisLedger
from linkpilot.engine.quota.sqlite_ledger import SqliteLedger
from linkpilot.engine.quota.windows import QuotaPolicy
from linkpilot.engine.shared_redis import redis_client
from linkpilot.storage.database import Database
from linkpilot.storage.migrate import upgrade

# Mid-morning on a weekday in Paris: inside the default working hours, whenever the bench runs.
AT = "2026-03-10T10:00:00+01:00"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_redis(workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    proc = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return proc, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("redis-server did not start")


def policy(limit: int) -> QuotaPolicy:
    limits = {"messages": {"per_run": 10_000, "per_day": limit, "per_week": 7 * limit}}
    return QuotaPolicy.from_settings(load_settings({}, limits=limits))


def new_db(folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite+aiosqlite:///{folder / 'linkpilot.db'}"
    upgrade(url)
    return url


def make_ledger(db: Database, redis_url: str | None, prefix: str, limit: int) -> QuotaLedger:
    clock = FrozenClock(datetime.fromisoformat(AT))
    if redis_url is None:
        return SqliteLedger(db, policy(limit), clock)
    return RedisLedger(redis_client(redis_url), db, policy(limit), clock, prefix)


# -- throughput ----------------------------------------------------------------------------------


async def ours_per_second(db_url: str, redis_url: str | None, n: int) -> float:
    db = Database(db_url)
    ledger = make_ledger(db, redis_url, f"bench:{uuid.uuid4().hex}", n)
    try:
        await ledger.snapshot()  # connect and warm up outside the timing
        began = time.perf_counter()
        for _ in range(n):
            result = await ledger.reserve(Action.MESSAGE)
            assert not isinstance(result, QuotaRefused), result
        return n / (time.perf_counter() - began)
    finally:
        await ledger.close()
        await db.dispose()


def limits_per_second(redis_url: str, n: int) -> float:
    limiter = MovingWindowRateLimiter(RedisStorage(redis_url))
    item = RateLimitItemPerDay(n)
    key = f"bench-{uuid.uuid4().hex}"
    limiter.test(item, key)
    began = time.perf_counter()
    for _ in range(n):
        assert limiter.hit(item, key)
    return n / (time.perf_counter() - began)


# -- overshoot -----------------------------------------------------------------------------------


def ours_worker(
    db_url: str, redis_url: str | None, prefix: str, limit: int, start: Event, out: Queue[int]
) -> None:
    async def run() -> int:
        db = Database(db_url)
        ledger = make_ledger(db, redis_url, prefix, limit)
        try:
            await ledger.snapshot()
            start.wait()
            granted = 0
            while not isinstance(await ledger.reserve(Action.MESSAGE), QuotaRefused):
                granted += 1
            return granted
        finally:
            await ledger.close()
            await db.dispose()

    out.put(asyncio.run(run()))


def limits_worker(redis_url: str, key: str, limit: int, start: Event, out: Queue[int]) -> None:
    limiter = MovingWindowRateLimiter(RedisStorage(redis_url))
    item = RateLimitItemPerDay(limit)
    limiter.test(item, key)
    start.wait()
    granted = 0
    while limiter.hit(item, key):
        granted += 1
    out.put(granted)


def race(targets: list[tuple[object, tuple[object, ...]]]) -> int:
    """Start every worker, release them at once, return the units granted in total."""
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    out: Queue[int] = ctx.Queue()
    procs = [ctx.Process(target=fn, args=(*args, start, out)) for fn, args in targets]  # type: ignore[arg-type]
    for proc in procs:
        proc.start()
    time.sleep(3)  # let every worker import and connect, so they really start together
    start.set()
    total = sum(out.get(timeout=300) for _ in procs)
    for proc in procs:
        proc.join(timeout=60)
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reservations", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--limit", type=int, default=200)
    args = parser.parse_args()
    if not 1 <= args.reservations <= 10_000 or not 1 <= args.limit <= 10_000:
        parser.error("--reservations and --limit must be between 1 and 10000 (the daily limit's range)")

    work = Path(tempfile.mkdtemp(prefix="linkpilot-bench-quota-"))
    redis_proc, redis_url = start_redis(work)
    try:
        print(
            f"quota ledger bench: python {platform.python_version()}, {platform.machine()}, redis-server 127.0.0.1"
        )
        n = args.reservations
        redis_rate = asyncio.run(ours_per_second(new_db(work / "tp-redis"), redis_url, n))
        sqlite_rate = asyncio.run(ours_per_second(new_db(work / "tp-sqlite"), None, n))
        limits_rate = limits_per_second(redis_url, n)
        print(f"\nthroughput, {n} reservations one after the other (reservations/s):")
        print(
            f"  RedisLedger (Lua + SQLite mirror)    {redis_rate:10.0f}   x{redis_rate / limits_rate:.2f} of baseline"
        )
        print(
            f"  SqliteLedger (BEGIN IMMEDIATE)       {sqlite_rate:10.0f}   x{sqlite_rate / limits_rate:.2f} of baseline"
        )
        print(f"  baseline: limits MovingWindow/Redis  {limits_rate:10.0f}")

        w, limit = args.workers, args.limit
        one_folder = new_db(work / "race-one")
        sqlite_total = race([(ours_worker, (one_folder, None, "", limit)) for _ in range(w)])
        prefix = f"race:{uuid.uuid4().hex}"
        redis_total = race(
            [(ours_worker, (new_db(work / f"race-box-{i}"), redis_url, prefix, limit)) for i in range(w)]
        )
        key = f"race-{uuid.uuid4().hex}"
        limits_total = race([(limits_worker, (redis_url, key, limit)) for _ in range(w)])
        print(f"\novershoot, {w} processes racing for a limit of {limit} (granted, overshoot):")
        print(f"  SqliteLedger, one data folder        {sqlite_total:5d}  {max(0, sqlite_total - limit):5d}")
        print(f"  RedisLedger, {w} data folders         {redis_total:5d}  {max(0, redis_total - limit):5d}")
        print(f"  baseline: limits MovingWindow/Redis  {limits_total:5d}  {max(0, limits_total - limit):5d}")
        ok = sqlite_total == limit and redis_total == limit
        if not ok:
            print("FAIL: our ledger granted a number of units other than the limit")
        return 0 if ok else 1
    finally:
        redis_proc.kill()
        redis_proc.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
