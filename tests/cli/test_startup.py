"""Commands start fast because they import only what they use: checked by what a fresh
interpreter has loaded once the command ran, never by timing it (bench/startup.py times it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

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


def loaded_by(*argv: str) -> tuple[int, str, set[str]]:
    """Run `linkpilot ARGV` in a fresh interpreter: its exit code, output and the modules it
    loaded, each with its top-level package."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=60,
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
