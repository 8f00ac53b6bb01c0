"""The birthday campaign, as the owner runs it: exactly who received what, per the site's record."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from linkpilot.sandbox import SandboxConfig, build_world
from tests.practice_site import MovedClock

from .conftest import TODAY, ZONE, Site, make_operator

pytestmark = pytest.mark.slow


def expected_recipients(language: str) -> set[str]:
    """1st-degree people whose birthday is today or up to 10 days ago, not already wished."""
    world = build_world(
        SandboxConfig(seed=7, today=dt.date.fromisoformat(TODAY), timezone=ZONE, language=language)
    )
    wanted = set()
    for person, days_ago in world.birthday_cards():
        if person.degree == 1 and 0 <= days_ago <= 10 and person.role != "already-wished":
            wanted.add(person.slug)
    return wanted


def rows(home: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(home / "linkpilot.db") as conn:
        return conn.execute(sql).fetchall()


def test_dry_run_plans_sends_nothing_and_spends_no_quota(tmp_path: Path, site: Site) -> None:
    language = site.admin("config")["language"]
    operator = make_operator(tmp_path, site, per_run="50", per_day="50")
    code, summary = operator.run_json("run", "birthday", "--dry-run")
    assert code == 0
    assert summary["dry_run"] is True
    planned = {item["slug"] for item in summary["plan"]}
    # Everyone due is planned; the one wished by hand is only found when the thread is read.
    assert expected_recipients(language) < planned
    assert expected_recipients(site.url and "en") <= planned | expected_recipients(
        "en"
    )  # sanity of the helper
    assert site.messages() == []
    assert summary["counts"]["sent"] == 0
    assert summary["quota"]["actions"]["message"]["day_used"] == 0
    assert rows(operator.home, "SELECT count(*) FROM quota_events") == [(0,)]
    assert rows(operator.home, "SELECT count(*) FROM interactions") == [(0,)]
    assert rows(operator.home, "SELECT campaign, dry_run, status FROM campaign_runs") == [
        ("birthday", 1, "completed")
    ]
    # Every plan line says why and shows the exact text that would be sent.
    assert all(item["text"] and item["reason"] for item in summary["plan"])


def test_real_run_wishes_exactly_the_right_people_once(tmp_path: Path, site: Site) -> None:
    language = site.admin("config")["language"]
    operator = make_operator(tmp_path, site, per_run="50", per_day="50")
    _, dry = operator.run_json("run", "birthday", "--dry-run")
    code, summary = operator.run_json("run", "birthday")
    assert code == 0, summary
    received = site.messages()
    by_slug = Counter(m["to_slug"] for m in received)
    assert set(by_slug) == expected_recipients(language)
    assert max(by_slug.values()) == 1
    # The dry run showed the very texts that were then sent.
    shown = {item["slug"]: item["text"] for item in dry["plan"]}
    assert all(shown[m["to_slug"]] == m["text"] for m in received)
    assert summary["counts"]["sent"] == len(received)
    assert summary["counts"]["skipped"]["wished_in_thread"] == 1
    assert summary["counts"]["skipped"]["not_first_degree"] >= 1
    # Storage recorded each exact text as sent, and the quota counted each message.
    stored = dict(
        rows(
            operator.home,
            "SELECT c.profile_url, i.text FROM interactions i JOIN contacts c ON c.id = i.contact_id WHERE i.state = 'sent'",
        )
    )
    for message in received:
        assert stored[f"https://www.linkedin.com/in/{message['to_slug']}/"] == message["text"]
    assert summary["quota"]["actions"]["message"]["day_used"] == len(received)
    # Every person's line is in the full log on disk, as the console's bounded tail showed it.
    on_disk = (operator.home / "linkpilot.log").read_text(encoding="utf-8")
    sent_lines = [
        line for line in on_disk.splitlines() if "linkpilot.campaign: [birthday]" in line and ": sent" in line
    ]
    assert len(sent_lines) == len(received)
    # A second run finds everyone wished and sends nothing.
    code, again = operator.run_json("run", "birthday")
    assert code == 0
    assert again["counts"]["sent"] == 0
    assert len(site.messages()) == len(received)


def test_per_run_cap_is_shown_in_the_plan_and_honoured(tmp_path: Path, site_en: Site) -> None:
    operator = make_operator(tmp_path, site_en, per_run="3", per_day="50")
    code, summary = operator.run_json("run", "birthday")
    assert code == 0
    assert len(summary["plan"]) == 3
    assert summary["counts"]["skipped"]["over_run_cap"] == len(expected_recipients("en")) + 1 - 3
    assert len(site_en.messages()) <= 3


def test_daily_limit_stops_the_run(tmp_path: Path, site_en: Site) -> None:
    operator = make_operator(tmp_path, site_en, per_run="50", per_day="2")
    code, summary = operator.run_json("run", "birthday")
    assert code == 0
    assert summary["stopped"]["reason"] == "quota"
    assert "daily limit" in summary["stopped"]["detail"]
    assert len(site_en.messages()) == 2
    code, again = operator.run_json("run", "birthday")
    assert again["stopped"]["reason"] == "quota"
    assert len(site_en.messages()) == 2


def test_checkpoint_stops_with_exit_4_and_the_next_run_refuses(tmp_path: Path, site_en: Site) -> None:
    operator = make_operator(tmp_path, site_en, per_run="4", per_day="50")
    site_en.admin("faults", {"checkpoint_after_actions": 2})
    code, summary = operator.run_json("run", "birthday")
    assert code == 4
    assert summary["stopped"]["reason"] == "checkpoint"
    assert summary["breaker"]["state"] == "open"
    assert summary["breaker"]["hard"] is True
    assert len(site_en.messages()) == 2
    # The site is fine again, but the breaker stays open until the operator resets it.
    site_en.admin("faults", {"checkpoint_after_actions": None})
    code, refused = operator.run_json("run", "birthday")
    assert code == 4
    assert refused["stopped"]["reason"] == "breaker_open"
    assert len(site_en.messages()) == 2
    reset = operator.run("breaker", "reset", "--yes")
    assert reset.returncode == 0, reset.stderr
    code, resumed = operator.run_json("run", "birthday")
    assert code == 0
    assert resumed["counts"]["sent"] >= 1
    assert Counter(m["to_slug"] for m in site_en.messages()).most_common(1)[0][1] == 1


def test_no_session_is_exit_5(tmp_path: Path, site_en: Site) -> None:
    operator = make_operator(tmp_path, site_en)
    site_en.admin("session", {"action": "expire"})
    code, summary = operator.run_json("run", "birthday")
    assert code == 5
    assert summary["stopped"]["reason"] == "no_session"
    assert site_en.messages() == []


# The box's clock against the site's. Nine days ahead is how a doubled wish was found: the
# thread's timestamps were read against the box's "today" and the cut-off wish looked absent.
BOX_CLOCKS = {"same-clock": 0, "box-9-days-ahead": 9 * 86_400}


@pytest.mark.parametrize("box", list(BOX_CLOCKS))
@pytest.mark.parametrize("point", ["before_typing", "after_click", "before_commit"])
def test_sigkill_at_each_step_of_a_send_never_doubles_a_wish(
    tmp_path: Path, site_en: Site, shared_clock: MovedClock, point: str, box: str
) -> None:
    skew = BOX_CLOCKS[box]
    operator = make_operator(tmp_path, site_en, clock=shared_clock.skewed(skew), per_run="4", per_day="50")
    if skew:
        # The clock guard would stop these runs before anything: off, to prove what is behind it.
        operator.env["LINKPILOT_CLOCK__GUARD"] = "false"
    killed = operator.run("run", "birthday", crash_at=f"{point}:2")
    assert killed.returncode == -9
    states = dict(rows(operator.home, "SELECT state, count(*) FROM interactions GROUP BY state"))
    if point == "before_typing":
        assert "sending" not in states
    else:
        assert states.get("sending") == 1
    # Restart twice: the first settles the cut-off wish by reading the thread, both send the rest.
    for _ in range(2):
        code, summary = operator.run_json("run", "birthday")
        assert code == 0, summary
    wishes = Counter(m["to_slug"] for m in site_en.messages())
    assert wishes, "nothing was sent at all"
    assert max(wishes.values()) == 1, wishes
    stored = dict(rows(operator.home, "SELECT state, count(*) FROM interactions GROUP BY state"))
    assert set(stored) <= {"sent", "failed"}
    assert stored["sent"] == len(wishes) + 1  # + the one already wished by hand, found in its thread
