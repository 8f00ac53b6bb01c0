"""The conversation bubble opened by a Message button, and the items of its thread."""

from __future__ import annotations

import datetime as dt

from linkpilot.sandbox.data import Message, Person
from linkpilot.sandbox.pages.layout import Ctx, avatar, esc

# LinkedIn prints the sender's name and the time once per group of consecutive messages from
# one person sent close together; the items after the first carry only their text.
GROUP_WITHIN = dt.timedelta(minutes=10)
THREAD_CLASSES = "msg-s-message-list-content"


def grouped_with(previous: Message | None, message: Message) -> bool:
    return (
        previous is not None
        and previous.sender == message.sender
        and dt.timedelta(0) <= message.at - previous.at <= GROUP_WITHIN
    )


def message_item(ctx: Ctx, message: Message, person: Person, *, grouped: bool = False) -> str:
    who = ctx.me_name if message.sender == "me" else person.full_name
    meta = (
        ""
        if grouped
        else f"""<span {ctx.c("msg-s-message-group__name t-14 t-bold")}>{esc(who)}</span>
    <time {ctx.c("msg-s-message-group__timestamp")} datetime="{message.at.isoformat()}">{message.at:%Y-%m-%d %H:%M}</time>"""
    )
    return f"""<li {ctx.c("msg-s-message-list__event")}>
  <div {ctx.c("msg-s-event-listitem")}>
    {meta}
    <p {ctx.c("msg-s-event-listitem__body t-14")}>{esc(message.text)}</p>
  </div>
</li>"""


def bubble(ctx: Ctx, person: Person, thread: list[Message], serial: int) -> str:
    t = ctx.t
    title_id = f"message-overlay-title-{serial}"
    items = "".join(
        message_item(ctx, m, person, grouped=grouped_with(thread[i - 1] if i else None, m))
        for i, m in enumerate(thread)
    )
    return f"""<aside {ctx.c("msg-overlay-conversation-bubble msg-overlay-conversation-bubble--is-active")}>
<div role="dialog" aria-labelledby="{title_id}" {ctx.c("msg-overlay-conversation-bubble__content-wrapper")}>
  <header {ctx.c("msg-overlay-bubble-header")}>
    {avatar(ctx, person.full_name, "msg-overlay-bubble-header__photo")}
    <h2 id="{title_id}" {ctx.c("msg-overlay-bubble-header__title")}>
      <a href="/in/{person.slug}/" {ctx.c("msg-entity-lockup__entity-title")}>{esc(person.full_name)}</a>
    </h2>
    <button type="button" {ctx.c("msg-overlay-bubble-header__control artdeco-button--circle")} aria-label="{esc(t("close"))}"
            title="{esc(t("close_conv", name=person.full_name))}" onclick="LP.closeBubble(this)">×</button>
  </header>
  <div {ctx.c("msg-s-message-list")}>
    <ul {ctx.c(THREAD_CLASSES)}>{items}</ul>
  </div>
  <form {ctx.c("msg-form")} onsubmit="return LP.send(event, this, '{person.slug}')">
    <div {ctx.c("msg-form__contenteditable t-14")} role="textbox" contenteditable="true"
         aria-multiline="true" aria-label="{esc(t("write_message"))}"></div>
    <button type="submit" {ctx.c("msg-form__send-button artdeco-button artdeco-button--1")} disabled>{esc(t("send"))}</button>
  </form>
</div>
</aside>"""
