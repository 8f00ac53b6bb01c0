"""Session files as people export them, good and broken."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

SECRET = "AQEDARsecretVALUE_do-not-leak_0123456789abcdefXYZ"
# Whole days: these values end up in test ids, and pytest-xdist's workers must collect the very
# same ids, whichever second each one imported this module in.
_DAY = 24 * 3600
_TODAY = int(time.time()) // _DAY * _DAY
FUTURE = _TODAY + 300 * _DAY
PAST = _TODAY - 2 * _DAY


def storage_state(**li_at: Any) -> dict[str, Any]:
    cookie = {
        "name": "li_at",
        "value": SECRET,
        "domain": ".www.linkedin.com",
        "path": "/",
        "expires": FUTURE,
        "httpOnly": True,
        "secure": True,
        "sameSite": "None",
    }
    cookie.update(li_at)
    return {
        "cookies": [
            cookie,
            {
                "name": "JSESSIONID",
                "value": '"ajax:5150"',
                "domain": ".www.linkedin.com",
                "path": "/",
                "expires": FUTURE,
                "httpOnly": False,
                "secure": True,
                "sameSite": "None",
            },
            {"name": "NID", "value": "x", "domain": ".google.com", "path": "/", "expires": -1},
        ],
        "origins": [],
    }


def extension_export(**li_at: Any) -> list[dict[str, Any]]:
    cookie: dict[str, Any] = {
        "domain": ".linkedin.com",
        "expirationDate": FUTURE + 0.5,
        "hostOnly": False,
        "httpOnly": True,
        "name": "li_at",
        "path": "/",
        "sameSite": "no_restriction",
        "secure": True,
        "session": False,
        "storeId": "0",
        "value": SECRET,
        "id": 1,
    }
    cookie.update(li_at)
    return [
        cookie,
        {
            "domain": ".www.linkedin.com",
            "hostOnly": False,
            "httpOnly": False,
            "name": "lang",
            "path": "/",
            "sameSite": "unspecified",
            "secure": True,
            "session": True,
            "value": "v=2&lang=fr-fr",
        },
        {"domain": "example.com", "name": "li_at", "value": "someone-elses", "path": "/"},
    ]


def netscape(value: str = SECRET, expires: int = FUTURE) -> str:
    return (
        "# Netscape HTTP Cookie File\n"
        "# https://curl.se/docs/http-cookies.html\n\n"
        f"#HttpOnly_.www.linkedin.com\tTRUE\t/\tTRUE\t{expires}\tli_at\t{value}\n"
        f'.www.linkedin.com\tTRUE\t/\tTRUE\t{FUTURE}\tJSESSIONID\t"ajax:5150"\n'
        ".example.com\tTRUE\t/\tFALSE\t0\tother\tx\n"
    )


def write(path: Path, data: Any) -> Path:
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path
