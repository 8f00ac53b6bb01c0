"""How `./dev test` spends its two cores: the slow modules first, coverage only where it counts,
and the calendar suite named test by test at the end of the one run.

- **Slow modules first.** `./dev test` runs xdist's `worksteal` mode: each worker starts with
  one half of the run in collection order, and a worker that runs dry takes the back half of
  what the other still has queued. Modules with a test marked `slow` go first, each module
  kept whole (its module-scoped fixtures, such as the mutation suite's one site per case, are
  set up once per worker, not once per run of slow tests), so what is left to share at the
  end is short tests and the two workers finish together. (xdist's default `load` mode gave
  the first quarter of the run out in two fixed slices: with the slow modules first, one
  slice held 22 of the run's 38.5 worker-minutes, and the other worker idled for 5.)
- **Coverage where it counts.** The floor is for `engine/` and `storage/` (pyproject.toml's
  `[tool.coverage.run] source`). Two suites exercise them only on the way to something else
  and each costs half as much again under the tracer (measured in docs/testing.md): the
  console's (Textual screens) and the mutation suite (campaigns on varied markup; the same
  engine paths run traced in tests/engine, tests/sandbox and tests/e2e). Their tests run
  untraced (pytest-cov's `no_cover`).
- **The calendar suite, listed.** Its tests move the product's and the site's clock to chosen
  times; their ids name those times. They run with the rest and are listed, with their
  outcome, in a section of their own at the end of the run.
"""

from __future__ import annotations

import pytest

UNTRACED = ("tests/console/", "tests/mutation/")
CALENDAR = "calendar"


def _module(item: pytest.Item) -> str:
    return item.nodeid.split("::", 1)[0]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    slow = {_module(item) for item in items if item.get_closest_marker("slow") is not None}
    # Stable: the order pytest chose within a module (fixture scopes, parameters) is kept.
    items.sort(key=lambda item: _module(item) not in slow)
    for item in items:
        if item.nodeid.startswith(UNTRACED):
            item.add_marker(pytest.mark.no_cover)


class CalendarReport:
    """Collects the calendar tests' outcomes on the process that prints the report."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, str, float]] = []

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if CALENDAR not in report.keywords:
            return
        failed_setup = report.when == "setup" and not report.passed
        if report.when == "call" or failed_setup or report.skipped:
            self.lines.append((report.nodeid, report.outcome, report.duration))

    @pytest.hookimpl
    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if not self.lines:
            return
        terminalreporter.section("calendar suite: product and practice site moved together")
        for nodeid, outcome, duration in sorted(self.lines):
            terminalreporter.write_line(f"{outcome.upper():8} {duration:6.1f}s  {nodeid}")


def pytest_configure(config: pytest.Config) -> None:
    # On the reporting process only: an xdist worker's reports reach it as they come.
    if not hasattr(config, "workerinput"):
        config.pluginmanager.register(CalendarReport(), "calendar-report")
