from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from linkpilot.engine.heap import freeze_startup_objects


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector can free it


@pytest.fixture
def unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()  # this test process goes on to build and drop many apps


def test_garbage_is_collected_first_and_what_lives_leaves_later_collections(unfrozen: None) -> None:
    dropped = Node()
    gone = weakref.ref(dropped)
    del dropped
    kept = Node()
    frozen = freeze_startup_objects()
    assert gone() is None, "garbage alive at start-up must be collected, not frozen for ever"
    assert frozen == gc.get_freeze_count() > 0
    assert not any(obj is kept for obj in gc.get_objects())  # no collection walks it any more
