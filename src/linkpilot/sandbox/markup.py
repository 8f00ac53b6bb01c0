"""Class names per markup generation.

"classic" keeps LinkedIn's descriptive class names; "hashed" swaps each for a meaningless
token, the way LinkedIn's newer build does, so only roles, accessible names, links and
visible text still identify things. "mutated" renders the classic page and rewrites it with
a seed (`mutation.py`): hashed classes and ids, other element types, nestings and orders,
and its own way of loading each long list.
"""

from __future__ import annotations

import hashlib
import html

from linkpilot.sandbox.mutation import ALPHABET, CSS_CLASS, ListMode, Mutator, mutator

# How the two fixed generations load their long lists (LinkedIn's, as the shared notes have them).
FIXED_LIST_MODES: dict[str, ListMode | None] = {"birthdays": "scroll", "invitations": None, "search": "pages"}


def hashed_class(name: str) -> str:
    digest = hashlib.blake2b(f"linkpilot-sandbox:{name}".encode()).digest()
    return "_" + "".join(ALPHABET[b % len(ALPHABET)] for b in digest[:5])


class Markup:
    def __init__(self, generation: str, seed: int = 0) -> None:
        self.hashed = generation == "hashed"
        self.mutator: Mutator | None = mutator(seed) if generation == "mutated" else None

    def cls(self, names: str) -> str:
        """A ready ``class="..."`` attribute for space-separated classic names."""
        parts = names.split()
        if self.hashed:
            parts = [hashed_class(p) for p in parts]
        return f'class="{" ".join(parts)}"'

    def view(self, name: str) -> str:
        """A ``data-view-name`` attribute, which the hashed generation drops too."""
        return "" if self.hashed else f'data-view-name="{html.escape(name)}"'

    def class_name(self, name: str) -> str:
        """What one classic class is called in the page as served (for the page script)."""
        if self.mutator is not None:
            return self.mutator.class_token(name)
        return hashed_class(name) if self.hashed else name

    def list_mode(self, name: str) -> ListMode | None:
        """How the list ``name`` loads past its first items; None: all at once."""
        if self.mutator is not None:
            return self.mutator.list_mode(name)
        return FIXED_LIST_MODES[name]

    @property
    def stylesheet(self) -> str:
        if self.mutator is not None:
            return f"sandbox-{self.mutator.asset_name}.css"
        return f"sandbox-{'hashed' if self.hashed else 'classic'}.css"

    def css(self, stylesheet: str) -> str:
        if self.mutator is not None:
            return self.mutator.css(stylesheet)
        if not self.hashed:
            return stylesheet
        return CSS_CLASS.sub(lambda m: "." + hashed_class(m.group(1)), stylesheet)

    def document(self, page: str) -> str:
        return page if self.mutator is None else self.mutator.document(page)

    def fragment(self, markup: str, *, in_list: str | None = None) -> str:
        return markup if self.mutator is None else self.mutator.fragment(markup, in_list=in_list)
