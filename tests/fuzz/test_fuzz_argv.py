"""Random command lines into `linkpilot`: each ends in the command's answer, or one line on
stderr with the contract's exit code, never a traceback, and a refusal writes nothing."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import click
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from linkpilot.cli.main import cli as root
from tests.fuzz.helpers import FUZZ, assert_no_crash, data_state, terminal_lines

# Commands that start a browser, a server, tmux or the console run for seconds or forever:
# the fuzzer only hands them options they do not have (a usage error before anything starts).
LONG_RUNNING = {"attach", "console", "demo", "login", "run", "sandbox", "selectors", "serve", "health"}
# Options that would do the same inside an otherwise quick command.
LONG_RUNNING_OPTIONS: dict[tuple[str, ...], set[str]] = {("session", "status"): {"--check"}}
# An option that keeps an otherwise slow command quick: `config check` starts Chromium without it.
QUICK_WITH: dict[tuple[str, ...], str] = {("config", "check"): "--settings-only"}
CONTRACT_CODES = {0, 1, 2, 4, 5}


def command_tree() -> dict[tuple[str, ...], click.Command]:
    ctx = click.Context(root)
    found: dict[tuple[str, ...], click.Command] = {}

    def walk(command: click.Command, path: tuple[str, ...]) -> None:
        found[path] = command
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None
                walk(sub, (*path, name))

    walk(root, ())
    return found


TREE = command_tree()
QUICK = sorted(p for p in TREE if p and p[0] not in LONG_RUNNING)
SLOW = sorted(p for p in TREE if p and p[0] in LONG_RUNNING)
ALL_OPTIONS = sorted(
    {opt for cmd in TREE.values() for param in cmd.params for opt in param.opts if opt.startswith("-")}
)

CHARS = st.characters(codec="utf-8", exclude_characters="\x00")
VALUES = st.one_of(
    st.text(CHARS, max_size=20),
    st.sampled_from(
        [
            "0",
            "-1",
            "3",
            "99999999999999999999",
            "1.5",
            "nan",
            "exists.csv",
            "folder",
            "missing.csv",
            "-",
            "--",
            "",
        ]
    ),
    st.from_regex(r"\Ahttps://www\.linkedin\.com/in/[a-z-]{2,12}/\Z"),
)


def relative(value: str) -> str:
    """Keep every path the fuzzer invents inside the test's own folder."""
    return value.lstrip("/~").replace("..", "__")


@st.composite
def quick_argv(draw: st.DrawFn) -> list[str]:
    path = draw(st.sampled_from(QUICK))
    command = TREE[path]
    own = [p for p in command.params if isinstance(p, click.Option)]
    banned = LONG_RUNNING_OPTIONS.get(path, set())
    argv = [*path, *([QUICK_WITH[path]] if path in QUICK_WITH else [])]
    for _ in range(draw(st.integers(0, 3))):
        choice = draw(st.integers(0, 6))
        if choice <= 3 and own:
            option = draw(st.sampled_from(own))
            name = draw(st.sampled_from(option.opts))
            if name in banned:
                continue
            argv.append(name)
            if not option.is_flag:
                argv.append(relative(draw(VALUES)))
        elif choice == 4:
            argv.append(draw(st.sampled_from([o for o in [*ALL_OPTIONS, "--help", "-h"] if o not in banned])))
        else:
            argv.append(relative(draw(VALUES)))
    # Nothing here may reach the options that were left out.
    assert not set(argv) & banned
    return argv


@st.composite
def slow_argv(draw: st.DrawFn) -> list[str]:
    path = list(draw(st.sampled_from(SLOW)))
    extra = draw(st.lists(VALUES.map(relative), max_size=2))
    return [*path, *extra, "--no-such-option"]


def check(cli: Any, home: Path, argv: list[str]) -> Any:
    if not (home / "linkpilot.db").exists():
        assert cli("db", "upgrade").code == 0
    before = data_state(home)
    result = cli(*argv)
    assert_no_crash(result, home)
    event(f"exit {result.code}")
    assert result.code in CONTRACT_CODES, (argv, result.code, result.err)
    if result.code == 0:
        return result
    if result.err.startswith("Usage:"):
        # A bare group shows its help, as git does.
        assert result.code == 2
    else:
        lines = terminal_lines(result.err)
        assert len(lines) == 1, (argv, result.err)
        # `linkpilot: error...`, `linkpilot: aborted`, or the practice site's `linkpilot.sandbox: ...`
        assert lines[0].startswith("linkpilot"), (argv, result.err)
    if result.code == 2:
        assert data_state(home) == before, argv
    return result


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    (work / "exists.csv").write_text(
        "profile_url,name\nlinkedin.com/in/ada-l,Ada Lovelace\n", encoding="utf-8"
    )
    (work / "folder").mkdir()
    monkeypatch.chdir(work)
    # `--li-at -` reads standard input: an empty one, as from `< /dev/null`.
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    return work


@FUZZ
@given(argv=quick_argv())
def test_quick_commands(cli: Any, home: Path, workdir: Path, argv: list[str]) -> None:
    check(cli, home, argv)


@FUZZ
@given(argv=slow_argv())
def test_long_running_commands_refuse_unknown_options(
    cli: Any, home: Path, workdir: Path, argv: list[str]
) -> None:
    assert check(cli, home, argv).code == 2


@FUZZ
@given(word=st.text(CHARS, min_size=1, max_size=12))
def test_unknown_commands(cli: Any, home: Path, workdir: Path, word: str) -> None:
    if (word,) in TREE:
        return
    result = cli(word)
    assert_no_crash(result, home)
    if word.startswith("-") and word not in ("--", "-"):
        assert result.code == 2
    if result.code != 0:
        assert len(terminal_lines(result.err)) == 1, result.err
