"""The contacts screen: one page from SQL at a time, keyset paging, search as you type, filters.

The table never holds more than one page. PageDown asks storage for the rows after the last
one shown; PageUp goes back through the keys of the pages already seen. Loads run in an
exclusive worker, so a newer query always wins over an older one still under way.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.timer import Timer
from textual.widgets import Input, Label, Select, Static

from linkpilot.console.contacts_source import ContactDetail, ContactRow, PageResult
from linkpilot.console.formatting import local
from linkpilot.console.screens.base import MainScreen
from linkpilot.console.screens.dialogs import ConfirmScreen
from linkpilot.console.widgets.page_table import Column, PageTable
from linkpilot.console.workers import run_guarded
from linkpilot.storage.contacts import ContactFilters, ContactSort, PageKey
from linkpilot.storage.models import ContactStatus

ANY = "any"
DETAIL_DELAY = 0.1  # seconds
COLUMNS = (
    Column("name", 22),
    Column("headline", 24),
    Column("status", 9),
    Column("deg", 3),
    Column("otw", 3),
    Column("fit", 4),
)


def cells(row: ContactRow) -> tuple[str, ...]:
    return (
        row.name,
        row.headline or "",
        row.status,
        str(row.degree or "—"),
        "yes" if row.open_to_work else "",
        f"{row.fit_score:.2f}" if row.fit_score is not None else "",
    )


class SearchInput(Input):
    """The search box: a keystroke repaints the box instead of laying out the whole screen.

    Textual's `Input` sets its virtual (scrollable) width to the length of its value on every
    change, and `Widget.virtual_size` asks for a layout when it changes, which reflows every
    widget of the screen (5-28 ms of CPU per search on the contacts screen, bench/console.py).
    This box has a fixed size (console.tcss), and a scroll view keeps its own virtual size
    through a layout, so a repaint is enough: the text still scrolls under the cursor.
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)


@dataclass(frozen=True, slots=True)
class PageRequest:
    generation: int
    filters: ContactFilters
    after: PageKey | None
    page_index: int
    sort: ContactSort
    keep_cursor: bool = False
    count: bool = False  # count the matches once this page is shown


class ContactsScreen(MainScreen):
    mode_name = "contacts"

    BINDINGS: ClassVar[list[BindingType]] = [
        # Shown in the page line ("PgDn: next") rather than the footer, which has little room.
        Binding("pagedown", "next_page", "Next page", id="contacts.next_page", priority=True, show=False),
        Binding(
            "pageup", "previous_page", "Prev page", id="contacts.previous_page", priority=True, show=False
        ),
        Binding("slash", "focus_search", "Search", id="contacts.search"),
        Binding("o", "toggle_sort", "Sort", id="contacts.sort"),
        Binding("l", "toggle_blacklist", "Blacklist", id="contacts.blacklist"),
        Binding("delete", "forget", "Forget", id="contacts.forget"),
        Binding("escape", "focus_table", "Table", show=False, id="contacts.table"),
    ]

    class PageLoaded(Message):
        def __init__(self, request: PageRequest, result: PageResult) -> None:
            super().__init__()
            self.request = request
            self.result = result

    class Counted(Message):
        def __init__(self, generation: int, total: int) -> None:
            super().__init__()
            self.generation = generation
            self.total = total

    class DetailLoaded(Message):
        def __init__(self, contact_id: int, detail: ContactDetail | None) -> None:
            super().__init__()
            self.contact_id = contact_id
            self.detail = detail

    def __init__(self) -> None:
        super().__init__()
        # keys[n] is the `after` that fetches page n; keys[0] is None (the first page).
        self.keys: list[PageKey | None] = [None]
        self.page_index = 0
        self.next_after: PageKey | None = None
        self.total: int | None = None
        self.count_generation = -1  # the query generation the total answers
        self.shown_rows = (0, 0)
        self._detail_timer: Timer | None = None
        self.generation = 0
        self.query_generation = 0  # the generation that started the current query (page 1)
        self.loaded_generation = -1
        self.detail_id: int | None = None
        self.detail: ContactDetail | None = None
        self.sort = ContactSort.NAME
        self._debounce: Timer | None = None

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="contact-filters"):
            yield SearchInput(placeholder="search name or headline ( / )", id="search")
            yield Select(
                [(f"status: {s.value}", s.value) for s in ContactStatus],
                prompt="status: any",
                id="filter-status",
                compact=True,
            )
            yield Select(
                [(f"degree: {n}", n) for n in (1, 2, 3)],
                prompt="degree: any",
                id="filter-degree",
                compact=True,
            )
            yield Select(
                [("open to work", True), ("not open to work", False)],
                prompt="open to work: any",
                id="filter-otw",
                compact=True,
            )
            yield Select(
                [("blacklisted", True), ("not blacklisted", False)],
                prompt="blacklist: any",
                id="filter-blacklisted",
                compact=True,
            )
        with Horizontal(id="contacts-body"):
            yield PageTable(COLUMNS, id="contacts-table")
            with VerticalScroll(id="contact-detail"):
                yield Static("Select a contact to see its timeline.", id="detail-text")
        yield Label("", id="page-status")

    def on_mount(self) -> None:
        super().on_mount()
        search = self.query_one("#search", Input)
        search.cursor_blink = self.console.animations
        self.query_one(PageTable).focus()
        self.reload()

    # Queries -----------------------------------------------------------------

    def filters(self) -> ContactFilters:
        def chosen(selector: str) -> object:
            value = self.query_one(selector, Select).value
            return None if value is Select.NULL else value

        status = chosen("#filter-status")
        degree = chosen("#filter-degree")
        otw = chosen("#filter-otw")
        listed = chosen("#filter-blacklisted")
        return ContactFilters(
            status=str(status) if status is not None else None,
            degree=int(str(degree)) if degree is not None else None,
            open_to_work=bool(otw) if otw is not None else None,
            blacklisted=bool(listed) if listed is not None else None,
            search=self.query_one("#search", Input).value.strip() or None,
        )

    @property
    def settled(self) -> bool:
        """True when the table shows the answer to the latest query (tests and the bench wait on it)."""
        return self._debounce is None and self.loaded_generation == self.generation

    @property
    def counted(self) -> bool:
        """True when the total shown is that of the latest query."""
        return self.settled and self.total is not None and self.count_generation == self.query_generation

    def reload(self) -> None:
        """Back to the first page of the current filters, and count them anew."""
        self.keys = [None]
        self._fetch(0, count=True)

    def _count(self, request: PageRequest) -> None:
        generation, filters, source = request.generation, request.filters, self.console.contacts

        async def count() -> None:
            self.post_message(self.Counted(generation, await source.count(filters)))

        run_guarded(self, count, name="contacts count", group="contacts-count", exclusive=True)

    def on_contacts_screen_counted(self, message: ContactsScreen.Counted) -> None:
        if message.generation == self.query_generation:
            self.total, self.count_generation = message.total, message.generation
            self._show_status()

    def _fetch(self, page_index: int, *, keep_cursor: bool = False, count: bool = False) -> None:
        self.generation += 1
        if self._detail_timer is not None:
            # Its row is about to be replaced and the new page reads its own: typing never
            # pays for the detail of a row that only flashed by.
            self._detail_timer.stop()
            self._detail_timer = None
            self.detail_id = self.detail.row.id if self.detail is not None else None
        if count:
            self.query_generation = self.generation
            self.total = None
        request = PageRequest(
            self.generation, self.filters(), self.keys[page_index], page_index, self.sort, keep_cursor, count
        )
        source = self.console.contacts
        size = self.console.page_size

        async def load() -> None:
            result = await source.page(request.filters, after=request.after, limit=size, sort=request.sort)
            self.post_message(self.PageLoaded(request, result))

        run_guarded(self, load, name="contacts page", group="contacts-page", exclusive=True)

    def on_contacts_screen_page_loaded(self, message: ContactsScreen.PageLoaded) -> None:
        request, result = message.request, message.result
        if request.generation != self.generation:
            return  # an older query answered late
        self.loaded_generation = request.generation
        self.page_index = request.page_index
        self.next_after = result.next_after
        del self.keys[request.page_index + 1 :]
        table = self.query_one(PageTable)
        keep = table.cursor_row if request.keep_cursor else 0
        table.show_rows([(str(row.id), cells(row)) for row in result.rows], cursor=keep)
        if result.rows:
            self._load_detail(result.rows[min(keep, len(result.rows) - 1)].id)
        first = request.page_index * self.console.page_size + 1
        self.shown_rows = (first, first + len(result.rows) - 1)
        self._show_status()
        if not result.rows:
            self._show_detail(None)
        if request.count:
            # Only now: a search's count reads every match, and on a busy machine it would
            # compete with the page for the CPU. Rows first, then their total.
            self._count(request)

    def _show_status(self) -> None:
        first, last = self.shown_rows
        shown = f"{first}–{last}" if last >= first else "none"
        total = "…" if self.total is None else str(self.total)
        more = "PgDn: next" if self.next_after is not None else "last page"
        back = " · PgUp: previous" if self.page_index > 0 else ""
        order = "by name" if self.sort is ContactSort.NAME else "best fit first"
        # layout=False: the line has a fixed size (console.tcss), so it is repainted alone
        # instead of laying out the whole screen twice per search (page, then total).
        self.query_one("#page-status", Label).update(
            f"page {self.page_index + 1} · rows {shown} of {total} · {order} · {more}{back}", layout=False
        )

    # Keys and inputs ---------------------------------------------------------------

    def action_next_page(self) -> None:
        if self.next_after is None or not self.settled:
            return
        self.keys = [*self.keys[: self.page_index + 1], self.next_after]
        self._fetch(self.page_index + 1)

    def action_previous_page(self) -> None:
        if self.page_index == 0 or not self.settled:
            return
        self._fetch(self.page_index - 1)

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_focus_table(self) -> None:
        self.query_one(PageTable).focus()

    def action_toggle_sort(self) -> None:
        self.sort = ContactSort.FIT if self.sort is ContactSort.NAME else ContactSort.NAME
        self.reload()

    def action_toggle_blacklist(self) -> None:
        detail = self.detail
        if detail is None:
            return
        source, clock = self.console.contacts, self.console.clock

        async def toggle() -> None:
            await source.set_blacklisted(detail.row.id, not detail.blacklisted, clock=clock)
            done = "lifted from" if detail.blacklisted else "added to"
            self.notify(f"{detail.row.name} {done} the blacklist", title="Blacklist")
            self._refresh_after_edit()

        run_guarded(self, toggle, name="changing the blacklist", group="contact-edit", exclusive=True)

    def action_forget(self) -> None:
        detail = self.detail
        if detail is None:
            return
        source = self.console.contacts

        async def forget() -> None:
            question = f"Forget {detail.row.name}?"
            what = (
                "Their contact row, the texts sent to them and their place in campaign plans are erased. "
                "Quota history stays; a blacklist entry stays, so they are never contacted again."
            )
            if not await self.app.push_screen_wait(ConfirmScreen(question, what, yes="Forget")):
                return
            await source.forget(detail.row.id)
            self.notify(f"{detail.row.name} forgotten", title="Contacts")
            self.detail_id = None
            self._refresh_after_edit()

        run_guarded(self, forget, name="forgetting a contact", group="contact-edit", exclusive=True)

    def _refresh_after_edit(self) -> None:
        # The same page again (its first key is unchanged), and the detail pane from storage.
        self.detail_id = None
        self._fetch(self.page_index, keep_cursor=True, count=True)

    @on(Input.Changed, "#search")
    def search_changed(self) -> None:
        # Debounced: typing "dupont" queries once, after the operator pauses.
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        if self.console.search_debounce <= 0:
            self._search_now()  # Textual timers cannot have a zero delay
        else:
            self._debounce = self.set_timer(self.console.search_debounce, self._search_now)

    def _search_now(self) -> None:
        self._debounce = None
        self.reload()

    @on(Input.Submitted, "#search")
    def search_submitted(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
            self._search_now()
        self.action_focus_table()

    @on(Select.Changed)
    def filter_changed(self) -> None:
        self.reload()

    # Detail pane ---------------------------------------------------------------------

    @on(PageTable.RowHighlighted, "#contacts-table")
    def row_highlighted(self, event: PageTable.RowHighlighted) -> None:
        self._load_detail(int(event.row_key))

    def _load_detail(self, contact_id: int) -> None:
        if contact_id == self.detail_id:
            return
        self.detail_id = contact_id
        # Holding an arrow key moves through many rows: read only the one the cursor stops on,
        # and never before the page itself is painted.
        if self._detail_timer is not None:
            self._detail_timer.stop()
        self._detail_timer = self.set_timer(DETAIL_DELAY, partial(self._read_detail, contact_id))

    def _read_detail(self, contact_id: int) -> None:
        self._detail_timer = None
        if contact_id != self.detail_id:
            return
        source = self.console.contacts

        async def load() -> None:
            self.post_message(self.DetailLoaded(contact_id, await source.detail(contact_id)))

        run_guarded(self, load, name="contact detail", group="contact-detail", exclusive=True)

    def on_contacts_screen_detail_loaded(self, message: ContactsScreen.DetailLoaded) -> None:
        if message.contact_id == self.detail_id:
            self.detail = message.detail
            self._show_detail(message.detail)

    def _show_detail(self, detail: ContactDetail | None) -> None:
        pane = self.query_one("#detail-text", Static)
        if detail is None:
            self.detail_id = None
            self.detail = None
            pane.update("No contact selected.")
            return
        zone = self.console.zone
        row = detail.row
        text = Text()
        text.append(row.name + "\n", style="bold")
        for value in (row.headline, detail.job_title and f"{detail.job_title} at {detail.company or '?'}"):
            if value:
                text.append(f"{value}\n")
        facts = [
            f"status {row.status}",
            f"degree {row.degree or '—'}",
            f"birthday {detail.birthday or '—'}",
        ]
        if row.open_to_work:
            facts.append("open to work")
        text.append(" · ".join(facts) + "\n")
        if detail.location:
            text.append(f"{detail.location}\n", style="dim")
        if detail.blacklisted:
            text.append("BLACKLISTED: never contacted\n", style="bold red")
        if row.profile_url:
            text.append(f"{row.profile_url}\n", style="dim")
        text.append("\nTimeline\n", style="bold underline")
        if not detail.timeline:
            text.append("nothing done yet\n", style="dim")
        for entry in detail.timeline:
            style = {"sent": "green", "failed": "red", "unknown": "yellow"}.get(entry.state, "")
            text.append(f"{local(entry.at, zone)} ", style="dim")
            text.append(f"{entry.kind} {entry.state}\n", style=style)
            if entry.text:
                text.append(f"  “{entry.text}”\n", style="italic")
            if entry.error:
                text.append(f"  {entry.error}\n", style="red")
        pane.update(text)
