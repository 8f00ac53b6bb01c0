"""Birthday message templates: editable text files, checked when loaded, chosen without repeats.

A templates folder holds one UTF-8 text file per template, named
``<kind>.<language>.<name>.txt`` (``today.en.classic.txt``, ``late.fr.2.txt``). The text may
use ``{first_name}``, ``{name}`` and, in late templates, ``{days_late}``. Braces only ever wrap
a placeholder: anything else (an unknown placeholder, a lone or doubled brace) is refused
when the folder is loaded, with one line naming the file and the problem, so a typo can
never reach a person. The file name without ``.txt`` is the template's id, stored with each
wish to avoid sending someone the same text again within the configured years.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from random import Random
from typing import Final, Literal, get_args

from linkpilot.common.errors import BadInput

Kind = Literal["today", "late"]
KINDS: Final[tuple[Kind, ...]] = get_args(Kind)
PLACEHOLDERS: Final = ("first_name", "name", "days_late")
# LinkedIn refuses messages over 8000 characters; the margin leaves room for the names.
MAX_MESSAGE_CHARS: Final = 8000
MAX_TEMPLATE_CHARS: Final = 7500
FALLBACK_LANGUAGE: Final = "en"

_FILE_NAME: Final = re.compile(
    r"^(?P<kind>[a-z]+)\.(?P<language>[a-z]{2})\.(?P<name>[A-Za-z0-9_-]{1,40})\.txt$"
)
_BRACES: Final = re.compile(r"\{([^{}]*)\}|[{}]")
_PLACEHOLDER: Final = re.compile(r"\{(first_name|name|days_late)\}")
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_ALLOWED: Final = ", ".join("{" + p + "}" for p in PLACEHOLDERS)


@dataclass(frozen=True, slots=True)
class Template:
    id: str
    kind: Kind
    language: str
    text: str


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def parse_template(raw: bytes | str, *, template_id: str, kind: Kind, language: str, source: str) -> Template:
    """Check one template's text; raise BadInput naming `source` on the first problem."""
    where = f"birthday template {source}"
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise BadInput(f"{where}: not UTF-8 text") from None
    else:
        text = raw.removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise BadInput(f"{where}: empty template")
    if len(text) > MAX_TEMPLATE_CHARS:
        raise BadInput(
            f"{where}: too long ({len(text)} characters, at most {MAX_TEMPLATE_CHARS}; "
            f"LinkedIn messages stop at {MAX_MESSAGE_CHARS})"
        )
    control = _CONTROL.search(text)
    if control:
        raise BadInput(
            f"{where}: control character {control.group()!r} at line {_line_of(text, control.start())}"
        )
    for match in _BRACES.finditer(text):
        line = _line_of(text, match.start())
        if match.group(1) is None:
            raise BadInput(
                f"{where}: unbalanced brace {match.group()!r} at line {line} "
                f"(braces only wrap placeholders: {_ALLOWED})"
            )
        field = match.group(1)
        if field not in PLACEHOLDERS:
            raise BadInput(
                f"{where}: unknown placeholder {match.group()} at line {line} (allowed: {_ALLOWED})"
            )
        if field == "days_late" and kind == "today":
            raise BadInput(f"{where}: {{days_late}} at line {line} is only for late templates")
    return Template(id=template_id, kind=kind, language=language, text=text)


@dataclass(frozen=True, slots=True)
class TemplateLibrary:
    """Every template of one folder; each language present has both kinds."""

    templates: tuple[Template, ...]
    source: str

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted({t.language for t in self.templates}))

    def language_for(self, language: str) -> str:
        """The language to write in: the one asked for, else English, else the first present."""
        present = self.languages
        for candidate in (language.lower(), FALLBACK_LANGUAGE):
            if candidate in present:
                return candidate
        return present[0]

    def candidates(self, kind: Kind, language: str) -> tuple[Template, ...]:
        chosen = self.language_for(language)
        return tuple(
            sorted((t for t in self.templates if t.kind == kind and t.language == chosen), key=lambda t: t.id)
        )

    def get(self, template_id: str) -> Template | None:
        return next((t for t in self.templates if t.id == template_id), None)


def shipped_templates_root() -> Traversable:
    return resources.files("linkpilot.engine.campaigns") / "templates"


def load_templates(directory: Path | None = None) -> TemplateLibrary:
    """The operator's templates folder (Settings.birthday.templates_dir), else the shipped ones.

    A folder replaces the shipped templates entirely, so unwanted defaults can be dropped.
    """
    if directory is None:
        return _load(shipped_templates_root(), "shipped templates")
    folder = directory.expanduser()
    if not folder.exists():
        raise BadInput(f"birthday templates folder not found: {folder}")
    if not folder.is_dir():
        raise BadInput(f"birthday templates folder is not a folder: {folder}")
    return _load(folder, str(folder))


def _template_files(root: Traversable) -> Iterable[Traversable]:
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        # Editors leave hidden swap files and "~" backups; a README may sit beside the texts.
        if entry.name.startswith(".") or not entry.name.endswith(".txt") or not entry.is_file():
            continue
        yield entry


def _load(root: Traversable, where: str) -> TemplateLibrary:
    templates: list[Template] = []
    for entry in _template_files(root):
        source = f"{where}/{entry.name}"
        match = _FILE_NAME.match(entry.name)
        kind = match.group("kind") if match else ""
        if match is None or kind not in KINDS:
            raise BadInput(
                f"birthday template {source}: file name must be <kind>.<language>.<name>.txt with kind "
                "today or late and a two-letter language (e.g. late.fr.warm.txt)"
            )
        try:
            raw = entry.read_bytes()
        except OSError as exc:
            raise BadInput(f"cannot read birthday template {source}: {exc.strerror or exc}") from None
        templates.append(
            parse_template(
                raw,
                template_id=entry.name.removesuffix(".txt"),
                kind="today" if kind == "today" else "late",
                language=match.group("language"),
                source=source,
            )
        )
    if not templates:
        raise BadInput(f"no birthday templates in {where} (expected files such as today.en.classic.txt)")
    for language in sorted({t.language for t in templates}):
        for kind_ in KINDS:
            if not any(t.language == language and t.kind == kind_ for t in templates):
                raise BadInput(
                    f"birthday templates in {where}: language {language} has no {kind_} template "
                    f"(add {kind_}.{language}.<name>.txt)"
                )
    return TemplateLibrary(templates=tuple(templates), source=where)


def _years_before(moment: dt.datetime, years: int) -> dt.datetime:
    year = max(dt.MINYEAR, moment.year - years)
    try:
        return moment.replace(year=year)
    except ValueError:  # 29 February in a year without one
        return moment.replace(year=year, day=28)


def choose_template(
    library: TemplateLibrary,
    kind: Kind,
    language: str,
    history: Sequence[tuple[str, dt.datetime]],
    *,
    now: dt.datetime,
    no_repeat_years: int,
    rng: Random,
) -> Template:
    """A template this person has not received within `no_repeat_years`, picked at random.

    `history` is this person's own past wishes as (template id, sent at), times comparable
    with `now` (aware UTC as stored). When every candidate was used within the window, the
    least recently used one is taken, so repeats are as far apart as the templates allow.
    """
    candidates = library.candidates(kind, language)
    last_sent: dict[str, dt.datetime] = {}
    for template_id, sent_at in history:
        if template_id not in last_sent or sent_at > last_sent[template_id]:
            last_sent[template_id] = sent_at
    cutoff = _years_before(now, no_repeat_years)
    fresh = [t for t in candidates if t.id not in last_sent or last_sent[t.id] <= cutoff]
    if fresh:
        return rng.choice(fresh)
    return min(candidates, key=lambda t: (last_sent[t.id], t.id))


def render(template: Template, *, first_name: str, name: str, days_late: int) -> str:
    """The exact text to send. Values are inserted once: braces in a name are never expanded."""
    if days_late < 0:
        raise ValueError("days_late cannot be negative")
    values = {"first_name": first_name.strip(), "name": name.strip(), "days_late": str(days_late)}
    text = _PLACEHOLDER.sub(lambda m: values[m.group(1)], template.text)
    if len(text) > MAX_MESSAGE_CHARS:
        raise BadInput(
            f"birthday message from template {template.id} would be {len(text)} characters, "
            f"over LinkedIn's {MAX_MESSAGE_CHARS}"
        )
    return text
