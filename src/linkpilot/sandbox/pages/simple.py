"""Login, authwall, checkpoint, captcha, restriction and error pages."""

from __future__ import annotations

from linkpilot.sandbox.pages.layout import Ctx, document, esc


def login_page(ctx: Ctx, *, error: bool = False, redirect: str = "", problem_key: str = "wrong_login") -> str:
    t = ctx.t
    problem = ""
    if error:
        problem = f'<div role="alert" {ctx.c("form__label--error")}>{esc(t(problem_key))}</div>'
    body = f"""<main {ctx.c("app__content")}>
  <h1 {ctx.c("header__content__heading")}>{esc(t("sign_in"))}</h1>
  {problem}
  <form method="post" action="/login" {ctx.c("login__form")}>
    <input type="hidden" name="session_redirect" value="{esc(redirect)}">
    <label for="username">{esc(t("email"))}</label>
    <input id="username" name="session_key" type="text" autocomplete="username" {ctx.c("input__input")}>
    <label for="password">{esc(t("password"))}</label>
    <input id="password" name="session_password" type="password" autocomplete="current-password" {ctx.c("input__input")}>
    <button type="submit" {ctx.c("btn__primary--large from__button--floating")}>{esc(t("sign_in"))}</button>
  </form>
</main>"""
    return document(ctx, t("sign_in"), body, nav=False)


def authwall_page(ctx: Ctx, redirect: str) -> str:
    t = ctx.t
    body = f"""<main {ctx.c("authwall-join-form")}>
  <h1>{esc(t("authwall_title"))}</h1>
  <a href="/login?session_redirect={esc(redirect)}" {ctx.c("authwall-join-form__form-toggle--bottom")}>{esc(t("sign_in"))}</a>
</main>"""
    return document(ctx, t("authwall_title"), body, nav=False)


def checkpoint_page(ctx: Ctx, *, captcha: bool) -> str:
    t = ctx.t
    if captcha:
        inner = f"""<h1>{esc(t("captcha_title"))}</h1>
  <div id="captcha-internal" {ctx.c("challenge-dialog")}>
    <iframe src="/captcha/frame" title="Captcha" width="320" height="160"></iframe>
  </div>"""
    else:
        inner = f"""<h1 {ctx.c("content__header")}>{esc(t("checkpoint_title"))}</h1>
  <p>{esc(t("checkpoint_body"))}</p>
  <form method="post" action="/checkpoint/challenge/">
    <label for="input__email_verification_pin">{esc(t("pin"))}</label>
    <input id="input__email_verification_pin" name="pin" type="text" inputmode="numeric" maxlength="6">
    <button type="submit" {ctx.c("form__submit")}>{esc(t("submit"))}</button>
  </form>"""
    body = f"<main {ctx.c('app__content')}>\n  {inner}\n</main>"
    return document(ctx, t("captcha_title" if captcha else "checkpoint_title"), body, nav=False)


def captcha_frame() -> str:
    return (
        '<!DOCTYPE html><html><body><div id="captcha-box">'
        '<label><input type="checkbox"> I\'m not a robot</label></div></body></html>'
    )


def restricted_page(ctx: Ctx) -> str:
    t = ctx.t
    body = f"""<main {ctx.c("app__content")}>
  <h1>{esc(t("restricted_title"))}</h1>
  <p>{esc(t("restricted_body"))}</p>
</main>"""
    return document(ctx, t("restricted_title"), body, nav=False)


def message_page(ctx: Ctx, text: str, *, nav: bool = True) -> str:
    body = f"<main {ctx.c('not-found__main')}><h1>{esc(text)}</h1></main>"
    return document(ctx, text, body, nav=nav)
