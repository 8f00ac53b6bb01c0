"""The campaigns by name, for the CLI, the console and the scheduler."""

from __future__ import annotations

from collections.abc import Callable

from linkpilot.engine.campaigns.birthday import BirthdayCampaign
from linkpilot.engine.campaigns.invitations import InvitationsCampaign
from linkpilot.engine.campaigns.runner import Campaign
from linkpilot.engine.campaigns.sourcing import SourcingCampaign
from linkpilot.engine.runtime import Runtime

CAMPAIGNS: dict[str, Callable[[Runtime], Campaign]] = {
    "birthday": BirthdayCampaign,
    "sourcing": SourcingCampaign,
    "invitations": InvitationsCampaign,
}


def create_campaign(name: str, rt: Runtime) -> Campaign:
    return CAMPAIGNS[name](rt)
