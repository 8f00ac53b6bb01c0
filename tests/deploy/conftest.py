from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.deploy.helpers import Tmux, private_tmux


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    yield from private_tmux("lp-test")


@pytest.fixture
def outer_tmux() -> Iterator[Tmux]:
    """A second server, standing for the operator's terminal."""
    yield from private_tmux("lp-outer")
