"""Cookie files that used to crash the import (found by fuzzing): expiry dates no calendar holds, and files without end. Each is refused in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from linkpilot.common.errors import BadInput
from linkpilot.engine.browser.origin import Origin
from linkpilot.engine.session.formats import parse_cookie_export, parse_storage_state
from tests.engine.session.samples import extension_export, netscape, storage_state, write

LINKEDIN = Origin.parse("https://www.linkedin.com")


@pytest.mark.parametrize("expires", [1e300, 2**62])
def test_a_storage_state_expiry_beyond_year_9999(tmp_path: Path, expires: float) -> None:
    path = write(tmp_path / "state.json", storage_state(expires=expires))
    with pytest.raises(BadInput, match="the li_at cookie has an expiry that is not a date"):
        parse_storage_state(path, LINKEDIN)


def test_an_extension_export_expiry_of_nan(tmp_path: Path) -> None:
    path = tmp_path / "cookies.json"
    path.write_text(
        write(tmp_path / "x.json", extension_export())
        .read_text()
        .replace('"expirationDate": ', '"expirationDate": NaN, "x": ', 1)
    )
    with pytest.raises(BadInput, match="expiry that is not a date"):
        parse_cookie_export(path, LINKEDIN)


@pytest.mark.parametrize("expires", ["1e400", "nan"])
def test_a_netscape_expiry_that_is_no_number(tmp_path: Path, expires: str) -> None:
    path = write(
        tmp_path / "cookies.txt",
        netscape().replace("\t" + netscape().split("\t")[4] + "\t", f"\t{expires}\t", 1),
    )
    with pytest.raises(BadInput, match=r"line 4: the expiry \(5th field\) must be a number"):
        parse_cookie_export(path, LINKEDIN)


@pytest.mark.parametrize("parse", [parse_storage_state, parse_cookie_export])
def test_an_endless_file_is_refused_after_the_size_limit(parse: object) -> None:
    """/dev/zero reports a size of 0: reading it whole used to fill the memory."""
    with pytest.raises(BadInput, match="too big for a cookie file"):
        parse(Path("/dev/zero"), LINKEDIN)  # type: ignore[operator]
