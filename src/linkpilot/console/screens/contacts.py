"""The contacts screen: one page from SQL at a time, keyset paging, search as you type, filters.

The table never holds more than one page (`KeysetPager` knows where it is in the list). Loads
run in an exclusive worker, so a newer query always wins over an older one still under way.
Under 100 columns the table keeps its figures and drops the headline, and the filters shrink.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Label, Select

from linkpilot.console.keyset_pager import KeysetPager
from linkpilot.console.screens.base import MainScreen
from linkpilot.console.screens.dialogs import ConfirmScreen
from linkpilot.console.textual_overrides import RepaintingInput
from linkpilot.console.widgets.contact_detail import ContactDetailPane
from linkpilot.console.widgets.page_table import Column, PageTable
from linkpilot.console.workers import run_guarded
from linkpilot.storage.contact_book import CONTACT_STATUSES, ContactDetail, ContactRow, PageResult
from linkpilot.storage.contacts import ContactFilters, ContactSort, PageKey

ANY = "any"
DETAIL_DELAY = 0.1  # seconds
# Under NARROW columns the headline gives way (it is in the detail pane) and the name shrinks.
NARROW = 100
COLUMNS = (
    Column("name", 22, narrow_width=18),
    Column("headline", 24, narrow_width=0),
    Column("status", 9),
    Column("deg", 3),
    Column("otw", 3),
    Column("fit", 4),
)
SEARCH_PROMPT = "search name or headline ( / )"
# Each filter's prompt while nothing is chosen, wide and narrow.
PROMPTS = {
    "filter-status": ("status: any", "status"),
    "filter-degree": ("degree: any", "degree"),
    "filter-otw": ("open to work: any", "to work"),
    "filter-blacklisted": ("blacklist: any", "listed"),
}


def cells(row: ContactRow) -> tuple[str, ...]:
    return (
        row.name,
        row.headline or "",
        row.status,
        str(row.degree or "—"),
        "yes" if row.open_to_work else "",
        f"{row.fit_score:.2f}" if row.fit_score is not None else "",
    )


class SearchInput(RepaintingInput):
    """The search box (see RepaintingInput: a keystroke repaints it alone)."""


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
        self.pager = KeysetPager()
        self.total: int | None = None
        self.count_generation = -1  # the query generation the total answers
        self.shown_rows = (0, 0)
        self._detail_timer: Timer | None = None
        self.generation = 0
        self.query_generation = 0  # the generation that started the current query (page 1)
        self.loaded_generation = -1
        self.detail_id: int | None = None
        self.sort = ContactSort.NAME
        self._debounce: Timer | None = None

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="contact-filters"):
            yield SearchInput(placeholder=SEARCH_PROMPT, id="search")
            yield Select(
                [(f"status: {status}", status) for status in CONTACT_STATUSES],
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
            yield ContactDetailPane(self.console.zone, id="contact-detail")
        yield Label("", id="page-status")

    @property
    def detail(self) -> ContactDetail | None:
        return self.query_one(ContactDetailPane).detail

    def on_resize(self, event: events.Resize) -> None:
        narrow = event.size.width < NARROW
        self.set_class(narrow, "-narrow")
        self.query_one(PageTable).set_narrow(narrow)
        self.query_one("#search", Input).placeholder = "search ( / )" if narrow else SEARCH_PROMPT
        for select_id, (wide, short) in PROMPTS.items():
            self.query_one(f"#{select_id}", Select).prompt = short if narrow else wide

    def on_mount(self) -> None:
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
        self.pager.restart()
        self._fetch(0, count=True)

    def _count(self, request: PageRequest) -> None:
        generation, filters, source = request.generation, request.filters, self.console.contacts

        async def count() -> None:
            self.post_message(self.Counted(generation, await source.count(filters)))

        run_guarded(self, count, name="contacts count", group="contacts-count", exclusive=True)

    @on(Counted)
    def counted_all(self, message: ContactsScreen.Counted) -> None:
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
            self.generation,
            self.filters(),
            self.pager.after(page_index),
            page_index,
            self.sort,
            keep_cursor,
            count,
        )
        source = self.console.contacts
        size = self.console.page_size

        async def load() -> None:
            result = await source.page(request.filters, after=request.after, limit=size, sort=request.sort)
            self.post_message(self.PageLoaded(request, result))

        run_guarded(self, load, name="contacts page", group="contacts-page", exclusive=True)

    @on(PageLoaded)
    def page_loaded(self, message: ContactsScreen.PageLoaded) -> None:
        request, result = message.request, message.result
        if request.generation != self.generation:
            return  # an older query answered late
        self.loaded_generation = request.generation
        self.pager.arrived(request.page_index, result.next_after)
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
        more = "PgDn: next" if self.pager.has_next else "last page"
        back = " · PgUp: previous" if self.pager.has_previous else ""
        order = "by name" if self.sort is ContactSort.NAME else "best fit first"
        # layout=False: the line has a fixed size (console.tcss), so it is repainted alone
        # instead of laying out the whole screen twice per search (page, then total).
        self.query_one("#page-status", Label).update(
            f"page {self.pager.page_index + 1} · rows {shown} of {total} · {order} · {more}{back}",
            layout=False,
        )

    # Keys and inputs ---------------------------------------------------------------

    def action_next_page(self) -> None:
        if not self.pager.has_next or not self.settled:
            return
        self._fetch(self.pager.forward())

    def action_previous_page(self) -> None:
        if not self.pager.has_previous or not self.settled:
            return
        self._fetch(self.pager.page_index - 1)

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
        self._fetch(self.pager.page_index, keep_cursor=True, count=True)

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

    @on(DetailLoaded)
    def detail_loaded(self, message: ContactsScreen.DetailLoaded) -> None:
        if message.contact_id == self.detail_id:
            self._show_detail(message.detail)

    def _show_detail(self, detail: ContactDetail | None) -> None:
        if detail is None:
            self.detail_id = None
        self.query_one(ContactDetailPane).show(detail)
