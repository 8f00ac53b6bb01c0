"""Class names per markup generation.

"classic" keeps LinkedIn's descriptive class names; "hashed" swaps each for a meaningless
token, the way LinkedIn's newer build does, so only roles, accessible names, links and
visible text still identify things.
"""

from __future__ import annotations

import hashlib
import html
import re

ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
CSS_CLASS = re.compile(r"\.(-?[A-Za-z_][\w-]*)")


def hashed_class(name: str) -> str:
    digest = hashlib.blake2b(f"linkpilot-sandbox:{name}".encode()).digest()
    return "_" + "".join(ALPHABET[b % len(ALPHABET)] for b in digest[:5])


class Markup:
    def __init__(self, generation: str) -> None:
        self.hashed = generation == "hashed"

    def cls(self, names: str) -> str:
        """A ready ``class="..."`` attribute for space-separated classic names."""
        parts = names.split()
        if self.hashed:
            parts = [hashed_class(p) for p in parts]
        return f'class="{" ".join(parts)}"'

    def view(self, name: str) -> str:
        """A ``data-view-name`` attribute, which the hashed generation drops too."""
        return "" if self.hashed else f'data-view-name="{html.escape(name)}"'

    def css(self, stylesheet: str) -> str:
        if not self.hashed:
            return stylesheet
        return CSS_CLASS.sub(lambda m: "." + hashed_class(m.group(1)), stylesheet)
