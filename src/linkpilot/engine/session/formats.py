"""Reading a session from what people have at hand, refusing anything malformed.

Three inputs: a bare ``li_at`` value, a Playwright storage-state file, and a cookie export
from a browser extension (EditThisCookie / Cookie-Editor JSON, or Netscape cookies.txt).
Every refusal is one line naming the file and what is wrong in it; cookie values are never
part of a message.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from linkpilot.common.clock import utc_now
from linkpilot.common.errors import BadInput
from linkpilot.engine.browser.origin import Origin
from linkpilot.engine.session.cookies import LI_AT, Cookie, SameSite, is_site_cookie

MAX_FILE_BYTES = 5 * 1024 * 1024
LI_AT_MIN, LI_AT_MAX = 8, 4096
# What a cookie value may hold (RFC 6265 cookie-octets, minus the odd ones nobody uses).
LI_AT_CHARS = re.compile(r"[A-Za-z0-9\-_.~%=+/:]+")
EXTENSION_SAME_SITE: dict[str | None, SameSite | None] = {
    "no_restriction": "None",
    "none": "None",
    "lax": "Lax",
    "strict": "Strict",
    "unspecified": None,
    None: None,
}
PLAYWRIGHT_SAME_SITE = {"Strict", "Lax", "None"}


def check_li_at(value: str, where: str) -> str:
    """The cleaned value, or BadInput saying what is wrong with its shape (never the value)."""
    text = value.strip().strip('"').strip("'")
    text = text.removeprefix("li_at=")
    if not text:
        raise BadInput(f"{where}: the li_at value is empty (or only spaces)")
    if not text.isprintable():
        # A terminal escape or a NUL from a bad paste: say so rather than blame quotes or commas.
        raise BadInput(f"{where}: the li_at value holds non-printable characters: copy only the Value column")
    if len(text) < LI_AT_MIN or len(text) > LI_AT_MAX:
        raise BadInput(
            f"{where}: the li_at value has {len(text)} characters; a LinkedIn session cookie has "
            f"{LI_AT_MIN} to {LI_AT_MAX}"
        )
    if not LI_AT_CHARS.fullmatch(text):
        raise BadInput(
            f"{where}: the li_at value holds characters a cookie cannot (spaces, quotes, commas or semicolons): "
            "copy only the Value column"
        )
    return text


def li_at_cookie(value: str, where: str = "li_at") -> Cookie:
    # LinkedIn sets li_at on .www.linkedin.com, httpOnly and secure; its expiry is unknown here.
    return Cookie(
        LI_AT,
        check_li_at(value, where),
        ".www.linkedin.com",
        "/",
        None,
        http_only=True,
        secure=True,
        same_site="None",
    )


def read_text(path: Path) -> str:
    where = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise BadInput(f"{where}: {size} bytes is too big for a cookie file")
        # Read one byte past the limit rather than trust the size: /dev/zero or a pipe report 0.
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise BadInput(f"{where}: more than {MAX_FILE_BYTES} bytes is too big for a cookie file")
    except FileNotFoundError:
        raise BadInput(f"{where}: file not found") from None
    except IsADirectoryError:
        raise BadInput(f"{where}: is a folder, not a file") from None
    except OSError as exc:
        raise BadInput(f"{where}: cannot read: {exc.strerror}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput(f"{where}: not UTF-8 text") from None


def _json(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(
            f"{where}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None


def _field(
    raw: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str, *, required: bool = True
) -> Any:
    if key not in raw or raw[key] is None:
        if required:
            raise BadInput(f'{where}: "{key}" is missing')
        return None
    value = raw[key]
    # JSON true/false are ints to Python: a boolean is never a number here.
    if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        raise BadInput(f'{where}: "{key}" must be {_kind_name(kind)}')
    if not isinstance(value, kind):
        raise BadInput(f'{where}: "{key}" must be {_kind_name(kind)}')
    return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {str: "a string", int: "a number", float: "a number", bool: "true or false"}
    return " or ".join(dict.fromkeys(names.get(k, k.__name__) for k in kinds))


def _json_cookies(items: list[Any], where: str) -> Iterable[tuple[str, dict[str, Any], str, str, str]]:
    """Each JSON cookie object with its place in the file, name, value and domain checked."""
    for number, raw in enumerate(items, start=1):
        at = f"{where}: cookie #{number}"
        if not isinstance(raw, dict):
            raise BadInput(f"{at}: must be an object")
        name = _field(raw, "name", str, at)
        value = _field(raw, "value", str, at)
        domain = _field(raw, "domain", str, at)
        if not name or not domain:
            raise BadInput(f"{at}: empty name or domain")
        yield at, raw, name, value, domain


def parse_storage_state(path: Path, origin: Origin, now: datetime | None = None) -> list[Cookie]:
    where = str(path)
    data = _json(read_text(path), where)
    if not isinstance(data, dict) or "cookies" not in data:
        raise BadInput(f'{where}: not a Playwright storage state (expected an object with a "cookies" list)')
    raw_cookies = data["cookies"]
    if not isinstance(raw_cookies, list):
        raise BadInput(f'{where}: "cookies" must be a list')
    cookies = []
    for at, raw, name, value, domain in _json_cookies(raw_cookies, where):
        cookie_path = _field(raw, "path", str, at)
        expires = _field(raw, "expires", (int, float), at)
        http_only = _field(raw, "httpOnly", bool, at, required=False)
        secure = _field(raw, "secure", bool, at, required=False)
        same_site = _field(raw, "sameSite", str, at, required=False)
        if same_site is not None and same_site not in PLAYWRIGHT_SAME_SITE:
            raise BadInput(f'{at}: "sameSite" must be Strict, Lax or None')
        cookies.append(
            Cookie(
                name,
                value,
                domain,
                cookie_path or "/",
                float(expires) if expires >= 0 else None,
                bool(http_only),
                bool(secure),
                same_site,
            )
        )
    return _site_session(cookies, origin, where, now)


def parse_cookie_export(path: Path, origin: Origin, now: datetime | None = None) -> list[Cookie]:
    """EditThisCookie / Cookie-Editor JSON arrays, or Netscape cookies.txt."""
    where = str(path)
    text = read_text(path)
    start = text.lstrip()[:1]
    if start == "{":
        data = _json(text, where)
        if isinstance(data, dict) and "cookies" in data:
            raise BadInput(f"{where}: this is a Playwright storage state; import it with --storage-state")
        raise BadInput(f"{where}: expected a JSON list of cookies (EditThisCookie / Cookie-Editor export)")
    cookies = _extension_json(_json(text, where), where) if start == "[" else netscape_cookies(text, where)
    return _site_session(cookies, origin, where, now)


def _extension_json(data: Any, where: str) -> list[Cookie]:
    if not isinstance(data, list):
        raise BadInput(f"{where}: expected a JSON list of cookies")
    cookies = []
    for at, raw, name, value, domain in _json_cookies(data, where):
        cookie_path = _field(raw, "path", str, at, required=False)
        expires = _field(raw, "expirationDate", (int, float), at, required=False)
        session = _field(raw, "session", bool, at, required=False)
        http_only = _field(raw, "httpOnly", bool, at, required=False)
        secure = _field(raw, "secure", bool, at, required=False)
        same_site_raw = _field(raw, "sameSite", str, at, required=False)
        key = same_site_raw.lower() if same_site_raw is not None else None
        if key not in EXTENSION_SAME_SITE:
            raise BadInput(f'{at}: "sameSite" must be no_restriction, lax, strict or unspecified')
        cookies.append(
            Cookie(
                name,
                value,
                domain,
                cookie_path or "/",
                None if session or expires is None else float(expires),
                bool(http_only),
                bool(secure),
                EXTENSION_SAME_SITE[key],
            )
        )
    return cookies


def netscape_cookies(text: str, where: str) -> list[Cookie]:
    """The cookies of a Netscape cookies.txt, every line checked.

    Kept rather than `http.cookiejar.MozillaCookieJar`, which bench/cookies_txt.py measured
    doing worse on files people have: it refuses a file without the header line, quotes the
    whole bad line (the cookie's value with it) in its error and warns with a traceback, and
    takes any flag but TRUE as FALSE. Like it, an empty expiry is a session cookie.
    """
    cookies = []
    for number, line in enumerate(text.splitlines(), start=1):
        text = line.rstrip("\r\n")
        http_only = False
        if text.startswith("#HttpOnly_"):
            text = text.removeprefix("#HttpOnly_")
            http_only = True
        elif not text.strip() or text.lstrip().startswith("#"):
            continue
        fields = text.split("\t")
        at = f"{where}: line {number}"
        if len(fields) != 7:
            raise BadInput(
                f"{at}: expected 7 tab-separated fields (Netscape cookies.txt), found {len(fields)}"
            )
        domain, subdomains, cookie_path, secure, expires, name, value = fields
        if subdomains.upper() not in ("TRUE", "FALSE") or secure.upper() not in ("TRUE", "FALSE"):
            raise BadInput(f"{at}: the 2nd and 4th fields must be TRUE or FALSE")
        try:
            # Empty: a session cookie, as http.cookiejar writes one.
            expiry = int(float(expires)) if expires.strip() else 0
        except (ValueError, OverflowError):  # "nan", "1e400"
            raise BadInput(f"{at}: the expiry (5th field) must be a number") from None
        if not name or not domain:
            raise BadInput(f"{at}: empty name or domain")
        cookies.append(
            Cookie(
                name,
                value,
                domain,
                cookie_path or "/",
                float(expiry) if expiry > 0 else None,
                http_only,
                secure.upper() == "TRUE",
                None,
            )
        )
    if not cookies:
        raise BadInput(f"{where}: no cookies found (neither a JSON export nor Netscape cookies.txt)")
    return cookies


def _site_session(cookies: list[Cookie], origin: Origin, where: str, now: datetime | None) -> list[Cookie]:
    """Keep LinkedIn's cookies (one per name and path), and insist on a live li_at among them."""
    kept: dict[tuple[str, str], Cookie] = {}
    for cookie in cookies:
        if not is_site_cookie(cookie.domain, origin):
            continue
        key = (cookie.name, cookie.path)
        previous = kept.get(key)
        if previous is None or (cookie.expires or float("inf")) >= (previous.expires or float("inf")):
            kept[key] = cookie
    site = list(kept.values())
    for cookie in site:
        _check_expiry(cookie, where)
    li_at = next((c for c in site if c.name == LI_AT), None)
    if li_at is None:
        raise BadInput(f"{where}: no li_at cookie for linkedin.com or {origin.host}")
    check_li_at(li_at.value, f"{where}: li_at cookie")
    if li_at.expires is not None:
        expiry = datetime.fromtimestamp(li_at.expires, UTC)
        if expiry <= (now or utc_now()):
            raise BadInput(
                f"{where}: the li_at cookie expired on {expiry:%Y-%m-%d}; sign in again and re-export"
            )
    return site


def _check_expiry(cookie: Cookie, where: str) -> None:
    """An expiry that is no date at all (NaN, beyond year 9999) would break every later status."""
    if cookie.expires is None:
        return
    try:
        datetime.fromtimestamp(cookie.expires, UTC)
    except (OverflowError, OSError, ValueError):
        raise BadInput(f"{where}: the {cookie.name} cookie has an expiry that is not a date") from None
