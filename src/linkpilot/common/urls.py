"""Profile URL normalisation: one person, one key, whatever decorations a link carries."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from linkpilot.common.errors import BadInput

_SLUG = re.compile(r"^[\w\-%.]{2,100}$", re.UNICODE)


def profile_slug(url: str) -> str:
    """Return the `/in/<slug>/` part of a profile URL, lower-cased; raise BadInput otherwise."""
    text = url.strip()
    if not text:
        raise BadInput("empty profile URL")
    if "://" not in text and not text.startswith("/"):
        text = "https://" + text
    try:
        parts = urlsplit(text)
    except ValueError:  # an unclosed "[" reads as a broken IPv6 host
        raise BadInput(f"not a profile URL (malformed host): {url!r}") from None
    if parts.scheme not in ("http", "https", ""):
        raise BadInput(f"not a profile URL (scheme {parts.scheme!r}): {url!r}")
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) < 2 or segments[0] != "in":
        raise BadInput(f"not a profile URL (expected /in/<name>/): {url!r}")
    slug = unquote(segments[1]).lower()
    if not _SLUG.match(slug):
        raise BadInput(f"not a profile URL (bad name {segments[1]!r}): {url!r}")
    return slug


def normalize_profile_url(url: str) -> str:
    """Canonical form stored in the database: https://www.linkedin.com/in/<slug>/.

    The origin is fixed on purpose: the same person reached through the practice site or
    through LinkedIn is the same contact, and query strings or fragments never split one
    person into two rows.
    """
    return f"https://www.linkedin.com/in/{profile_slug(url)}/"
