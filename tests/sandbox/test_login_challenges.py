"""Sign-in challenges over plain HTTP: PIN by email/SMS, app approval, another way, captcha."""

from __future__ import annotations

import aiohttp
import pytest

from linkpilot.sandbox import RunningSandbox
from tests.sandbox.conftest import SandboxFactory

pytestmark = pytest.mark.asyncio(loop_scope="session")

RIGHT = {"session_key": "pilot@sandbox.test", "session_password": "sandbox-password"}


def client(site: RunningSandbox) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(site.url, cookie_jar=aiohttp.CookieJar(unsafe=True))


async def admin(http: aiohttp.ClientSession, payload: dict[str, object] | None = None) -> dict[str, object]:
    if payload is None:
        async with http.get("/__admin/login") as resp:
            return dict(await resp.json())
    async with http.post("/__admin/login", json=payload) as resp:
        assert resp.status == 200, await resp.text()
        return dict(await resp.json())


async def sign_in(http: aiohttp.ClientSession) -> str:
    async with http.post("/login", data=RIGHT, allow_redirects=False) as resp:
        assert resp.status == 302
        return resp.headers["Location"]


async def test_default_login_has_no_challenge(sandbox: RunningSandbox) -> None:
    async with client(sandbox) as http:
        assert await sign_in(http) == "/feed/"
        state = await admin(http)
    assert state == {
        "challenge": "none",
        "pin": None,
        "max_pin_attempts": 3,
        "approve_after_polls": None,
        "checkpoint_pin": None,
        "pending": None,
        "logins": 1,
    }


@pytest.mark.parametrize(
    ("method", "input_id", "heading"),
    [
        ("pin_email", "input__email_verification_pin", "Check your email"),
        ("pin_sms", "input__phone_verification_pin", "Check your phone"),
    ],
)
async def test_pin_challenge_wrong_then_right(
    sandbox: RunningSandbox, method: str, input_id: str, heading: str
) -> None:
    async with client(sandbox) as http:
        await admin(http, {"challenge": method})
        assert await sign_in(http) == "/checkpoint/challenge/"
        async with http.get("/feed/", allow_redirects=False) as resp:
            assert resp.status == 302  # no li_at before the PIN
        async with http.get("/checkpoint/challenge/") as resp:
            html = await resp.text()
        assert heading in html
        assert f'id="{input_id}" name="pin"' in html
        pending = (await admin(http))["pending"]
        assert isinstance(pending, dict)
        pin = str(pending["pin"])
        assert len(pin) == 6
        assert pin.isdigit()
        async with http.post(
            "/checkpoint/challenge/", data={"pin": "000000" if pin != "000000" else "1"}
        ) as resp:
            assert "isn't valid" in await resp.text()
        async with http.post("/checkpoint/challenge/", data={"pin": pin}, allow_redirects=False) as resp:
            assert resp.headers["Location"] == "/feed/"
            assert resp.cookies["li_at"].value == sandbox.state.current_token
        async with http.get("/feed/", allow_redirects=False) as resp:
            assert resp.status == 200
        state = await admin(http)
    assert state["pending"] is None
    assert state["logins"] == 1


async def test_too_many_wrong_pins_start_over(sandbox: RunningSandbox) -> None:
    async with client(sandbox) as http:
        await admin(http, {"challenge": "pin_email", "pin": "123456", "max_pin_attempts": 2})
        await sign_in(http)
        async with http.post("/checkpoint/challenge/", data={"pin": "1"}, allow_redirects=False) as resp:
            assert resp.status == 200
        async with http.post("/checkpoint/challenge/", data={"pin": "2"}, allow_redirects=False) as resp:
            assert resp.headers["Location"] == "/login?trk=challenge_failed"
        async with http.get("/login?trk=challenge_failed") as resp:
            assert "Too many wrong codes" in await resp.text()
        # The right PIN is worthless once the challenge is dropped.
        async with http.post("/checkpoint/challenge/", data={"pin": "123456"}, allow_redirects=False) as resp:
            assert resp.headers["Location"] == "/checkpoint/challenge/"
        assert (await admin(http))["logins"] == 0


async def test_app_approval_after_polls_and_by_admin(sandbox: RunningSandbox) -> None:
    async with client(sandbox) as http:
        await admin(http, {"challenge": "app", "approve_after_polls": 3})
        await sign_in(http)
        for _ in range(2):
            async with http.get("/checkpoint/challenge/", allow_redirects=False) as resp:
                assert resp.status == 200
                assert "Check your LinkedIn app" in await resp.text()
        async with http.get("/checkpoint/challenge/", allow_redirects=False) as resp:
            assert resp.headers["Location"] == "/feed/"
    async with client(sandbox) as http:
        await admin(http, {"approve_after_polls": None})
        async with http.post("/__admin/login", json={"action": "approve"}) as resp:
            assert resp.status == 409  # nothing waits yet
        await sign_in(http)
        async with http.get("/checkpoint/challenge/", allow_redirects=False) as resp:
            assert resp.status == 200
        assert (await admin(http, {"action": "approve"}))["pending"] == {
            "method": "app",
            "pin": sandbox.state.pending_login.pin if sandbox.state.pending_login else None,
            "attempts": 0,
            "polls": 1,
            "approved": True,
        }
        async with http.get("/checkpoint/challenge/", allow_redirects=False) as resp:
            assert resp.headers["Location"] == "/feed/"
        assert (await admin(http))["logins"] == 2


async def test_try_another_way_switches_to_sms(make_sandbox: SandboxFactory) -> None:
    site = await make_sandbox(language="fr")
    async with client(site) as http:
        await admin(http, {"challenge": "app", "pin": "424242"})
        await sign_in(http)
        async with http.get("/checkpoint/challenge/") as resp:
            html = await resp.text()
        assert "Vérifiez votre application LinkedIn" in html
        assert "Essayer une autre méthode" in html
        async with http.get("/checkpoint/challenge/alternatives") as resp:
            html = await resp.text()
        assert 'name="challenge_method" value="pin_sms"' in html
        async with http.post(
            "/checkpoint/challenge/alternatives", data={"challenge_method": "pin_sms"}, allow_redirects=False
        ) as resp:
            assert resp.headers["Location"] == "/checkpoint/challenge/"
        async with http.get("/checkpoint/challenge/") as resp:
            assert "Vérifiez votre téléphone" in await resp.text()
        async with http.post("/checkpoint/challenge/", data={"pin": "424242"}, allow_redirects=False) as resp:
            assert resp.headers["Location"] == "/feed/"


async def test_captcha_challenge_never_signs_in(sandbox: RunningSandbox) -> None:
    async with client(sandbox) as http:
        await admin(http, {"challenge": "captcha"})
        assert await sign_in(http) == "/checkpoint/challenge/?type=captcha"
        async with http.get("/checkpoint/challenge/") as resp:
            assert 'id="captcha-internal"' in await resp.text()
        async with http.post("/checkpoint/challenge/", data={"pin": "1"}, allow_redirects=False) as resp:
            assert resp.headers["Location"] == "/checkpoint/challenge/"
        assert (await admin(http))["logins"] == 0


async def test_challenge_needs_the_browser_that_started_it(sandbox: RunningSandbox) -> None:
    async with client(sandbox) as http:
        await admin(http, {"challenge": "pin_email", "pin": "123456"})
        await sign_in(http)
    async with client(sandbox) as other:
        async with other.get("/checkpoint/challenge/") as resp:
            assert "Check your email" in await resp.text()  # the plain checkpoint page
        async with other.post(
            "/checkpoint/challenge/", data={"pin": "123456"}, allow_redirects=False
        ) as resp:
            assert resp.headers["Location"] == "/checkpoint/challenge/"
        async with other.get("/checkpoint/challenge/alternatives", allow_redirects=False) as resp:
            assert resp.headers["Location"] == "/login"


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        ({"challenge": "sms"}, "challenge must be one of"),
        ({"pin": 1234}, "pin must be a string of digits"),
        ({"max_pin_attempts": 0}, "max_pin_attempts must be a positive integer"),
        ({"approve_after_polls": True}, "approve_after_polls must be"),
        ({"checkpoint_pin": "12a"}, "checkpoint_pin must be a string of digits"),
        ({"colour": "red"}, "unknown login setting"),
        ({"action": "deny"}, "action must be approve"),
    ],
)
async def test_admin_login_refuses_bad_payloads(
    sandbox: RunningSandbox, payload: dict[str, object], problem: str
) -> None:
    async with client(sandbox) as http:
        async with http.post("/__admin/login", json={"pin": "111111", **payload}) as resp:
            assert resp.status == 400
            assert problem in (await resp.json())["error"]
        assert (await admin(http))["pin"] is None  # nothing half-applied


async def test_reset_forgets_login_settings(sandbox: RunningSandbox) -> None:
    async with client(sandbox) as http:
        await admin(http, {"challenge": "app"})
        await sign_in(http)
        await http.post("/__admin/reset")
        state = await admin(http)
    assert state["challenge"] == "none"
    assert state["pending"] is None


async def test_a_checkpoint_met_while_acting_clears_only_with_the_configured_pin(
    sandbox: RunningSandbox,
) -> None:
    async with aiohttp.ClientSession(
        sandbox.url, cookies={"li_at": sandbox.state.current_token}, cookie_jar=aiohttp.CookieJar(unsafe=True)
    ) as http:
        await http.post("/__admin/faults", json={"checkpoint_after_actions": 0})
        # Not configured: no PIN clears it, as before.
        async with http.post("/checkpoint/challenge/", data={"pin": "5555"}, allow_redirects=False) as resp:
            assert resp.headers["Location"] == "/checkpoint/challenge/"
        await admin(http, {"checkpoint_pin": "5555"})
        async with http.post("/checkpoint/challenge/", data={"pin": "1111"}, allow_redirects=False) as resp:
            html = await resp.text()
        assert "isn't valid" in html
        assert "try-another-way" not in html
        async with http.get("/feed/", allow_redirects=False) as resp:
            assert resp.headers["Location"] == "/checkpoint/challenge/"
        async with http.post("/checkpoint/challenge/", data={"pin": "5555"}, allow_redirects=False) as resp:
            assert resp.headers["Location"] == "/feed/"
        async with http.get("/feed/", allow_redirects=False) as resp:
            assert resp.status == 200
        async with http.get("/__admin/faults") as resp:
            assert (await resp.json())["checkpoint_after_actions"] is None
