from __future__ import annotations

import base64
from datetime import time, timedelta
from pathlib import Path

import pytest

from linkpilot.common.clock import local_zone_name
from linkpilot.common.errors import ConfigError
from linkpilot.common.settings import load_settings, masked_dump


def test_defaults_follow_the_documented_limits() -> None:
    s = load_settings({})
    assert (s.limits.messages.per_run, s.limits.messages.per_day, s.limits.messages.per_week) == (15, 15, 100)
    assert (s.delays.message_min_s, s.delays.message_max_s) == (90, 180)
    assert (s.working_hours.start.hour, s.working_hours.end.hour) == (7, 19)
    assert s.birthday.late_days == 10
    assert s.timezone == local_zone_name()  # the box's own zone
    assert s.clock.tolerance == timedelta(minutes=5)
    assert s.clock.guard is True
    assert s.pacing == "human"
    assert s.redis_url is None


def test_file_then_env_override_one_nested_key(tmp_path: Path) -> None:
    cfg = tmp_path / "lp.toml"
    cfg.write_text('timezone = "UTC"\n[limits.messages]\nper_day = 10\nper_week = 50\n')
    s = load_settings({"LINKPILOT_CONFIG": str(cfg), "LINKPILOT_LIMITS__MESSAGES__PER_DAY": "7"})
    assert s.timezone == "UTC"
    assert s.limits.messages.per_day == 7
    assert s.limits.messages.per_week == 50
    assert s.limits.messages.per_run == 15


def test_env_lists_are_read_as_toml_values() -> None:
    s = load_settings({"LINKPILOT_SOURCING__TITLES": '["CTO", "VP Engineering"]'})
    assert s.sourcing.titles == ("CTO", "VP Engineering")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("colour = 1\n", "unknown setting colour in {path}"),
        ("[limits.messages]\nper_hour = 3\n", "unknown setting limits.messages.per_hour in {path}"),
        ('pacing = "turbo"\n', "pacing: Input should be 'human' or 'fast' (from {path})"),
        (
            "[limits.messages]\nper_day = 500\n",
            "limits.messages: per_day cannot exceed per_week (from {path})",
        ),
        (
            "[delays]\nscroll_min_s = 3\nscroll_max_s = 1\n",
            "delays: a minimum delay exceeds its maximum (from {path})",
        ),
        ('timezone = "Mars/Olympus"\n', "timezone: unknown time zone 'Mars/Olympus' (from {path})"),
        ("this is = not toml", "settings file is not valid TOML: {path}"),
        ('linkedin_url = "ftp://x"\n', "linkedin_url: must be an http(s) origin"),
    ],
)
def test_bad_file_names_the_key_and_the_file(tmp_path: Path, content: str, expected: str) -> None:
    cfg = tmp_path / "lp.toml"
    cfg.write_text(content)
    with pytest.raises(ConfigError) as info:
        load_settings({"LINKPILOT_CONFIG": str(cfg)})
    assert expected.format(path=cfg) in str(info.value)
    assert "\n" not in str(info.value)


def test_non_utf8_and_missing_files_are_refused(tmp_path: Path) -> None:
    cfg = tmp_path / "lp.toml"
    cfg.write_bytes(b'timezone = "\xff"\n')
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_settings({"LINKPILOT_CONFIG": str(cfg)})
    with pytest.raises(ConfigError, match="settings file not found"):
        load_settings({"LINKPILOT_CONFIG": str(tmp_path / "missing.toml")})


def test_bad_env_names_the_variable() -> None:
    with pytest.raises(
        ConfigError,
        match=r"unknown setting limits.messages.per_hour \(from environment variable LINKPILOT_LIMITS__MESSAGES__PER_HOUR\)",
    ):
        load_settings({"LINKPILOT_LIMITS__MESSAGES__PER_HOUR": "2"})
    with pytest.raises(ConfigError, match="LINKPILOT_HEALTH_PORT"):
        load_settings({"LINKPILOT_HEALTH_PORT": "99999"})


def test_secrets_are_masked_and_never_echoed() -> None:
    secret = base64.urlsafe_b64encode(b"s3cr3t-value-that-must-not-leak!").decode()
    s = load_settings(
        {
            "LINKPILOT_SECRET_KEY": secret,
            "LINKPILOT_REDIS_URL": f"redis://user:{secret}@127.0.0.1:6379/0",
        }
    )
    dumped = str(masked_dump(s))
    assert secret not in dumped
    assert "********" in dumped
    assert secret not in repr(s)
    with pytest.raises(ConfigError) as info:
        load_settings({"LINKPILOT_SECRET_KEY": secret, "LINKPILOT_LIMITS__NOPE": secret})
    assert secret not in str(info.value)


@pytest.mark.parametrize("name", ["LINKPILOT_WORKING_HOURS__START", "LINKPILOT_SCHEDULE__BIRTHDAY__END"])
def test_hours_with_a_utc_offset_are_refused(name: str) -> None:
    with pytest.raises(
        ConfigError, match=r"must be a local time without a UTC offset .*environment variable"
    ):
        load_settings(environ={name: "07:00Z"})


def test_an_endless_settings_file_is_refused() -> None:
    # /dev/zero reports no size: reading it whole used to fill the memory.
    with pytest.raises(ConfigError, match="settings file is larger than 1024 KB: /dev/zero"):
        load_settings(environ={"LINKPILOT_CONFIG": "/dev/zero"})


def test_working_hours_can_run_to_midnight_and_be_always_open() -> None:
    always = load_settings(
        {"LINKPILOT_WORKING_HOURS__START": "00:00", "LINKPILOT_WORKING_HOURS__END": "24:00"}
    )
    hours = always.working_hours
    assert all(hours.contains(time(h, m)) for h in range(24) for m in (0, 59))
    evening = load_settings(
        {"LINKPILOT_WORKING_HOURS__START": "18:00", "LINKPILOT_WORKING_HOURS__END": "24:00"}
    )
    assert evening.working_hours.contains(time(23, 59, 59))
    assert not evening.working_hours.contains(time(17, 59))
    # 00:00-23:59 closes the last minute of the day, as it says.
    almost = load_settings(
        {"LINKPILOT_WORKING_HOURS__START": "00:00", "LINKPILOT_WORKING_HOURS__END": "23:59"}
    )
    assert not almost.working_hours.contains(time(23, 59, 30))
    with pytest.raises(ConfigError, match="working_hours"):
        load_settings({"LINKPILOT_WORKING_HOURS__START": "19:00", "LINKPILOT_WORKING_HOURS__END": "07:00"})
    with pytest.raises(ConfigError, match=r"working_hours\.end"):
        load_settings({"LINKPILOT_WORKING_HOURS__END": "25:00"})


def test_the_clock_tolerance_is_a_positive_number_of_minutes() -> None:
    assert load_settings({"LINKPILOT_CLOCK__TOLERANCE_MINUTES": "1.5"}).clock.tolerance == timedelta(
        seconds=90
    )
    for bad in ("0", "-1", "soon", "100000"):
        with pytest.raises(ConfigError, match="LINKPILOT_CLOCK__TOLERANCE_MINUTES"):
            load_settings({"LINKPILOT_CLOCK__TOLERANCE_MINUTES": bad})
