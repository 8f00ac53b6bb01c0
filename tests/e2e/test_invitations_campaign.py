"""The invitations campaign, as the owner runs it: exactly which invitations were withdrawn, per the site."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from linkpilot.engine import faultpoints
from linkpilot.sandbox import SandboxConfig, build_world

from .conftest import TODAY, ZONE, Operator, Site, make_operator

pytestmark = pytest.mark.slow


def stale_invitations(older_than_days: int = 90) -> list[str]:
    """Invitations sent at least that many days ago, oldest first."""
    today = dt.date.fromisoformat(TODAY)
    world = build_world(SandboxConfig(seed=7, today=today, timezone=ZONE))
    old = [inv for inv in world.invitations if (today - inv.sent_on).days >= older_than_days]
    return [inv.slug for inv in sorted(old, key=lambda inv: inv.sent_on)]


def withdrawals(site: Site) -> list[str]:
    return list(site.admin("record")["withdrawals"])


def rows(home: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(home / "linkpilot.db") as conn:
        return conn.execute(sql).fetchall()


def states(home: Path) -> list[str]:
    return [state for (state,) in rows(home, "SELECT state FROM interactions ORDER BY id")]


def invitations_operator(tmp_path: Path, site: Site, **settings: str) -> Operator:
    operator = make_operator(tmp_path, site)
    operator.env |= {f"LINKPILOT_INVITATIONS__{k.upper()}": v for k, v in settings.items()}
    return operator


def test_dry_run_plans_the_stale_ones_and_withdraws_nothing(tmp_path: Path, site_en: Site) -> None:
    operator = invitations_operator(tmp_path, site_en)
    total = len(site_en.admin("world")["invitations"])
    code, summary = operator.run_json("run", "invitations", "--dry-run")
    assert code == 0, summary
    assert [item["slug"] for item in summary["plan"]] == stale_invitations()
    assert all(item["reason"].startswith("sent ") for item in summary["plan"])
    assert summary["counts"]["skipped"] == {"too_recent": total - len(stale_invitations())}
    assert withdrawals(site_en) == []
    assert summary["quota"]["actions"]["invitation_withdrawal"]["day_used"] == 0
    assert rows(operator.home, "SELECT count(*) FROM quota_events") == [(0,)]
    assert rows(operator.home, "SELECT count(*) FROM interactions") == [(0,)]


def test_real_run_withdraws_exactly_the_old_ones(tmp_path: Path, site: Site) -> None:
    operator = invitations_operator(tmp_path, site)
    expected = stale_invitations()
    code, summary = operator.run_json("run", "invitations")
    assert code == 0, summary
    assert withdrawals(site) == expected
    assert summary["counts"]["sent"] == len(expected)
    assert summary["quota"]["actions"]["invitation_withdrawal"]["day_used"] == len(expected)
    stored = rows(
        operator.home,
        "SELECT c.profile_url, c.status, i.state FROM interactions i JOIN contacts c ON c.id = i.contact_id "
        "WHERE i.kind = 'withdrawal' ORDER BY i.id",
    )
    assert stored == [(f"https://www.linkedin.com/in/{slug}/", "new", "sent") for slug in expected]
    # What is left is too recent: the next run has nothing to do.
    code, again = operator.run_json("run", "invitations")
    assert code == 0, again
    assert again["stopped"]["reason"] == "nothing_to_do"
    assert withdrawals(site) == expected


def test_per_run_cap_withdraws_the_oldest_first(tmp_path: Path, site_en: Site) -> None:
    operator = invitations_operator(tmp_path, site_en, max_per_run="2")
    code, summary = operator.run_json("run", "invitations")
    assert code == 0, summary
    expected = stale_invitations()
    assert withdrawals(site_en) == expected[:2]
    assert summary["counts"]["skipped"]["over_run_cap"] == len(expected) - 2


def test_checkpoint_mid_run_stops_with_exit_4_and_the_next_run_refuses(tmp_path: Path, site_en: Site) -> None:
    operator = invitations_operator(tmp_path, site_en)
    site_en.admin("faults", {"checkpoint_after_actions": 1})
    code, summary = operator.run_json("run", "invitations")
    assert code == 4, summary
    assert summary["stopped"]["reason"] == "checkpoint"
    assert summary["breaker"]["hard"] is True
    assert withdrawals(site_en) == stale_invitations()[:1]
    site_en.admin("faults", {"checkpoint_after_actions": None})
    code, refused = operator.run_json("run", "invitations")
    assert code == 4
    assert refused["stopped"]["reason"] == "breaker_open"
    assert withdrawals(site_en) == stale_invitations()[:1]


@pytest.mark.parametrize("point", faultpoints.WITHDRAW_POINTS)
def test_sigkill_at_each_step_of_a_withdrawal_never_loses_or_repeats_one(
    tmp_path: Path, site_en: Site, point: str
) -> None:
    operator = invitations_operator(tmp_path, site_en)
    expected = stale_invitations()
    killed = operator.run("run", "invitations", crash_at=f"{point}:2")
    assert killed.returncode == -9, killed.stderr
    clicked = point != "before_withdraw_click"
    landed = withdrawals(site_en)
    if point == "after_withdraw_confirm":
        # Killed right after the click, Chromium dies with the process: the site may or may
        # not have had the request. Both happen; each must end the same way below.
        assert landed in (expected[:1], expected[:2]), landed
    else:
        assert landed == expected[: 2 if clicked else 1]
    # The row for the second one was committed `sending` before its confirm click, never `sent`.
    assert states(operator.home) == (["sent", "sending"] if clicked else ["sent"])

    code, summary = operator.run_json("run", "invitations")
    assert code == 0, summary
    # Gone from the list, the cut-off one is recorded withdrawn and never tried again (the site
    # has no second withdrawal to give); one still listed is withdrawn now.
    assert [item["slug"] for item in summary["plan"]] == expected[len(landed) :]
    assert withdrawals(site_en) == expected
    assert summary["counts"]["failed"] == 0
    assert summary["counts"]["unknown"] == 0
    # Nothing withdrawn and unrecorded: one `sent` row per withdrawal the site saw, in its order.
    stored = rows(
        operator.home,
        "SELECT c.profile_url, c.status, i.state FROM interactions i JOIN contacts c ON c.id = i.contact_id "
        "WHERE i.kind = 'withdrawal' AND i.state != 'failed' ORDER BY i.id",
    )
    assert stored == [(f"https://www.linkedin.com/in/{slug}/", "new", "sent") for slug in expected]
    # A `sending` row whose card was still listed was settled `failed`, and only that one.
    failed = rows(
        operator.home, "SELECT count(*) FROM interactions WHERE kind = 'withdrawal' AND state = 'failed'"
    )
    assert failed == [(1 if clicked and len(landed) == 1 else 0,)]
    # The killed run's reservation stays spent: a kill before the withdrawal landed costs one unit.
    used = summary["quota"]["actions"]["invitation_withdrawal"]["day_used"]
    assert used == len(expected) + (0 if len(landed) == 2 else 1)
