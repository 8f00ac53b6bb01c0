"""The aiohttp application: member pages behind the li_at cookie, page APIs, admin API."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Awaitable, Callable
from email.utils import format_datetime
from functools import wraps
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import web

from linkpilot.sandbox.config import LANGUAGES, MARKUPS, SandboxConfig
from linkpilot.sandbox.data import Invitation, Message, Person, days_since_birthday
from linkpilot.sandbox.faults import FaultError
from linkpilot.sandbox.i18n import Texts
from linkpilot.sandbox.login import (
    CHALLENGE_COOKIE,
    PIN_METHODS,
    LoginSettingsError,
    PendingLogin,
    new_pending,
)
from linkpilot.sandbox.markup import Markup
from linkpilot.sandbox.pages import birthday, challenge, feed, messaging, profile, search, simple
from linkpilot.sandbox.pages import invitations as invitations_pages
from linkpilot.sandbox.pages.layout import Ctx
from linkpilot.sandbox.pages.lists import Window
from linkpilot.sandbox.search import Query
from linkpilot.sandbox.state import SandboxState

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

STATE_KEY = web.AppKey("state", SandboxState)
STATIC = Path(__file__).parent / "static"
TROUBLE_PATHS = {
    "checkpoint": "/checkpoint/challenge/",
    "captcha": "/checkpoint/challenge/?type=captcha",
    "restricted": "/checkpoint/restricted/",
}


def state_of(request: web.Request) -> SandboxState:
    return request.app[STATE_KEY]


# Sent invitations shown, or fetched, at a time when the list loads in parts.
INVITATION_BATCH = 10


def ctx_of(state: SandboxState) -> Ctx:
    config = state.config
    return Ctx(Texts(config.language), Markup(config.markup, config.mutation_seed), config.me_name)


def page(text: str, status: int = 200) -> web.Response:
    return web.Response(text=text, status=status, content_type="text/html", charset="utf-8")


def banner(state: SandboxState) -> str | None:
    return ctx_of(state).t("invite_limit") if state.faults.invitation_limit else None


def member_page(handler: Handler) -> Handler:
    """Login wall, trouble redirects and injected 500s, in LinkedIn's order."""

    @wraps(handler)
    async def wrapped(request: web.Request) -> web.StreamResponse:
        state = state_of(request)
        if not state.is_logged_in(request.cookies.get("li_at")):
            target = quote(request.path_qs, safe="")
            if request.path.startswith("/in/"):
                raise web.HTTPFound(f"/authwall?sessionRedirect={target}")
            raise web.HTTPFound(f"/login?session_redirect={target}")
        trouble = state.faults.trouble(state.record.actions)
        if trouble is not None:
            raise web.HTTPFound(TROUBLE_PATHS[trouble])
        if state.faults.http_500 > 0:
            state.faults.http_500 -= 1
            return page(simple.message_page(ctx_of(state), ctx_of(state).t("server_error")), 500)
        return await handler(request)

    return wrapped


def member_api(handler: Handler) -> Handler:
    """Like member_page, but answers JSON the page script turns into a navigation."""

    @wraps(handler)
    async def wrapped(request: web.Request) -> web.StreamResponse:
        state = state_of(request)
        if not state.is_logged_in(request.cookies.get("li_at")):
            return web.json_response({"error": "unauthenticated", "location": "/login"}, status=401)
        trouble = state.faults.trouble(state.record.actions)
        if trouble is not None:
            return web.json_response({"error": trouble, "location": TROUBLE_PATHS[trouble]}, status=403)
        return await handler(request)

    return wrapped


async def date_header(request: web.Request, response: web.StreamResponse) -> None:
    """Every answer says the site's time, as LinkedIn's do: a moved site tells its moved time,
    which is what a client's clock guard compares its own clock with."""
    response.headers["Date"] = format_datetime(state_of(request).config.now(), usegmt=True)


@web.middleware
async def slow_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    state = state_of(request)
    if state.faults.slow_ms and not request.path.startswith("/__admin/"):
        await asyncio.sleep(state.faults.slow_ms / 1000)
    return await handler(request)


# Public pages ---------------------------------------------------------------------------


async def root(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("/feed/")


def local_path(redirect: str) -> str:
    """Where a sign-in may send the browser: a path on this site, never `//elsewhere`."""
    if redirect.startswith("/") and not redirect.startswith(("//", "/\\")):
        return redirect
    return "/feed/"


async def login_get(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    redirect = request.query.get("session_redirect", "")
    if state.is_logged_in(request.cookies.get("li_at")):
        raise web.HTTPFound(local_path(redirect))
    # Sent back here after too many wrong PINs: say so, as LinkedIn does.
    failed = request.query.get("trk") == "challenge_failed"
    return page(
        simple.login_page(ctx_of(state), redirect=redirect, error=failed, problem_key="too_many_pins")
    )


async def login_post(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    form = await request.post()
    redirect = str(form.get("session_redirect", ""))
    if (form.get("session_key"), form.get("session_password")) != (
        state.config.login_email,
        state.config.login_password,
    ):
        return page(simple.login_page(ctx_of(state), error=True, redirect=redirect), 401)
    target = local_path(redirect)
    if state.login_settings.challenge == "none":
        signed_in(state, target)
    pending = new_pending(state.login_settings, target)
    state.pending_login = pending
    where = "/checkpoint/challenge/?type=captcha" if pending.method == "captcha" else "/checkpoint/challenge/"
    response = web.HTTPFound(where)
    response.set_cookie(CHALLENGE_COOKIE, pending.token, path="/", httponly=True, samesite="Lax")
    raise response


def signed_in(state: SandboxState, target: str) -> None:
    """Raise the redirect that ends a sign-in: li_at set, any challenge forgotten."""
    state.pending_login = None
    response = web.HTTPFound(target)
    response.set_cookie("li_at", state.login(), path="/", httponly=True, samesite="Lax")
    response.del_cookie(CHALLENGE_COOKIE, path="/")
    raise response


async def authwall(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    return page(simple.authwall_page(ctx_of(state), request.query.get("sessionRedirect", "")))


def challenge_of(request: web.Request) -> PendingLogin | None:
    return state_of(request).pending_for(request.cookies.get(CHALLENGE_COOKIE))


async def checkpoint(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    pending = challenge_of(request)
    captcha = request.query.get("type") == "captcha" or (pending is not None and pending.method == "captcha")
    if captcha or pending is None:
        return page(simple.checkpoint_page(ctx_of(state), captcha=captcha))
    if pending.method == "app":
        # Every load of the page is one look at whether the phone said yes.
        pending.polls += 1
        limit = state.login_settings.approve_after_polls
        if pending.approved or (limit is not None and pending.polls >= limit):
            signed_in(state, pending.redirect)
        return page(challenge.app_page(ctx_of(state)))
    return page(challenge.pin_page(ctx_of(state), pending.method))


async def checkpoint_post(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    pending = challenge_of(request)
    if pending is None or pending.method not in PIN_METHODS:
        return await clear_checkpoint(request)
    form = await request.post()
    if str(form.get("pin", "")).strip() == pending.pin:
        signed_in(state, pending.redirect)
    pending.attempts += 1
    if pending.attempts >= state.login_settings.max_pin_attempts:
        state.pending_login = None
        raise web.HTTPFound("/login?trk=challenge_failed")
    return page(challenge.pin_page(ctx_of(state), pending.method, error="wrong_pin"))


async def clear_checkpoint(request: web.Request) -> web.StreamResponse:
    """A checkpoint met while acting: only the admin's ``checkpoint_pin`` clears it, if set."""
    state = state_of(request)
    expected = state.login_settings.checkpoint_pin
    active = state.faults.trouble(state.record.actions) == "checkpoint"
    if expected is None or not active or not state.is_logged_in(request.cookies.get("li_at")):
        raise web.HTTPFound("/checkpoint/challenge/")
    form = await request.post()
    if str(form.get("pin", "")).strip() != expected:
        return page(challenge.pin_page(ctx_of(state), "pin_email", error="wrong_pin", another_way=False))
    state.faults.checkpoint_after_actions = None
    raise web.HTTPFound("/feed/")


async def alternatives(request: web.Request) -> web.StreamResponse:
    if challenge_of(request) is None:
        raise web.HTTPFound("/login")
    return page(challenge.alternatives_page(ctx_of(state_of(request))))


async def alternatives_post(request: web.Request) -> web.StreamResponse:
    pending = challenge_of(request)
    if pending is None:
        raise web.HTTPFound("/login")
    method = str((await request.post()).get("challenge_method", ""))
    if method in challenge.ALTERNATIVES:
        pending.method = method
        pending.attempts = 0
    raise web.HTTPFound("/checkpoint/challenge/")


async def restricted(request: web.Request) -> web.StreamResponse:
    return page(simple.restricted_page(ctx_of(state_of(request))))


async def favicon(request: web.Request) -> web.StreamResponse:
    return web.Response(status=204)


async def captcha_frame(request: web.Request) -> web.StreamResponse:
    return page(simple.captcha_frame())


# Member pages ---------------------------------------------------------------------------


@member_page
async def feed_page(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    pending = len(state.world.invitations) - len(state.withdrawn)
    response = page(feed.feed_page(ctx_of(state), state.world, pending, banner(state)))
    rotated = state.take_rotation()
    if rotated is not None:
        response.set_cookie("li_at", rotated, path="/", httponly=True, samesite="Lax")
    return response


def page_param(request: web.Request) -> int:
    try:
        return max(1, int(request.query.get("page", "1")))
    except ValueError:
        return 1


def start_param(request: web.Request) -> int:
    try:
        return max(0, int(request.query.get("start", "0")))
    except ValueError:
        raise web.HTTPBadRequest(text="start must be a whole number") from None


def batch_json(ctx: Ctx, items: str, in_list: str, next_start: int, total: int) -> web.Response:
    """The next part of a list, for the page script (scroll and "Show more" modes)."""
    return web.json_response(
        {"html": ctx.fragment(items, in_list=in_list), "next": next_start, "total": total}
    )


def birthday_cards(state: SandboxState, start: int, end: int) -> str:
    ctx = ctx_of(state)
    return "\n".join(
        birthday.birthday_card(ctx, person, days, state.today)
        for person, days in state.world.birthday_cards()[start:end]
    )


@member_page
async def birthday_page(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    ctx = ctx_of(state)
    total = len(state.world.birthday_cards())
    mode = ctx.m.list_mode("birthdays")
    window = Window.first(mode, total, state.config.birthday_batch, page_param(request))
    cards = birthday_cards(state, window.start, window.end)
    return page(birthday.birthday_page(ctx, cards, window, request.path, banner(state)))


@member_api
async def birthday_api(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    start = start_param(request)
    total = len(state.world.birthday_cards())
    end = min(total, start + state.config.birthday_batch)
    cards = birthday_cards(state, start, end)
    return batch_json(ctx_of(state), cards, birthday.LIST_CLASSES, end, total)


async def profile_redirect(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound(f"/in/{request.match_info['slug']}/")


@member_page
async def profile_page(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    ctx = ctx_of(state)
    person = state.world.by_slug.get(request.match_info["slug"])
    if person is None:
        return page(simple.message_page(ctx, ctx.t("not_found")), 404)
    state.record.visits.append(person.slug)
    also = state.world.also_viewed(person)
    return page(profile.profile_page(ctx, person, also, state.today, banner(state)))


def search_results(state: SandboxState, params: dict[str, str], start: int) -> tuple[list[Person], int]:
    """One page of results from ``start`` (recorded as a search), and how many match in all."""
    query = Query.from_params(params)
    matches = [p for p in state.world.people if query.matches(p)]
    matches.sort(key=lambda p: (p.degree, p.full_name, p.slug))
    size = state.config.search_page_size
    results = matches[start : start + size]
    state.record.searches.append(
        {
            "keywords": params.get("keywords", ""),
            "page": start // size + 1,
            "params": params,
            "results": [p.slug for p in results],
        }
    )
    return results, len(matches)


def search_params(request: web.Request) -> dict[str, str]:
    return {k: v for k, v in request.query.items() if k not in ("page", "start")}


@member_page
async def search_page(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    ctx = ctx_of(state)
    params = search_params(request)
    size = state.config.search_page_size
    mode = ctx.m.list_mode("search")
    page_no = page_param(request) if mode == "pages" else 1
    results, total = search_results(state, params, (page_no - 1) * size)
    window = Window.first(mode, total, size, page_no)
    shown = {p.slug for p in results}
    others = [p for p in state.world.people if p.slug not in shown]
    # The ad and the suggestions point at real profiles that are not results: taking
    # them would show up as unwanted visits in the record.
    ad = others[page_no % len(others)] if others else None
    suggestions = [p for p in others if p is not ad][page_no : page_no + 3]
    html = search.search_page(
        ctx, results, window=window, params=params, ad=ad, suggestions=suggestions, banner=banner(state)
    )
    return page(html)


@member_api
async def search_api(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    start = start_param(request)
    results, total = search_results(state, search_params(request), start)
    ctx = ctx_of(state)
    items = search.result_items(ctx, results)
    return batch_json(ctx, items, search.LIST_CLASSES, start + state.config.search_page_size, total)


def invitation_cards(state: SandboxState, invitations: list[Invitation]) -> str:
    ctx = ctx_of(state)
    return "".join(invitations_pages.invitation_card(ctx, inv, state.today) for inv in invitations)


@member_page
async def invitations_page(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    ctx = ctx_of(state)
    everyone = state.world.invitations
    pending = [i for i in everyone if i.slug not in state.withdrawn]
    mode = ctx.m.list_mode("invitations")
    if mode in ("scroll", "more"):
        # Loaded in parts through the whole list, withdrawn ones left out: a withdrawal
        # while the page is open does not shift the parts still to come.
        window = Window.first(mode, len(everyone), INVITATION_BATCH)
        shown = [i for i in everyone[window.start : window.end] if i.slug not in state.withdrawn]
    else:
        window = Window.first(mode, len(pending), INVITATION_BATCH, page_param(request))
        shown = pending[window.start : window.end]
    html = invitations_pages.invitations_page(ctx, shown, window, len(pending), state.today, banner(state))
    return page(html)


@member_api
async def invitations_api(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    start = start_param(request)
    everyone = state.world.invitations
    end = min(len(everyone), start + INVITATION_BATCH)
    shown = [i for i in everyone[start:end] if i.slug not in state.withdrawn]
    ctx = ctx_of(state)
    return batch_json(ctx, invitation_cards(state, shown), invitations_pages.LIST_CLASSES, end, len(everyone))


@member_page
async def messaging_page(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    ctx = ctx_of(state)
    return page(simple.message_page(ctx, ctx.t("messaging")))


# Page APIs ------------------------------------------------------------------------------


def connection(state: SandboxState, slug: str) -> Person | None:
    person = state.world.by_slug.get(slug)
    return person if person is not None and person.degree == 1 else None


@member_api
async def overlay_api(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    person = connection(state, request.query.get("recipient", ""))
    if person is None:
        return web.json_response({"error": "not a connection"}, status=404)
    state.bubble_serial += 1
    ctx = ctx_of(state)
    html = messaging.bubble(ctx, person, state.threads.get(person.slug, []), state.bubble_serial)
    return page(ctx.fragment(html))


async def json_body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise web.HTTPBadRequest(text="body must be JSON") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="body must be a JSON object")
    return body


@member_api
async def send_api(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    body = await json_body(request)
    person = connection(state, str(body.get("recipient", "")))
    text = str(body.get("text", "")).strip()
    if person is None or not text:
        return web.json_response({"error": "bad recipient or empty text"}, status=400)
    if state.faults.silent_send_once:
        state.faults.silent_send_once = False
        return web.json_response({"ok": True, "item": None})
    message = Message("me", text, state.stamp())
    thread = state.threads.setdefault(person.slug, [])
    grouped = messaging.grouped_with(thread[-1] if thread else None, message)
    thread.append(message)
    state.record.messages.append(
        {"to_slug": person.slug, "to_name": person.full_name, "text": text, "at": message.at.isoformat()}
    )
    if state.faults.slow_sends > 0:
        state.faults.slow_sends -= 1
        await asyncio.sleep(state.faults.slow_send_ms / 1000)
    ctx = ctx_of(state)
    item = ctx.fragment(
        messaging.message_item(ctx, message, person, grouped=grouped), in_list=messaging.THREAD_CLASSES
    )
    return web.json_response({"ok": True, "item": item})


def pending_invitation(state: SandboxState, slug: str) -> Invitation | None:
    for inv in state.world.invitations:
        if inv.slug == slug and slug not in state.withdrawn:
            return inv
    return None


@member_api
async def withdraw_dialog_api(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    inv = pending_invitation(state, request.query.get("invitee", ""))
    if inv is None:
        return web.json_response({"error": "no such invitation"}, status=404)
    ctx = ctx_of(state)
    return page(ctx.fragment(invitations_pages.withdraw_dialog(ctx, inv)))


@member_api
async def withdraw_api(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    body = await json_body(request)
    inv = pending_invitation(state, str(body.get("invitee", "")))
    if inv is None:
        return web.json_response({"error": "no such invitation"}, status=404)
    state.withdrawn.add(inv.slug)
    state.record.withdrawals.append(inv.slug)
    return web.json_response({"ok": True})


# Static ---------------------------------------------------------------------------------


async def static_file(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    if name.startswith("sandbox-") and name.endswith(".css"):
        config = state_of(request).config
        served = Markup(config.markup, config.mutation_seed)
        markup = next((Markup(g) for g in ("classic", "hashed") if name == Markup(g).stylesheet), None)
        if name == served.stylesheet:
            markup = served
        if markup is None:
            raise web.HTTPNotFound()
        css = markup.css((STATIC / "sandbox.css").read_text(encoding="utf-8"))
        return web.Response(text=css, content_type="text/css")
    types = {"sandbox.js": "application/javascript", "avatar.svg": "image/svg+xml"}
    if name not in types:
        raise web.HTTPNotFound()
    return web.Response(
        body=(STATIC / name).read_bytes(),
        content_type=types[name],
        headers={"Cache-Control": "max-age=3600"},
    )


# Admin API ------------------------------------------------------------------------------


async def admin_record(request: web.Request) -> web.StreamResponse:
    return web.json_response(state_of(request).record.to_json())


async def admin_reset(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    state.reset()
    return web.json_response({"ok": True})


def config_json(state: SandboxState) -> dict[str, Any]:
    config = state.config
    return {
        "seed": config.seed,
        "today": state.today.isoformat(),
        "timezone": config.timezone,
        "language": config.language,
        "markup": config.markup,
        "mutation_seed": config.mutation_seed,
        "people": config.people,
    }


async def admin_config(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    if request.method == "POST":
        body = await json_body(request)
        changes: dict[str, Any] = {}
        for key, allowed in (("language", LANGUAGES), ("markup", MARKUPS)):
            if key in body:
                if body[key] not in allowed:
                    return web.json_response({"error": f"{key} must be one of {list(allowed)}"}, status=400)
                changes[key] = body[key]
        if "mutation_seed" in body:
            changes["mutation_seed"] = body["mutation_seed"]
        unknown = set(body) - {"language", "markup", "mutation_seed"}
        if unknown:
            return web.json_response({"error": f"unknown settings {sorted(unknown)}"}, status=400)
        try:
            state.reconfigure(**changes)
        except ValueError as exc:
            return web.json_response({"error": str(exc)}, status=400)
    return web.json_response(config_json(state))


async def admin_clock(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    now = state.config.now()
    return web.json_response(
        {
            "now": now.isoformat(),
            "local": now.astimezone(state.config.zone).isoformat(),
            "timezone": state.config.timezone,
            "today": state.today.isoformat(),
        }
    )


async def admin_faults(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    if request.method == "POST":
        try:
            state.faults.update(await json_body(request))
        except FaultError as exc:
            return web.json_response({"error": str(exc)}, status=400)
    return web.json_response(state.faults.to_json())


async def admin_session(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    if request.method == "POST":
        action = (await json_body(request)).get("action")
        if action == "expire":
            state.expire()
        elif action == "rotate":
            state.request_rotation()
        elif action == "restore":
            state.accepted_tokens.add(state.current_token)
        else:
            return web.json_response({"error": "action must be expire, rotate or restore"}, status=400)
    return web.json_response(state.session_json())


async def admin_login(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    if request.method == "POST":
        body = await json_body(request)
        action = body.pop("action", None)
        if action not in (None, "approve"):
            return web.json_response({"error": "action must be approve"}, status=400)
        try:
            state.login_settings.update(body)
        except LoginSettingsError as exc:
            return web.json_response({"error": str(exc)}, status=400)
        if action == "approve":
            if state.pending_login is None or state.pending_login.method != "app":
                return web.json_response({"error": "no sign-in waits for an app approval"}, status=409)
            state.pending_login.approved = True
    return web.json_response(state.login_json())


def person_json(person: Person, state: SandboxState) -> dict[str, Any]:
    return {
        "slug": person.slug,
        "full_name": person.full_name,
        "first_name": person.first_name,
        "degree": person.degree,
        "birth_month": person.birth_month,
        "birth_day": person.birth_day,
        "days_since_birthday": days_since_birthday(person.birth_month, person.birth_day, state.today),
        "headline": person.headline,
        "location": person.location,
        "open_to_work": person.open_to_work,
        "seniority": person.seniority,
        "profile_language": person.profile_language,
        "skills": list(person.skills),
        "role": person.role,
        "thread": [
            {"sender": m.sender, "text": m.text, "at": m.at.isoformat()}
            for m in state.threads.get(person.slug, [])
        ],
    }


# What a test may change in one person's profile (the world itself is generated, and adding
# people would shift every later person its random generator makes).
EDITABLE = frozenset({"headline"})


async def admin_person(request: web.Request) -> web.StreamResponse:
    """POST {"slug", "headline"}: that person's profile (and search result) says it from now on."""
    state = state_of(request)
    body = await json_body(request)
    person = state.world.by_slug.get(str(body.pop("slug", "")))
    if person is None:
        return web.json_response({"error": "no such person"}, status=404)
    unknown = set(body) - EDITABLE
    if unknown:
        return web.json_response({"error": f"cannot change {sorted(unknown)}"}, status=400)
    if not all(isinstance(value, str) for value in body.values()):
        return web.json_response({"error": "values must be strings"}, status=400)
    changed = dataclasses.replace(person, **body)
    people = state.world.people
    people[people.index(person)] = changed
    state.world.by_slug[changed.slug] = changed
    return web.json_response(person_json(changed, state))


async def admin_world(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    return web.json_response(
        {
            "config": config_json(state),
            "me_name": state.config.me_name,
            "people": [person_json(p, state) for p in state.world.people],
            "birthday_page": [p.slug for p, _ in state.world.birthday_cards()],
            "invitations": [
                {
                    "slug": i.slug,
                    "name": i.name,
                    "sent_on": i.sent_on.isoformat(),
                    "withdrawn": i.slug in state.withdrawn,
                }
                for i in state.world.invitations
            ],
        }
    )


def create_app(config: SandboxConfig) -> web.Application:
    app = web.Application(middlewares=[slow_middleware])
    app[STATE_KEY] = SandboxState(config)
    app.on_response_prepare.append(date_header)
    r = app.router
    r.add_get("/", root)
    r.add_get("/login", login_get)
    r.add_post("/login", login_post)
    r.add_get("/authwall", authwall)
    r.add_get("/checkpoint/challenge/", checkpoint)
    r.add_post("/checkpoint/challenge/", checkpoint_post)
    r.add_get("/checkpoint/challenge/alternatives", alternatives)
    r.add_post("/checkpoint/challenge/alternatives", alternatives_post)
    r.add_get("/checkpoint/restricted/", restricted)
    r.add_get("/captcha/frame", captcha_frame)
    r.add_get("/static/{name}", static_file)
    r.add_get("/favicon.ico", favicon)
    r.add_get("/feed/", feed_page)
    r.add_get("/mynetwork/catch-up/birthday/", birthday_page)
    r.add_get("/mynetwork/invite-connect/celebrations/birthdays/", birthday_page)
    r.add_get("/in/{slug}", profile_redirect)
    r.add_get("/in/{slug}/", profile_page)
    r.add_get("/search/results/people/", search_page)
    r.add_get("/mynetwork/invitation-manager/sent/", invitations_page)
    r.add_get("/messaging/", messaging_page)
    r.add_get("/voyager/api/birthdays", birthday_api)
    r.add_get("/voyager/api/search/people", search_api)
    r.add_get("/voyager/api/invitations/sent", invitations_api)
    r.add_get("/voyager/api/messaging/overlay", overlay_api)
    r.add_post("/voyager/api/messaging/conversations", send_api)
    r.add_get("/voyager/api/invitations/withdraw-dialog", withdraw_dialog_api)
    r.add_post("/voyager/api/invitations/withdraw", withdraw_api)
    r.add_get("/__admin/record", admin_record)
    r.add_post("/__admin/reset", admin_reset)
    r.add_route("*", "/__admin/config", admin_config)
    r.add_route("*", "/__admin/faults", admin_faults)
    r.add_route("*", "/__admin/session", admin_session)
    r.add_route("*", "/__admin/login", admin_login)
    r.add_get("/__admin/world", admin_world)
    r.add_post("/__admin/person", admin_person)
    r.add_get("/__admin/clock", admin_clock)
    return app
