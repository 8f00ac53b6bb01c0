"""Drawing a page screenshot in a terminal: half-blocks, Sixel, Kitty, and which one to use."""

from __future__ import annotations

import base64
import io
import random
import re

from PIL import Image

from linkpilot.cli.picture import decode, detect, fit, for_terminal, half_blocks, kitty, sixel

RED, BLUE, WHITE = (255, 0, 0), (0, 0, 255), (255, 255, 255)


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def stripes(width: int = 4, height: int = 4) -> Image.Image:
    """Red rows on even lines, blue on odd ones: each cell shows red over blue."""
    image = Image.new("RGB", (width, height))
    for y in range(height):
        for x in range(width):
            image.putpixel((x, y), RED if y % 2 == 0 else BLUE)
    return image


def test_half_blocks_put_the_upper_pixel_in_front_and_the_lower_behind() -> None:
    text = half_blocks(decode(png(stripes())), 4, 2)
    assert text.plain == "▀▀▀▀\n▀▀▀▀"
    styles = {str(span.style) for span in text.spans}
    assert styles == {"#ff0000 on #0000ff"}


def test_an_odd_last_row_has_no_background() -> None:
    text = half_blocks(decode(png(stripes(2, 3))), 2, 2)
    assert text.plain == "▀▀\n▀▀"
    assert str(text.spans[-1].style) == "#ff0000"


def test_transparency_becomes_white_and_pictures_shrink_but_never_grow() -> None:
    clear = Image.new("RGBA", (8, 8), (0, 0, 0, 0))
    assert decode(png(clear)).getpixel((0, 0)) == WHITE
    wide = Image.new("RGB", (1280, 720), WHITE)
    assert fit(wide, 100, 100).size == (100, 56)
    assert fit(Image.new("RGB", (10, 10)), 100, 100).size == (10, 10)


def test_sixel_has_the_palette_and_one_band_per_six_rows() -> None:
    out = sixel(stripes(4, 12))
    assert out.startswith('\x1bP0;1;0q"1;1;4;12')
    assert out.endswith("-\x1b\\")
    assert out.count("-") == 2  # 12 rows: two bands
    assert re.search(r"#\d+;2;100;0;0", out)
    assert re.search(r"#\d+;2;0;0;100", out)


def test_kitty_sends_the_png_in_chunks_over_the_given_cells() -> None:
    # Noise does not compress: the PNG needs several 4096-character chunks.
    noisy = Image.frombytes("RGB", (200, 200), random.Random(7).randbytes(200 * 200 * 3))
    out = kitty(noisy, 40, 10)
    chunks = re.findall(r"\x1b_G([^;]*);([^\x1b]*)\x1b\\", out)
    assert len(chunks) > 1
    assert chunks[0][0].startswith("a=T,f=100,c=40,r=10")
    assert [head.endswith("m=1") for head, _ in chunks] == [True] * (len(chunks) - 1) + [False]
    sent = base64.standard_b64decode("".join(data for _, data in chunks))
    assert Image.open(io.BytesIO(sent)).size == (200, 200)


def test_the_terminal_is_guessed_from_its_environment() -> None:
    assert detect({"TERM": "xterm-kitty"}) == "kitty"
    assert detect({"TERM": "xterm-256color", "KITTY_WINDOW_ID": "3"}) == "kitty"
    assert detect({"TERM": "xterm-256color", "TERM_PROGRAM": "WezTerm"}) == "kitty"
    assert detect({"TERM": "foot"}) == "sixel"
    assert detect({"TERM": "mlterm"}) == "sixel"
    assert detect({"TERM": "xterm-256color"}) == "blocks"
    assert detect({}) == "blocks"


def test_for_terminal_gives_text_for_blocks_and_escapes_otherwise() -> None:
    raw = png(stripes(40, 40))
    assert not isinstance(for_terminal(raw, "blocks", 10, 5), str)
    assert str(for_terminal(raw, "sixel", 10, 5)).startswith("\x1bP")
    assert str(for_terminal(raw, "kitty", 10, 5)).startswith("\x1b_G")
