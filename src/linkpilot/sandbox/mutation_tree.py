"""A small HTML tree for the site's own well-formed output: parse, edit in place, serialise.

Only what the mutated markup needs: text and attribute values are kept as they were written,
entity references included, so a round trip changes nothing but what a mutation edits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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


# The site's own output only: attribute values always double-quoted and escaped (no raw
# ">" or '"' inside), so a regular expression reads it as a browser would, far faster than
# html.parser. Attribute values are kept as written (entities and all) and written back so.
TAG = re.compile(r"<(?:(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s+[^\s=>/]+(?:\s*=\s*\"[^\"]*\")?)*)\s*/?>|(![^>]*)>)")
ATTR = re.compile(r'([^\s=>/]+)(\s*=\s*"([^"]*)")?')
RAW_TEXT = ("script", "style")


def parse(html: str) -> Element:
    """The markup's nodes under a ``#root`` element (a document or a fragment)."""
    root = Element("#root", [], sig="")
    stack = [root]
    pos = 0
    while True:
        match = TAG.search(html, pos)
        if match is None:
            break
        if match.start() > pos:
            stack[-1].children.append(html[pos : match.start()])
        pos = match.end()
        closing, tag, attrs, declaration = match.groups()
        if declaration is not None:
            stack[-1].children.append(match.group(0))
            continue
        tag = tag.lower()
        if closing:
            for depth in range(len(stack) - 1, 0, -1):
                if stack[depth].tag == tag:
                    del stack[depth:]
                    break
            continue
        parent = stack[-1]
        values: Attrs = [(m[1].lower(), m[3] if m[2] else None) for m in ATTR.finditer(attrs or "")]
        element = Element(tag, values, sig=signature(tag, values, parent if parent is not root else None))
        parent.children.append(element)
        if tag in RAW_TEXT:
            end = html.find(f"</{tag}", pos)
            end = len(html) if end < 0 else end
            if end > pos:
                element.children.append(html[pos:end])
            pos = end
            stack.append(element)
        elif tag not in VOID:
            stack.append(element)
    if pos < len(html):
        stack[-1].children.append(html[pos:])
    return root


def serialise(node: Element | str, out: list[str]) -> None:
    if isinstance(node, str):
        out.append(node)
        return
    if node.tag != "#root":
        attrs = "".join(f" {k}" if v is None else f' {k}="{v}"' for k, v in node.attrs)
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
