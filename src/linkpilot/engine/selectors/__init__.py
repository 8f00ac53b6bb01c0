"""The selector engine: logical keys, shipped candidates, heuristics, scores and learning."""

from __future__ import annotations

from linkpilot.engine.selectors.catalog import CatalogError, Heuristic, KeySpec, Pick, shipped_catalog
from linkpilot.engine.selectors.engine import (
    Resolved,
    Scope,
    SelectorEngine,
    SelectorNotFound,
    Via,
    picked,
)
from linkpilot.engine.selectors.scores import SelectorScores

__all__ = [
    "CatalogError",
    "Heuristic",
    "KeySpec",
    "Pick",
    "Resolved",
    "Scope",
    "SelectorEngine",
    "SelectorNotFound",
    "SelectorScores",
    "Via",
    "picked",
    "shipped_catalog",
]
