"""The three import formats, and one clear refusal for each way a file can be wrong."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from linkpilot.common.errors import BadInput
from linkpilot.engine.browser.origin import Origin
from linkpilot.engine.session.cookies import Cookie, covers, is_site_cookie
from linkpilot.engine.session.formats import (
    check_li_at,
    li_at_cookie,
    parse_cookie_export,
    parse_storage_state,
)
from tests.engine.session.samples import (
    FUTURE,
    PAST,
    SECRET,
    extension_export,
    netscape,
    storage_state,
    write,
)

LINKEDIN = Origin.parse("https://www.linkedin.com")
SANDBOX = Origin.parse("http://127.0.0.1:8123")


def by_name(cookies: list[Cookie]) -> dict[str, Cookie]:
    return {c.name: c for c in cookies}


def test_storage_state(tmp_path: Path) -> None:
    cookies = by_name(parse_storage_state(write(tmp_path / "state.json", storage_state()), LINKEDIN))
    assert set(cookies) == {"li_at", "JSESSIONID"}
    li_at = cookies["li_at"]
    assert li_at.value == SECRET
    assert li_at.expires == FUTURE
    assert li_at.http_only
    assert li_at.same_site == "None"


def test_storage_state_saved_against_the_practice_site(tmp_path: Path) -> None:
    state = storage_state(domain="127.0.0.1", secure=False, sameSite="Lax")
    cookies = by_name(parse_storage_state(write(tmp_path / "state.json", state), SANDBOX))
    assert cookies["li_at"].domain == "127.0.0.1"


def test_extension_json(tmp_path: Path) -> None:
    cookies = by_name(parse_cookie_export(write(tmp_path / "cookies.json", extension_export()), LINKEDIN))
    assert set(cookies) == {"li_at", "lang"}
    assert cookies["li_at"].value == SECRET
    assert cookies["li_at"].expires == FUTURE + 0.5
    assert cookies["li_at"].same_site == "None"
    assert cookies["lang"].expires is None
    assert cookies["lang"].same_site is None


def test_netscape_cookies_txt(tmp_path: Path) -> None:
    cookies = by_name(parse_cookie_export(write(tmp_path / "cookies.txt", netscape()), LINKEDIN))
    assert set(cookies) == {"li_at", "JSESSIONID"}
    assert cookies["li_at"].http_only
    assert cookies["li_at"].secure
    assert cookies["JSESSIONID"].value == '"ajax:5150"'
    assert not cookies["JSESSIONID"].http_only


def test_netscape_without_header_and_with_a_session_cookies_empty_expiry(tmp_path: Path) -> None:
    # No "# Netscape HTTP Cookie File" line (a trimmed file); http.cookiejar writes a session
    # cookie's expiry as an empty field.
    text = netscape().replace("# Netscape HTTP Cookie File\n", "")
    text = text.replace(f"\t{FUTURE}\tJSESSIONID", "\t\tJSESSIONID")
    cookies = by_name(parse_cookie_export(write(tmp_path / "cookies.txt", text), LINKEDIN))
    assert set(cookies) == {"li_at", "JSESSIONID"}
    assert cookies["JSESSIONID"].expires is None
    assert cookies["li_at"].expires == FUTURE


def test_a_utf8_bom_and_crlf_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "cookies.txt"
    path.write_bytes(b"\xef\xbb\xbf" + netscape().replace("\n", "\r\n").encode())
    assert "li_at" in by_name(parse_cookie_export(path, LINKEDIN))


def test_duplicates_keep_the_longest_lived(tmp_path: Path) -> None:
    export = extension_export()
    export.append(
        {
            **export[0],
            "domain": ".www.linkedin.com",
            "value": "AQEDAolderValue123",
            "expirationDate": FUTURE - 10,
        }
    )
    cookies = by_name(parse_cookie_export(write(tmp_path / "c.json", export), LINKEDIN))
    assert cookies["li_at"].value == SECRET


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (SECRET, SECRET),
        (f"  {SECRET}\n", SECRET),
        (f'"{SECRET}"', SECRET),
        (f"li_at={SECRET}", SECRET),
    ],
)
def test_li_at_values_are_cleaned(raw: str, expected: str) -> None:
    assert check_li_at(raw, "--li-at") == expected
    cookie = li_at_cookie(raw)
    assert cookie.domain == ".www.linkedin.com"
    assert cookie.expires is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "is empty"),
        ("   \n", "is empty"),
        ("AQED", "has 4 characters"),
        ("A" * 5000, "has 5000 characters"),
        ("AQEDAR secret value", "characters a cookie cannot"),
        ("AQEDARsecret;path=/", "characters a cookie cannot"),
    ],
)
def test_bad_li_at_values(raw: str, message: str) -> None:
    with pytest.raises(BadInput, match=message) as caught:
        check_li_at(raw, "--li-at")
    assert str(caught.value).startswith("--li-at: ")
    if len(raw) > 8:
        assert raw.strip() not in str(caught.value)


def _storage(**change: Any) -> dict[str, Any]:
    return storage_state(**change)


STORAGE_BROKEN: list[tuple[str, Any, str]] = [
    ("not-json", "{cookies: nope", "not valid JSON (line 1"),
    ("empty", "", "not valid JSON"),
    ("a-list", [], 'expected an object with a "cookies" list'),
    ("no-cookies-key", {"origins": []}, 'expected an object with a "cookies" list'),
    ("cookies-not-list", {"cookies": {"li_at": SECRET}}, '"cookies" must be a list'),
    ("cookie-not-object", {"cookies": ["li_at"]}, "cookie #1: must be an object"),
    (
        "missing-domain",
        {"cookies": [{"name": "li_at", "value": SECRET, "path": "/", "expires": -1}]},
        'cookie #1: "domain" is missing',
    ),
    (
        "missing-expires",
        {"cookies": [{"name": "li_at", "value": SECRET, "domain": ".linkedin.com", "path": "/"}]},
        '"expires" is missing',
    ),
    ("expires-text", _storage(expires="2027-01-01"), '"expires" must be a number'),
    ("expires-bool", _storage(expires=True), '"expires" must be a number'),
    ("secure-text", _storage(secure="yes"), '"secure" must be true or false'),
    ("same-site", _storage(sameSite="Sometimes"), '"sameSite" must be Strict, Lax or None'),
    ("empty-name", _storage(name=""), "empty name or domain"),
    (
        "no-li-at",
        {"cookies": _storage()["cookies"][1:]},
        "no li_at cookie for linkedin.com or www.linkedin.com",
    ),
    ("li-at-elsewhere", _storage(domain=".example.com"), "no li_at cookie"),
    ("li-at-expired", _storage(expires=PAST), "the li_at cookie expired on"),
    ("li-at-garbled", _storage(value="not a cookie value"), "li_at cookie: the li_at value holds characters"),
]


@pytest.mark.parametrize(("name", "content", "message"), STORAGE_BROKEN, ids=[c[0] for c in STORAGE_BROKEN])
def test_broken_storage_states(tmp_path: Path, name: str, content: Any, message: str) -> None:
    path = write(tmp_path / f"{name}.json", content)
    with pytest.raises(BadInput) as caught:
        parse_storage_state(path, LINKEDIN)
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"{path}: ")
    assert SECRET not in str(caught.value)
    assert "\n" not in str(caught.value)


def _export(**change: Any) -> list[dict[str, Any]]:
    return extension_export(**change)


EXPORT_BROKEN: list[tuple[str, Any, str]] = [
    ("storage-state", storage_state(), "this is a Playwright storage state; import it with --storage-state"),
    ("other-object", {"li_at": SECRET}, "expected a JSON list of cookies"),
    ("bad-json", "[{", "not valid JSON"),
    ("item-not-object", [1], "cookie #1: must be an object"),
    ("missing-value", [{"name": "li_at", "domain": ".linkedin.com"}], 'cookie #1: "value" is missing'),
    ("expiry-text", _export(expirationDate="soon"), '"expirationDate" must be a number'),
    (
        "same-site",
        _export(sameSite="sometimes"),
        '"sameSite" must be no_restriction, lax, strict or unspecified',
    ),
    ("expired", _export(expirationDate=PAST), "expired on"),
    (
        "netscape-fields",
        "# Netscape HTTP Cookie File\n.linkedin.com\tTRUE\t/\tli_at\tx\n",
        "line 2: expected 7 tab-separated fields",
    ),
    (
        "netscape-spaces",
        netscape().replace("\t", "    "),
        "expected 7 tab-separated fields (Netscape cookies.txt), found 1",
    ),
    (
        "netscape-flags",
        netscape().replace("\tTRUE\t/\tTRUE\t", "\tyes\t/\tTRUE\t", 1),
        "line 4: the 2nd and 4th fields must be TRUE or FALSE",
    ),
    (
        "netscape-expiry",
        netscape().replace(f"\t{FUTURE}\tli_at", "\tnever\tli_at"),
        "line 4: the expiry (5th field) must be a number",
    ),
    ("netscape-expired", netscape(expires=PAST), "the li_at cookie expired on"),
    ("only-comments", "# Netscape HTTP Cookie File\n\n", "no cookies found"),
    ("no-li-at", netscape().replace("li_at", "li_ap"), "no li_at cookie"),
    ("garbled-li-at", netscape(value="has spaces inside it"), "holds characters a cookie cannot"),
]


@pytest.mark.parametrize(("name", "content", "message"), EXPORT_BROKEN, ids=[c[0] for c in EXPORT_BROKEN])
def test_broken_cookie_exports(tmp_path: Path, name: str, content: Any, message: str) -> None:
    path = write(tmp_path / f"{name}.txt", content)
    with pytest.raises(BadInput) as caught:
        parse_cookie_export(path, LINKEDIN)
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"{path}: ")
    assert SECRET not in str(caught.value)


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="file not found"):
        parse_cookie_export(tmp_path / "missing.json", LINKEDIN)
    with pytest.raises(BadInput, match="is a folder"):
        parse_storage_state(tmp_path, LINKEDIN)
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(BadInput, match="not UTF-8 text"):
        parse_storage_state(binary, LINKEDIN)
    huge = tmp_path / "huge.txt"
    huge.write_bytes(b"#" * (5 * 1024 * 1024 + 1))
    with pytest.raises(BadInput, match="too big"):
        parse_cookie_export(huge, LINKEDIN)


def test_cookies_are_reissued_for_the_configured_host() -> None:
    imported = li_at_cookie(SECRET)
    on_linkedin = imported.for_origin(LINKEDIN)
    assert on_linkedin["domain"] == ".www.linkedin.com"
    assert on_linkedin["secure"] is True
    assert on_linkedin["sameSite"] == "None"
    on_sandbox = imported.for_origin(SANDBOX)
    assert on_sandbox["domain"] == "127.0.0.1"
    # Plain http: not Secure, and so not SameSite=None either (Chromium would drop it).
    assert on_sandbox["secure"] is False
    assert on_sandbox["sameSite"] == "Lax"
    assert "expires" not in on_sandbox
    assert Cookie("a", "b", "127.0.0.1", expires=FUTURE).for_origin(SANDBOX)["expires"] == FUTURE


def test_site_cookie_domains() -> None:
    assert covers(".linkedin.com", "www.linkedin.com")
    assert covers("www.linkedin.com", "www.linkedin.com")
    assert not covers("evil-linkedin.com", "www.linkedin.com")
    assert not covers(".", "www.linkedin.com")
    assert is_site_cookie(".linkedin.com", SANDBOX)
    assert is_site_cookie("127.0.0.1", SANDBOX)
    assert not is_site_cookie(".example.com", SANDBOX)


def test_cookie_reprs_hide_values() -> None:
    assert SECRET not in repr(li_at_cookie(SECRET))
    assert Cookie.from_json(li_at_cookie(SECRET).to_json()) == li_at_cookie(SECRET)
