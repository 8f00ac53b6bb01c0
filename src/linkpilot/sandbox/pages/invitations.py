"""Sent invitations, each with a Withdraw button that asks for confirmation in a dialog."""

from __future__ import annotations

import datetime as dt

from linkpilot.sandbox.data import Invitation
from linkpilot.sandbox.pages.layout import Ctx, avatar, document, esc
from linkpilot.sandbox.pages.lists import Window

LIST_CLASSES = "artdeco-list mn-invitation-list"


def invitation_card(ctx: Ctx, inv: Invitation, today: dt.date) -> str:
    t = ctx.t
    age = t.sent_ago((today - inv.sent_on).days)
    withdraw_label = (
        f"Retirer l’invitation envoyée à {inv.name}"
        if t.language == "fr"
        else f"Withdraw invitation sent to {inv.name}"
    )
    return f"""<li {ctx.c("invitation-card artdeco-list__item")}>
  <a href="/in/{inv.slug}/" {ctx.c("invitation-card__picture")} tabindex="-1">{avatar(ctx, inv.name, "invitation-card__photo")}</a>
  <div {ctx.c("invitation-card__details")}>
    <div {ctx.c("invitation-card__title t-16 t-bold")}><a href="/in/{inv.slug}/">{esc(inv.name)}</a></div>
    <p {ctx.c("invitation-card__subtitle t-14")}>{esc(inv.headline)}</p>
    <time {ctx.c("time-badge t-12 t-black--light")} datetime="{inv.sent_on.isoformat()}">{esc(age)}</time>
  </div>
  <button type="button" {ctx.c("artdeco-button artdeco-button--muted artdeco-button--tertiary invitation-card__action-btn")}
          aria-label="{esc(withdraw_label)}" onclick="LP.askWithdraw(this, '{inv.slug}')"><span>{esc(t("withdraw"))}</span></button>
</li>"""


def invitations_page(
    ctx: Ctx, invitations: list[Invitation], window: Window, pending: int, today: dt.date, banner: str | None
) -> str:
    """``invitations``: the cards shown first (``window`` says which), of ``pending`` in all."""
    t = ctx.t
    cards = "".join(invitation_card(ctx, inv, today) for inv in invitations)
    if not cards:
        cards = f"<li>{esc(t('no_invitations'))}</li>"
    body = f"""<main {ctx.c("scaffold-layout__main mn-invitation-manager")}>
  <section {ctx.c("artdeco-card")}>
    <h1 {ctx.c("t-18")}>{esc(t("sent_invitations"))}</h1>
    <nav {ctx.c("mn-invitation-manager__tabs")}><a href="/mynetwork/invitation-manager/sent/" aria-current="page">{esc(t("people"))} ({pending})</a></nav>
    <ul {ctx.c(LIST_CLASSES)}>{cards}</ul>
    {window.controls(ctx, lambda n: f"/mynetwork/invitation-manager/sent/?page={n}")}
  </section>
</main>"""
    loader = window.loader(ctx, "/voyager/api/invitations/sent", LIST_CLASSES)
    return document(ctx, t("sent_invitations"), body, banner=banner, page_data={"list": loader})


def withdraw_dialog(ctx: Ctx, inv: Invitation) -> str:
    t = ctx.t
    return f"""<div {ctx.c("artdeco-modal-overlay artdeco-modal-overlay--is-top-layer")}>
<div role="dialog" aria-modal="true" aria-labelledby="withdraw-dialog-header" {ctx.c("artdeco-modal artdeco-modal--layer-default")}>
  <button type="button" {ctx.c("artdeco-modal__dismiss artdeco-button--circle")} aria-label="{esc(t("dismiss"))}" onclick="LP.closeModal(this)">×</button>
  <h2 id="withdraw-dialog-header" {ctx.c("artdeco-modal__header t-20")}>{esc(t("withdraw_title"))}</h2>
  <div {ctx.c("artdeco-modal__content")}><p>{esc(t("withdraw_body", name=inv.name))}</p></div>
  <div {ctx.c("artdeco-modal__actionbar")}>
    <button type="button" {ctx.c("artdeco-button artdeco-button--muted artdeco-button--secondary")} onclick="LP.closeModal(this)"><span>{esc(t("cancel"))}</span></button>
    <button type="button" {ctx.c("artdeco-button artdeco-button--2 artdeco-button--primary")} onclick="LP.confirmWithdraw(this, '{inv.slug}')"><span>{esc(t("withdraw"))}</span></button>
  </div>
</div>
</div>"""
