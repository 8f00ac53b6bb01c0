"""Sign-in challenge pages: a PIN by email or SMS, an app approval, the choice of another way."""

from __future__ import annotations

from linkpilot.sandbox.pages.layout import Ctx, document, esc

# LinkedIn names the PIN input after the channel the code went to.
PIN_INPUT_IDS = {"pin_email": "input__email_verification_pin", "pin_sms": "input__phone_verification_pin"}
ALTERNATIVES = ("pin_email", "pin_sms")


def _error(ctx: Ctx, error: str | None) -> str:
    if not error:
        return ""
    return f'<div role="alert" {ctx.c("form__label--error")}>{esc(ctx.t(error))}</div>'


def pin_page(ctx: Ctx, method: str, *, error: str | None = None, another_way: bool = True) -> str:
    t = ctx.t
    title, body = (
        ("checkpoint_title", "checkpoint_body")
        if method == "pin_email"
        else ("pin_sms_title", "pin_sms_body")
    )
    input_id = PIN_INPUT_IDS[method]
    html = f"""<main {ctx.c("app__content")}>
  <h1 {ctx.c("content__header")}>{esc(t(title))}</h1>
  <p>{esc(t(body))}</p>
  {_error(ctx, error)}
  <form method="post" action="/checkpoint/challenge/">
    <label for="{input_id}">{esc(t("pin"))}</label>
    <input id="{input_id}" name="pin" type="text" inputmode="numeric" maxlength="8" autocomplete="one-time-code">
    <button type="submit" {ctx.c("form__submit")}>{esc(t("submit"))}</button>
  </form>
  {another_way_link(ctx) if another_way else ""}
</main>"""
    return document(ctx, t(title), html, nav=False)


def another_way_link(ctx: Ctx) -> str:
    return f'<a id="try-another-way" href="/checkpoint/challenge/alternatives">{esc(ctx.t("try_another_way"))}</a>'


def app_page(ctx: Ctx) -> str:
    t = ctx.t
    html = f"""<main {ctx.c("app__content")}>
  <h1 {ctx.c("content__header")}>{esc(t("app_title"))}</h1>
  <p>{esc(t("app_body"))}</p>
  {another_way_link(ctx)}
</main>"""
    return document(ctx, t("app_title"), html, nav=False)


def alternatives_page(ctx: Ctx) -> str:
    t = ctx.t
    options = "\n".join(
        f"""    <label><input type="radio" name="challenge_method" value="{method}"{" checked" if i == 0 else ""}>
      {esc(t("method_" + method))}</label>"""
        for i, method in enumerate(ALTERNATIVES)
    )
    html = f"""<main {ctx.c("app__content")}>
  <h1 {ctx.c("content__header")}>{esc(t("choose_title"))}</h1>
  <form method="post" action="/checkpoint/challenge/alternatives">
{options}
    <button type="submit" {ctx.c("form__submit")}>{esc(t("continue"))}</button>
  </form>
</main>"""
    return document(ctx, t("choose_title"), html, nav=False)
