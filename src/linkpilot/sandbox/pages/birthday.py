"""The birthday page: cards listed by recency, more fetched by the page script on scroll."""

from __future__ import annotations

import datetime as dt

from linkpilot.sandbox.data import Person, birthday_in_year
from linkpilot.sandbox.pages.layout import Ctx, avatar, document, esc
from linkpilot.sandbox.pages.lists import Window

LIST_CLASSES = "celebrations-entity-list"


def person_button(ctx: Ctx, person: Person, extra_cls: str = "") -> str:
    """Message for 1st degree; Connect (2nd) or Follow (3rd) otherwise, as LinkedIn does."""
    t = ctx.t
    cls = f"artdeco-button artdeco-button--2 artdeco-button--secondary {extra_cls}".strip()
    if person.degree == 1:
        return (
            f'<button type="button" {ctx.c(cls)} aria-label="{esc(t("message_to", name=person.full_name))}"'
            f" onclick=\"LP.openMessage('{person.slug}')\"><span>{esc(t('message'))}</span></button>"
        )
    key = "connect" if person.degree == 2 else "follow"
    return (
        f'<button type="button" {ctx.c(cls)} aria-label="{esc(t(key + "_to", name=person.full_name))}"'
        f' onclick="LP.noop(this)"><span>{esc(t(key))}</span></button>'
    )


def birthday_card(ctx: Ctx, person: Person, days_ago: int, today: dt.date) -> str:
    day = birthday_in_year(person.birth_month, person.birth_day, today.year)
    if day > today:
        day = birthday_in_year(person.birth_month, person.birth_day, today.year - 1)
    status = ctx.t.birthday_status(days_ago, day)
    href = f"/in/{person.slug}/"
    return f"""<div role="listitem" {ctx.c("celebrations-entity-list-item artdeco-list__item")}>
  <a href="{href}" {ctx.c("celebrations-entity__image-link")} tabindex="-1">{avatar(ctx, ctx.t("photo_of", name=person.full_name), "celebrations-entity__photo")}</a>
  <div {ctx.c("celebrations-entity__info")}>
    <a href="{href}" {ctx.c("celebrations-entity__name t-16 t-bold")}><span>{esc(person.full_name)}</span></a>
    <p {ctx.c("celebrations-entity__headline t-14")}>{esc(person.headline)}</p>
    <p {ctx.c("celebrations-entity__status t-12 t-black--light")}><time datetime="{day.isoformat()}">{esc(status)}</time></p>
  </div>
  {person_button(ctx, person, "celebrations-entity__action")}
</div>"""


def birthday_page(ctx: Ctx, cards: str, window: Window, path: str, banner: str | None) -> str:
    t = ctx.t
    body = f"""<main {ctx.c("scaffold-layout__main mn-celebrations")}>
  <section {ctx.c("artdeco-card")}>
    <h1 {ctx.c("t-20 t-bold")}>{esc(t("birthdays"))}</h1>
    <p {ctx.c("t-14")}>{esc(t("birthdays_intro"))}</p>
    <div role="list" {ctx.c(LIST_CLASSES)}>
{cards}
    </div>
    {window.controls(ctx, lambda n: f"{path}?page={n}")}
  </section>
</main>"""
    return document(
        ctx,
        t("birthdays"),
        body,
        banner=banner,
        page_data={"list": window.loader(ctx, "/voyager/api/birthdays", LIST_CLASSES)},
    )
