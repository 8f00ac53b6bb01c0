"""How a long list shows past its first items: loaded on scroll, behind "Show more", or paged.

The markup decides the mode per list (``Markup.list_mode``); the list's items are the same
whatever the mode, so a reader that goes to the end of the list sees the same people.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from linkpilot.sandbox.mutation import ListMode
from linkpilot.sandbox.pages.layout import Ctx, esc


@dataclass(frozen=True)
class Window:
    """The part of a list a page shows first, and how the rest is reached."""

    mode: ListMode | None
    start: int
    end: int
    total: int
    page: int = 1
    pages: int = 1

    @classmethod
    def first(cls, mode: ListMode | None, total: int, size: int, page: int = 1) -> Window:
        if mode is None:
            return cls(mode, 0, total, total)
        if mode == "pages":
            pages = max(1, math.ceil(total / size))
            # Past the last page: an empty page whose Next is disabled, as the search always did.
            page = max(1, page)
            start = min(total, (page - 1) * size)
            return cls(mode, start, min(total, start + size), total, page, pages)
        # Loaded as the list goes: a `page` in the URL means nothing to these layouts.
        return cls(mode, 0, min(total, size), total)

    def loader(self, ctx: Ctx, api: str, list_classes: str) -> dict[str, object] | None:
        """What the page script needs to fetch the rest (scroll and "Show more" modes)."""
        if self.mode not in ("scroll", "more"):
            return None
        return {
            "api": api,
            "list": ctx.m.class_name(list_classes.split()[0]),
            "button": ctx.m.class_name(MORE_BUTTON) if self.mode == "more" else None,
            "next": self.end,
            "total": self.total,
        }

    def controls(self, ctx: Ctx, url_of: Callable[[int], str]) -> str:
        """The markup after the list: a "Show more" button, page buttons, or nothing."""
        if self.mode == "more" and self.end < self.total:
            return show_more(ctx)
        if self.mode == "pages":
            return pagination(ctx, self.page, self.pages, url_of)
        return ""


MORE_BUTTON = "scaffold-finite-scroll__load-button"


def show_more(ctx: Ctx) -> str:
    return f"""<div {ctx.c("scaffold-finite-scroll__footer")}>
    <button type="button" {ctx.c(MORE_BUTTON + " artdeco-button artdeco-button--muted artdeco-button--secondary")}><span>{esc(ctx.t("show_more"))}</span></button>
  </div>"""


def pagination(ctx: Ctx, page: int, pages: int, url_of: Callable[[int], str]) -> str:
    t = ctx.t
    numbers = "".join(
        f"""<li {ctx.c("artdeco-pagination__indicator" + (" active selected" if n == page else ""))}>
      <button type="button" aria-label="{esc(t("page_n", n=n))}" {'aria-current="true"' if n == page else ""}
              onclick="location.href='{esc(url_of(n))}'">{n}</button></li>"""
        for n in range(1, pages + 1)
    )
    prev_attrs = "disabled" if page <= 1 else f"onclick=\"location.href='{esc(url_of(page - 1))}'\""
    next_attrs = "disabled" if page >= pages else f"onclick=\"location.href='{esc(url_of(page + 1))}'\""
    return f"""<div {ctx.c("artdeco-pagination artdeco-pagination--has-controls")}>
    <button type="button" aria-label="{esc(t("previous"))}" {ctx.c("artdeco-pagination__button artdeco-pagination__button--previous artdeco-button")} {prev_attrs}><span>{esc(t("previous"))}</span></button>
    <ul {ctx.c("artdeco-pagination__pages")}>{numbers}</ul>
    <button type="button" aria-label="{esc(t("next"))}" {ctx.c("artdeco-pagination__button artdeco-pagination__button--next artdeco-button")} {next_attrs}><span>{esc(t("next"))}</span></button>
  </div>"""
