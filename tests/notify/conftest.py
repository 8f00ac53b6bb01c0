from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.conftest import Site, _start_site
from tests.notify.receivers import JsonReceiver, SilentReceiver, SmtpReceiver


@pytest.fixture
def hook() -> Iterator[JsonReceiver]:
    receiver = JsonReceiver()
    yield receiver
    receiver.close()


@pytest.fixture
def mailbox() -> Iterator[SmtpReceiver]:
    receiver = SmtpReceiver()
    yield receiver
    receiver.close()


@pytest.fixture
def silent() -> Iterator[SilentReceiver]:
    receiver = SilentReceiver()
    yield receiver
    receiver.close()


@pytest.fixture
def site() -> Iterator[Site]:
    """The practice site in its own process (English), as the e2e suites run it."""
    running = _start_site("en")
    yield running
    running.process.terminate()
    running.process.wait(timeout=10)
