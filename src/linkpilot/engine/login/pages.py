"""Reading a sign-in page: which step it is, in what words, with which inputs.

``page_state`` decides the broad kind (logged in, sign-in page, checkpoint, captcha...) from
the shared markers; this module only tells the checkpoint variants apart (PIN by email or
SMS, app approval, choice of method) from the selectors and texts below, in English and
French, and reads the page's own wording for the operator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.async_api import Page

from linkpilot.common.text import strip_controls
from linkpilot.engine.login.steps import FormField, MethodOption, PinChannel

PIN_INPUTS = ("input[name=pin]", "#input__email_verification_pin", "#input__phone_verification_pin")
SMS_INPUTS = ("#input__phone_verification_pin",)
SMS_TEXTS = ("Check your phone", "text message", "SMS", "Vérifiez votre téléphone")
APP_TEXTS = ("LinkedIn app", "application LinkedIn", "Approve", "Approuvez")
ANOTHER_WAY_TEXTS = ("Try another way", "Essayer une autre méthode", "Autre méthode")
ANOTHER_WAY_SELECTORS = ("#try-another-way", "a[href*='alternatives']")
# LinkedIn shows a refused password under the field, not always as an alert.
ERRORS = "[role=alert], #error-for-password, #error-for-username"

# One round trip: the inputs, radios, alerts and wording of the page's main form.
READ = """([pinSelectors, anotherWayTexts, anotherWaySelectors, errors]) => {
  const text = (el) => (el && el.textContent || '').replace(/\\s+/g, ' ').trim();
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  const labelOf = (el) => {
    const byFor = el.id ? document.querySelector(`label[for="${CSS.escape(el.id)}"]`) : null;
    return text(byFor || el.closest('label'));
  };
  const pin = pinSelectors.map((s) => document.querySelector(s)).find((el) => el && visible(el));
  const fields = Array.from(document.querySelectorAll('main input, form input'))
    .filter((el) => el.type !== 'hidden' && visible(el))
    .map((el) => ({name: el.name || '', id: el.id || '', type: el.type || 'text', label: labelOf(el)}));
  const radios = Array.from(document.querySelectorAll('input[type=radio]'))
    .filter(visible).map((el) => ({key: el.value, label: labelOf(el)}));
  const links = Array.from(document.querySelectorAll('a, button'));
  const another = anotherWaySelectors.some((s) => document.querySelector(s)) ||
    links.some((el) => anotherWayTexts.some((t) => text(el).toLowerCase() === t.toLowerCase()));
  return {
    heading: text(document.querySelector('h1')),
    paragraphs: Array.from(document.querySelectorAll('main p'), text).filter((t) => t).slice(0, 4),
    alerts: Array.from(document.querySelectorAll(errors), text).filter((t) => t),
    loginForm: !!document.querySelector('#password'),
    pinId: pin ? (pin.id || '') : null,
    fields, radios, another,
  };
}"""


@dataclass(frozen=True)
class LoginPage:
    heading: str
    paragraphs: tuple[str, ...]
    alerts: tuple[str, ...]
    pin_id: str | None  # the PIN input's id ("" if it has none), None without one
    fields: tuple[FormField, ...]
    options: tuple[MethodOption, ...]
    another_way: bool
    login_form: bool = False

    @property
    def prompt(self) -> str:
        body = " ".join(self.paragraphs)
        if self.heading and body:
            return f"{self.heading} — {body}"
        return self.heading or body

    @property
    def has_pin(self) -> bool:
        return self.pin_id is not None

    @property
    def pin_channel(self) -> PinChannel:
        if self.pin_id is not None and f"#{self.pin_id}" in SMS_INPUTS:
            return "sms"
        if self.pin_id == "input__email_verification_pin":
            return "email"
        return "sms" if _mentions(self.prompt, SMS_TEXTS) else "email"

    @property
    def asks_for_app(self) -> bool:
        return _mentions(self.prompt, APP_TEXTS)


def _mentions(text: str, needles: tuple[str, ...]) -> bool:
    plain = " ".join(text.replace("’", "'").split())
    return any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", plain, re.IGNORECASE) for n in needles)


async def read_login_page(page: Page) -> LoginPage:
    raw = await page.evaluate(
        READ, [list(PIN_INPUTS), list(ANOTHER_WAY_TEXTS), list(ANOTHER_WAY_SELECTORS), ERRORS]
    )
    # What the page asks is shown to the operator: never terminal control.
    text = strip_controls
    return LoginPage(
        heading=text(str(raw["heading"])),
        paragraphs=tuple(text(str(p)) for p in raw["paragraphs"]),
        alerts=tuple(text(str(a)) for a in raw["alerts"]),
        pin_id=None if raw["pinId"] is None else str(raw["pinId"]),
        fields=tuple(FormField(f["name"], f["id"], f["type"], text(str(f["label"]))) for f in raw["fields"]),
        options=tuple(MethodOption(o["key"], text(str(o["label"]))) for o in raw["radios"] if o["key"]),
        another_way=bool(raw["another"]),
        login_form=bool(raw["loginForm"]),
    )
