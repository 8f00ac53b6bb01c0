"""Modal dialogs. Every one that can act opens with the focus on "No"."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static, Switch

from linkpilot.console.facade import CampaignPlan


@dataclass(frozen=True, slots=True)
class CampaignChoice:
    campaign: str
    dry_run: bool


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(False)", "No", show=False)]

    def __init__(self, question: str, detail: str = "", *, yes: str = "Yes") -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.question), classes="dialog-title")
            if self.detail:
                yield Static(Text(self.detail), classes="dialog-detail")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes, id="yes", variant="warning")
                yield Button("No", id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed, "#yes")
    def yes_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def no_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(False)


def plan_text(plan: CampaignPlan) -> str:
    lines: list[str] = []
    for n, item in enumerate(plan.planned, start=1):
        lines.append(f"{n:>3}. {item.name} — {item.reason}")
        if item.text:
            lines.extend(f"       {part}" for part in item.text.splitlines())
    if not plan.planned:
        lines.append("Nobody to act on.")
    if plan.skipped:
        lines.append("")
        lines.append(f"Skipped ({len(plan.skipped)}):")
        lines.extend(f"     {skip.name} — {skip.reason}" for skip in plan.skipped[:20])
        if len(plan.skipped) > 20:
            lines.append(f"     … and {len(plan.skipped) - 20} more")
    return "\n".join(lines)


class ConfirmCampaignScreen(ModalScreen[CampaignChoice | None]):
    """The plan (who, why, the exact texts), a dry-run switch, and Yes / No with No focused."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "No", show=False)]

    def __init__(self, plan: CampaignPlan, *, dry_run: bool = False) -> None:
        super().__init__()
        self.plan = plan
        self.initial_dry_run = dry_run

    def compose(self) -> ComposeResult:
        count = len(self.plan.planned)
        with Vertical(classes="dialog campaign-dialog"):
            people = "person" if count == 1 else "people"
            yield Label(
                Text(f"Run the {self.plan.campaign} campaign: {count} {people}?"), classes="dialog-title"
            )
            with VerticalScroll(id="plan-scroll"):
                yield Static(Text(plan_text(self.plan)), id="plan-text")
            with Horizontal(classes="dialog-buttons"):
                yield Label("Dry run (nothing sent)", classes="switch-label")
                yield Switch(value=self.initial_dry_run, id="dry-run")
                yield Button("Yes, run", id="yes", variant="warning", disabled=count == 0)
                yield Button("No", id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#yes")
    def yes_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(CampaignChoice(self.plan.campaign, self.query_one("#dry-run", Switch).value))

    @on(Button.Pressed, "#no")
    def no_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """F1: the keys of the screen it was opened from, as remapped by the keymap."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,f1,q", "dismiss(None)", "Close", show=False)]

    def __init__(self, keys: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        width = max((len(k) for k, _ in self.keys), default=4)
        text = "\n".join(f"{key:>{width}}  {what}" for key, what in self.keys)
        with Vertical(classes="dialog help-dialog"):
            yield Label("Keys", classes="dialog-title")
            with VerticalScroll():
                yield Static(Text(text), id="help-text")
            yield Label("Ctrl+P: command palette · Esc: close", classes="dialog-detail")
