"""pydantic's plugin discovery stays out of every command's start-up (common/pydantic_overrides.py)."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest
from pydantic.plugin import _schema_validator

from linkpilot.common.pydantic_overrides import LOADER


def test_pydantic_still_finds_its_plugins_through_the_replaced_module() -> None:
    # The seam: pydantic imports the loader by this name when it builds a model. After an
    # upgrade that moves it, the override would silently stop saving anything.
    source = inspect.getsource(_schema_validator.create_schema_validator)
    assert "from ._loader import get_plugins" in source
    assert f"{_schema_validator.__package__}._loader" == LOADER


def test_loading_the_settings_reads_no_package_metadata() -> None:
    probe = (
        "import sys\n"
        "from linkpilot.common.settings import load_settings\n"
        "settings = load_settings({})\n"
        "assert settings.limits.messages.per_day == 15\n"
        "print(sorted(m for m in sys.modules if m.startswith('importlib.metadata')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"


def test_a_model_built_after_the_override_validates_as_before() -> None:
    from pydantic import BaseModel, Field, ValidationError

    class Probe(BaseModel):
        count: int = Field(ge=0)

    assert Probe(count=3).count == 3
    with pytest.raises(ValidationError) as refused:
        Probe(count=-1)
    assert refused.value.errors()[0]["loc"] == ("count",)
