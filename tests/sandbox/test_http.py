"""The site over plain HTTP: login wall, admin API, faults, session rotation, markup."""

from __future__ import annotations

import datetime as dt
import re
from email.utils import parsedate_to_datetime

import aiohttp
import pytest

from linkpilot.common.clock import FrozenClock
from linkpilot.sandbox import RunningSandbox
from tests.sandbox.conftest import SandboxFactory

pytestmark = pytest.mark.asyncio(loop_scope="session")


def client(site: RunningSandbox, *, logged_in: bool = True) -> aiohttp.ClientSession:
    cookies = {"li_at": site.state.current_token} if logged_in else {}
    # unsafe=True: the jar otherwise ignores cookies set by an IP-address host.
    return aiohttp.ClientSession(site.url, cookies=cookies, cookie_jar=aiohttp.CookieJar(unsafe=True))


async def test_member_pages_redirect_to_login_or_authwall(sandbox: RunningSandbox) -> None:
    slug = sandbox.state.world.people[0].slug
    async with client(sandbox, logged_in=False) as http:
        for path in (
            "/feed/",
            "/mynetwork/catch-up/birthday/",
            "/mynetwork/invitation-manager/sent/",
            "/search/results/people/?keywords=x",
        ):
            async with http.get(path, allow_redirects=False) as resp:
                assert resp.status == 302
                assert resp.headers["Location"].startswith("/login?session_redirect=")
        async with http.get(f"/in/{slug}/", allow_redirects=False) as resp:
            assert resp.headers["Location"].startswith("/authwall?sessionRedirect=")
        http.cookie_jar.update_cookies({"li_at": "forged"})
        async with http.get("/feed/", allow_redirects=False) as resp:
            assert resp.status == 302
    assert sandbox.state.record.visits == []


async def test_login_sets_li_at_and_redirects_to_feed(sandbox: RunningSandbox) -> None:
    async with client(sandbox, logged_in=False) as http:
        form = {"session_key": "pilot@sandbox.test", "session_password": "wrong"}
        async with http.post("/login", data=form, allow_redirects=False) as resp:
            assert resp.status == 401
            assert "Wrong email or password" in await resp.text()
        form["session_password"] = "sandbox-password"
        async with http.post("/login", data=form, allow_redirects=False) as resp:
            assert resp.status == 302
            assert resp.headers["Location"] == "/feed/"
            assert resp.cookies["li_at"].value == "sandbox-li-at"
        async with http.get("/feed/") as resp:
            assert resp.status == 200
            assert "feed-identity-module" in await resp.text()


async def test_sign_in_redirects_stay_on_the_site(sandbox: RunningSandbox) -> None:
    form = {"session_key": "pilot@sandbox.test", "session_password": "sandbox-password"}
    for asked, expected in (
        ("/in/someone/", "/in/someone/"),
        ("//evil.example/x", "/feed/"),
        ("/\\evil.example/x", "/feed/"),
        ("https://evil.example/", "/feed/"),
    ):
        signing_in = {**form, "session_redirect": asked}
        async with client(sandbox, logged_in=False) as http:
            resp = await http.post("/login", data=signing_in, allow_redirects=False)
            assert (resp.status, resp.headers["Location"]) == (302, expected), asked
        async with client(sandbox) as http:
            resp = await http.get("/login", params={"session_redirect": asked}, allow_redirects=False)
            assert (resp.status, resp.headers["Location"]) == (302, expected), asked


async def test_admin_faults_validate_and_round_trip(sandbox: RunningSandbox) -> None:
    async with client(sandbox) as http:
        async with http.post("/__admin/faults", json={"http_500": "lots"}) as resp:
            assert resp.status == 400
        async with http.post("/__admin/faults", json={"nonsense": 1}) as resp:
            assert resp.status == 400
        async with http.post("/__admin/faults", json={"http_500": 2, "slow_ms": 1}) as resp:
            assert (await resp.json())["http_500"] == 2
        statuses = []
        for _ in range(3):
            async with http.get("/feed/") as resp:
                statuses.append(resp.status)
        assert statuses == [500, 500, 200]
        async with http.get("/__admin/faults") as resp:
            assert (await resp.json())["http_500"] == 0


async def test_checkpoint_after_actions_blocks_every_member_page(sandbox: RunningSandbox) -> None:
    slugs = [p.slug for p in sandbox.state.world.people[:3]]
    async with client(sandbox) as http:
        await http.post("/__admin/faults", json={"checkpoint_after_actions": 2})
        for slug in slugs[:2]:
            async with http.get(f"/in/{slug}/") as resp:
                assert resp.status == 200
        for path in (f"/in/{slugs[2]}/", "/feed/"):
            async with http.get(path, allow_redirects=False) as resp:
                assert resp.headers["Location"] == "/checkpoint/challenge/"
        async with http.post(
            "/voyager/api/messaging/conversations", json={"recipient": slugs[0], "text": "hi"}
        ) as resp:
            assert resp.status == 403
        async with http.get("/__admin/record") as resp:
            assert (await resp.json())["visits"] == slugs[:2]
        await http.post(
            "/__admin/faults", json={"checkpoint_after_actions": None, "restricted_after_actions": 0}
        )
        async with http.get("/feed/") as resp:
            assert "Your account has been restricted" in await resp.text()


async def test_session_rotation_and_expiry(sandbox: RunningSandbox) -> None:
    async with client(sandbox) as http:
        async with http.get("/feed/") as resp:
            assert "li_at" not in resp.cookies
        await http.post("/__admin/session", json={"action": "rotate"})
        async with http.get("/feed/") as resp:
            assert resp.cookies["li_at"].value == "sandbox-li-at-r1"
        async with http.get("/feed/", allow_redirects=False) as resp:
            assert resp.status == 200
        async with http.post("/__admin/session", json={"action": "expire"}) as resp:
            assert (await resp.json())["accepted"] == []
        async with http.get("/feed/", allow_redirects=False) as resp:
            assert resp.status == 302


async def test_reset_forgets_records_and_faults(sandbox: RunningSandbox) -> None:
    slug = sandbox.state.world.people[0].slug
    async with client(sandbox) as http:
        await http.get(f"/in/{slug}/")
        await http.post("/__admin/faults", json={"slow_ms": 5})
        await http.post("/__admin/reset")
        async with http.get("/__admin/record") as resp:
            assert await resp.json() == {"messages": [], "visits": [], "withdrawals": [], "searches": []}
        async with http.get("/__admin/faults") as resp:
            assert (await resp.json())["slow_ms"] == 0
        async with http.get("/__admin/world") as resp:
            world = await resp.json()
        assert len(world["people"]) == 60
        assert world["birthday_page"] == [p.slug for p, _ in sandbox.state.world.birthday_cards()]


async def test_hashed_markup_drops_descriptive_classes(make_sandbox: SandboxFactory) -> None:
    site = await make_sandbox(markup="hashed")
    person = next(p for p in site.state.world.people if p.degree == 1)
    async with client(site) as http:
        for path in (
            "/feed/",
            "/mynetwork/catch-up/birthday/",
            f"/in/{person.slug}/",
            "/search/results/people/?keywords=a",
            "/mynetwork/invitation-manager/sent/",
        ):
            async with http.get(path) as resp:
                html = await resp.text()
            classes = " ".join(re.findall(r'class="([^"]*)"', html))
            assert classes, path
            assert all(name.startswith("_") for name in classes.split()), path
            assert "data-view-name" not in html
            assert 'id="global-nav"' in html
            assert 'role="' in html
        async with http.get("/voyager/api/messaging/overlay", params={"recipient": person.slug}) as resp:
            bubble = await resp.text()
        assert 'role="dialog"' in bubble
        assert 'role="textbox"' in bubble
        assert "msg-form" not in bubble


async def test_admin_config_switches_language(sandbox: RunningSandbox) -> None:
    async with client(sandbox) as http:
        async with http.post("/__admin/config", json={"language": "de"}) as resp:
            assert resp.status == 400
        async with http.post("/__admin/config", json={"language": "fr", "markup": "hashed"}) as resp:
            assert (await resp.json())["language"] == "fr"
        async with http.get("/mynetwork/invitation-manager/sent/") as resp:
            html = await resp.text()
        assert "Invitations envoyées" in html
        assert "Retirer" in html
        assert 'lang="fr"' in html


async def test_invitation_limit_banner(sandbox: RunningSandbox) -> None:
    sandbox.state.faults.update({"invitation_limit": True})
    async with client(sandbox) as http, http.get("/mynetwork/catch-up/birthday/") as resp:
        html = await resp.text()
    assert "You've reached the weekly invitation limit" in html


async def test_the_date_header_and_the_thread_follow_the_sites_clock(make_sandbox: SandboxFactory) -> None:
    clock = FrozenClock(dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC))  # 00:30 on 1 January in Paris
    site = await make_sandbox(clock=clock)
    assert site.state.today == dt.date(2027, 1, 1)
    async with client(site) as http:
        async with http.get("/feed/") as resp:
            assert parsedate_to_datetime(resp.headers["Date"]) == clock.at
        clock.advance(days=9)
        async with http.get("/login", allow_redirects=False) as resp:
            assert parsedate_to_datetime(resp.headers["Date"]) == clock.at
        friend = next(p for p in site.state.world.people if p.degree == 1)
        async with http.post(
            "/voyager/api/messaging/conversations", json={"recipient": friend.slug, "text": "hi"}
        ) as resp:
            assert resp.status == 200
    # The site stamps what it records with its clock, later stamps never before earlier ones.
    assert site.state.record.messages[-1]["at"] == clock.at.isoformat()
