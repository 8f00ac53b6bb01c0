from __future__ import annotations

from collections.abc import Iterator

import pytest

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
