"""The contacts screen against a real SQLite file: keyset pages, debounced search, filters, detail."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button, Input, Select

from linkpilot.common.text import fold
from linkpilot.console.screens.contacts import ContactsScreen
from linkpilot.console.screens.dialogs import ConfirmScreen
from linkpilot.console.widgets.page_table import PageTable
from linkpilot.storage.blacklist import is_blacklisted
from linkpilot.storage.contact_book import ContactBook
from linkpilot.storage.contacts import count_contacts
from linkpilot.storage.database import Database
from tests.console.conftest import AppFactory
from tests.console.helpers import Messages, screen_text, settle, wait_until

SIZE = (120, 40)


def names(screen: ContactsScreen) -> list[str]:
    table = screen.query_one(PageTable)
    return [str(table.get_row_at(n)[0]) for n in range(table.row_count)]


async def test_pages_forward_and_back_one_page_at_a_time(make_app: AppFactory) -> None:
    app = make_app(page_size=20)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        screen = await settle(pilot)
        first = names(screen)
        # One page in the widget, never the table: 120 contacts, 20 rows.
        assert len(first) == 20
        assert first == sorted(first, key=fold)
        assert "page 1 · rows 1–20 of 120 · by name · PgDn: next" in screen_text(app)

        seen = list(first)
        for page in range(2, 7):
            await pilot.press("pagedown")
            screen = await settle(pilot)
            assert screen.query_one(PageTable).row_count == 20
            assert screen.pager.page_index == page - 1
            seen.extend(names(screen))
        assert "page 6 · rows 101–120 of 120 · by name · last page" in screen_text(app)
        assert len(seen) == 120
        assert len(set(seen)) == 120
        assert seen == sorted(seen, key=fold)

        await pilot.press("pagedown")  # already on the last page: nothing to fetch
        screen = await settle(pilot)
        assert screen.pager.page_index == 5

        for _ in range(5):
            await pilot.press("pageup")
            screen = await settle(pilot)
        assert screen.pager.page_index == 0
        assert names(screen) == first


async def test_search_as_you_type_is_debounced_and_pages_the_matches(make_app: AppFactory) -> None:
    # Keys arrive milliseconds apart; the pause that ends a word is longer than the debounce.
    app = make_app(page_size=20, search_debounce=1.0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        screen = await settle(pilot)
        generation = screen.generation
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"jean")
        screen = await settle(pilot)
        # Four keystrokes, one query.
        assert screen.generation == generation + 1
        found = names(screen)
        assert found
        assert all(name.startswith("Jean ") for name in found)
        assert "of 10 ·" in screen_text(app)

        await pilot.press(*" dup")
        screen = await settle(pilot)
        assert names(screen) == ["Jean Dupont"]


async def test_filters_combine_and_reset_to_the_first_page(make_app: AppFactory) -> None:
    app = make_app(page_size=20)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        screen = await settle(pilot)
        await pilot.press("pagedown")
        screen = await settle(pilot)
        assert screen.pager.page_index == 1

        screen.query_one("#filter-status", Select).value = "connected"
        screen = await settle(pilot)
        assert screen.pager.page_index == 0
        assert "of 30 ·" in screen_text(app)
        table = screen.query_one(PageTable)
        assert {str(table.get_row_at(n)[2]) for n in range(table.row_count)} == {"connected"}

        screen.query_one("#filter-otw", Select).value = True
        screen = await settle(pilot)
        # n % 4 == 2 and n % 5 == 0: n in 10, 30, 50, 70, 90, 110.
        assert screen.total == 6

        screen.query_one("#filter-status", Select).clear()
        screen.query_one("#filter-otw", Select).clear()
        screen.query_one("#filter-blacklisted", Select).value = True
        screen = await settle(pilot)
        assert screen.total == 1
        assert names(screen) == ["Bob Amadou"]


async def test_detail_pane_shows_the_timeline(make_app: AppFactory) -> None:
    app = make_app(page_size=20)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        screen = await settle(pilot)
        await wait_until(pilot, lambda: "Timeline" in screen_text(app))
        text = screen_text(app)
        assert "Ana Amadou" in text
        assert "05 Dec 09:00 birthday sent" in text
        assert "“Happy birthday Ana!”" in text

        ana = screen.detail_id
        await pilot.press("down")
        await wait_until(pilot, lambda: "Ana Bernard" in screen_text(app) and screen.detail_id != ana)
        await wait_until(pilot, lambda: "nothing done yet" in screen_text(app))

        screen.query_one("#filter-blacklisted", Select).value = True
        screen = await settle(pilot)
        await wait_until(pilot, lambda: "BLACKLISTED: never contacted" in screen_text(app))
        assert screen_text(app).count("Bob Amadou") == 2  # the row and the detail pane


async def test_the_detail_pane_follows_a_search_typed_before_it_loaded(make_app: AppFactory) -> None:
    app = make_app(page_size=20, search_debounce=0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await wait_until(pilot, lambda: isinstance(app.screen, ContactsScreen) and app.screen.settled)
        screen = app.screen
        assert isinstance(screen, ContactsScreen)
        # Ana Amadou's detail is due; a search whose first row is Ana again lands first.
        screen.query_one("#search", Input).value = "ana"
        screen = await settle(pilot)
        assert names(screen)[0] == "Ana Amadou"
        await wait_until(pilot, lambda: screen.detail is not None and screen.detail.row.name == "Ana Amadou")
        await wait_until(pilot, lambda: "“Happy birthday Ana!”" in screen_text(app))

        # Another search before this row's detail is read: the pane shows the new first row.
        screen.query_one("#search", Input).value = "bob"
        screen = await settle(pilot)
        screen.query_one("#search", Input).value = "ana dup"
        screen = await settle(pilot)
        assert names(screen) == ["Ana Dupont"]
        await wait_until(pilot, lambda: screen.detail is not None and screen.detail.row.name == "Ana Dupont")
        assert screen.detail_id == screen.detail.row.id


async def test_sort_by_fit_pages_best_first(make_app: AppFactory) -> None:
    app = make_app(page_size=20)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        screen = await settle(pilot)
        await pilot.press("o")
        screen = await settle(pilot)
        table = screen.query_one(PageTable)
        scores = [str(table.get_row_at(n)[5]) for n in range(table.row_count)]
        assert scores == sorted(scores, reverse=True)
        assert scores[0] == "0.90"
        assert "best fit first" in screen_text(app)


async def test_blacklist_toggle_and_confirmed_forget_write_to_storage(
    make_app: AppFactory, db_url: str
) -> None:
    app = make_app(page_size=20)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        screen = await settle(pilot)
        await wait_until(pilot, lambda: screen.detail is not None and screen.detail.row.name == "Ana Amadou")
        await pilot.press("l")
        await wait_until(pilot, lambda: "BLACKLISTED" in screen_text(app))
        assert screen.detail is not None
        assert screen.detail.blacklisted
        await pilot.press("l")
        await wait_until(pilot, lambda: screen.detail is not None and not screen.detail.blacklisted)

        await pilot.press("delete")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert isinstance(app.focused, Button)
        assert app.focused.id == "no"
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is screen)
        assert names(screen)[0] == "Ana Amadou"

        await pilot.press("delete")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("shift+tab", "enter")
        await wait_until(pilot, lambda: app.screen is screen)
        screen = await settle(pilot)
        assert "Ana Amadou" not in names(screen)
        assert "of 119 ·" in screen_text(app)

    db = Database(db_url)
    try:
        async with db.session() as session:
            assert await count_contacts(session) == 119
            assert (
                await is_blacklisted(session, "https://www.linkedin.com/in/person-0000/", "Ana Amadou")
                is False
            )
    finally:
        await db.dispose()


async def test_a_broken_database_is_reported_not_fatal(make_app: AppFactory, tmp_path: Path) -> None:
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"this is not a database" * 100)
    app = make_app()
    app.contacts = ContactBook(Database(f"sqlite+aiosqlite:///{broken}"))
    messages = Messages()
    async with app.run_test(size=SIZE, message_hook=messages) as pilot:
        await pilot.press("2")
        await wait_until(pilot, lambda: any("contacts page" in (n.title or "") for n in messages.notices()))
        assert app.is_running
        assert any(line.level == "error" for line in app.log_book)


async def test_typing_a_search_repaints_the_box_without_laying_out_the_screen(make_app: AppFactory) -> None:
    # A layout asked by the box reflows every widget of the screen (5-28 ms of CPU per keystroke
    # on the bench); the box has a fixed size, so a repaint is enough.
    app = make_app(page_size=20, search_debounce=0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        screen = await settle(pilot)
        search = screen.query_one("#search", Input)
        await pilot.press("slash")
        asked = search._layout_updates
        await pilot.press(*"jean dup")
        screen = await settle(pilot)
        assert names(screen) == ["Jean Dupont"]
        assert "jean dup" in screen_text(app)
        assert search._layout_updates == asked

        # Longer than the box: it still scrolls to keep the cursor in view.
        await pilot.press(*(" x" * 60))
        await settle(pilot)
        assert search.value.endswith(" x x")
        assert search.scroll_x > 0
