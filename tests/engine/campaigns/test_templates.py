from __future__ import annotations

import datetime as dt
from pathlib import Path
from random import Random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linkpilot.common.errors import BadInput, ExitCode
from linkpilot.engine.campaigns.logic.templates import (
    MAX_MESSAGE_CHARS,
    MAX_TEMPLATE_CHARS,
    Template,
    TemplateLibrary,
    choose_template,
    load_templates,
    parse_template,
    render,
)

NOW = dt.datetime(2025, 6, 1, 9, 0, tzinfo=dt.UTC)


def write(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


MINIMAL = {
    "today.en.a.txt": "Happy birthday {first_name}!",
    "late.en.a.txt": "Late wishes, {name} ({days_late} days)",
}


def test_shipped_templates_cover_both_languages_and_kinds() -> None:
    library = load_templates()
    assert library.languages == ("en", "fr")
    for language in ("en", "fr"):
        for kind in ("today", "late"):
            candidates = library.candidates(kind, language)
            assert len(candidates) >= 3
            assert all(t.language == language and t.kind == kind for t in candidates)
            for template in candidates:
                text = render(template, first_name="Léa", name="Léa Martin", days_late=3)
                assert "Léa" in text
                assert "{" not in text
                assert "}" not in text


def test_a_folder_replaces_the_shipped_templates(tmp_path: Path) -> None:
    library = load_templates(
        write(tmp_path / "tpl", {**MINIMAL, "README.md": "{notes}", ".today.en.x.txt.swp": b"\xff"})
    )
    assert [t.id for t in library.templates] == ["late.en.a", "today.en.a"]
    assert library.get("today.en.a") == Template("today.en.a", "today", "en", "Happy birthday {first_name}!")
    assert library.get("nope") is None
    assert library.source == str(tmp_path / "tpl")


def test_text_is_trimmed_and_line_endings_normalised(tmp_path: Path) -> None:
    files = {**MINIMAL, "today.en.a.txt": b"\xef\xbb\xbf\r\nHello {first_name},\r\nhappy birthday!\r\n\r\n"}
    library = load_templates(write(tmp_path, files))
    assert library.get("today.en.a") is not None
    assert library.get("today.en.a").text == "Hello {first_name},\nhappy birthday!"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("today.en.a.txt", "Happy birthday {prenom}!", "unknown placeholder {prenom} at line 1"),
        ("today.en.a.txt", "Hi\n{first_name} {}", "unknown placeholder {} at line 2"),
        ("today.en.a.txt", "Happy birthday { first_name }", "unknown placeholder { first_name }"),
        ("today.en.a.txt", "Happy birthday {first_name!", "unbalanced brace '{' at line 1"),
        ("today.en.a.txt", "Happy birthday first_name}!", "unbalanced brace '}' at line 1"),
        ("today.en.a.txt", "Literal {{braces}}", "unbalanced brace '{' at line 1"),
        (
            "today.en.a.txt",
            "{first_name} is {days_late} days late",
            "{days_late} at line 1 is only for late templates",
        ),
        ("today.en.a.txt", "", "empty template"),
        ("today.en.a.txt", " \n\t\n", "empty template"),
        ("today.en.a.txt", b"Joyeux anniversaire \xe9t\xe9", "not UTF-8 text"),
        ("today.en.a.txt", "x" * (MAX_TEMPLATE_CHARS + 1), f"too long ({MAX_TEMPLATE_CHARS + 1} characters"),
        ("today.en.a.txt", "Hi\x00there", "control character '\\x00' at line 1"),
        ("birthday.en.a.txt", "Hi", "file name must be <kind>.<language>.<name>.txt"),
        ("today.english.a.txt", "Hi", "file name must be"),
        ("today.en.txt", "Hi", "file name must be"),
        ("today.en.a b.txt", "Hi", "file name must be"),
    ],
)
def test_bad_templates_are_refused_with_one_line_naming_the_file(
    tmp_path: Path, name: str, content: str | bytes, problem: str
) -> None:
    folder = write(tmp_path / "tpl", {**MINIMAL, name: content})
    with pytest.raises(BadInput) as caught:
        load_templates(folder)
    message = caught.value.message
    assert "\n" not in message
    assert f"{folder}/{name}" in message
    assert problem in message
    assert caught.value.exit_code == ExitCode.BAD_INPUT


def test_a_language_needs_both_kinds(tmp_path: Path) -> None:
    folder = write(tmp_path / "tpl", {**MINIMAL, "today.fr.a.txt": "Joyeux anniversaire {first_name} !"})
    with pytest.raises(BadInput, match=r"language fr has no late template \(add late\.fr\.<name>\.txt\)"):
        load_templates(folder)


def test_missing_empty_or_wrong_folders(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match=r"birthday templates folder not found: .*nowhere"):
        load_templates(tmp_path / "nowhere")
    file = tmp_path / "file.txt"
    file.write_text("x")
    with pytest.raises(BadInput, match="is not a folder"):
        load_templates(file)
    (tmp_path / "empty").mkdir()
    with pytest.raises(BadInput, match="no birthday templates in"):
        load_templates(tmp_path / "empty")


def test_an_unreadable_template_is_refused(tmp_path: Path) -> None:
    folder = write(tmp_path / "tpl", MINIMAL)
    (folder / "today.en.dir.txt").mkdir()  # a folder with a template's name is skipped, not read
    assert len(load_templates(folder).templates) == 2
    (folder / "today.en.link.txt").symlink_to(folder / "missing")
    assert len(load_templates(folder).templates) == 2


def test_parse_template_accepts_text_too() -> None:
    template = parse_template("\ufeffHi {name}", template_id="x", kind="late", language="en", source="inline")
    assert template.text == "Hi {name}"
    with pytest.raises(BadInput, match="birthday template inline: unknown placeholder"):
        parse_template("{x}", template_id="x", kind="late", language="en", source="inline")


def test_render_inserts_values_once() -> None:
    template = Template(
        "late.en.a", "late", "en", "Hi {first_name} ({name}), {days_late} days late. {first_name}!"
    )
    text = render(template, first_name=" {name} ", name="Léa Martin", days_late=4)
    assert text == "Hi {name} (Léa Martin), 4 days late. {name}!"
    with pytest.raises(ValueError, match="negative"):
        render(template, first_name="a", name="b", days_late=-1)


def test_render_refuses_a_message_over_linkedins_limit() -> None:
    template = Template("today.en.a", "today", "en", "x" * MAX_TEMPLATE_CHARS + "{name}")
    with pytest.raises(BadInput, match=f"over LinkedIn's {MAX_MESSAGE_CHARS}"):
        render(template, first_name="a", name="n" * 600, days_late=0)


def library_of(*ids: str) -> TemplateLibrary:
    templates = []
    for template_id in ids:
        kind, language, _ = template_id.split(".")
        templates.append(Template(template_id, "today" if kind == "today" else "late", language, template_id))
    return TemplateLibrary(tuple(templates), "test")


def years_ago(years: float) -> dt.datetime:
    return NOW - dt.timedelta(days=365.25 * years)


def test_choose_avoids_templates_sent_within_the_window() -> None:
    library = library_of("today.en.a", "today.en.b", "today.en.c", "late.en.a")
    history = [("today.en.a", years_ago(1)), ("today.en.b", years_ago(1.9))]
    for seed in range(30):
        chosen = choose_template(
            library, "today", "en", history, now=NOW, no_repeat_years=2, rng=Random(seed)
        )
        assert chosen.id == "today.en.c"


def test_choose_allows_templates_sent_before_the_window() -> None:
    library = library_of("today.en.a", "today.en.b", "late.en.a")
    history = [("today.en.a", years_ago(2.5)), ("today.en.b", years_ago(0.5))]
    picks = {
        choose_template(library, "today", "en", history, now=NOW, no_repeat_years=2, rng=Random(seed)).id
        for seed in range(30)
    }
    assert picks == {"today.en.a"}


def test_when_all_were_used_the_least_recently_used_is_taken() -> None:
    library = library_of("today.en.a", "today.en.b", "today.en.c", "late.en.a")
    history = [
        ("today.en.a", years_ago(0.2)),
        ("today.en.b", years_ago(1.5)),
        ("today.en.b", years_ago(0.1)),  # the latest sending counts
        ("today.en.c", years_ago(1.0)),
        ("late.en.a", years_ago(3)),
    ]
    chosen = choose_template(library, "today", "en", history, now=NOW, no_repeat_years=2, rng=Random(0))
    assert chosen.id == "today.en.c"


def test_no_repeat_years_zero_allows_any_template() -> None:
    library = library_of("today.en.a", "today.en.b", "late.en.a")
    history = [("today.en.a", NOW - dt.timedelta(days=1)), ("today.en.b", NOW - dt.timedelta(days=2))]
    picks = {
        choose_template(library, "today", "en", history, now=NOW, no_repeat_years=0, rng=Random(seed)).id
        for seed in range(40)
    }
    assert picks == {"today.en.a", "today.en.b"}


def test_choose_is_random_among_fresh_templates_and_reproducible_by_seed() -> None:
    library = library_of("today.en.a", "today.en.b", "today.en.c", "late.en.a")
    picks = [
        choose_template(library, "today", "en", [], now=NOW, no_repeat_years=2, rng=Random(s)).id
        for s in range(60)
    ]
    assert set(picks) == {"today.en.a", "today.en.b", "today.en.c"}
    again = [
        choose_template(library, "today", "en", [], now=NOW, no_repeat_years=2, rng=Random(s)).id
        for s in range(60)
    ]
    assert picks == again


def test_language_falls_back_to_english_then_to_any() -> None:
    library = library_of("today.en.a", "late.en.a", "today.fr.a", "late.fr.a")
    assert (
        choose_template(library, "late", "FR", [], now=NOW, no_repeat_years=2, rng=Random(0)).id
        == "late.fr.a"
    )
    assert (
        choose_template(library, "late", "de", [], now=NOW, no_repeat_years=2, rng=Random(0)).id
        == "late.en.a"
    )
    only_fr = library_of("today.fr.a", "late.fr.a")
    assert (
        choose_template(only_fr, "today", "en", [], now=NOW, no_repeat_years=2, rng=Random(0)).id
        == "today.fr.a"
    )


def test_the_window_handles_29_february() -> None:
    now = dt.datetime(2028, 2, 29, 12, tzinfo=dt.UTC)
    library = library_of("today.en.a", "today.en.b", "late.en.a")
    recent = [("today.en.a", dt.datetime(2027, 3, 1, tzinfo=dt.UTC))]
    assert (
        choose_template(library, "today", "en", recent, now=now, no_repeat_years=1, rng=Random(0)).id
        == "today.en.b"
    )
    old = [("today.en.a", dt.datetime(2027, 2, 28, 11, tzinfo=dt.UTC)), ("today.en.b", now)]
    assert (
        choose_template(library, "today", "en", old, now=now, no_repeat_years=1, rng=Random(0)).id
        == "today.en.a"
    )


@given(
    history=st.lists(
        st.tuples(
            st.sampled_from(["today.en.a", "today.en.b", "today.en.c", "late.en.a", "gone.en.x"]),
            st.datetimes(min_value=dt.datetime(2015, 1, 1), max_value=dt.datetime(2025, 6, 1)).map(
                lambda d: d.replace(tzinfo=dt.UTC)
            ),
        ),
        max_size=12,
    ),
    years=st.integers(min_value=0, max_value=5),
    seed=st.integers(min_value=0, max_value=1000),
)
def test_choose_never_repeats_when_a_fresh_template_exists(
    history: list[tuple[str, dt.datetime]], years: int, seed: int
) -> None:
    library = library_of("today.en.a", "today.en.b", "today.en.c", "late.en.a")
    chosen = choose_template(
        library, "today", "en", history, now=NOW, no_repeat_years=years, rng=Random(seed)
    )
    assert chosen.kind == "today"
    cutoff = NOW.replace(year=NOW.year - years)
    recent = {tid for tid, at in history if at > cutoff}
    candidates = {"today.en.a", "today.en.b", "today.en.c"}
    if candidates - recent:
        assert chosen.id not in recent
    else:
        last = {tid: max(at for t, at in history if t == tid) for tid in candidates}
        assert last[chosen.id] == min(last.values())


template_texts = st.lists(
    st.one_of(
        st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12),
        st.sampled_from(["{first_name}", "{name}", "{days_late}", "{", "}", "{x}", "{{", "}}", "{}"]),
    ),
    max_size=8,
).map("".join)


def parse_or_refusal(text: str) -> Template | str:
    try:
        return parse_template(text, template_id="late.en.p", kind="late", language="en", source="prop")
    except BadInput as refused:
        return refused.message


@given(
    text=template_texts, first=st.from_regex(r"[A-Za-zé\- ]{0,12}", fullmatch=True), days=st.integers(0, 60)
)
def test_rendering_never_leaves_a_brace(text: str, first: str, days: int) -> None:
    template = parse_or_refusal(text)
    if isinstance(template, str):
        assert "\n" not in template
        assert template.startswith("birthday template prop: ")
        return
    rendered = render(template, first_name=first, name=f"{first} Martin", days_late=days)
    assert "{" not in rendered
    assert "}" not in rendered
    expected = (
        template.text.replace("{first_name}", first.strip())
        .replace("{name}", f"{first} Martin".strip())
        .replace("{days_late}", str(days))
    )
    assert rendered == expected
