"""The ``mutated`` markup: a seeded rewrite of the classic page, as LinkedIn's next layout might be.

Every page and every fragment the page script fetches is first rendered in the classic
markup, then rewritten here. One seed gives one consistent site (every card of a list, and
every card fetched later, is mutated alike); another seed gives another site. What changes:

- every class and id is replaced by a seeded token (ids referenced by ``for`` and
  ``aria-labelledby`` follow); ``data-*`` hooks are dropped;
- a name and its profile link swap nesting (``a > span`` becomes ``span > a`` and back);
- lists swap ``ul``/``li`` for ``div[role=list]``/``div[role=listitem]`` and back;
- ``time`` becomes a ``span`` or plain text (its ``datetime`` is gone);
- text containers swap element types among ``p``, ``span`` and ``div``;
- siblings come in another order where their order carries no meaning (a card's photo, text
  and button; a dialog's buttons; a profile's sections after its top card);
- wrapper elements are added around things.

What never changes, so that a reader by meaning can succeed (and only what LinkedIn itself
could plausibly show): text, ARIA roles and names, link targets, form field names, the
order of list items, which element holds a profile's headline and which its location.
"""

from __future__ import annotations

import functools
import hashlib
import re
from typing import Literal

from linkpilot.sandbox.mutation_tree import Element, parse, to_html

ListMode = Literal["scroll", "more", "pages"]
LIST_MODES: tuple[ListMode, ...] = ("scroll", "more", "pages")
LISTS = ("birthdays", "invitations", "search")


def tags(names: str) -> frozenset[str]:
    return frozenset(names.split())


PHRASING = tags(
    "a abbr b br button code em i iframe img input label select small span strong sub sup svg textarea time u"
)
TEXTY = tags("a abbr b br em i small span strong time")
TEXT_BOXES = ("div", "p", "span")
FLOW_PARENTS = tags("div section main aside li header footer nav article form body td")
NAME_HOLDERS = tags("span div p strong h1 h2 h3 h4 h5 h6")
NEVER_WRAP = tags("#root html head body title meta link script style li option tr td th thead tbody br")
LIST_TAGS = frozenset({"ul", "ol"})
ID_REFS = ("for", "aria-labelledby", "aria-describedby", "aria-controls", "aria-owns")
ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
CSS_CLASS = re.compile(r"\.(-?[A-Za-z_][\w-]*)")

# Parents (by a classic class) whose children may come in any order. Never a list (its order
# is data), nor the profile's top-card text (headline and location are told apart by order).
REORDERABLE = frozenset(
    {
        "celebrations-entity-list-item",
        "celebrations-entity__info",
        "invitation-card",
        "invitation-card__details",
        "entity-result",
        "entity-result__content",
        "msg-overlay-bubble-header",
        "msg-s-event-listitem",
        "msg-form",
        "pv-top-card",
        "pv-top-card-v2-ctas",
        "pv-browsemap-section__member-container",
        "scaffold-layout__inner",
        "artdeco-modal",
        "artdeco-modal__actionbar",
        "artdeco-pagination",
        "feed-identity-module",
        "global-nav__content",
        "pv-profile-sticky-header",
    }
)
# Menus hidden until opened keep their shape: their content is what the menu hides.
KEEP_NESTING = frozenset({"global-nav__me-content", "artdeco-dropdown__content"})
# Reorderable only around a child that stays first: a profile's sections after its top card.
PINNED_FIRST = {"scaffold-layout__main": "pv-top-card"}

# Chances, per kind of element (its signature), that a mutation applies.
P_INVERT = 0.5
P_LIST = 0.5
P_TIME_KEPT = 0.35
P_TIME_SPAN = 0.35
P_REORDER = 0.6
P_WRAP = 0.3
P_WRAP_TWICE = 0.1


class Mutator:
    """The rewrite for one seed; decisions are cached per kind of element."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._rolls: dict[tuple[str, str], float] = {}
        self._classes: dict[str, str] = {}
        self._ids: dict[str, str] = {}
        self._class_style = int(self.roll("", "class-style") * 3)
        self._id_style = int(self.roll("", "id-style") * 2)

    # Seeded decisions ----------------------------------------------------------------

    def _digest(self, key: str, what: str) -> bytes:
        return hashlib.blake2b(f"{self.seed}\x00{what}\x00{key}".encode(), digest_size=8).digest()

    def roll(self, key: str, what: str) -> float:
        """A number in [0, 1) fixed by the seed, the kind of element and the decision."""
        cached = self._rolls.get((key, what))
        if cached is None:
            cached = int.from_bytes(self._digest(key, what), "big") / 2**64
            self._rolls[(key, what)] = cached
        return cached

    def pick(self, key: str, what: str, options: tuple[str, ...]) -> str:
        return options[int(self.roll(key, what) * len(options))]

    def list_mode(self, name: str) -> ListMode:
        """How a long list loads: each list turns through the three modes as the seed grows."""
        offset = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=2).digest(), "big")
        return LIST_MODES[(self.seed + offset) % len(LIST_MODES)]

    # Tokens --------------------------------------------------------------------------

    def class_token(self, name: str) -> str:
        token = self._classes.get(name)
        if token is None:
            digest = self._digest(name, "class")
            body = "".join(ALPHABET[b % len(ALPHABET)] for b in digest)
            # Three families of generated class names seen in the wild.
            token = ("_" + body[:6], "css-" + body[:6], "x" + body[:7])[self._class_style]
            self._classes[name] = token
        return token

    def id_token(self, name: str) -> str:
        token = self._ids.get(name)
        if token is None:
            number = int.from_bytes(self._digest(name, "id"), "big")
            token = f"ember{number % 10**7}" if self._id_style == 0 else f"u-{number % 36**6:x}"
            self._ids[name] = token
        return token

    @property
    def asset_name(self) -> str:
        return self._digest("", "asset").hex()

    def css(self, stylesheet: str) -> str:
        # Comments go: the stylesheet's own one names the markups.
        stylesheet = re.sub(r"/\*.*?\*/\n?", "", stylesheet, flags=re.DOTALL)
        return CSS_CLASS.sub(lambda m: "." + self.class_token(m.group(1)), stylesheet)

    # Rewrites ------------------------------------------------------------------------

    def document(self, html: str) -> str:
        return self._rewrite(html, in_list=None)

    def fragment(self, html: str, *, in_list: str | None = None) -> str:
        """Markup the page script inserts; ``in_list`` names the classic classes of the list
        it goes into, so that its items take the same form as the ones already there."""
        return self._rewrite(html, in_list=list_key_of(in_list.split()) if in_list else None)

    def _rewrite(self, html: str, in_list: str | None) -> str:
        root = parse(html)
        self._invert(root)
        self._lists(root, in_list)
        self._times(root)
        self._retag(root, parent_flow=False)
        self._reorder(root)
        self._wrap(root)
        self._attributes(root)
        return to_html(root)

    def _invert(self, element: Element) -> None:
        """``a > span`` (name inside the link) becomes ``span > a``, and the other way round."""
        for i, child in enumerate(element.children):
            if not isinstance(child, Element):
                continue
            self._invert(child)
            inner = only_child(child)
            if (
                element.tag != "#root"
                and inner is not None
                and is_name_link_pair(child, inner)
                and self.roll(child.sig, "invert") < P_INVERT
            ):
                outer = Element(
                    inner.tag, inner.attrs, [Element(child.tag, child.attrs, inner.children, child.sig)]
                )
                outer.sig = inner.sig
                element.children[i] = outer

    def _lists(self, element: Element, in_list: str | None) -> None:
        if element.tag == "#root" and in_list is not None and self.roll(in_list, "list") < P_LIST:
            for child in element.elements():
                swap_item(child)
        for child in element.elements():
            if is_list(child) and self.roll(list_key_of(child.classes, child.sig), "list") < P_LIST:
                swap_list(child)
            self._lists(child, None)

    def _times(self, element: Element) -> None:
        for i, child in enumerate(element.children):
            if not isinstance(child, Element):
                continue
            self._times(child)
            if child.tag != "time":
                continue
            roll = self.roll(child.sig, "time")
            if roll < P_TIME_KEPT:
                continue
            child.drop("datetime")
            if roll < P_TIME_KEPT + P_TIME_SPAN:
                child.tag = "span"
            else:
                element.children[i : i + 1] = child.children

    def _retag(self, element: Element, *, parent_flow: bool) -> None:
        """Text containers change element type; block ones only where blocks are allowed."""
        swappable = element.tag in TEXT_BOXES and element.get("role") is None
        if swappable and (element.tag != "span" or parent_flow) and is_text_box(element):
            element.tag = self.pick(element.sig, "tag", TEXT_BOXES)
        flow = element.tag in FLOW_PARENTS and not is_text_box(element)
        for child in element.elements():
            self._retag(child, parent_flow=flow)

    def _reorder(self, element: Element) -> None:
        for child in element.elements():
            self._reorder(child)
        classes = element.classes
        pinned = next((PINNED_FIRST[c] for c in classes if c in PINNED_FIRST), None)
        if not (pinned or REORDERABLE.intersection(classes)):
            return
        if self.roll(element.sig, "reorder") >= P_REORDER:
            return
        if any(isinstance(c, str) and c.strip() for c in element.children):
            return
        kids = element.elements()
        first: list[Element] = []
        if pinned is not None:
            first = [k for k in kids if pinned in k.classes][:1]
            if not first:
                return
            kids = [k for k in kids if k is not first[0]]
        kids.sort(key=lambda k: self.roll(k.sig, "rank"))
        element.children = [*first, *kids]

    def _wrap(self, element: Element) -> None:
        container = element.tag in LIST_TAGS or element.get("role") in ("list", "listbox")
        for i, child in enumerate(element.children):
            if not isinstance(child, Element):
                continue
            self._wrap(child)
            if container or element.tag == "#root" or child.tag in NEVER_WRAP:
                continue
            if child.get("role") == "listitem":
                continue
            roll = self.roll(child.sig, "wrap")
            if roll >= P_WRAP:
                continue
            tag = "span" if is_phrasing(child) else "div"
            wrapped: Element = child
            for depth in range(2 if roll < P_WRAP_TWICE else 1):
                attrs: list[tuple[str, str | None]] = []
                if self.roll(child.sig, f"wrap-class-{depth}") < 0.7:
                    attrs.append(("class", f"~wrapper-{depth}{child.sig}"))
                wrapped = Element(tag, attrs, [wrapped], sig=f"~{depth}{child.sig}")
            element.children[i] = wrapped

    def _attributes(self, element: Element) -> None:
        for child in element.elements():
            attrs: list[tuple[str, str | None]] = []
            for key, value in child.attrs:
                if key.startswith("data-"):
                    continue
                if value is not None:
                    if key == "class":
                        value = " ".join(self.class_token(c) for c in value.split())
                    elif key == "id" or key in ID_REFS:
                        value = " ".join(self.id_token(i) for i in value.split())
                    elif key == "href" and value.startswith("#"):
                        value = "#" + self.id_token(value[1:])
                attrs.append((key, value))
            child.attrs = attrs
            self._attributes(child)


@functools.lru_cache(maxsize=64)
def mutator(seed: int) -> Mutator:
    return Mutator(seed)


# Tree predicates ---------------------------------------------------------------------


def only_child(element: Element) -> Element | None:
    """The single child element of an element holding nothing else but blank text."""
    kids = element.elements()
    if len(kids) != 1:
        return None
    if any(isinstance(c, str) and c.strip() for c in element.children):
        return None
    return kids[0]


def is_name_link_pair(outer: Element, inner: Element) -> bool:
    """A name and its profile link, one holding the other."""
    link, holder = (outer, inner) if outer.tag == "a" else (inner, outer)
    return (
        link.tag == "a"
        and holder.tag in NAME_HOLDERS
        and (link.get("href") or "").startswith("/in/")
        and not KEEP_NESTING.intersection(holder.classes)
    )


def is_phrasing(element: Element) -> bool:
    if element.tag not in PHRASING:
        return False
    return all(is_phrasing(k) for k in element.elements())


def is_text_box(element: Element) -> bool:
    """Holds text and nothing but inline text elements: a name, a headline, a status line."""
    if not all(k.tag in TEXTY and is_text_box_content(k) for k in element.elements()):
        return False
    return bool(element.text().strip())


def is_text_box_content(element: Element) -> bool:
    return all(k.tag in TEXTY and is_text_box_content(k) for k in element.elements())


def is_list(element: Element) -> bool:
    kids = element.elements()
    if not kids:
        return element.tag in LIST_TAGS or element.get("role") == "list"
    if element.tag in LIST_TAGS:
        return all(k.tag == "li" for k in kids)
    return element.get("role") == "list" and all(k.get("role") == "listitem" for k in kids)


def list_key_of(classes: list[str], sig: str = "") -> str:
    return ".".join(sorted(classes)) or sig


def swap_list(element: Element) -> None:
    if element.tag in LIST_TAGS:
        element.tag = "div"
        element.set("role", "list")
    else:
        element.tag = "ul"
        element.drop("role")
    for kid in element.elements():
        swap_item(kid)


def swap_item(element: Element) -> None:
    if element.tag == "li":
        element.tag = "div"
        element.set("role", "listitem")
    elif element.get("role") == "listitem":
        element.tag = "li"
        element.drop("role")
