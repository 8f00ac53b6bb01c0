"""Start-up objects out of the garbage collector's way, for the processes that stay up.

`serve`, the console and the demo import Playwright, SQLAlchemy, Textual and aiohttp and
build their runtime before the first campaign: hundreds of thousands of objects that live as
long as the process. Every full collection walks all of them again; on a starved Pi-class box
one such walk was measured at 135 ms of CPU and over a second of wall clock, the longest stall
of the event loop under `/ready` load (bench/README.md, "/ready under load"). Freezing them
once, after a collection so no garbage is kept, takes them out of every later walk.
"""

from __future__ import annotations

import gc


def freeze_startup_objects() -> int:
    """Collect, then move every object alive now to the permanent generation; how many."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
