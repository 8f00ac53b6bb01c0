from __future__ import annotations

import sqlite3
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import tzlocal
from cryptography.fernet import Fernet

from linkpilot.common.clock import local_zone_name
from linkpilot.storage.migrate import head_revision
from tests.conftest import RedisServer, free_port
from tests.postgres import PostgresServer, postgres_server

__all__ = ["postgres_server"]


def test_config_check_ok_and_bad(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ok = cli("config", "check")
    assert ok.code == 0
    assert "settings OK" in ok.out
    cfg = tmp_path / "bad.toml"
    cfg.write_text("[limits]\nmesages = 3\n")
    monkeypatch.setenv("LINKPILOT_CONFIG", str(cfg))
    bad = cli("config", "check")
    assert bad.code == 2
    assert bad.err.strip() == f"linkpilot: error: unknown setting limits.mesages in {cfg}"
    assert "Traceback" not in bad.err


@pytest.fixture
def box_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Set this machine's time zone (TZ, as tzlocal reads it) for one test."""

    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        tzlocal.reload_localzone()

    yield set_zone
    monkeypatch.undo()
    tzlocal.reload_localzone()


def test_the_time_zone_defaults_to_the_boxs_and_check_warns_when_set_elsewhere(
    cli, box_zone: Callable[[str], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    box_zone("America/New_York")
    ok = cli("config", "check", "--settings-only")
    assert ok.code == 0
    assert "time zone America/New_York" in ok.out
    assert ok.err == ""
    # A New Yorker on Paris time would be a day ahead every evening: said, but not refused.
    monkeypatch.setenv("LINKPILOT_TIMEZONE", "Europe/Paris")
    warned = cli("config", "check", "--settings-only")
    assert warned.code == 0
    assert warned.err.strip() == (
        "linkpilot: warning: timezone is Europe/Paris but this machine's zone is America/New_York: "
        "days, working hours and birthdays follow the setting; set it to where the account's owner lives"
    )
    # Another name for the same clock times is no difference.
    box_zone("Etc/UTC")
    monkeypatch.setenv("LINKPILOT_TIMEZONE", "UTC")
    assert cli("config", "check", "--settings-only").err == ""


def test_config_check_reaches_all_it_can_without_linkedin(
    cli, home: Path, redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LINKPILOT_TIMEZONE", local_zone_name())
    ok = cli("config", "check")
    assert ok.code == 0, ok.out + ok.err
    assert ok.err == ""
    assert ok.out.splitlines() == [
        f"settings OK (data folder {home}, time zone {local_zone_name()})",
        f"ok      secret key: none yet: {home}/secret.key is made by the first `session import`",
        f"ok      database: SQLite {home}/linkpilot.db (made on first use)",
        "ok      redis: not set (the embedded quota ledger)",
        "ok      browser: /usr/bin/chromium starts",
        "ok      notifications: no channel (set [notify] urls to be told when LinkPilot stops)",
    ]
    # Nothing was made by looking: no database, no key, no browser profile.
    assert not (home / "linkpilot.db").exists()
    assert not (home / "secret.key").exists()
    assert not (home / "browser").exists()


def _check_fails(cli, check: str, line: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("config", "check")
    assert result.code == 2, result.out
    assert line in result.out.splitlines(), result.out
    assert result.err.count("\n") == 1
    assert result.err.startswith(f"linkpilot: error: config check failed: {check}: ")
    assert "Traceback" not in result.out + result.err


def test_config_check_fails_per_check(
    cli,
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
    redis_server: RedisServer,
    postgres_server: PostgresServer,
) -> None:
    monkeypatch.setenv("LINKPILOT_CHROMIUM", "/nonexistent")
    _check_fails(cli, "browser", "FAILED  browser: chromium: /nonexistent is not an executable file")
    monkeypatch.delenv("LINKPILOT_CHROMIUM")

    port = free_port()
    monkeypatch.setenv("LINKPILOT_REDIS_URL", f"redis://:redis-password-kept-out@127.0.0.1:{port}/0")
    _check_fails(
        cli,
        "redis",
        f"FAILED  redis: ConnectionError: Error 111 connecting to 127.0.0.1:{port}. "
        f"Connect call failed ('127.0.0.1', {port}).",
    )
    monkeypatch.setenv("LINKPILOT_REDIS_URL", redis_server.url)
    assert "ok      redis: answers PING" in cli("config", "check").out.splitlines()
    monkeypatch.delenv("LINKPILOT_REDIS_URL")

    closed = f"postgresql://linkpilot:pg-password-kept-out@127.0.0.1:{free_port()}/linkpilot"
    monkeypatch.setenv("LINKPILOT_DATABASE_URL", closed)
    result = cli("config", "check")
    assert result.code == 2
    assert "FAILED  database: database unavailable: " in result.out
    assert "pg-password-kept-out" not in result.out + result.err
    monkeypatch.setenv("LINKPILOT_DATABASE_URL", postgres_server.url(postgres_server.migrated_template()))
    lines = cli("config", "check").out.splitlines()
    assert "ok      database: PostgreSQL 127.0.0.1/" in "\n".join(lines)
    assert any(line.endswith("answers (schema current)") for line in lines)
    monkeypatch.delenv("LINKPILOT_DATABASE_URL")

    home.mkdir(parents=True)
    (home / "secret.key").write_text("damaged\n")
    _check_fails(
        cli,
        "secret key",
        f"FAILED  secret key: {home}/secret.key: not a Fernet key (the file is damaged; restore it from a backup)",
    )


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "LINKPILOT_SECRET_KEY",
            "short",
            "secret_key: not a Fernet key (32 bytes, url-safe base64; make one with python -c "
            '"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())") '
            "(from environment variable LINKPILOT_SECRET_KEY)",
        ),
        (
            "LINKPILOT_REDIS_URL",
            "http://x",
            "redis_url: must be a redis://HOST[:PORT][/DB], rediss:// or unix:///PATH URL "
            "(from environment variable LINKPILOT_REDIS_URL)",
        ),
        (
            "LINKPILOT_REDIS_URL",
            "redis://:hunter2-kept-out@127.0.0.1:6379/zero",
            "redis_url: the database after the host must be a number, e.g. redis://127.0.0.1:6379/0 "
            "(from environment variable LINKPILOT_REDIS_URL)",
        ),
        (
            "LINKPILOT_NOTIFY__URLS",
            '["ntfy//ntfy.sh/topic"]',
            "notify.urls.0: a notification URL must look like SCHEME://..., e.g. ntfy://ntfy.sh/TOPIC "
            "(from environment variable LINKPILOT_NOTIFY__URLS)",
        ),
    ],
)
def test_every_command_refuses_a_malformed_setting_in_one_line(
    cli, home: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv(variable, value)
    for command in (
        ("config", "check"),
        ("config", "show"),
        ("contacts", "list"),
        ("quota", "status"),
        ("breaker", "status"),
        ("run", "birthday", "--dry-run"),
        ("serve",),
        ("notify", "test"),
        ("health",),
    ):
        result = cli(*command)
        assert (result.code, result.err) == (2, f"linkpilot: error: {message}\n"), command
        assert result.out == ""
        assert "hunter2" not in result.err
    assert not home.exists()


def test_config_show_masks_secrets(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    key = Fernet.generate_key().decode()
    monkeypatch.setenv("LINKPILOT_SECRET_KEY", key)
    result = cli("config", "show")
    assert result.code == 0
    assert key not in result.out
    assert 'secret_key = "********"' in result.out
    assert "[limits.messages]" in result.out


def test_db_upgrade_creates_a_private_wal_database(cli, home: Path) -> None:
    first = cli("db", "upgrade")
    assert first.code == 0
    assert f"to {head_revision()}" in first.out
    again = cli("db", "upgrade")
    assert again.out.strip() == f"database already at revision {head_revision()}"
    db = home / "linkpilot.db"
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_db_backup_is_a_consistent_copy(cli, home: Path, tmp_path: Path) -> None:
    assert cli("db", "upgrade").code == 0
    with sqlite3.connect(home / "linkpilot.db") as conn:
        conn.execute(
            "INSERT INTO contacts (name, status, open_to_work, skills, languages, work_history, education, source,"
            " created_at, updated_at) VALUES ('Ada', 'new', 0, '[]', '[]', '[]', '[]', 'manual', '2026-01-01', '2026-01-01')"
        )
    target = tmp_path / "copy.db"
    result = cli("db", "backup", str(target))
    assert result.code == 0
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT name FROM contacts").fetchall() == [("Ada",)]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_db_backup_bad_targets(cli, home: Path, tmp_path: Path) -> None:
    assert cli("db", "upgrade").code == 0
    missing_dir = cli("db", "backup", str(tmp_path / "nope" / "copy.db"))
    assert missing_dir.code == 2
    assert "backup folder does not exist" in missing_dir.err
    onto_itself = cli("db", "backup", str(home / "linkpilot.db"))
    assert onto_itself.code == 2
    assert "live database itself" in onto_itself.err


def test_a_file_that_is_not_a_database_is_refused(cli, home: Path) -> None:
    home.mkdir(parents=True)
    (home / "linkpilot.db").write_text("hello, I am a text file" * 10)
    result = cli("db", "upgrade")
    assert result.code == 1
    assert result.err.count("\n") == 1
    assert "not a SQLite file" in result.err
    assert (home / "linkpilot.db").read_text().startswith("hello")


def test_a_file_in_place_of_the_data_folder_is_a_bad_setting(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    for home in (blocker, blocker / "linkpilot"):
        monkeypatch.setenv("LINKPILOT_HOME", str(home))
        result = cli("contacts", "list")
        assert (result.code, result.err) == (
            2,
            f"linkpilot: error: home: {home} cannot be a data folder: it or a folder above it is a file\n",
        )
    assert blocker.read_text() == "x"


def test_usage_errors_are_one_line_exit_2(cli) -> None:
    for args in (("nope",), ("db", "backup"), ("config", "show", "--bogus")):
        result = cli(*args)
        assert result.code == 2, args
        assert result.err.count("\n") == 1, result.err
        assert result.err.startswith("linkpilot: error")


def test_demo_needs_a_terminal_and_never_wipes_a_folder_that_is_not_a_demo(cli, tmp_path: Path) -> None:
    no_tty = cli("demo", "--home", str(tmp_path / "demo"))
    assert no_tty.code == 1
    assert no_tty.err.strip() == (
        "linkpilot: error: the console needs a terminal; for headless runs use `linkpilot run CAMPAIGN`"
    )
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "linkpilot.db").write_text("real data")
    refused = cli("demo", "--check", "--home", str(precious))
    assert refused.code == 2
    assert "holds data that is not a LinkPilot demo's" in refused.err
    assert (precious / "linkpilot.db").read_text() == "real data"


def test_an_argument_with_a_newline_is_still_one_line(cli) -> None:
    # Found by fuzzing: click repeats the argument as typed.
    for args in (("blacklist", "list", "a\nb"), ("config", "show", "--bogus\nx"), ("nope\n",)):
        result = cli(*args)
        assert result.code == 2, args
        assert result.err.count("\n") == 1, result.err
        assert result.err.startswith("linkpilot: error")


@pytest.mark.parametrize(
    "args",
    [("blacklist", "list"), ("contacts", "export"), ("run", "birthday", "--dry-run")],
    ids=["blacklist", "contacts", "run"],
)
def test_a_directory_at_the_database_file_is_one_line_exit_2(
    cli, tmp_path: Path, args: tuple[str, ...]
) -> None:
    database = tmp_path / "home" / "linkpilot.db"
    database.mkdir(parents=True)
    result = cli(*args)
    assert result.code == 2, result.err
    assert result.err.splitlines() == [
        f"linkpilot: error: database file {database} is a directory, not a file: "
        "move it out of the way and try again"
    ]
    assert "Traceback" not in result.err
    assert not (tmp_path / "home" / "crash.log").exists()
    assert list(database.iterdir()) == []  # left exactly as the owner put it
