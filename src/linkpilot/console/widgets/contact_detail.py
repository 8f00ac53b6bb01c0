"""The contacts screen's right-hand pane: the highlighted person and their timeline."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from linkpilot.console.formatting import local
from linkpilot.storage.contact_book import ContactDetail

STATE_STYLES = {"sent": "green", "failed": "red", "unknown": "yellow"}


def detail_text(detail: ContactDetail, zone: ZoneInfo) -> Text:
    row = detail.row
    text = Text()
    text.append(row.name + "\n", style="bold")
    for value in (row.headline, detail.job_title and f"{detail.job_title} at {detail.company or '?'}"):
        if value:
            text.append(f"{value}\n")
    facts = [f"status {row.status}", f"degree {row.degree or '—'}", f"birthday {detail.birthday or '—'}"]
    if row.open_to_work:
        facts.append("open to work")
    text.append(" · ".join(facts) + "\n")
    if detail.location:
        text.append(f"{detail.location}\n", style="dim")
    if detail.blacklisted:
        text.append("BLACKLISTED: never contacted\n", style="bold red")
    if row.profile_url:
        text.append(f"{row.profile_url}\n", style="dim")
    text.append("\nTimeline\n", style="bold underline")
    if not detail.timeline:
        text.append("nothing done yet\n", style="dim")
    for entry in detail.timeline:
        text.append(f"{local(entry.at, zone)} ", style="dim")
        text.append(f"{entry.kind} {entry.state}\n", style=STATE_STYLES.get(entry.state, ""))
        if entry.text:
            text.append(f"  “{entry.text}”\n", style="italic")
        if entry.error:
            text.append(f"  {entry.error}\n", style="red")
    return text


class ContactDetailPane(VerticalScroll):
    """Shows one contact's detail, or says there is none."""

    def __init__(self, zone: ZoneInfo, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.zone = zone
        self.detail: ContactDetail | None = None

    def compose(self) -> ComposeResult:
        yield Static("Select a contact to see its timeline.", id="detail-text")

    def show(self, detail: ContactDetail | None) -> None:
        self.detail = detail
        shown = detail_text(detail, self.zone) if detail is not None else Text("No contact selected.")
        self.query_one("#detail-text", Static).update(shown)
