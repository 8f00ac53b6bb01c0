"""Where the contacts screen is in a keyset-paged list: the keys of the pages already seen.

Keyset paging cannot jump to page n: PageDown asks storage for the rows after the last one
shown, and PageUp goes back through the `after` keys of the pages seen on the way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from linkpilot.storage.contacts import PageKey


@dataclass
class KeysetPager:
    # keys[n] is the `after` that fetches page n; keys[0] is None (the first page).
    keys: list[PageKey | None] = field(default_factory=lambda: [None])
    page_index: int = 0
    next_after: PageKey | None = None

    def restart(self) -> None:
        """Back to the first page (a new search, filter or order)."""
        self.keys = [None]

    def after(self, page_index: int) -> PageKey | None:
        return self.keys[page_index]

    @property
    def has_next(self) -> bool:
        return self.next_after is not None

    @property
    def has_previous(self) -> bool:
        return self.page_index > 0

    def forward(self) -> int:
        """Remember the key of the next page and return its index."""
        self.keys = [*self.keys[: self.page_index + 1], self.next_after]
        return self.page_index + 1

    def arrived(self, page_index: int, next_after: PageKey | None) -> None:
        """Page `page_index` is shown; `next_after` fetches the one after it (None: last page)."""
        self.page_index = page_index
        self.next_after = next_after
        del self.keys[page_index + 1 :]
