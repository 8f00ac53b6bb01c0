"""One page of rows as a table, drawn a line at a time: the contacts list.

Textual's DataTable is built for big tables and renders every cell through Rich; showing a new
page of 50 rows in it (a search, a page turn) cost more than the SQL that found them
(bench/console.py). The contacts screen never shows more than one page, with fixed column
widths, so this table keeps the cells as text cut to their columns and draws each line as a
single strip. It looks and answers like the DataTable did where the screen used it: a header,
zebra stripes, a row cursor moved by up / down / home / end or a click, horizontal and vertical
scrolling, and a message when the highlighted row changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

CELL_PADDING = 1  # blank cells each side of a value, as DataTable draws them


@dataclass(frozen=True, slots=True)
class Column:
    label: str
    width: int  # in terminal cells, padding excluded
    # The width when the table is narrow (an 80-column terminal); 0 leaves the column out.
    narrow_width: int | None = None

    def shown_width(self, narrow: bool) -> int:
        return self.narrow_width if narrow and self.narrow_width is not None else self.width


def fit(text: str, width: int) -> str:
    """`text` in exactly `width` cells: padded, or cut with an ellipsis when longer."""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, max(0, width - 1)) + "…" if width else ""


class PageTable(ScrollView, can_focus=True):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "page-table--header",
        "page-table--cursor",
        "page-table--even-row",
        "page-table--odd-row",
    }

    # DataTable's look, under this widget's own class names.
    DEFAULT_CSS = """
    PageTable {
        background: $surface;
        color: $foreground;
        &:focus {
            background-tint: $foreground 5%;
            & > .page-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .page-table--header {
                background-tint: $foreground 5%;
            }
        }
        &:dark > .page-table--even-row {
            background: $surface-darken-1 40%;
        }
        & > .page-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .page-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .page-table--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .page-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Cursor up", show=False),
        Binding("down", "cursor_down", "Cursor down", show=False),
        Binding("home,ctrl+home", "cursor_first", "First row", show=False),
        Binding("end,ctrl+end", "cursor_last", "Last row", show=False),
    ]

    class RowHighlighted(Message):
        """The cursor moved to another row (keys or a click; `show_rows` does not post it)."""

        def __init__(self, table: PageTable, row_index: int, row_key: str) -> None:
            super().__init__()
            self.table = table
            self.row_index = row_index
            self.row_key = row_key

        @property
        def control(self) -> PageTable:
            return self.table

    def __init__(self, columns: Sequence[Column], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns = tuple(columns)
        self._keys: list[str] = []
        self._rows: list[tuple[str, ...]] = []
        self._lines: list[str] = []  # each row's text, every cell fitted and padded
        self.narrow = False
        self._header = self._line(tuple(c.label for c in self.columns))
        self._width = cell_len(self._header)
        self.cursor_row = 0

    def _line(self, cells: Sequence[str]) -> str:
        pad = " " * CELL_PADDING
        return "".join(
            f"{pad}{fit(value, width)}{pad}"
            for value, c in zip(cells, self.columns, strict=True)
            if (width := c.shown_width(self.narrow))
        )

    def set_narrow(self, narrow: bool) -> None:
        """Fewer, narrower columns (or all of them again): the figures stay, the text gives way."""
        if narrow == self.narrow:
            return
        self.narrow = narrow
        self._header = self._line(tuple(c.label for c in self.columns))
        self._width = cell_len(self._header)
        self._lines = [self._line(cells) for cells in self._rows]
        self.virtual_size = Size(self._width, len(self._rows) + 1)
        self.refresh()

    # The page -------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._rows)

    def get_row_at(self, row_index: int) -> tuple[str, ...]:
        return self._rows[row_index]

    def row_key_at(self, row_index: int) -> str:
        return self._keys[row_index]

    def show_rows(self, rows: Sequence[tuple[str, Sequence[str]]], *, cursor: int = 0) -> None:
        """Replace the page: (key, cells) per row, and put the cursor on row `cursor`."""
        self._keys = [key for key, _ in rows]
        self._rows = [tuple(cells) for _, cells in rows]
        self._lines = [self._line(cells) for cells in self._rows]
        self.virtual_size = Size(self._width, len(self._rows) + 1)  # + the header line
        self.cursor_row = max(0, min(cursor, len(self._rows) - 1))
        self.scroll_to(y=0, animate=False, immediate=True)
        self._follow_cursor()
        self.refresh()

    # Keys and mouse ---------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self._set_cursor(self.cursor_row - 1, tell=True)

    def action_cursor_down(self) -> None:
        self._set_cursor(self.cursor_row + 1, tell=True)

    def action_cursor_first(self) -> None:
        self._set_cursor(0, tell=True)

    def action_cursor_last(self) -> None:
        self._set_cursor(len(self._rows) - 1, tell=True)

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1:  # not the header
            self._set_cursor(int(self.scroll_y) + event.y - 1, tell=True)

    def _set_cursor(self, row: int, *, tell: bool = False) -> None:
        if not self._rows:
            return
        row = max(0, min(row, len(self._rows) - 1))
        if row == self.cursor_row:
            return
        self.cursor_row = row
        self._follow_cursor()
        self.refresh()
        if tell:
            self.post_message(self.RowHighlighted(self, row, self._keys[row]))

    def _follow_cursor(self) -> None:
        visible = max(1, self.size.height - 1)  # rows under the header
        top = int(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + visible:
            self.scroll_to(y=self.cursor_row - visible + 1, animate=False, immediate=True)

    # Drawing ----------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y == 0:
            text, style = self._header, base + self.get_component_rich_style("page-table--header")
        else:
            index = int(self.scroll_y) + y - 1
            if index >= len(self._lines):
                return Strip.blank(width, base)
            text, style = self._lines[index], base + self._row_style(index)
        left = int(self.scroll_x)
        strip = Strip([Segment(text, style)], self._width).crop(left, left + width)
        return strip.extend_cell_length(width, style)  # the row's colours run to the edge

    def _row_style(self, index: int) -> Style:
        if index == self.cursor_row:
            return self.get_component_rich_style("page-table--cursor")
        return self.get_component_rich_style("page-table--odd-row" if index % 2 else "page-table--even-row")

    def on_resize(self) -> None:
        self._follow_cursor()
