"""Sign-in page pictures: our half-blocks (cli/picture.py) against textual-image's (issue 16, item 9).

Takes one real screenshot (the practice site's sign-in page in the engine's own headless
Chromium), then for the two places the console draws it (the sign-in screen at 150x48, where
the picture gets 88x44 cells, and an 80x24 terminal, 40x20 cells) measures in the same run:

  (a) time to turn the screenshot into cells: ours (`half_blocks`, which PagePicture keeps per
      size, so a redraw at the same size costs nothing) and textual-image 0.12's half-cell
      renderable (which its widget builds again at every render)
  (b) how far each picture's colours are from the page averaged over each half-cell (mean
      absolute error per channel, 0-255), and how much of the page's contrast each keeps
      (standard deviation of luminance, picture / page at the same size): text that survives
      the scaling keeps contrast, text averaged into grey loses it
  (c) what importing textual-image does in a terminal that answers nothing (tmux or an SSH
      client without Sixel or Kitty graphics): the time spent, and the bytes it writes to it

    .venv/bin/python bench/page_picture.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import io
import os
import platform
import pty
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageChops, ImageStat
from rich.console import Console
from rich.segment import Segment

from linkpilot.cli.picture import decode, half_blocks
from linkpilot.common.settings import load_settings
from linkpilot.engine.browser import BrowserSession
from linkpilot.sandbox import SandboxConfig, start_sandbox

AREAS = {"sign-in screen 150x48": (88, 44), "80x24 terminal": (40, 20)}


async def screenshot() -> bytes:
    site = await start_sandbox(SandboxConfig(seed=7))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings = load_settings({}, home=Path(tmp) / "home", linkedin_url=site.url, pacing="fast")
            async with BrowserSession(settings) as browser:
                page = await browser.goto("/login", check=False)
                return await page.screenshot(type="png")
    finally:
        await site.stop()


Pixel = tuple[int, int, int]


def rows_of(segments: list[Segment]) -> list[list[tuple[Pixel, Pixel]]]:
    """(upper pixel, lower pixel) of every half-block cell, row by row, as the terminal gets them."""
    rows: list[list[tuple[Pixel, Pixel]]] = [[]]
    for segment in segments:
        if segment.text == "\n":
            rows.append([])
            continue
        style = segment.style
        if (
            segment.text == "▀"
            and style is not None
            and style.color is not None
            and style.bgcolor is not None
        ):
            top, bottom = style.color.get_truecolor(), style.bgcolor.get_truecolor()
            rows[-1].append(((top.red, top.green, top.blue), (bottom.red, bottom.green, bottom.blue)))
    return [row for row in rows if row]


def as_image(rows: list[list[tuple[Pixel, Pixel]]]) -> Image.Image:
    width = min(len(row) for row in rows)
    picture = Image.new("RGB", (width, len(rows) * 2))
    for y, row in enumerate(rows):
        for x, (top, bottom) in enumerate(row[:width]):
            picture.putpixel((x, 2 * y), top)
            picture.putpixel((x, 2 * y + 1), bottom)
    return picture


def error_and_contrast(picture: Image.Image, page: Image.Image) -> tuple[float, float]:
    """Mean absolute colour error against the page averaged to the same pixels, and the share
    of the page's luminance contrast the picture keeps."""
    reference = page.resize(picture.size, Image.Resampling.BOX)
    error = sum(ImageStat.Stat(ImageChops.difference(picture, reference)).mean) / 3
    kept = ImageStat.Stat(picture.convert("L")).stddev[0] / max(
        ImageStat.Stat(reference.convert("L")).stddev[0], 1e-9
    )
    return error, kept


def median_ms(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def import_in_a_silent_terminal(module: str, rows: int, columns: int) -> str:
    """How long importing `module` takes with a terminal of rows x columns cells (no pixel
    size, as tmux and most SSH clients report) that answers nothing, and what it writes there."""
    code = (
        f"import sys, time; t = time.perf_counter(); import {module}; "
        f"print(f'{{time.perf_counter() - t:.3f}}', file=sys.stderr)"
    )
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-c", code], stdin=terminal, stdout=terminal, stderr=subprocess.PIPE, close_fds=True
    )
    os.close(terminal)
    written = b""
    while process.poll() is None:
        ready, _, _ = select.select([controller], [], [], 0.05)
        if ready:
            try:
                written += os.read(controller, 4096)
            except OSError:
                break
    _, err = process.communicate()
    os.close(controller)
    last = err.decode().strip().splitlines()[-1]
    if process.returncode != 0:
        return f"fails: {last}"
    return f"{float(last):.3f} s, {len(written)} bytes written to the terminal"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    from textual_image.renderable.halfcell import Image as HalfcellImage

    png = asyncio.run(screenshot())
    page = decode(png)
    print(
        f"screenshot {page.width}x{page.height}; {platform.python_version()}, load average {os.getloadavg()[0]:.1f}"
    )
    for where, (width, height) in AREAS.items():
        ours_ms = median_ms(lambda: half_blocks(page, width, height), args.repeat)  # noqa: B023
        console = Console(width=width, height=height, color_system="truecolor", file=io.StringIO())

        def theirs() -> list[Segment]:
            # Its proportions kept, as ours keeps them (width and height both set would stretch it).
            renderable = HalfcellImage(page, width, "auto")  # noqa: B023
            return list(console.render(renderable, console.options.update(width=width, height=height)))  # noqa: B023

        theirs_ms = median_ms(theirs, args.repeat)
        ours_picture = as_image(rows_of(list(console.render(half_blocks(page, width, height)))))
        theirs_picture = as_image(rows_of(theirs()))
        ours_mae, ours_contrast = error_and_contrast(ours_picture, page)
        theirs_mae, theirs_contrast = error_and_contrast(theirs_picture, page)
        print(f"{where} ({width}x{height} cells):")
        print(
            f"  ours          {ours_picture.width}x{ours_picture.height // 2} cells  build {ours_ms:6.1f} ms"
            f" (redraw at the same size: cached)  colour error {ours_mae:5.1f}  contrast kept {ours_contrast:.2f}"
        )
        print(
            f"  textual-image {theirs_picture.width}x{theirs_picture.height // 2} cells  build {theirs_ms:6.1f} ms"
            f" (at every render)                  colour error {theirs_mae:5.1f}  contrast kept {theirs_contrast:.2f}"
        )
    for module in ("linkpilot.console.widgets.page_picture", "textual_image.widget"):
        for rows, columns in ((24, 80), (0, 0)):
            outcome = import_in_a_silent_terminal(module, rows, columns)
            print(f"import {module}, silent {rows}x{columns} terminal: {outcome}")


if __name__ == "__main__":
    main()
