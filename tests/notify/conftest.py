from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.conftest import Site
from tests.notify.receivers import JsonReceiver, SilentReceiver, SmtpReceiver
from tests.practice_site import start_site_process


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
    """The practice site in its own process (English) on the real clock, as the `linkpilot`
    processes it serves: the session expiries these tests write are real times too."""
    running = start_site_process(clock=None, language="en")
    yield running
    running.stop()
