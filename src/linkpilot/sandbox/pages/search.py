"""People search results, with profile links outside the results (ad, sidebar) as traps."""

from __future__ import annotations

import hashlib
from urllib.parse import quote, urlencode

from linkpilot.sandbox.data import Person
from linkpilot.sandbox.pages.birthday import person_button
from linkpilot.sandbox.pages.layout import Ctx, avatar, document, esc
from linkpilot.sandbox.pages.lists import Window
from linkpilot.sandbox.pages.profile import degree_text


def mini_profile_href(person: Person) -> str:
    # Real result links carry a tracking query string; the engine must normalise it away.
    urn = "ACoAA" + hashlib.blake2b(person.slug.encode()).hexdigest()[:20].upper()
    return f"/in/{person.slug}/?miniProfileUrn={quote('urn:li:fs_miniProfile:' + urn)}"


def _result(ctx: Ctx, person: Person) -> str:
    href = esc(mini_profile_href(person))
    return f"""<li {ctx.c("reusable-search__result-container")}>
  <div {ctx.m.view("people-search-result")} {ctx.c("entity-result")}>
    <a href="{href}" {ctx.c("app-aware-link entity-result__image")} tabindex="-1">{avatar(ctx, person.full_name, "presence-entity__image")}</a>
    <div {ctx.c("entity-result__content")}>
      <span {ctx.c("entity-result__title-text t-16")}>
        <a {ctx.m.view("search-result-lockup-title")} {ctx.c("app-aware-link")} href="{href}"><span aria-hidden="true">{esc(person.full_name)}</span><span {ctx.c("visually-hidden")}>{esc(ctx.t("view_full_profile", name=person.full_name))}</span></a>
      </span>
      <span {ctx.c("entity-result__badge-text")}>• <span {ctx.c("dist-value")}>{esc(degree_text(ctx, person.degree))}</span></span>
      <div {ctx.c("entity-result__primary-subtitle t-14 t-black")}>{esc(person.headline)}</div>
      <div {ctx.c("entity-result__secondary-subtitle t-14 t-normal")}>{esc(person.location)}</div>
    </div>
    <div {ctx.c("entity-result__actions")}>{person_button(ctx, person)}</div>
  </div>
</li>"""


LIST_CLASSES = "reusable-search__entity-result-list list-style-none"


def result_items(ctx: Ctx, results: list[Person]) -> str:
    return "".join(_result(ctx, p) for p in results)


def search_page(
    ctx: Ctx,
    results: list[Person],
    *,
    window: Window,
    params: dict[str, str],
    ad: Person | None,
    suggestions: list[Person],
    banner: str | None,
) -> str:
    t = ctx.t

    def page_url(n: int) -> str:
        return "/search/results/people/?" + urlencode({**params, "page": str(n)})

    items = result_items(ctx, results) or f"<li>{esc(t('no_results'))}</li>"
    ad_block = ""
    if ad is not None:
        ad_block = f"""<aside {ctx.c("ad-banner-container artdeco-card")}>
    <span {ctx.c("t-12")}>{esc(t("promoted"))}</span>
    <a href="/in/{ad.slug}/">{avatar(ctx, ad.full_name, "ad-banner__image")}<span>{esc(ad.full_name)}</span></a>
    <p>{esc(ad.headline)}</p>
  </aside>"""
    pymk = "".join(
        f'<li><a href="/in/{p.slug}/?trk=pymk">{esc(p.full_name)}</a> {person_button(ctx, p)}</li>'
        for p in suggestions
    )
    body = f"""<div {ctx.c("scaffold-layout__inner")}>
<main {ctx.c("scaffold-layout__main search-results-container")}>
  {ad_block}
  <h2 {ctx.c("pb2 t-black--light t-14")}>{esc(t("results"))} ({window.total})</h2>
  <ul role="list" {ctx.c(LIST_CLASSES)}>
    {items}
  </ul>
  {window.controls(ctx, page_url)}
</main>
<aside {ctx.c("scaffold-layout__aside")}>
  <section {ctx.c("artdeco-card")}>
    <h2>{esc(t("pymk"))}</h2>
    <ul>{pymk}</ul>
  </section>
</aside>
</div>"""
    api = "/voyager/api/search/people?" + urlencode(params)
    return document(
        ctx, t("search"), body, banner=banner, page_data={"list": window.loader(ctx, api, LIST_CLASSES)}
    )
