"""Counting things in words: the log and the CLI say "1 page" and "2 pages", never "page(s)"."""

from __future__ import annotations

from linkpilot.common.text import counted


def test_one_is_singular_and_every_other_count_plural() -> None:
    assert counted(1, "page") == "1 page"
    assert counted(0, "page") == "0 pages"
    assert counted(2, "restart") == "2 restarts"
    assert counted(1, "wish", "wishes") == "1 wish"
    assert counted(3, "wish", "wishes") == "3 wishes"
    assert counted(2, "item", "items") == "2 items"
