"""Profile URLs that would break the URL parser are refused like any other bad link."""

from __future__ import annotations

import pytest

from linkpilot.common.errors import BadInput
from linkpilot.common.urls import normalize_profile_url


@pytest.mark.parametrize("url", ["https://[linkedin.com/in/someone/", "[/in/someone", "http://[::1/in/x/"])
def test_a_broken_ipv6_host_is_bad_input(url: str) -> None:
    with pytest.raises(BadInput, match="malformed host"):
        normalize_profile_url(url)


def test_a_good_url_still_normalises() -> None:
    assert (
        normalize_profile_url("fr.linkedin.com/in/Jane-Doe?trk=x") == "https://www.linkedin.com/in/jane-doe/"
    )
