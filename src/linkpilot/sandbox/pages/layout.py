"""The page shell shared by every page: head, global nav, overlay container, scripts."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass

from linkpilot.sandbox.i18n import Texts
from linkpilot.sandbox.markup import Markup


def esc(text: str) -> str:
    # Attributes are always double-quoted, so apostrophes stay literal: raw responses then
    # read like LinkedIn's ("You've reached…"), which text-matching detectors rely on.
    return html.escape(text, quote=False).replace('"', "&quot;")


# Classes the page script looks up, under names that say what they are for: it receives
# them as the page is served (hashed or mutated), and the keys give no markup away.
SCRIPT_CLASSES = {
    "overlays": "msg-overlay-list",
    "thread": "msg-s-message-list-content",
    "sticky": "pv-profile-sticky-header",
    "stickyVisible": "pv-profile-sticky-header--visible",
    "modal": "artdeco-modal-overlay",
    "meItem": "global-nav__me",
    "meMenu": "global-nav__me-content",
    "meMenuOpen": "global-nav__me-content--open",
}


@dataclass(frozen=True)
class Ctx:
    t: Texts
    m: Markup
    me_name: str
    me_slug: str = "me"

    def c(self, names: str) -> str:
        return self.m.cls(names)

    def fragment(self, markup: str, *, in_list: str | None = None) -> str:
        """Markup the page script inserts, in the page's generation (``in_list``: the
        classic classes of the list it goes into)."""
        return self.m.fragment(markup, in_list=in_list)


def avatar(ctx: Ctx, alt: str, cls: str) -> str:
    return f'<img {ctx.c(cls)} src="/static/avatar.svg" width="56" height="56" alt="{esc(alt)}">'


def document(
    ctx: Ctx,
    title: str,
    body: str,
    *,
    nav: bool = True,
    banner: str | None = None,
    page_data: dict[str, object] | None = None,
) -> str:
    classes = {key: ctx.m.class_name(name) for key, name in SCRIPT_CLASSES.items()}
    boot = json.dumps({"classes": classes, "page": page_data or {}}).replace("</", "<\\/")
    alert = ""
    if banner:
        alert = f'<div role="alert" {ctx.c("artdeco-inline-feedback artdeco-inline-feedback--error")}>{esc(banner)}</div>'
    return ctx.m.document(f"""<!DOCTYPE html>
<html lang="{ctx.t.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} | LinkedIn</title>
<link rel="stylesheet" href="/static/{ctx.m.stylesheet}">
</head>
<body {ctx.c("render-mode-BIGPIPE")}>
{global_nav(ctx) if nav else ""}
<div {ctx.c("application-outlet")}>
{alert}
{body}
</div>
<div {ctx.c("msg-overlay-list")}></div>
<script>window.LP_BOOT = {boot};</script>
<script src="/static/sandbox.js"></script>
</body>
</html>
""")


def global_nav(ctx: Ctx) -> str:
    t = ctx.t
    return f"""<header id="global-nav" {ctx.c("global-nav")}>
  <nav {ctx.c("global-nav__content")} aria-label="{esc(t("primary_nav"))}">
    <a href="/feed/" {ctx.c("global-nav__logo")}>in</a>
    <div id="global-nav-typeahead" {ctx.c("search-global-typeahead")}>
      <form action="/search/results/people/" method="get" role="search">
        <input {ctx.c("search-global-typeahead__input")} name="keywords" type="text"
               placeholder="{esc(t("search"))}" aria-label="{esc(t("search"))}">
      </form>
    </div>
    <ul {ctx.c("global-nav__primary-items")}>
      <li><a {ctx.c("global-nav__primary-link")} href="/feed/">{esc(t("home"))}</a></li>
      <li><a {ctx.c("global-nav__primary-link")} href="/mynetwork/invitation-manager/sent/">{esc(t("my_network"))}</a></li>
      <li><a {ctx.c("global-nav__primary-link")} href="/messaging/">{esc(t("messaging"))}</a></li>
      <li {ctx.c("global-nav__me")}><button type="button" {ctx.c("global-nav__primary-link global-nav__me-trigger")}
              aria-expanded="false" onclick="LP.toggleMe(this)">
        <img {ctx.c("global-nav__me-photo")} src="/static/avatar.svg" width="24" height="24" alt="{esc(ctx.me_name)}">
        <span>{esc(t("me"))}</span></button>
        <div {ctx.c("global-nav__me-content")}>
          <a href="/in/{ctx.me_slug}/" {ctx.c("global-nav__me-profile-link")}>{esc(ctx.me_name)} · {esc(t("view_profile"))}</a>
        </div></li>
    </ul>
  </nav>
</header>"""
