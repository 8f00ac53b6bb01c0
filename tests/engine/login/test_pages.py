"""Reading sign-in pages LinkedIn shows differently from the practice site."""

from __future__ import annotations

import pytest

from linkpilot.engine.browser import BrowserSession
from linkpilot.engine.login.pages import read_login_page
from linkpilot.engine.login.steps import FormField, MethodOption

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.browser]


async def test_a_refused_password_under_the_field(browser: BrowserSession) -> None:
    page = await browser.page()
    await page.set_content(
        """<main><h1>Sign in</h1><form>
        <input id="username" name="session_key"><input id="password" name="session_password" type="password">
        <div id="error-for-password">Wrong email or password. Try again or create an account.</div>
        <button type="submit">Sign in</button></form></main>"""
    )
    info = await read_login_page(page)
    assert info.login_form
    assert info.alerts == ("Wrong email or password. Try again or create an account.",)
    assert not info.has_pin
    assert info.prompt == "Sign in"


async def test_a_pin_input_without_a_channel_id_reads_the_channel_from_the_text(
    browser: BrowserSession,
) -> None:
    page = await browser.page()
    await page.set_content(
        """<main><h1>Enter the code</h1><p>We sent a code by text message to +33 ••• 42.</p>
        <form><label>Code <input name="pin" type="text"></label><button type="submit">Submit</button></form>
        <button type="button">Try another way</button></main>"""
    )
    info = await read_login_page(page)
    assert info.pin_id == ""
    assert info.pin_channel == "sms"
    assert info.another_way
    assert info.fields == (FormField("pin", "", "text", "Code"),)
    assert info.prompt == "Enter the code — We sent a code by text message to +33 ••• 42."


async def test_methods_hidden_inputs_and_no_heading(browser: BrowserSession) -> None:
    page = await browser.page()
    await page.set_content(
        """<main><p>Choose how to get your code</p><form>
        <input type="hidden" name="csrf" value="x">
        <input type="radio" id="m1" name="m" value="email"><label for="m1">Email</label>
        <input type="radio" id="m2" name="m" value=""><label for="m2">Nothing</label>
        </form></main>"""
    )
    info = await read_login_page(page)
    assert info.options == (MethodOption("email", "Email"),)
    assert [f.type for f in info.fields] == ["radio", "radio"]
    assert info.prompt == "Choose how to get your code"
    assert not info.another_way
    assert not info.asks_for_app
