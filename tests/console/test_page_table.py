"""The contacts table on its own: one page of rows, a row cursor that stays in view, cut cells."""

from __future__ import annotations

from textual import on
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from linkpilot.console.widgets.page_table import Column, PageTable, fit
from tests.console.helpers import wait_until

COLUMNS = (Column("name", 10), Column("n", 3))


class OneTable(App[None]):
    CSS = "PageTable { height: 8; width: 30; }"  # a header and seven rows in view

    def __init__(self) -> None:
        super().__init__()
        self.highlighted: list[str] = []

    def compose(self) -> ComposeResult:
        yield PageTable(COLUMNS, id="table")

    @on(PageTable.RowHighlighted)
    def remember(self, event: PageTable.RowHighlighted) -> None:
        self.highlighted.append(event.row_key)


def page(count: int, start: int = 0) -> list[tuple[str, list[str]]]:
    return [(f"k{n}", [f"person {n}", str(n)]) for n in range(start, start + count)]


def lines(app: OneTable) -> list[str]:
    table = app.query_one(PageTable)
    return [table.render_line(y).text for y in range(table.size.height)]


async def shown(pilot: Pilot[None]) -> OneTable:
    app = pilot.app
    assert isinstance(app, OneTable)
    await pilot.pause()
    return app


def test_cells_are_padded_or_cut_to_their_column() -> None:
    assert fit("Ana", 5) == "Ana  "
    assert fit("Éloïse Durand", 8) == "Éloïse …"
    assert fit("雪子 Tanaka", 5) == "雪子…"  # two cells per ideogram
    assert fit("anything", 0) == ""


async def test_the_cursor_moves_by_keys_and_the_table_follows_it() -> None:
    async with OneTable().run_test() as pilot:
        table = pilot.app.query_one(PageTable)
        table.focus()
        table.show_rows(page(20))
        app = await shown(pilot)
        assert table.row_count == 20
        assert table.get_row_at(3) == ("person 3", "3")
        assert lines(app)[0].startswith(" name        n  ")
        assert lines(app)[1].startswith(" person 0 ")
        assert app.highlighted == []  # a new page is not a highlight: the screen asks itself

        await pilot.press("down", "down")
        assert table.cursor_row == 2
        assert app.highlighted == ["k1", "k2"]

        await pilot.press("end")
        app = await shown(pilot)
        assert table.cursor_row == 19
        assert app.highlighted[-1] == "k19"
        # The last row is on the last line, under a header that stayed put.
        assert lines(app)[0].startswith(" name")
        assert lines(app)[-1].startswith(" person 19")

        await pilot.press("down")  # already on the last row
        assert app.highlighted[-1] == "k19"
        assert table.cursor_row == 19

        await pilot.press("home")
        app = await shown(pilot)
        assert table.cursor_row == 0
        assert lines(app)[1].startswith(" person 0 ")


async def test_a_new_page_keeps_the_cursor_on_the_row_asked_for() -> None:
    async with OneTable().run_test() as pilot:
        table = pilot.app.query_one(PageTable)
        table.show_rows(page(20))
        await pilot.press("end")
        table.show_rows(page(5, start=100), cursor=9)  # past the end: the last row
        app = await shown(pilot)
        assert table.cursor_row == 4
        assert table.row_key_at(table.cursor_row) == "k104"
        assert lines(app)[1].startswith(" person 100")
        table.show_rows([])
        app = await shown(pilot)
        assert table.row_count == 0
        assert lines(app)[1].strip() == ""


async def test_a_click_moves_the_cursor_to_the_row_clicked() -> None:
    async with OneTable().run_test() as pilot:
        table = pilot.app.query_one(PageTable)
        table.show_rows(page(20))
        await shown(pilot)
        await pilot.click(PageTable, offset=(2, 3))  # line 3: the third row
        app = await shown(pilot)
        await wait_until(pilot, lambda: table.cursor_row == 2)
        assert app.highlighted == ["k2"]
        await pilot.click(PageTable, offset=(2, 0))  # the header is not a row
        assert table.cursor_row == 2
