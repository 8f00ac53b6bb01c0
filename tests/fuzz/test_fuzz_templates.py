"""Birthday template files of any content and name: a library whose every text renders safely,
or one BadInput line naming the file."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from linkpilot.common.errors import BadInput
from linkpilot.engine.campaigns.logic.templates import (
    KINDS,
    MAX_MESSAGE_CHARS,
    Template,
    TemplateLibrary,
    load_templates,
    parse_template,
    render,
)
from tests.fuzz.helpers import FEW, FUZZ, assert_no_crash, assert_refused, data_state

PIECES = st.sampled_from(
    [
        "{first_name}",
        "{name}",
        "{days_late}",
        "{",
        "}",
        "{{",
        "{age}",
        "{ name }",
        "\r\n",
        "\t",
        "\x07",
        "\ufeff",
        "Joyeux anniversaire",
    ]
)
TEMPLATE_TEXT = st.lists(st.one_of(st.text(max_size=15), PIECES), max_size=8).map("".join)
NAMES = st.text(max_size=40)
FILE_NAMES = st.one_of(
    st.sampled_from(["today.en.a.txt", "late.en.b.txt", "today.fr.c.txt", "late.fr.d.txt"]),
    st.from_regex(r"\A(today|late)\.(en|fr|de)\.[a-z0-9_-]{1,8}\.txt\Z"),
    st.sampled_from(
        [
            "today.EN.x.txt",
            "birthday.en.x.txt",
            "late.fr..txt",
            "README.md",
            ".today.en.swp.txt",
            "today.en.x.txt~",
        ]
    ),
    st.from_regex(r"\A[\w.-]{1,20}\Z").filter(lambda name: name not in (".", "..")),
)

BASES = st.sampled_from(
    [{}, {"today.en.a.txt": "Happy birthday {first_name}!", "late.en.a.txt": "Belated, {name}"}]
)


def check_renders(template: Template, first_name: str, name: str, days_late: int) -> None:
    refusal: BadInput | None = None
    try:
        text = render(template, first_name=first_name, name=name, days_late=days_late)
    except BadInput as exc:
        refusal = exc
    if refusal is not None:
        assert "over LinkedIn's" in refusal.message
        return
    assert len(text) <= MAX_MESSAGE_CHARS
    if "{" not in first_name + name and "}" not in first_name + name:
        # Every brace in a checked template is a placeholder: none survives rendering.
        assert "{" not in text
        assert "}" not in text


@FUZZ
@given(
    raw=st.one_of(
        TEMPLATE_TEXT, TEMPLATE_TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")), st.binary(max_size=80)
    ),
    kind=st.sampled_from(KINDS),
    first_name=NAMES,
    name=NAMES,
    days_late=st.integers(0, 60),
)
def test_one_template(raw: str | bytes, kind: str, first_name: str, name: str, days_late: int) -> None:
    refusal: BadInput | None = None
    try:
        template = parse_template(
            raw, template_id="t", kind="today" if kind == "today" else "late", language="en", source="t.txt"
        )
    except BadInput as exc:
        refusal = exc
    if refusal is not None:
        event("refused")
        assert refusal.message.startswith("birthday template t.txt: ")
        assert "\n" not in refusal.message
        return
    event("accepted")
    assert template.text == template.text.strip()
    assert "\r" not in template.text
    check_renders(template, first_name, name, days_late)


@FEW
@given(
    base=st.sampled_from(
        [{}, {"today.en.a.txt": "Happy birthday {first_name}!", "late.en.a.txt": "Belated, {name}"}]
    ),
    files=st.dictionaries(FILE_NAMES, TEMPLATE_TEXT, min_size=0, max_size=4),
)
def test_a_templates_folder(base: dict[str, str], files: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as where:
        folder = Path(where)
        for file_name, text in {**base, **files}.items():
            (folder / file_name).write_text(text, encoding="utf-8", errors="surrogatepass")
        refusal: BadInput | None = None
        try:
            library = load_templates(folder)
        except BadInput as exc:
            refusal = exc
    if refusal is not None:
        event("refused")
        assert "\n" not in refusal.message
        assert "birthday template" in refusal.message
        return
    event("accepted")
    assert isinstance(library, TemplateLibrary)
    for language in library.languages:
        for kind in KINDS:
            assert library.candidates(kind, language)
    for template in library.templates:
        check_renders(template, "Ada", "Ada Lovelace", 3)


@settings(FEW, max_examples=15)
@given(base=BASES, files=st.dictionaries(FILE_NAMES, TEMPLATE_TEXT, max_size=2))
def test_run_birthday_with_a_templates_folder(
    cli: Any,
    home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    base: dict[str, str],
    files: dict[str, str],
) -> None:
    """The campaign checks the operator's folder before anything else: a bad template stops it
    with one line naming the file (exit 2); good ones let it reach the missing session (exit 5)."""
    folder = tmp_path / "templates"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for file_name, text in {**base, **files}.items():
        (folder / file_name).write_text(text, encoding="utf-8", errors="surrogatepass")
    monkeypatch.setenv("LINKPILOT_BIRTHDAY__TEMPLATES_DIR", str(folder))
    if not (home / "linkpilot.db").exists():
        assert cli("db", "upgrade").code == 0
    before = data_state(home)
    result = cli("run", "birthday", "--dry-run")
    assert_no_crash(result, home)
    event(f"exit {result.code}")
    if result.code == 2:
        assert_refused(result)
        assert "birthday template" in result.err
        assert data_state(home) == before
    else:
        # A run that met no session is recorded as such: that write is the correct behaviour.
        assert result.code == 5, result.err
