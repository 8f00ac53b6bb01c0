"""The one way the suite starts a practice site, and the one clock it shares with the product.

A site and the product it serves must agree on "now": the site's birthdays, invitation ages and
the `Date` header of its answers all come from its clock, and the product reads them against
its own. So every test gives both the same clock:

* in-process (engine, console): a `FrozenClock` (or any callable) passed to the site and to the
  product's `Runtime`;
* subprocesses (e2e, faults, the calendar suite): a `MovedClock`, real time shifted by a fixed
  offset, applied to every process of the test through Debian's libfaketime (`env()`), so the
  site and each `linkpilot` run read the same moved time and no test races local midnight.

Admin calls to a site in another process go through httpx.
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import subprocess
import sys
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from linkpilot.engine.campaigns.logic.search_url import SEARCH_PATH
from linkpilot.sandbox import RunningSandbox, SandboxConfig, start_sandbox

# The zone every test gives the site and the product alike (DST changes, a known offset).
ZONE = "Europe/Paris"
PARIS = ZoneInfo(ZONE)
# The instant tests that are not about the calendar run at: a Thursday morning, far from
# midnight and from a DST change, inside the default working hours.
SAFE_INSTANT = dt.datetime(2026, 11, 26, 10, 0, tzinfo=PARIS)
SAFE_TODAY = SAFE_INSTANT.date()
# Working hours opened all day, for tests that are not about them.
ALWAYS_OPEN = {"start": "00:00", "end": "24:00"}
ALWAYS_OPEN_ENV = {"LINKPILOT_WORKING_HOURS__START": "00:00", "LINKPILOT_WORKING_HOURS__END": "24:00"}


def _libfaketime() -> str:
    found = sorted(glob.glob("/usr/lib/*/faketime/libfaketime.so.1"))
    if not found:
        raise RuntimeError("libfaketime is missing: ./dev setup installs Debian's faketime")
    return found[0]


@dataclass(frozen=True)
class MovedClock:
    """Real time moved by a whole number of seconds, chosen so that it read `at` when made."""

    at: dt.datetime
    offset_s: int

    @classmethod
    def to(cls, at: dt.datetime) -> MovedClock:
        if at.tzinfo is None:
            raise ValueError("a moved clock needs an aware datetime")
        offset = at - dt.datetime.now(dt.UTC)
        return cls(at, round(offset.total_seconds()))

    def __call__(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=self.offset_s)

    def skewed(self, seconds: int) -> MovedClock:
        """The same clock, `seconds` ahead (or behind, if negative): a box whose clock is wrong."""
        return MovedClock(self.at + dt.timedelta(seconds=seconds), self.offset_s + seconds)

    def env(self) -> dict[str, str]:
        """What a subprocess needs to read this clock (Chromium is spared: see engine/chromium.py)."""
        return {
            "LD_PRELOAD": _libfaketime(),
            "FAKETIME": f"{self.offset_s:+d}",
            # asyncio's timers and every timeout run on the monotonic clock: keep it real.
            "FAKETIME_DONT_FAKE_MONOTONIC": "1",
        }


@dataclass
class SiteProcess:
    """A practice site in its own process (`python -m linkpilot.sandbox`)."""

    url: str
    process: subprocess.Popen[str]
    clock: MovedClock | None
    http: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.http = httpx.Client(base_url=f"{self.url}/__admin/", timeout=10)

    def admin(self, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self.http.get(path) if body is None else self.http.post(path, json=body)
        response.raise_for_status()
        return response.json() if response.content else None

    def messages(self) -> list[dict[str, Any]]:
        return list(self.admin("record")["messages"])

    def stop(self) -> None:
        self.http.close()
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def start_site_process(
    *,
    clock: MovedClock | None,
    language: str = "en",
    markup: str = "classic",
    seed: int = 7,
    people: int | None = None,
    timezone: str = ZONE,
) -> SiteProcess:
    """Start the site; with `clock`, it runs on that moved clock (give the product the same)."""
    argv = [sys.executable, "-m", "linkpilot.sandbox", "--port", "0", "--seed", str(seed)]
    argv += ["--language", language, "--markup", markup, "--timezone", timezone]
    if people is not None:
        argv += ["--people", str(people)]
    env = _environ() | (clock.env() if clock is not None else {})
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    if not url:
        proc.kill()
        _, err = proc.communicate(timeout=10)
        raise RuntimeError(f"the practice site did not start: {err}")
    return SiteProcess(url, proc, clock)


def _environ() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("LINKPILOT_", "LP_", "FAKETIME"))}


async def start_site(
    *, clock: Callable[[], dt.datetime], port: int = 0, timezone: str = ZONE, **options: Any
) -> RunningSandbox:
    """A site in this process on the test's clock (the one its `Runtime` gets too)."""
    return await start_sandbox(SandboxConfig(clock=clock, timezone=timezone, **options), port=port)


def people_search_path(keywords: str = "", page: int = 1) -> str:
    """A people search as the practice site answers it, keywords possibly empty (everyone):
    the product's own build_search_url refuses a search for nothing, as sourcing must."""
    query = {"keywords": keywords, "origin": "FACETED_SEARCH", "page": str(page)}
    return f"{SEARCH_PATH}?{urllib.parse.urlencode(query)}"
