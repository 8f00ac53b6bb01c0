"""`linkpilot session import` on any li_at value and any cookie or storage-state file: a stored
session, or one line that never repeats a cookie value, with nothing written."""

from __future__ import annotations

import copy
import json
import re
import stat
from pathlib import Path
from typing import Any

from hypothesis import assume, event, given
from hypothesis import strategies as st

from tests.engine.session.samples import SECRET, extension_export, netscape, storage_state
from tests.fuzz.helpers import FEW, FUZZ, assert_no_crash, assert_refused, data_state

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
FIELDS = [
    "name",
    "value",
    "domain",
    "path",
    "expires",
    "expirationDate",
    "httpOnly",
    "secure",
    "sameSite",
    "session",
]
# Values chosen to reach the checks behind the type checks: dates far away, odd domains.
SPECIAL = st.sampled_from(
    [
        1e300,
        -1e300,
        2**62,
        -1,
        0,
        253402300800,
        ".linkedin.com",
        "linkedin.com.evil.test",
        "",
        "li_at",
        "Lax",
        "lax",
    ]
)
CHARS = st.characters(codec="utf-8", exclude_characters="\x00")
ACCEPTED = (
    r"session imported \(li_at, 1 cookie\); li_at expires unknown; "
    r"status unknown until `linkpilot session status --check`\n"
)
KEY_NOTE = (
    "a new encryption key was written to {home}/secret.key: keep it with your backups, "
    "or set LINKPILOT_SECRET_KEY instead\n"
)


def import_(cli: Any, home: Path, *args: str) -> None:
    before = data_state(home)
    result = cli("session", "import", *args)
    assert_no_crash(result, home)
    event(f"exit {result.code}")
    assert SECRET not in result.out + result.err
    if result.code != 0:
        assert_refused(result)
        assert data_state(home) == before
        return
    assert result.out.startswith("session imported (")
    assert stat.S_IMODE((home / "session.enc").stat().st_mode) == 0o600
    assert SECRET.encode() not in (home / "session.enc").read_bytes()
    status = cli("session", "status")
    assert status.code in (0, 5), status.err
    assert_no_crash(status, home)
    assert SECRET not in status.out + status.err


@st.composite
def mutated(draw: st.DrawFn, document: Any) -> Any:
    """The sample document with a few fields dropped or replaced by any JSON at all."""
    doc = copy.deepcopy(document)
    cookies = doc["cookies"] if isinstance(doc, dict) else doc
    for _ in range(draw(st.integers(1, 3))):
        cookie = cookies[draw(st.integers(0, len(cookies) - 1))]
        key = draw(st.sampled_from(FIELDS))
        action = draw(st.integers(0, 2))
        if action == 0:
            cookie.pop(key, None)
        else:
            cookie[key] = draw(SPECIAL if action == 1 else JSON)
    if draw(st.integers(0, 9)) == 0:
        doc = draw(JSON)
    return doc


@FUZZ
@given(
    value=st.one_of(
        st.text(CHARS, max_size=60),
        st.from_regex(r"\A(li_at=|\"|')?[A-Za-z0-9\-_.~%=+/:]{1,30}(\"|')?\s*\Z"),
    )
)
def test_li_at_values(cli: Any, home: Path, value: str) -> None:
    # "-" reads the value from standard input: tests/cli/test_session_cli.py covers that.
    assume(value != "-")
    before = data_state(home)
    result = cli("session", "import", f"--li-at={value}")
    assert_no_crash(result, home)
    event(f"exit {result.code}")
    if result.code != 0:
        # The shape is described, the value never repeated (short values may match by chance).
        assert_refused(result, secrets=[value] if len(value.strip()) >= 8 else [])
        assert data_state(home) == before
    else:
        # The fixed wording only: the value itself has no place in it.
        assert re.fullmatch(ACCEPTED, result.out), result.out
        assert result.err in ("", KEY_NOTE.format(home=home))


@FUZZ
@given(doc=mutated(storage_state()), cut=st.none() | st.integers(0, 400))
def test_storage_state_files(cli: Any, home: Path, tmp_path: Path, doc: Any, cut: int | None) -> None:
    text = json.dumps(doc)
    path = tmp_path / "state.json"
    path.write_text(text if cut is None else text[:cut], encoding="utf-8")
    import_(cli, home, "--storage-state", str(path))


@FUZZ
@given(doc=mutated(extension_export()))
def test_extension_exports(cli: Any, home: Path, tmp_path: Path, doc: Any) -> None:
    path = tmp_path / "cookies.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    import_(cli, home, "--cookies", str(path))


@FUZZ
@given(
    line=st.integers(0, 5),
    field=st.integers(0, 6),
    replacement=st.one_of(
        st.text(CHARS, max_size=12), st.sampled_from(["1e400", "nan", "-1", "9" * 30, "TRUE"])
    ),
)
def test_netscape_files(
    cli: Any, home: Path, tmp_path: Path, line: int, field: int, replacement: str
) -> None:
    lines = netscape().splitlines()
    cells = lines[line].split("\t")
    if field < len(cells):
        cells[field] = replacement
    lines[line] = "\t".join(cells)
    path = tmp_path / "cookies.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_(cli, home, "--cookies", str(path))


@FEW
@given(data=st.binary(max_size=300), flag=st.sampled_from(["--cookies", "--storage-state", "--li-at-file"]))
def test_arbitrary_files(cli: Any, home: Path, tmp_path: Path, data: bytes, flag: str) -> None:
    path = tmp_path / "session-input"
    path.write_bytes(data)
    import_(cli, home, flag, str(path))
