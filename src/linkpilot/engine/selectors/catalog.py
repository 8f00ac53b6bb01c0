"""The shipped selector catalogue: logical keys, their candidates and layered fallbacks.

The candidates are data (candidates.toml, package data) so a LinkedIn markup change is fixed
by editing a list, not code. A key's `heuristic` is one table or an array of tables: layers
tried in order after the candidates, each reading the page by meaning (a role and an
accessible name, a link target, class-free structure, or text a recogniser accepts).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any, Literal, cast

from linkpilot.engine.selectors.texts import RECOGNISERS

Pick = Literal["first", "last", "all"]
PICKS: tuple[Pick, ...] = ("first", "last", "all")
LAYER_FIELDS = frozenset({"role", "names", "level", "has_role", "css", "has", "has_text"})
KEY_FIELDS = frozenset({"candidates", "heuristic", "within", "pick", "page", "required", "guard", "text"})
# A candidate that leans on the markup rather than on meaning: a class, an id, a data-* hook.
MARKUP_HOOK = re.compile(r"[.#][A-Za-z_-]|\[(data-|id\b|class\b)")


class CatalogError(ValueError):
    """The candidates file is malformed: a packaging or editing mistake, found at load time."""


@dataclass(frozen=True)
class Heuristic:
    """One fallback layer: a role and an accessible name (English or French), and/or
    class-free selectors (CSS or `xpath=`), optionally narrowed to elements that contain
    `has` or whose text matches `has_text`."""

    role: str | None = None
    names: tuple[str, ...] = ()
    level: int | None = None
    has_role: str | None = None
    css: tuple[str, ...] = ()
    has: str | None = None
    has_text: str | None = None

    @property
    def name_pattern(self) -> re.Pattern[str] | None:
        if not self.names:
            return None
        return re.compile("|".join(f"(?:{n})" for n in self.names), re.IGNORECASE)

    @property
    def empty(self) -> bool:
        return self.role is None and not self.css

    def describe(self) -> str:
        """A short human description for `selectors check` (never a person's data)."""
        parts = []
        if self.role is not None:
            named = f" named {'|'.join(self.names)}" if self.names else ""
            level = f" level {self.level}" if self.level is not None else ""
            parts.append(f"role={self.role}{level}{named}")
        parts.extend(self.css)
        text = " or ".join(parts)
        if self.has_role is not None:
            text += f" with a {self.has_role}"
        if self.has is not None:
            text += f" containing {self.has}"
        if self.has_text is not None:
            text += f" with text /{self.has_text}/"
        return text


NO_HEURISTIC = Heuristic()


@dataclass(frozen=True)
class KeySpec:
    key: str
    candidates: tuple[str, ...]
    heuristics: tuple[Heuristic, ...] = ()
    within: str | None = None
    pick: Pick = "first"
    page: str = ""
    required: bool = True
    guard: bool = False
    # A recogniser (texts.RECOGNISERS) every hit's text must pass, whatever found it.
    text: str | None = None

    @property
    def heuristic(self) -> Heuristic:
        """The first layer."""
        return self.heuristics[0] if self.heuristics else NO_HEURISTIC

    @property
    def guards(self) -> tuple[Heuristic, ...]:
        """The layers with a role and names: a guarded key's candidates must match one."""
        return tuple(layer for layer in self.heuristics if layer.role is not None and layer.names)

    @property
    def markup_candidates(self) -> tuple[str, ...]:
        """Candidates that depend on class names, ids or data-* hooks: the fast first guesses."""
        return tuple(c for c in self.candidates if MARKUP_HOOK.search(c))


def _layer(key: str, raw: Any) -> Heuristic:
    if not isinstance(raw, Mapping):
        raise CatalogError(f"{key}: heuristic must be a table or an array of tables")
    unknown = set(raw) - LAYER_FIELDS
    if unknown:
        raise CatalogError(f"{key}: unknown heuristic fields {sorted(unknown)}")
    names = tuple(str(n) for n in raw.get("names", ()))
    patterns = [*names, *([str(raw["has_text"])] if "has_text" in raw else [])]
    for name in patterns:
        try:
            re.compile(name)
        except re.error as exc:
            raise CatalogError(f"{key}: bad name pattern {name!r}: {exc}") from None
    level = raw.get("level")
    layer = Heuristic(
        role=raw.get("role"),
        names=names,
        level=int(level) if level is not None else None,
        has_role=raw.get("has_role"),
        css=tuple(str(c) for c in raw.get("css", ())),
        has=str(raw["has"]) if "has" in raw else None,
        has_text=str(raw["has_text"]) if "has_text" in raw else None,
    )
    if layer.empty:
        raise CatalogError(f"{key}: a heuristic layer needs a role or css")
    return layer


def _heuristics(key: str, raw: Any) -> tuple[Heuristic, ...]:
    if raw is None:
        return ()
    if isinstance(raw, list):
        return tuple(_layer(key, item) for item in raw)
    return (_layer(key, raw),)


def parse_catalog(data: Mapping[str, Any]) -> dict[str, KeySpec]:
    keys = data.get("keys")
    if not isinstance(keys, Mapping) or not keys:
        raise CatalogError("no [keys] table")
    specs: dict[str, KeySpec] = {}
    for key, raw in keys.items():
        if not isinstance(raw, Mapping):
            raise CatalogError(f"{key}: must be a table")
        unknown = set(raw) - KEY_FIELDS
        if unknown:
            raise CatalogError(f"{key}: unknown fields {sorted(unknown)}")
        pick = raw.get("pick", "first")
        if pick not in PICKS:
            raise CatalogError(f"{key}: pick must be one of {PICKS}")
        heuristics = _heuristics(key, raw.get("heuristic"))
        candidates = tuple(str(c) for c in raw.get("candidates", ()))
        if not candidates and not heuristics:
            raise CatalogError(f"{key}: needs candidates or a heuristic")
        guard = bool(raw.get("guard", False))
        if guard and not any(layer.role is not None and layer.names for layer in heuristics):
            raise CatalogError(f"{key}: guard needs a heuristic role and names")
        text = raw.get("text")
        if text is not None and text not in RECOGNISERS:
            raise CatalogError(f"{key}: unknown text recogniser {text!r} (known: {sorted(RECOGNISERS)})")
        if text is not None and pick == "all":
            raise CatalogError(f"{key}: a text recogniser picks one element, not all")
        specs[key] = KeySpec(
            key=key,
            candidates=candidates,
            heuristics=heuristics,
            within=raw.get("within"),
            pick=cast(Pick, pick),
            page=str(raw.get("page", "")),
            required=bool(raw.get("required", True)),
            guard=guard,
            text=text,
        )
    for spec in specs.values():
        if spec.within is not None and spec.within not in specs:
            raise CatalogError(f"{spec.key}: within names unknown key {spec.within!r}")
    return specs


@cache
def shipped_catalog() -> Mapping[str, KeySpec]:
    text = resources.files("linkpilot.engine.selectors").joinpath("candidates.toml").read_text("utf-8")
    return parse_catalog(tomllib.loads(text))


def without_candidates(catalog: Mapping[str, KeySpec], key: str, dropped: set[str]) -> dict[str, KeySpec]:
    """The catalogue with some of one key's candidates taken out: what the page would leave us
    with if LinkedIn renamed those classes."""
    out = dict(catalog)
    spec = out[key]
    out[key] = replace(spec, candidates=tuple(c for c in spec.candidates if c not in dropped))
    return out
