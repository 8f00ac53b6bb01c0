"""Commands start fast because they import only what they use: checked by what a fresh
interpreter has loaded once the command ran, never by timing it (bench/startup.py times it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.practice_site import (
    ALWAYS_OPEN_ENV,
    SAFE_INSTANT,
    ZONE,
    MovedClock,
    SiteProcess,
    start_site_process,
)

# What a command that only reads the quota or the breaker has no use for: the ORM and its
# drivers, migrations, Redis, the browser, the terminal UI, the sidecar, encryption, asyncio.
HEAVY = (
    "sqlalchemy",
    "alembic",
    "aiosqlite",
    "psycopg",
    "redis",
    "playwright",
    "textual",
    "rich",
    "aiohttp",
    "prometheus_client",
    "cryptography",
    "PIL",
    "asyncio",
)

PROBE = """
import contextlib, io, json, sys
from linkpilot.cli.main import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "out": out.getvalue(), "modules": sorted(sys.modules)}))
"""


def loaded_by(*argv: str, env: dict[str, str] | None = None) -> tuple[int, str, set[str]]:
    """Run `linkpilot ARGV` in a fresh interpreter: its exit code, output and the modules it
    loaded, each with its top-level package."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv],
        capture_output=True,
        text=True,
        env=os.environ.copy() if env is None else env,
        timeout=180,
        check=True,
    )
    result = json.loads(done.stdout)
    modules = set(result["modules"])
    return result["code"], result["out"], modules | {m.split(".")[0] for m in modules}


@pytest.mark.parametrize(
    ("argv", "first_line"),
    [
        (("quota", "status"), "action                 today  7 days  month"),
        (("quota", "status", "--json"), "{"),
        (("breaker", "status"), "breaker: closed, campaigns may act"),
        (("breaker", "status", "--json"), "{"),
    ],
)
def test_status_commands_import_none_of_the_heavy_libraries(
    cli, argv: tuple[str, ...], first_line: str
) -> None:  # type: ignore[no-untyped-def]
    assert cli("db", "upgrade").code == 0
    code, out, packages = loaded_by(*argv)
    assert code == 0
    assert out.splitlines()[0] == first_line
    assert sorted(packages & set(HEAVY)) == []


def test_the_first_status_creates_the_database_through_the_full_path(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, packages = loaded_by("breaker", "status")
    assert (code, out) == (0, "breaker: closed, campaigns may act\n")
    assert {"sqlalchemy", "alembic"} <= packages
    # From then on the quick read answers.
    assert "sqlalchemy" not in loaded_by("breaker", "status")[2]


def test_the_version_imports_no_command(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, packages = loaded_by("--version")
    assert (code, out) == (0, "linkpilot, version 0.1.0\n")
    assert sorted(packages & {*HEAVY, "pydantic"}) == []


def test_the_list_of_commands_imports_none_of_them(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, packages = loaded_by("--help")
    assert code == 0
    assert out == cli("--help").out
    assert "  quota      The quota ledger: units spent against each daily, weekly and..." in out
    assert sorted(packages & {*HEAVY, "pydantic"}) == []
    assert (
        sorted(m for m in packages if m.startswith(("linkpilot.cli.commands.", "linkpilot.console.entry.")))
        == []
    )


# What running one campaign has no use for: the health sidecar and its metrics (only `serve`
# and the console answer health checks), Alembic once the schema is current, notification
# channels when none is configured, the terminal UI.
NOT_FOR_A_RUN = ("aiohttp", "prometheus_client", "alembic", "apprise", "textual", "rich")
ENGINE_AT_LARGE = ("linkpilot.engine.service", "linkpilot.engine.health", "linkpilot.engine.login")


@pytest.mark.parametrize(
    "argv", [("run", "birthday", "--help"), ("run", "nosuch"), ("run", "birthday", "--bad")]
)
def test_run_answers_help_and_bad_arguments_without_the_engine(argv: tuple[str, ...]) -> None:
    code, out, packages = loaded_by(*argv)
    assert code == (0 if "--help" in argv else 2)
    if code == 0:
        assert out.startswith("Usage: linkpilot run [OPTIONS] {birthday|invitations|sourcing}")
    assert sorted(packages & {*HEAVY, "redis"}) == []
    assert (
        sorted(
            m
            for m in packages
            if m.startswith("linkpilot.engine.") and "campaigns" not in m and "quota" not in m
        )
        == []
    )


def test_importing_a_session_starts_no_browser_and_opens_no_database() -> None:
    code, out, packages = loaded_by("session", "import", "--li-at", "sandbox-li-at")
    assert code == 0
    assert out.startswith("session imported (li_at, 1 cookie); li_at expires ")
    assert sorted(packages & {"playwright", "sqlalchemy", "alembic", "aiohttp", "redis", "textual"}) == []


@pytest.fixture
def moved_clock() -> MovedClock:
    return MovedClock.to(SAFE_INSTANT)


@pytest.fixture
def site(moved_clock: MovedClock) -> Iterator[SiteProcess]:
    running = start_site_process(clock=moved_clock)
    yield running
    running.stop()


def test_a_dry_run_imports_the_campaign_it_runs_and_nothing_for_serving(
    site: SiteProcess, moved_clock: MovedClock
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINKPILOT_", "LP_", "FAKETIME"))}
    env |= moved_clock.env() | ALWAYS_OPEN_ENV
    env |= {
        "LINKPILOT_HOME": os.environ["LINKPILOT_HOME"],
        "LINKPILOT_LINKEDIN_URL": site.url,
        "LINKPILOT_PACING": "fast",
        "LINKPILOT_TIMEZONE": ZONE,
    }
    assert loaded_by("session", "import", "--li-at", "sandbox-li-at", env=env)[0] == 0
    # The first run creates the database: Alembic migrates it.
    code, out, packages = loaded_by("run", "birthday", "--dry-run", env=env)
    assert (code, out.splitlines()[0]) == (0, "birthday dry run: completed")
    assert "alembic" in packages

    code, out, packages = loaded_by("run", "birthday", "--dry-run", env=env)
    assert (code, out.splitlines()[0]) == (0, "birthday dry run: completed")
    assert any(line.startswith("  plan  ") for line in out.splitlines())
    # It did run the campaign in Chromium against its database ...
    assert {"playwright", "sqlalchemy", "linkpilot.engine.campaigns.birthday"} <= packages
    # ... and loaded nothing it had no use for.
    assert sorted(packages & set(NOT_FOR_A_RUN)) == []
    assert sorted(m for m in packages if m.startswith(ENGINE_AT_LARGE)) == []
    other_campaigns = {"linkpilot.engine.campaigns.sourcing", "linkpilot.engine.campaigns.invitations"}
    assert sorted(packages & other_campaigns) == []


def test_config_check_reads_the_default_database_without_sqlalchemy(cli, home) -> None:  # type: ignore[no-untyped-def]
    code, out, packages = loaded_by("config", "check")
    assert code == 0
    assert f"ok      database: SQLite {home}/linkpilot.db (made on first use)" in out.splitlines()
    assert "sqlalchemy" not in packages

    assert cli("db", "upgrade").code == 0
    code, out, packages = loaded_by("config", "check")
    assert code == 0
    assert f"ok      database: SQLite {home}/linkpilot.db answers (schema current)" in out.splitlines()
    assert "sqlalchemy" not in packages
