"""The sign-in page as the browser shows it, drawn with half-blocks in whatever room the widget has."""

from __future__ import annotations

from PIL import Image
from rich.text import Text
from textual.widget import Widget

from linkpilot.cli.picture import decode, half_blocks


class PagePicture(Widget):
    """Half-blocks, resampled once per size. textual-image was measured against it and not
    taken (bench/README.md, "Sign-in page pictures"): it resamples at every render, questions
    the terminal at import, and its Sixel or Kitty pictures do not pass through tmux."""

    DEFAULT_CSS = """
    PagePicture { width: 1fr; height: 1fr; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.image: Image.Image | None = None
        self.note = "no picture yet"
        # Redrawing means resampling the screenshot: once per size, not once per refresh.
        self._cache: tuple[tuple[int, int], Text] | None = None

    def show_png(self, png: bytes | None, note: str = "") -> None:
        """A new screenshot (None: none could be taken, ``note`` says why)."""
        self.image = None
        self.note = note or "no picture"
        if png is not None:
            try:
                self.image = decode(png)
            except (OSError, ValueError) as exc:  # a truncated or foreign image: say so, keep going
                self.note = f"the picture could not be read ({type(exc).__name__})"
        self._cache = None
        self.refresh()

    def render(self) -> Text:
        if self.image is None:
            return Text(self.note, style="dim")
        size = (self.size.width, self.size.height)
        if self._cache is None or self._cache[0] != size:
            self._cache = (size, half_blocks(self.image, max(1, size[0]), max(1, size[1])))
        return self._cache[1]
