"""Diagnostic copies of pages LinkPilot could not read, for the operator (and the fix).

A copy is the page's HTML and a screenshot, saved under `home/diagnostics/` with a small JSON
note saying what could not be read. Nothing secret leaves the browser: scripts and embedded
data blobs are dropped, form values, tokens and query strings removed, every cookie value the
browser holds is cut out of the text, and message texts (dialogs, editors, conversation lists)
are replaced in the HTML and masked in the screenshot.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

FOLDER = "diagnostics"
KEEP = 20  # the newest copies kept; a Pi's card is small and one copy tells the story
REMOVED = "[removed]"
# Where message texts live: what the HTML loses and the screenshot masks.
PRIVATE = "[role=dialog], [contenteditable], [role=log], textarea, input"

SCRUB_JS = """(args) => {
  const root = document.documentElement.cloneNode(true);
  root.querySelectorAll("script, noscript, template, code, iframe, object, embed, link[rel=preload]")
    .forEach((el) => el.remove());
  root.querySelectorAll(args.private).forEach((box) => {
    const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
    const nodes = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) { if (n.textContent.trim()) { nodes.push(n); } }
    nodes.forEach((n) => { n.textContent = args.removed; });
    box.removeAttribute("value");
  });
  const secret = /token|csrf|nonce|session|secret|auth|key|cookie/i;
  const urls = new Set(["href", "src", "action", "srcset", "poster", "data", "formaction"]);
  root.querySelectorAll("*").forEach((el) => {
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on") || secret.test(name) || (el.tagName === "INPUT" && name === "value")) {
        el.removeAttribute(attr.name);
      } else if (urls.has(name) || /^https?:|^\\//.test(attr.value)) {
        el.setAttribute(attr.name, attr.value.replace(/[?#][^\\s,"]*/g, ""));
      }
    }
    if (el.tagName === "META" && secret.test(el.getAttribute("name") || "")) { el.remove(); }
  });
  return "<!DOCTYPE html>\\n" + root.outerHTML;
}"""


@dataclass(frozen=True)
class Diagnostic:
    html: Path
    screenshot: Path | None
    note: Path

    @property
    def when(self) -> str:
        return self.html.name.split("-", 1)[0]


def folder_of(home: Path) -> Path:
    return home / FOLDER


def _without_query(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.scheme else parts.path


def _label(text: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "-", text.lower()).strip("-") or "page"


def _write(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


async def _cookie_values(page: Page) -> list[str]:
    try:
        cookies = await page.context.cookies()
    except PlaywrightError:
        return []
    # Longest first, so a value containing another is cut whole. Tiny values ("1") would only
    # shred the page: no session cookie is that short.
    return sorted({c["value"] for c in cookies if len(c.get("value", "")) >= 6}, key=len, reverse=True)


def scrub(text: str, secrets: list[str]) -> str:
    for value in secrets:
        text = text.replace(value, REMOVED)
    return text


async def save_diagnostic(
    page: Page, home: Path, label: str, details: dict[str, Any], *, now: datetime
) -> Diagnostic:
    """Save the page as it is now (HTML, screenshot, note); returns where."""
    secrets = await _cookie_values(page)
    try:
        raw = str(await page.evaluate(SCRUB_JS, {"private": PRIVATE, "removed": REMOVED}))
    except PlaywrightError as exc:
        raw = f"<!-- the page could not be copied: {str(exc).splitlines()[0]} -->"
    image: bytes | None
    try:
        image = await page.screenshot(full_page=True, mask=[page.locator(PRIVATE)], timeout=15_000)
    except PlaywrightError:
        image = None
    body = {"page": label, "url": _without_query(page.url), "saved_at": now.isoformat(), **details}
    note = json.dumps(body, indent=2, ensure_ascii=False)
    stem = f"{now.strftime('%Y%m%dT%H%M%S%fZ')}-{_label(label)}"
    # Files are written off the event loop: the engine never blocks on a slow SD card.
    return await asyncio.to_thread(
        _store, folder_of(home), stem, scrub(raw, secrets), image, scrub(note, secrets)
    )


def _store(folder: Path, stem: str, html: str, image: bytes | None, note: str) -> Diagnostic:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    copy = Diagnostic(
        folder / f"{stem}.html",
        folder / f"{stem}.png" if image is not None else None,
        folder / f"{stem}.json",
    )
    _write(copy.html, html.encode())
    if copy.screenshot is not None and image is not None:
        _write(copy.screenshot, image)
    _write(copy.note, note.encode())
    prune(folder)
    return copy


def saved(home: Path) -> list[Diagnostic]:
    """The diagnostic copies in `home`, newest first."""
    folder = folder_of(home)
    if not folder.is_dir():
        return []
    out = []
    for html in sorted(folder.glob("*.html"), reverse=True):
        png = html.with_suffix(".png")
        out.append(Diagnostic(html, png if png.exists() else None, html.with_suffix(".json")))
    return out


def prune(folder: Path, keep: int = KEEP) -> None:
    stems = sorted({p.stem for p in folder.glob("*.html")}, reverse=True)
    for stem in stems[keep:]:
        for suffix in (".html", ".png", ".json"):
            with contextlib.suppress(FileNotFoundError):
                (folder / f"{stem}{suffix}").unlink()
