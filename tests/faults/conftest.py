"""The end-to-end harness (practice site in its own process) for the fault tests."""

from tests.e2e.conftest import shared_clock, site_en

__all__ = ["shared_clock", "site_en"]
