"""The clock's one answer to "what day is it here"."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from linkpilot.common.clock import local_date


def test_local_date_is_the_date_in_the_configured_zone() -> None:
    instant = datetime(2026, 1, 1, 23, 30, tzinfo=UTC)
    assert local_date(instant, ZoneInfo("Europe/Paris")) == date(2026, 1, 2)
    assert local_date(instant, ZoneInfo("America/New_York")) == date(2026, 1, 1)
    with pytest.raises(ValueError, match="aware"):
        local_date(datetime(2026, 1, 1), ZoneInfo("Europe/Paris"))
