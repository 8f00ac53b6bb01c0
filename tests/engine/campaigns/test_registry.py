from __future__ import annotations

import importlib
import subprocess
import sys
from datetime import time

from linkpilot.common.settings import Schedule, load_settings
from linkpilot.engine.campaigns.registry import CAMPAIGN_NAMES, CAMPAIGNS, campaign
from linkpilot.engine.events import CampaignFinished, RunCounts
from linkpilot.engine.health.metrics import Metrics
from linkpilot.engine.quota.contract import Action
from linkpilot.engine.service import metrics_from_events


def test_each_campaign_class_is_named_and_spends_as_its_entry_says() -> None:
    assert CAMPAIGN_NAMES == ("birthday", "sourcing", "invitations")
    assert [campaign(n).action for n in CAMPAIGN_NAMES] == [
        Action.MESSAGE,
        Action.PROFILE_VISIT,
        Action.INVITATION_WITHDRAWAL,
    ]
    for name, entry in CAMPAIGNS.items():
        module, _, attr = entry.implementation.partition(":")
        cls = getattr(importlib.import_module(module), attr)
        assert (cls.name, cls.action) == (name, entry.action)


def test_every_campaign_has_a_schedule_window_and_only_campaigns_do() -> None:
    assert tuple(Schedule.model_fields) == CAMPAIGN_NAMES
    settings = load_settings(
        {"LINKPILOT_SCHEDULE__SOURCING__ENABLED": "true", "LINKPILOT_SCHEDULE__SOURCING__START": "09:30"}
    )
    assert campaign("sourcing").schedule(settings).enabled
    assert campaign("sourcing").schedule(settings).start == time(9, 30)
    assert not campaign("birthday").schedule(settings).enabled


def test_naming_the_campaigns_imports_no_browser() -> None:
    # The console's keys and `run`'s choices come from here: that must not start Playwright's import.
    probe = (
        "import sys, linkpilot.engine.campaigns.registry; "
        "print(sorted(m for m in ('playwright', 'linkpilot.engine.campaigns.birthday') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_metrics_label_a_finished_run_with_its_campaigns_action() -> None:
    metrics = Metrics()
    on_event = metrics_from_events(metrics)
    summary = {"counts": {"sent": 3, "skipped": {"too_recent": 2}}, "stopped": {"reason": "completed"}}
    on_event(
        CampaignFinished(
            campaign="invitations",
            run_id=1,
            counts=RunCounts(sent=3, skipped=2),
            stopped="completed",
            summary=summary,
        )
    )
    sample = metrics.registry.get_sample_value
    assert sample("linkpilot_actions_total", {"action": "invitation_withdrawal", "outcome": "sent"}) == 3
    assert sample("linkpilot_skipped_total", {"action": "invitation_withdrawal", "reason": "too_recent"}) == 2
