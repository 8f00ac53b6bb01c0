"""`redis-server` SIGKILLed under a real `linkpilot run birthday` whose quota ledger is on it,
then started again: empty (no persistence) or from its append-only file.

The contract: the run goes on counting from storage and never sends past the daily limit; once
Redis is back, its counts are reconciled with storage, so neither this data folder nor another
one on the same account and Redis (a second box) can send past the limit afterwards."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from tests.conftest import free_port
from tests.e2e.conftest import Site, make_operator
from tests.faults.realproc import assert_site_and_storage_agree, rows, site_wishes, start_run, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.redis, pytest.mark.slow]

DAY_LIMIT = 4
EVENTS_KEY = "linkpilot:quota:message:events"


class DedicatedRedis:
    """A redis-server of this test's own (the session-wide one is never killed)."""

    def __init__(self, workdir: Path, *, aof: bool) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.workdir = workdir
        self.aof = aof
        workdir.mkdir()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        persistence = (
            ["--appendonly", "yes", "--appendfsync", "always"] if self.aof else ["--appendonly", "no"]
        )
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "/usr/bin/redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--dir",
                str(self.workdir),
                *persistence,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until("redis-server to answer", self._answers, timeout=15)

    def _answers(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.ConnectionError:
            return False

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_timeout=2)

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)

    def units(self) -> int:
        client = self.client()
        try:
            return int(client.zcard(EVENTS_KEY))
        finally:
            client.close()


@pytest.fixture(params=["restarted-empty", "restarted-from-aof"])
def dedicated_redis(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DedicatedRedis]:
    server = DedicatedRedis(tmp_path / "redis", aof=request.param == "restarted-from-aof")
    server.start()
    yield server
    if server.process is not None and server.process.poll() is None:
        server.kill()


def day_used(snapshot: dict[str, Any]) -> tuple[str, int]:
    """The quota snapshot a run reports at its end, as `linkpilot quota status --json` shows it."""
    return snapshot["backend"], snapshot["actions"]["message"]["day_used"]


def test_redis_killed_mid_campaign_and_restarted(
    tmp_path: Path, site_en: Site, dedicated_redis: DedicatedRedis
) -> None:
    operator = make_operator(tmp_path / "a", site_en, per_run="50", per_day=str(DAY_LIMIT))
    operator.env["LINKPILOT_REDIS_URL"] = dedicated_redis.url
    run = start_run(operator, "birthday")
    wait_until("a wish on the site", lambda: len(site_en.messages()) >= 1, run)
    dedicated_redis.kill()
    wait_until("two more wishes, counted from storage", lambda: len(site_en.messages()) >= 3, run)
    dedicated_redis.start()
    code, summary, err = run.finish()

    assert code == 0, (summary, err)
    assert "Traceback" not in err, err
    assert summary["stopped"]["reason"] == "quota", summary["stopped"]
    assert f"daily limit ({DAY_LIMIT}/{DAY_LIMIT})" in summary["stopped"]["detail"]
    assert len(site_en.messages()) == DAY_LIMIT
    # Storage holds every unit, those Redis granted before the kill and those it granted after.
    committed = dict(
        rows(
            operator.home,
            "SELECT backend, count(*) FROM quota_events WHERE state = 'committed' GROUP BY backend",
        )
    )
    assert sum(committed.values()) == DAY_LIMIT, committed
    assert committed.get("sqlite", 0) >= 1, committed  # granted from storage while Redis was away

    # Redis is back: the next command reconciles it with storage before trusting its counts,
    # and this folder sends nothing more today.
    code, again = operator.run_json("run", "birthday")
    assert code == 0, again
    assert again["stopped"]["reason"] == "quota"
    assert again["counts"]["sent"] == 0
    assert day_used(again["quota"]) == ("redis", DAY_LIMIT)
    assert dedicated_redis.units() == DAY_LIMIT
    # ...nor another data folder on the same account and Redis, which only Redis can stop.
    other = make_operator(tmp_path / "b", site_en, per_run="50", per_day=str(DAY_LIMIT))
    other.env["LINKPILOT_REDIS_URL"] = dedicated_redis.url
    code, elsewhere = other.run_json("run", "birthday")
    assert code == 0, elsewhere
    assert elsewhere["stopped"]["reason"] == "quota", elsewhere["stopped"]
    assert elsewhere["counts"]["sent"] == 0
    assert day_used(elsewhere["quota"]) == ("redis", DAY_LIMIT)

    assert len(site_en.messages()) == DAY_LIMIT
    assert max(site_wishes(site_en).values()) == 1
    assert_site_and_storage_agree(operator.home, site_en, {"vincent-dupont-27bddf"})
    assert dedicated_redis.units() == DAY_LIMIT
