"""Settings from any TOML file and any LINKPILOT_* variables: valid settings, or one line naming
the key and where it came from; never a traceback, never the secret in the message."""

from __future__ import annotations

import base64
import json
import math
from datetime import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from pydantic import BaseModel

from linkpilot.common.errors import ConfigError
from linkpilot.common.settings import Settings, load_settings
from tests.fuzz.helpers import FEW, FUZZ, assert_no_crash, assert_refused

# A well-formed Fernet key (settings refuse any other), recognisable wherever it would leak.
SECRET = base64.urlsafe_b64encode(b"fuzz-secret-key-never-shown-0123").decode()
REDIS_PASSWORD = "redis-pass-never-shown-9876"


def leaf_paths(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths: list[tuple[str, ...]] = []
    for name, field in model.model_fields.items():
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            paths += [(*prefix, name), *leaf_paths(ann, (*prefix, name))]
        else:
            paths.append((*prefix, name))
    return paths


KNOWN = leaf_paths(Settings)
PATHS = st.one_of(
    st.sampled_from(KNOWN),
    st.sampled_from(KNOWN).map(lambda p: (*p, "extra")),
    st.lists(st.from_regex(r"\A[a-z_]{1,12}\Z"), min_size=1, max_size=3).map(tuple),
)
SCALARS = st.one_of(
    st.integers(-(2**63), 2**63 - 1),
    st.integers(-5, 100_000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=30),
    st.sampled_from(
        [
            "human",
            "fast",
            "Europe/Paris",
            "Mars/Olympus",
            "https://www.linkedin.com",
            "http://127.0.0.1:8080",
            "http://[::1",
            "ftp://x",
            "~/lp",
            "07:00",
            "25:99",
        ]
    ),
    st.times(),
)
VALUES = st.one_of(SCALARS, st.lists(SCALARS, max_size=4))


DEFAULTS = Settings().model_dump()


def default_at(path: tuple[str, ...]) -> Any:
    node: Any = DEFAULTS
    for part in path:
        node = node[part]
    return node


def plausible(path: tuple[str, ...]) -> st.SearchStrategy[Any]:
    """Values of the right type near the default, so that many files are accepted and the
    cross-field checks (per_day <= per_week, start < end) get exercised."""
    default = default_at(path)
    if isinstance(default, bool):
        good: st.SearchStrategy[Any] = st.booleans()
    elif isinstance(default, int):
        good = st.integers(0, default * 2 + 1)
    elif isinstance(default, float):
        good = st.floats(0, default * 2 + 1)
    elif isinstance(default, time):
        good = st.times()
    elif isinstance(default, tuple):
        good = (
            st.lists(st.integers(0, 6), max_size=7) if path[-1] == "days" else st.lists(st.text(max_size=8))
        )
    elif isinstance(default, str):
        good = st.sampled_from([default, "fast", "Europe/Paris", "Asia/Tokyo", "http://127.0.0.1:9"])
    else:
        good = st.sampled_from(["~/lp", "/tmp/x"]) if default is None else st.just(str(default))
    return st.one_of(good, good, good, good, VALUES)


ENTRY = st.sampled_from([p for p in KNOWN if not isinstance(default_at(p), dict)]).flatmap(
    lambda p: st.tuples(st.just(p), plausible(p))
)
# The secrets go where they belong, well or badly formed: a value the operator typed into
# another key (a password as the time zone) is that key's value, shown like any other.
SECRET_ENTRY = st.sampled_from(
    [
        (("secret_key",), SECRET),
        (("secret_key",), [SECRET]),
        (("secret_key",), {"value": SECRET}),
        (("redis_url",), f"redis://:{REDIS_PASSWORD}@127.0.0.1:1/0"),
        (("redis_url",), [f"redis://:{REDIS_PASSWORD}@127.0.0.1:1/0"]),
        (("database_url",), f"postgresql://lp:{REDIS_PASSWORD}@127.0.0.1/lp"),
        (("database_url",), 7),
    ]
)
ENTRIES = st.one_of(
    st.lists(st.one_of(ENTRY, ENTRY, SECRET_ENTRY), max_size=4),
    st.lists(ENTRY, max_size=4),
    st.lists(st.tuples(PATHS, VALUES), max_size=4),
).map(dict)


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, list):
        # TOML arrays may mix types since 1.0.
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def env_value(value: Any) -> str:
    return (
        toml_value(value)
        if isinstance(value, list)
        else str(value).lower()
        if isinstance(value, bool)
        else str(value)
    )


def check_outcome(env: dict[str, str]) -> None:
    refusal: ConfigError | None = None
    try:
        settings = load_settings(environ=env)
    except ConfigError as exc:
        refusal = exc
    if refusal is not None:
        event("refused")
        assert refusal.message
        assert "\n" not in refusal.message
        assert SECRET not in refusal.message
        assert REDIS_PASSWORD not in refusal.message
        return
    event("accepted")
    assert SECRET not in repr(settings)
    assert REDIS_PASSWORD not in repr(settings)


@FUZZ
@given(entries=ENTRIES)
def test_generated_toml_files(tmp_path: Path, entries: dict[tuple[str, ...], Any]) -> None:
    lines = [
        ".".join(json.dumps(p) if not p.isidentifier() else p for p in path) + " = " + toml_value(value)
        for path, value in entries.items()
    ]
    config = tmp_path / "linkpilot.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    check_outcome({"LINKPILOT_CONFIG": str(config)})


@FUZZ
@given(
    data=st.one_of(
        st.binary(max_size=300), st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass"))
    )
)
def test_arbitrary_settings_files(tmp_path: Path, data: bytes) -> None:
    config = tmp_path / "linkpilot.toml"
    config.write_bytes(data)
    check_outcome({"LINKPILOT_CONFIG": str(config)})


@FUZZ
@given(entries=ENTRIES)
def test_environment_variables(entries: dict[tuple[str, ...], Any]) -> None:
    env = {
        "LINKPILOT_" + "__".join(p.upper() for p in path): env_value(value) for path, value in entries.items()
    }
    env = {k: v.replace("\x00", "") for k, v in env.items()}
    check_outcome(env)


@FEW
@given(entries=st.lists(ENTRY, max_size=5).map(dict))
def test_config_commands(
    cli: Any, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, entries: dict[tuple[str, ...], Any]
) -> None:
    """`config check` and `config show` agree with the loader and never print a secret."""
    entries = {p: v for p, v in entries.items() if p != ("home",)}
    config = tmp_path / "linkpilot.toml"
    config.write_text(
        "\n".join(".".join(path) + " = " + toml_value(value) for path, value in entries.items())
        + f'\nsecret_key = "{SECRET}"\nredis_url = "redis://:{REDIS_PASSWORD}@127.0.0.1:1/0"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("LINKPILOT_CONFIG", str(config))
    # Only the settings: the reachability checks (browser, Redis) have their own tests.
    check = cli("config", "check", "--settings-only")
    show = cli("config", "show")
    for result in (check, show):
        assert_no_crash(result, home)
        assert SECRET not in result.out + result.err
        assert REDIS_PASSWORD not in result.out + result.err
    if check.code == 0:
        assert check.out.startswith("settings OK")
        assert show.code == 0
        assert "********" in show.out
    else:
        assert_refused(check)
        assert_refused(show)
        assert check.err == show.err
