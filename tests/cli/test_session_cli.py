"""`linkpilot session import|status` end to end, with the secret never in any output."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import stat
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from linkpilot.common.clock import utc_now
from tests.engine.session.samples import SECRET, extension_export, netscape, storage_state, write
from tests.practice_site import start_site

SANDBOX_LI_AT = "sandbox-li-at"


@pytest.fixture(autouse=True)
def _debug_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)


def assert_secret_kept(*texts: str) -> None:
    for text in texts:
        assert SECRET not in text


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_import_a_li_at_value(cli: Any, home: Path, caplog: pytest.LogCaptureFixture) -> None:
    result = cli("session", "import", "--li-at", SECRET)
    assert result.code == 0, result.err
    assert result.out.startswith("session imported (li_at, 1 cookie); li_at expires unknown")
    assert f"a new encryption key was written to {home / 'secret.key'}" in result.err
    assert mode(home / "session.enc") == 0o600
    assert mode(home / "secret.key") == 0o600
    assert SECRET.encode() not in (home / "session.enc").read_bytes()
    status = cli("session", "status")
    assert status.code == 0
    assert status.out.splitlines()[0] == "session: unknown (never checked)"
    assert_secret_kept(result.out, result.err, status.out, status.err, caplog.text)


def test_import_from_stdin_and_from_a_file(
    cli: Any, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(SECRET + "\n"))
    from_stdin = cli("session", "import", "--li-at", "-")
    assert from_stdin.code == 0, from_stdin.err
    from_file = cli("session", "import", "--li-at-file", str(write(tmp_path / "li_at.txt", f"  {SECRET}\n")))
    assert from_file.code == 0, from_file.err
    # The key is generated once: the second import says nothing about it.
    assert "encryption key" not in from_file.err
    assert_secret_kept(from_stdin.out, from_stdin.err, from_file.out, from_file.err)


@pytest.mark.parametrize(
    ("flag", "name", "content", "count"),
    [
        ("--storage-state", "state.json", storage_state(), 2),
        ("--cookies", "cookies.json", extension_export(), 2),
        ("--cookies", "cookies.txt", netscape(), 2),
    ],
    ids=["storage-state", "extension-json", "netscape"],
)
def test_import_files(cli: Any, tmp_path: Path, flag: str, name: str, content: Any, count: int) -> None:
    result = cli("session", "import", flag, str(write(tmp_path / name, content)))
    assert result.code == 0, result.err
    assert f"{count} cookies); li_at expires 20" in result.out
    status = cli("session", "status", "--json")
    data = json.loads(status.out)
    assert data["status"] == "unknown"
    assert data["cookies"] == count
    assert data["expires_at"] is not None
    assert_secret_kept(result.out, result.err, status.out)


@pytest.mark.parametrize(
    ("flag", "content", "problem"),
    [
        ("--storage-state", "{broken", "not valid JSON"),
        (
            "--storage-state",
            {"cookies": [{"name": "li_at", "value": SECRET}]},
            'cookie #1: "domain" is missing',
        ),
        ("--cookies", storage_state(), "import it with --storage-state"),
        ("--cookies", netscape().replace("li_at", "li_ap"), "no li_at cookie"),
        (
            "--cookies",
            "# Netscape HTTP Cookie File\n.linkedin.com TRUE / TRUE 0 li_at x\n",
            "expected 7 tab-separated",
        ),
        ("--li-at-file", "AQEDAR secret", "holds characters a cookie cannot"),
    ],
)
def test_a_malformed_file_is_one_line_and_writes_nothing(
    cli: Any, home: Path, tmp_path: Path, flag: str, content: Any, problem: str
) -> None:
    path = write(tmp_path / "input", content)
    result = cli("session", "import", flag, str(path))
    assert result.code == 2
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"linkpilot: error: {path}")
    assert problem in lines[0]
    assert not (home / "session.enc").exists()
    assert not (home / "secret.key").exists()
    assert_secret_kept(result.err)


def test_a_failed_import_keeps_the_previous_session(cli: Any, home: Path, tmp_path: Path) -> None:
    assert cli("session", "import", "--li-at", SECRET).code == 0
    before = (home / "session.enc").read_bytes()
    bad = cli("session", "import", "--cookies", str(write(tmp_path / "c.json", "[{")))
    assert bad.code == 2
    assert (home / "session.enc").read_bytes() == before


@pytest.mark.parametrize(
    "args",
    [(), ("--li-at", SECRET, "--cookies", "x.json")],
    ids=["none", "two"],
)
def test_exactly_one_source(cli: Any, args: tuple[str, ...]) -> None:
    result = cli("session", "import", *args)
    assert result.code == 2
    assert result.err.strip() == (
        "linkpilot: error: session import: give exactly one of --li-at, --li-at-file, --storage-state, --cookies"
    )


def test_bad_li_at_values_do_not_echo(cli: Any) -> None:
    result = cli("session", "import", "--li-at", "short")
    assert result.code == 2
    assert result.err.strip() == (
        "linkpilot: error: --li-at: the li_at value has 5 characters; a LinkedIn session cookie has 8 to 4096"
    )


def test_status_without_a_session(cli: Any) -> None:
    result = cli("session", "status")
    assert result.code == 5
    assert result.err.strip() == "linkpilot: error: no session imported yet: run `linkpilot session import`"


def test_a_wrong_key_is_exit_5_not_a_logged_out_browser(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINKPILOT_SECRET_KEY", Fernet.generate_key().decode())
    assert cli("session", "import", "--li-at", SECRET).code == 0
    monkeypatch.setenv("LINKPILOT_SECRET_KEY", Fernet.generate_key().decode())
    for args in (("session", "status"), ("session", "status", "--check")):
        result = cli(*args)
        assert result.code == 5
        assert (
            result.err.strip() == "linkpilot: error: cannot decrypt the session: wrong LINKPILOT_SECRET_KEY?"
        )


def test_a_bad_secret_key_setting_is_exit_2(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINKPILOT_SECRET_KEY", "hunter2")
    result = cli("session", "import", "--li-at", SECRET)
    assert result.code == 2
    assert "secret_key: not a Fernet key" in result.err
    assert "hunter2" not in result.err


async def _linkpilot(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "linkpilot",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=90)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


@pytest.mark.asyncio(loop_scope="session")
@pytest.mark.browser
async def test_status_check_against_the_practice_site(home: Path) -> None:
    site = await start_site(clock=utc_now)  # the product here runs on the real clock too
    try:
        env = {**os.environ, "LINKPILOT_LINKEDIN_URL": site.url}
        code, out, err = await _linkpilot("session", "import", "--li-at", SANDBOX_LI_AT, env=env)
        assert code == 0, err
        code, out, err = await _linkpilot("session", "status", "--check", env=env)
        assert code == 0, err
        assert out.splitlines()[0].startswith("session: valid (checked 20")
        site.state.expire()
        code, out, err = await _linkpilot("session", "status", "--check", "--json", env=env)
        assert code == 5
        assert json.loads(out)["status"] == "expired"
        # Without --check the last answer stands.
        code, out, err = await _linkpilot("session", "status", env=env)
        assert code == 5
        assert out.startswith("session: expired (checked ")
        for text in (out, err):
            assert SANDBOX_LI_AT not in text
        assert not (home / "crash.log").exists()
        assert site.state.record.to_json()["visits"] == []
    finally:
        await site.stop()


def listing(folder: Path) -> dict[str, bytes | None]:
    """Every path under `folder` with its bytes (None for a directory); {} when it is absent."""
    if not folder.exists():
        return {}
    return {
        str(path.relative_to(folder)): None if path.is_dir() else path.read_bytes()
        for path in sorted(folder.rglob("*"))
    }


def one_error_line(result: Any) -> str:
    assert result.out == ""
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert "Traceback" not in result.err
    return lines[0]


@pytest.mark.parametrize("args", [("session", "status"), ("session", "import", "--li-at", SECRET)])
def test_a_directory_at_the_session_file_is_one_line_exit_2(
    cli: Any, home: Path, args: tuple[str, ...]
) -> None:
    (home / "session.enc").mkdir(parents=True)
    result = cli(*args)
    assert result.code == 2
    assert one_error_line(result) == (
        f"linkpilot: error: session file {home / 'session.enc'} is a directory, not a file: "
        "move it out of the way and try again"
    )
    assert not (home / "crash.log").exists()
    assert_secret_kept(result.err)


def _with_session_dir(home: Path, tmp_path: Path) -> list[str]:
    (home / "session.enc").mkdir(parents=True)
    return ["--li-at", SECRET]


def _with_bad_cookies(home: Path, tmp_path: Path) -> list[str]:
    return ["--cookies", str(write(tmp_path / "c.json", "[{"))]


def _over_an_existing_folder(home: Path, tmp_path: Path) -> list[str]:
    home.mkdir(parents=True)
    (home / "notes.txt").write_text("the owner's\n")
    (home / "session.enc").mkdir()
    return ["--li-at", SECRET]


@pytest.mark.parametrize(
    "arrange",
    [_with_session_dir, _with_bad_cookies, _over_an_existing_folder],
    ids=["session-file-is-a-directory", "bad-cookie-file-no-folder-yet", "folder-with-other-files"],
)
def test_a_failed_import_leaves_the_data_folder_exactly_as_it_was(
    cli: Any, home: Path, tmp_path: Path, arrange: Any
) -> None:
    args = arrange(home, tmp_path)
    before = listing(home)
    result = cli("session", "import", *args)
    assert result.code == 2
    one_error_line(result)
    # No key without a session, no log, no folder made for nothing.
    assert listing(home) == before
    assert home.exists() == bool(before)


class EndlessStdin(io.TextIOBase):
    """A pipe that never ends (`yes | linkpilot ...`): a read without a bound would never return."""

    def readable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def read(self, size: int | None = -1) -> str:
        if size is None or size < 0:
            raise AssertionError("stdin read without a bound")
        return "A" * size


@pytest.mark.parametrize(
    ("stdin", "problem"),
    [
        (EndlessStdin(), "stdin: more than 16 KiB; a li_at value is at most 4096 characters"),
        (io.StringIO(SECRET * 400), "stdin: more than 16 KiB; a li_at value is at most 4096 characters"),
        (io.StringIO(" \t\n\r\n"), "stdin: the li_at value is empty (or only spaces)"),
        (io.StringIO(""), "stdin: the li_at value is empty (or only spaces)"),
        (
            io.StringIO(f"\x1b[200~{SECRET}\x1b[201~\n"),
            "stdin: the li_at value holds non-printable characters",
        ),
        (io.StringIO(f"{SECRET}\x00\n"), "stdin: the li_at value holds non-printable characters"),
        (
            io.TextIOWrapper(io.BytesIO(b"\xff\xfe" + SECRET.encode()), encoding="utf-8"),
            "stdin: not UTF-8 text",
        ),
    ],
    ids=["endless", "too-long", "whitespace", "empty", "bracketed-paste", "nul", "not-utf8"],
)
def test_li_at_from_stdin_is_bounded_and_checked(
    cli: Any, home: Path, monkeypatch: pytest.MonkeyPatch, stdin: io.TextIOBase, problem: str
) -> None:
    monkeypatch.setattr(sys, "stdin", stdin)
    result = cli("session", "import", "--li-at", "-")
    assert result.code == 2
    assert one_error_line(result).startswith(f"linkpilot: error: {problem}")
    assert_secret_kept(result.err)
    assert listing(home) == {}


def test_the_stdin_bound_is_16_kib_of_text(cli: Any, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    limit = 16 * 1024
    padded = f"li_at={SECRET}\r\n".ljust(limit, "\n")
    monkeypatch.setattr(sys, "stdin", io.StringIO(padded))
    assert cli("session", "import", "--li-at", "-").code == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO(padded + "\n"))
    refused = cli("session", "import", "--li-at", "-")
    assert refused.code == 2
    assert "more than 16 KiB" in refused.err
