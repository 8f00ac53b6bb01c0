"""A small HTML tree for the site's own well-formed output: parse, edit in place, serialise.

Only what the mutated markup needs (stdlib ``html.parser``): text is kept as it was written,
entity references included, so a round trip changes nothing but what a mutation edits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)

Attrs = list[tuple[str, str | None]]


@dataclass(eq=False, slots=True)
class Element:
    tag: str
    attrs: Attrs
    children: list[Element | str] = field(default_factory=list)
    # What the element is, whatever it becomes: its tag and classic classes (or, without a
    # class, its path from the nearest classed ancestor). Mutation decisions key on it, so a
    # card fetched later by the page script is mutated exactly as the cards already shown.
    sig: str = ""

    def get(self, name: str) -> str | None:
        for key, value in self.attrs:
            if key == name:
                return value
        return None

    def set(self, name: str, value: str | None) -> None:
        for i, (key, _) in enumerate(self.attrs):
            if key == name:
                self.attrs[i] = (name, value)
                return
        self.attrs.append((name, value))

    def drop(self, name: str) -> None:
        self.attrs = [(k, v) for k, v in self.attrs if k != name]

    @property
    def classes(self) -> list[str]:
        return (self.get("class") or "").split()

    def elements(self) -> list[Element]:
        return [c for c in self.children if isinstance(c, Element)]

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)


def signature(tag: str, attrs: Attrs, parent: Element | None) -> str:
    values = dict(attrs)
    role = f"[{values['role']}]" if values.get("role") else ""
    classes = (values.get("class") or "").split()
    if classes:
        return f"{tag}{role}." + ".".join(sorted(classes))
    hidden = "~h" if values.get("aria-hidden") == "true" else ""
    return f"{parent.sig if parent else ''}>{tag}{role}{hidden}"


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.root = Element("#root", [], sig="")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: Attrs) -> None:
        parent = self.stack[-1]
        element = Element(
            tag, list(attrs), sig=signature(tag, attrs, parent if parent.tag != "#root" else None)
        )
        parent.children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: Attrs) -> None:
        parent = self.stack[-1]
        element = Element(
            tag, list(attrs), sig=signature(tag, attrs, parent if parent.tag != "#root" else None)
        )
        parent.children.append(element)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)

    def handle_entityref(self, name: str) -> None:
        self.stack[-1].children.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.stack[-1].children.append(f"&#{name};")

    def handle_decl(self, decl: str) -> None:
        self.stack[-1].children.append(f"<!{decl}>")


def parse(html: str) -> Element:
    """The markup's nodes under a ``#root`` element (a document or a fragment)."""
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def serialise(node: Element | str, out: list[str]) -> None:
    if isinstance(node, str):
        out.append(node)
        return
    if node.tag != "#root":
        attrs = "".join(f" {k}" if v is None else f' {k}="{_attr(v)}"' for k, v in node.attrs)
        out.append(f"<{node.tag}{attrs}>")
        if node.tag in VOID:
            return
    for child in node.children:
        serialise(child, out)
    if node.tag != "#root":
        out.append(f"</{node.tag}>")


def to_html(root: Element) -> str:
    out: list[str] = []
    serialise(root, out)
    return "".join(out)
