"""The one thing LinkPilot changes in pydantic, and why.

pydantic looks for plugins when it builds its first model: its loader imports
importlib.metadata and reads the entry points of every installed distribution. That was an
eighth of `linkpilot quota status` (25 of 195 ms here, bench/startup.py; several times more on
a Raspberry Pi), and LinkPilot uses no pydantic plugin. Its documented switch,
PYDANTIC_DISABLE_PLUGINS, skips the reading but not the import, so the loader module itself is
replaced, before the first model is built, by one that finds no plugin.

tests/unit/test_pydantic_overrides.py fails if a pydantic upgrade moves this seam.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterable
from typing import Any

LOADER = "pydantic.plugin._loader"


def _no_plugins() -> Iterable[Any]:
    return ()


def skip_plugin_discovery() -> None:
    if LOADER in sys.modules:
        return  # pydantic already looked (another library built a model first): nothing to save
    loader = types.ModuleType(LOADER, "LinkPilot's stand-in: no pydantic plugins are loaded.")
    loader.get_plugins = _no_plugins  # type: ignore[attr-defined]
    sys.modules[LOADER] = loader
