"""The campaign log screen: live tail with follow mode, level and campaign filters."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType

from linkpilot.console.screens.base import MainScreen
from linkpilot.console.state import CAMPAIGNS
from linkpilot.console.widgets.tail_log import LEVELS, LogPane


class LogScreen(MainScreen):
    mode_name = "log"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("v", "cycle_level", "Level", id="log.level"),
        Binding("n", "cycle_campaign", "Campaign", id="log.campaign"),
        Binding("f", "follow", "Follow", id="log.follow"),
    ]

    def compose_body(self) -> ComposeResult:
        yield LogPane(self.console.log_book, self.console.zone, id="log-pane")

    @property
    def pane(self) -> LogPane:
        return self.query_one(LogPane)

    def action_cycle_level(self) -> None:
        pane = self.pane
        pane.min_level = LEVELS[(LEVELS.index(pane.min_level) + 1) % len(LEVELS)]

    def action_cycle_campaign(self) -> None:
        pane = self.pane
        choices: list[str | None] = [None, *CAMPAIGNS]
        pane.campaign = choices[(choices.index(pane.campaign) + 1) % len(choices)]

    def action_follow(self) -> None:
        self.pane.follow(not self.pane.following)
