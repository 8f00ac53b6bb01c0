"""The campaigns, by name: the one place that says which campaigns exist and what each spends.

The CLI, the console, the scheduler and the metrics ask here. A campaign's class takes its
name and action from its entry, and is imported only when a run is built: naming the
campaigns (the console's keys, `run`'s choices, the scheduler's windows) needs no browser.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from linkpilot.common.settings import CampaignSchedule, Settings
from linkpilot.engine.quota.contract import Action

if TYPE_CHECKING:
    from linkpilot.engine.campaigns.runner import Campaign
    from linkpilot.engine.runtime import Runtime


@dataclass(frozen=True, slots=True)
class CampaignEntry:
    name: str
    # The quota gauge the campaign spends, one unit per person acted on.
    action: Action
    # "module:Class", imported by `create`.
    implementation: str

    def schedule(self, settings: Settings) -> CampaignSchedule:
        """The campaign's daily window (`[schedule.<name>]`)."""
        window = getattr(settings.schedule, self.name)
        assert isinstance(window, CampaignSchedule)
        return window

    def create(self, rt: Runtime) -> Campaign:
        module, _, attr = self.implementation.partition(":")
        campaign: Campaign = getattr(importlib.import_module(module), attr)(rt)
        return campaign


BIRTHDAY = CampaignEntry("birthday", Action.MESSAGE, "linkpilot.engine.campaigns.birthday:BirthdayCampaign")
SOURCING = CampaignEntry(
    "sourcing", Action.PROFILE_VISIT, "linkpilot.engine.campaigns.sourcing:SourcingCampaign"
)
INVITATIONS = CampaignEntry(
    "invitations",
    Action.INVITATION_WITHDRAWAL,
    "linkpilot.engine.campaigns.invitations:InvitationsCampaign",
)

CAMPAIGNS: dict[str, CampaignEntry] = {entry.name: entry for entry in (BIRTHDAY, SOURCING, INVITATIONS)}
CAMPAIGN_NAMES: tuple[str, ...] = tuple(CAMPAIGNS)


def campaign(name: str) -> CampaignEntry:
    """The entry named `name`; KeyError for a name no campaign has."""
    return CAMPAIGNS[name]


def create_campaign(name: str, rt: Runtime) -> Campaign:
    return campaign(name).create(rt)
