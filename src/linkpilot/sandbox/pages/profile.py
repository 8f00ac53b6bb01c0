"""Profile pages: top card, sticky header, sections found by heading, 'People also viewed'."""

from __future__ import annotations

import datetime as dt

from linkpilot.sandbox.data import Experience, Person
from linkpilot.sandbox.pages.birthday import person_button
from linkpilot.sandbox.pages.layout import Ctx, avatar, document, esc


def degree_text(ctx: Ctx, degree: int) -> str:
    return ctx.t(f"deg{degree}")


def duration(ctx: Ctx, exp: Experience, today: dt.date) -> str:
    end = exp.end or (today.year, today.month)
    months = (end[0] * 12 + end[1]) - (exp.start[0] * 12 + exp.start[1]) + 1
    years, rest = divmod(max(months, 1), 12)
    fr = ctx.t.language == "fr"
    parts = []
    if years:
        parts.append(
            f"{years} {'an' if fr and years == 1 else 'ans' if fr else 'yr' if years == 1 else 'yrs'}"
        )
    if rest:
        parts.append(f"{rest} {'mois' if fr else 'mo' if rest == 1 else 'mos'}")
    return " ".join(parts)


def date_range(ctx: Ctx, exp: Experience) -> str:
    start = ctx.t.month_year(*exp.start)
    end = ctx.t("present") if exp.end is None else ctx.t.month_year(*exp.end)
    return f"{start} - {end}"


def _text(ctx: Ctx, text: str, cls: str) -> str:
    # LinkedIn doubles every text: one copy for sight, one for screen readers.
    return (
        f'<span {ctx.c(cls)}><span aria-hidden="true">{esc(text)}</span>'
        f"<span {ctx.c('visually-hidden')}>{esc(text)}</span></span>"
    )


def _item(ctx: Ctx, lines: list[str]) -> str:
    spans = [_text(ctx, lines[0], "t-bold")] + [_text(ctx, line, "t-14 t-normal") for line in lines[1:]]
    return f"<li {ctx.c('artdeco-list__item pvs-list__paged-list-item')}><div {ctx.c('display-flex flex-column')}>{''.join(spans)}</div></li>"


def _section(ctx: Ctx, key: str, inner: str) -> str:
    heading = ctx.t(key)
    return f"""<section {ctx.c("artdeco-card pv-profile-card break-words")}>
  <div {ctx.c("pvs-header__container")}><h2 {ctx.c("pvs-header__title text-heading-large")}>{_text(ctx, heading, "pvs-header__title-text")}</h2></div>
  {inner}
</section>"""


def sections(ctx: Ctx, person: Person, today: dt.date) -> str:
    about = _section(
        ctx, "about", f"<div {ctx.c('pv-shared-text-with-see-more')}>{_text(ctx, person.about, 't-14')}</div>"
    )
    exp_items = [
        _item(ctx, [e.title, e.company, f"{date_range(ctx, e)} · {duration(ctx, e, today)}", e.location])
        for e in person.experience
    ]
    edu_items = [_item(ctx, [e.school, e.degree, f"{e.start_year} - {e.end_year}"]) for e in person.education]
    skill_items = [_item(ctx, [s]) for s in person.skills]
    lang_items = [_item(ctx, [name, level]) for name, level in person.languages]

    def listing(items: list[str]) -> str:
        return f"<ul {ctx.c('pvs-list')}>{''.join(items)}</ul>"

    return "\n".join(
        [
            about,
            _section(ctx, "experience", listing(exp_items)),
            _section(ctx, "education", listing(edu_items)),
            _section(ctx, "skills", listing(skill_items)),
            _section(ctx, "languages", listing(lang_items)),
        ]
    )


def profile_page(ctx: Ctx, person: Person, also: list[Person], today: dt.date, banner: str | None) -> str:
    t = ctx.t
    deg = degree_text(ctx, person.degree)
    badge = ""
    if person.open_to_work:
        badge = f"<div {ctx.c('pv-open-to-work-badge')}><span {ctx.c('visually-hidden')}>#OpenToWork</span><strong>{esc(t('open_to_work'))}</strong></div>"
    # A second Message button hidden in the closed "More" menu: only visible ones count.
    hidden_menu = f"""<div {ctx.c("artdeco-dropdown pvs-overflow-actions-dropdown")}>
      <button type="button" {ctx.c("artdeco-dropdown__trigger artdeco-button artdeco-button--secondary")} aria-label="{esc(t("more_actions"))}">{esc(t("more"))}</button>
      <div {ctx.c("artdeco-dropdown__content")}>{person_button(ctx, person, "artdeco-dropdown__item")}</div>
    </div>"""
    also_items = "".join(
        f"""<li {ctx.c("pv-browsemap-section__member-container artdeco-list__item")}>
      <a href="/in/{p.slug}/" {ctx.c("pv-browsemap-section__member")}>{avatar(ctx, p.full_name, "pv-browsemap-section__member-image")}
        <span {ctx.c("t-bold")}>{esc(p.full_name)}</span></a>
      <span {ctx.c("dist-value")}>{esc(degree_text(ctx, p.degree))}</span>
      <p {ctx.c("t-14")}>{esc(p.headline)}</p>
      {person_button(ctx, p)}
    </li>"""
        for p in also
    )
    body = f"""<div {ctx.c("pv-profile-sticky-header")} aria-hidden="false">
  {avatar(ctx, person.full_name, "pv-profile-sticky-header__photo")}
  <span {ctx.c("t-bold")}>{esc(person.full_name)}</span>
  {person_button(ctx, person, "pv-profile-sticky-header__action")}
</div>
<div {ctx.c("scaffold-layout__inner")}>
<main {ctx.c("scaffold-layout__main")}>
  <section {ctx.c("artdeco-card pv-top-card")}>
    {avatar(ctx, person.full_name, "pv-top-card-profile-picture__image")}
    <div {ctx.c("pv-text-details__left-panel")}>
      <h1 {ctx.c("text-heading-xlarge inline t-24 v-align-middle break-words")}>{esc(person.full_name)}</h1>
      <span {ctx.c("distance-badge")}><span {ctx.c("visually-hidden")}>{esc(t("degree_label", deg=deg))}</span><span {ctx.c("dist-value")} aria-hidden="true">{esc(deg)}</span></span>
      <div {ctx.c("text-body-medium break-words")}>{esc(person.headline)}</div>
      <span {ctx.c("text-body-small inline t-black--light break-words")}>{esc(person.location)}</span>
      {badge}
    </div>
    <div {ctx.c("pv-top-card-v2-ctas pvs-profile-actions")}>
      {person_button(ctx, person, "pvs-profile-actions__action")}
      {hidden_menu}
    </div>
  </section>
  {sections(ctx, person, today)}
</main>
<aside {ctx.c("scaffold-layout__aside")}>
  <section {ctx.c("artdeco-card pv-browsemap-section")}>
    <h2>{esc(t("also_viewed"))}</h2>
    <ul {ctx.c("pv-browsemap-section__list")}>{also_items}</ul>
  </section>
</aside>
</div>"""
    return document(ctx, person.full_name, body, banner=banner, page_data={"sticky": True})
