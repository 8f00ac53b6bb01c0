"""The end-to-end harness (practice site in its own process) for the fault tests."""

from tests.e2e.conftest import site_en

__all__ = ["site_en"]
