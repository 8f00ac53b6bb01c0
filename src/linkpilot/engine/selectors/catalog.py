"""The shipped selector catalogue: logical keys, their candidates and heuristic fallbacks.

The candidates are data (candidates.toml, package data) so a LinkedIn markup change is fixed
by editing a list, not code.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal, cast

Pick = Literal["first", "last", "all"]
PICKS: tuple[Pick, ...] = ("first", "last", "all")


class CatalogError(ValueError):
    """The candidates file is malformed: a packaging or editing mistake, found at load time."""


@dataclass(frozen=True)
class Heuristic:
    """Fallback for markup whose class names mean nothing: a role and an accessible name
    (English or French), or class-free structural CSS."""

    role: str | None = None
    names: tuple[str, ...] = ()
    level: int | None = None
    has_role: str | None = None
    css: tuple[str, ...] = ()

    @property
    def name_pattern(self) -> re.Pattern[str] | None:
        if not self.names:
            return None
        return re.compile("|".join(f"(?:{n})" for n in self.names), re.IGNORECASE)

    @property
    def empty(self) -> bool:
        return self.role is None and not self.css


@dataclass(frozen=True)
class KeySpec:
    key: str
    candidates: tuple[str, ...]
    heuristic: Heuristic
    within: str | None = None
    pick: Pick = "first"
    page: str = ""
    required: bool = True
    guard: bool = False


def _heuristic(key: str, raw: Any) -> Heuristic:
    if raw is None:
        return Heuristic()
    if not isinstance(raw, Mapping):
        raise CatalogError(f"{key}: heuristic must be a table")
    unknown = set(raw) - {"role", "names", "level", "has_role", "css"}
    if unknown:
        raise CatalogError(f"{key}: unknown heuristic fields {sorted(unknown)}")
    names = tuple(str(n) for n in raw.get("names", ()))
    for name in names:
        try:
            re.compile(name)
        except re.error as exc:
            raise CatalogError(f"{key}: bad name pattern {name!r}: {exc}") from None
    level = raw.get("level")
    return Heuristic(
        role=raw.get("role"),
        names=names,
        level=int(level) if level is not None else None,
        has_role=raw.get("has_role"),
        css=tuple(str(c) for c in raw.get("css", ())),
    )


def parse_catalog(data: Mapping[str, Any]) -> dict[str, KeySpec]:
    keys = data.get("keys")
    if not isinstance(keys, Mapping) or not keys:
        raise CatalogError("no [keys] table")
    specs: dict[str, KeySpec] = {}
    for key, raw in keys.items():
        if not isinstance(raw, Mapping):
            raise CatalogError(f"{key}: must be a table")
        unknown = set(raw) - {"candidates", "heuristic", "within", "pick", "page", "required", "guard"}
        if unknown:
            raise CatalogError(f"{key}: unknown fields {sorted(unknown)}")
        pick = raw.get("pick", "first")
        if pick not in PICKS:
            raise CatalogError(f"{key}: pick must be one of {PICKS}")
        heuristic = _heuristic(key, raw.get("heuristic"))
        candidates = tuple(str(c) for c in raw.get("candidates", ()))
        if not candidates and heuristic.empty:
            raise CatalogError(f"{key}: needs candidates or a heuristic")
        guard = bool(raw.get("guard", False))
        if guard and (heuristic.role is None or not heuristic.names):
            raise CatalogError(f"{key}: guard needs a heuristic role and names")
        specs[key] = KeySpec(
            key=key,
            candidates=candidates,
            heuristic=heuristic,
            within=raw.get("within"),
            pick=cast(Pick, pick),
            page=str(raw.get("page", "")),
            required=bool(raw.get("required", True)),
            guard=guard,
        )
    for spec in specs.values():
        if spec.within is not None and spec.within not in specs:
            raise CatalogError(f"{spec.key}: within names unknown key {spec.within!r}")
    return specs


@cache
def shipped_catalog() -> Mapping[str, KeySpec]:
    text = resources.files("linkpilot.engine.selectors").joinpath("candidates.toml").read_text("utf-8")
    return parse_catalog(tomllib.loads(text))
