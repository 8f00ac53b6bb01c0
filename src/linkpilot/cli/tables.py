"""Plain-text tables for the CLI: aligned columns that fit the terminal, long cells cut with '…'."""

from __future__ import annotations

import shutil
from collections.abc import Sequence

from linkpilot.common.text import escape_controls

MIN_FLEX = 12


def render_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    flex: int | None = None,
    width: int | None = None,
) -> list[str]:
    """Lines of a table. Column `flex` (index) takes what room is left and is cut to fit."""
    total = width if width is not None else shutil.get_terminal_size((100, 24)).columns
    # Cells hold other people's text (names, headlines): shown, never obeyed by the terminal.
    rows = [[escape_controls(cell) for cell in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    if flex is not None:
        others = sum(w for i, w in enumerate(widths) if i != flex) + 2 * (len(headers) - 1)
        widths[flex] = max(min(widths[flex], total - others), min(MIN_FLEX, widths[flex]))
    lines = [_line(headers, widths), _line(["-" * w for w in widths], widths)]
    lines.extend(_line(row, widths) for row in rows)
    return lines


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(_fit(cell, w).ljust(w) for cell, w in zip(cells, widths, strict=True)).rstrip()


def _fit(cell: str, width: int) -> str:
    cell = " ".join(cell.split())
    return cell if len(cell) <= width else cell[: max(0, width - 1)] + "…"
