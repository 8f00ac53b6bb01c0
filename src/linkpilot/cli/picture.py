"""A page screenshot drawn in a terminal: Unicode half-blocks everywhere, Sixel or Kitty where they work.

Half-blocks (``▀`` with the upper pixel as foreground and the lower one as background) need
nothing but 24-bit colour, so they work in every terminal Textual runs in, over SSH included.
Sixel and Kitty graphics draw real pixels but are raw escape sequences that Textual's
compositor would cut up; they are only written by ``linkpilot login`` on a plain terminal.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping
from typing import Literal

from PIL import Image
from rich.style import Style
from rich.text import Text

Protocol = Literal["blocks", "sixel", "kitty"]
UPPER_HALF = "▀"
# Sixel terminals known by their TERM or TERM_PROGRAM; others can be asked for with --picture.
SIXEL_TERMS = ("foot", "mlterm", "yaft", "contour")
SIXEL_PROGRAMS = ("mlterm", "contour", "foot", "iTerm.app")
KITTY_PROGRAMS = ("WezTerm", "ghostty", "kitty")


def decode(png: bytes) -> Image.Image:
    """The screenshot as RGB; transparency (there is none in a page screenshot) goes to white."""
    with Image.open(io.BytesIO(png)) as raw:
        raw.load()
        if raw.mode == "RGB":
            return raw.copy()
        rgba = raw.convert("RGBA")
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(white, rgba).convert("RGB")


def fit(image: Image.Image, width: int, height: int) -> Image.Image:
    """Scaled down (never up) to fit width x height pixels, keeping the page's proportions."""
    scale = min(width / image.width, height / image.height, 1.0)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    # BOX averages every source pixel: thin text becomes grey instead of vanishing.
    return image if size == image.size else image.resize(size, Image.Resampling.BOX)


def half_blocks(image: Image.Image, columns: int, rows: int) -> Text:
    """The image in at most ``columns`` x ``rows`` cells, two pixels per cell, one above the other."""
    small = fit(image, columns, rows * 2)
    pixels = small.load()
    assert pixels is not None
    text = Text(no_wrap=True, overflow="crop")
    styles: dict[tuple[object, object], Style] = {}
    for y in range(0, small.height, 2):
        if y:
            text.append("\n")
        for x in range(small.width):
            top = pixels[x, y]
            bottom = pixels[x, y + 1] if y + 1 < small.height else None
            key = (top, bottom)
            style = styles.get(key)
            if style is None:
                style = Style(color=_hex(top), bgcolor=_hex(bottom) if bottom is not None else None)
                styles[key] = style
            text.append(UPPER_HALF, style)
    return text


def _hex(pixel: object) -> str:
    assert isinstance(pixel, tuple)
    r, g, b = pixel[:3]
    return f"#{r:02x}{g:02x}{b:02x}"


def detect(env: Mapping[str, str]) -> Protocol:
    """What the terminal can draw, from what it says about itself in the environment.

    SSH forwards TERM but rarely TERM_PROGRAM or KITTY_WINDOW_ID, so a terminal that goes
    unrecognised gets half-blocks, which always work; ``--picture`` overrides the guess.
    """
    term = env.get("TERM", "").lower()
    program = env.get("TERM_PROGRAM", "")
    if env.get("KITTY_WINDOW_ID") or term == "xterm-kitty" or program in KITTY_PROGRAMS:
        return "kitty"
    if "sixel" in term or term.startswith(SIXEL_TERMS) or program in SIXEL_PROGRAMS:
        return "sixel"
    return "blocks"


def kitty(image: Image.Image, columns: int, rows: int) -> str:
    """Kitty graphics protocol: the PNG sent in base64 chunks, placed over columns x rows cells."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    data = base64.standard_b64encode(buffer.getvalue()).decode()
    chunks = [data[i : i + 4096] for i in range(0, len(data), 4096)] or [""]
    out: list[str] = []
    for n, chunk in enumerate(chunks):
        more = 1 if n < len(chunks) - 1 else 0
        head = f"a=T,f=100,c={columns},r={rows},q=2,m={more}" if n == 0 else f"m={more}"
        out.append(f"\x1b_G{head};{chunk}\x1b\\")
    return "".join(out)


def sixel(image: Image.Image, colours: int = 64) -> str:
    """DEC Sixel: the image quantised to a palette, drawn six pixel rows at a time."""
    indexed = image.quantize(colors=colours)
    palette = indexed.getpalette() or []
    width, height = indexed.size
    data = indexed.tobytes()
    used = sorted(set(data))
    out = [f'\x1bP0;1;0q"1;1;{width};{height}']
    for index in used:
        r, g, b = palette[index * 3 : index * 3 + 3]
        out.append(f"#{index};2;{r * 100 // 255};{g * 100 // 255};{b * 100 // 255}")
    for top in range(0, height, 6):
        # One pass over the band's pixels: each colour's six-bit columns, then one run each.
        rows: dict[int, list[int]] = {}
        for y in range(top, min(top + 6, height)):
            bit, base = 1 << (y - top), y * width
            for x in range(width):
                index = data[base + x]
                row = rows.get(index)
                if row is None:
                    row = rows[index] = [0] * width
                row[x] |= bit
        for n, (index, row) in enumerate(sorted(rows.items())):
            if n:
                out.append("$")  # back to the band's start, to draw the next colour over it
            out.append(f"#{index}")
            out.append(_sixel_runs(row))
        out.append("-")
    out.append("\x1b\\")
    return "".join(out)


def _sixel_runs(row: list[int]) -> str:
    out: list[str] = []
    x = 0
    while x < len(row):
        end = x
        while end < len(row) and row[end] == row[x]:
            end += 1
        char = chr(63 + row[x])
        count = end - x
        out.append(f"!{count}{char}" if count > 3 else char * count)
        x = end
    return "".join(out)


def for_terminal(png: bytes, protocol: Protocol, columns: int, rows: int) -> str | Text:
    """What ``linkpilot login`` writes before a question: escapes, or half-blocks to print."""
    image = decode(png)
    if protocol == "kitty":
        return kitty(fit(image, columns * 10, rows * 20), columns, rows)
    if protocol == "sixel":
        # About 10 x 20 pixels a cell in common fonts; a page read at that size stays legible.
        return sixel(fit(image, columns * 10, rows * 20))
    return half_blocks(image, columns, rows)
