"""The calendar suite: real campaigns with the product and the practice site moved together to
times chosen to break date code (libfaketime on every process: see tests/practice_site.py).

Expectations come from the site's own world (`/__admin/world`, built around its moved today)
and from the plan the product printed, never from the real date.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Operator, make_operator
from tests.faults.realproc import assert_site_and_storage_agree, states
from tests.practice_site import PARIS, MovedClock, SiteProcess, start_site_process

pytestmark = [pytest.mark.calendar, pytest.mark.slow]

LATE_DAYS = 10
OLDER_THAN_DAYS = 90
# The one wished by hand (its thread shows it) is found, recorded and never sent again.
WISHED_BY_HAND = {"already-wished"}


def paris(*args: int, fold: int = 0) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS, fold=fold)  # type: ignore[misc]


# id: (local instant in Europe/Paris, working hours open all day?)
MOVED_TIMES = {
    # Late window across New Year: December birthdays seen from 1 January, and the day changes mid-run.
    "new-years-eve-23:59": (paris(2026, 12, 31, 23, 59, 0), True),
    # Outside the default working hours (07:00-19:00): nothing acts, the run says why.
    "night-03:00": (paris(2026, 11, 26, 3, 0), False),
    # Spring DST change: 02:30 does not exist in Paris on 28 March 2027 (02:00 jumps to 03:00).
    "dst-spring-02:30": (paris(2027, 3, 28, 2, 30), True),
    # Autumn DST change: 02:30 happens twice on 25 October 2026; the second one.
    "dst-autumn-02:30": (paris(2026, 10, 25, 2, 30, fold=1), True),
    # 29 February in a year without one: celebrated on the 28th.
    "leap-day-2027-02-28": (paris(2027, 2, 28, 10, 0), True),
}


def moved_operator(tmp_path: Path, site: SiteProcess, *, open_all_day: bool) -> Operator:
    # A dry run plans everyone due; real runs act on the first few only, to keep the suite lean.
    operator = make_operator(tmp_path, site, per_run="50", per_day="50")
    if not open_all_day:
        # Back to the default hours: this time is about them.
        for key in ("LINKPILOT_WORKING_HOURS__START", "LINKPILOT_WORKING_HOURS__END"):
            operator.env.pop(key)
    return operator


def real_run(operator: Operator, campaign: str, per_run: int) -> dict[str, Any]:
    caps = {
        "birthday": "LINKPILOT_LIMITS__MESSAGES__PER_RUN",
        "invitations": "LINKPILOT_INVITATIONS__MAX_PER_RUN",
    }
    operator.env[caps[campaign]] = str(per_run)
    code, summary = operator.run_json("run", campaign)
    assert code == 0, summary
    return summary


def world(site: SiteProcess) -> dict[str, Any]:
    return dict(site.admin("world"))


def due_birthdays(people: list[dict[str, Any]], late_days: int = LATE_DAYS) -> dict[str, int]:
    """slug -> days late of the 1st-degree people due a wish on the site's today (the one
    wished by hand is due too: only reading the thread, when acting, shows the wish)."""
    return {
        p["slug"]: p["days_since_birthday"]
        for p in people
        if p["degree"] == 1 and p["days_since_birthday"] <= late_days
    }


def stale_invitations(site_world: dict[str, Any]) -> set[str]:
    today = dt.date.fromisoformat(site_world["config"]["today"])
    return {
        inv["slug"]
        for inv in site_world["invitations"]
        if (today - dt.date.fromisoformat(inv["sent_on"])).days >= OLDER_THAN_DAYS
    }


def check_plan_dates(summary: dict[str, Any], site_world: dict[str, Any]) -> None:
    """Each planned wish names the birthday the site shows, and is late by the product's today
    minus that birthday: the site's today or, past midnight, the next day."""
    site_today = dt.date.fromisoformat(site_world["config"]["today"])
    people = {p["slug"]: p for p in site_world["people"]}
    for item in summary["plan"]:
        person = people[item["slug"]]
        occurrence = site_today - dt.timedelta(days=person["days_since_birthday"])
        assert item["occurrence"] == occurrence.isoformat(), item
        plan_day = occurrence + dt.timedelta(days=item["days_late"])
        assert plan_day in (site_today, site_today + dt.timedelta(days=1)), (item, site_today)
        assert (item["reason"] == "birthday today") == (item["days_late"] == 0), item


@pytest.mark.parametrize("moment", list(MOVED_TIMES), ids=list(MOVED_TIMES))
def test_birthday_and_invitations_at_a_moved_time(tmp_path: Path, moment: str) -> None:
    at, open_all_day = MOVED_TIMES[moment]
    clock = MovedClock.to(at)
    site = start_site_process(clock=clock)
    try:
        site_world = world(site)
        # The site's today is the moved local date (02:30 on the spring day reads as 03:30).
        assert site_world["config"]["today"] == at.astimezone(PARIS).date().isoformat()
        operator = moved_operator(tmp_path, site, open_all_day=open_all_day)
        code, dry = operator.run_json("run", "birthday", "--dry-run")
        assert code == 0, dry
        check_plan_dates(dry, site_world)
        due = due_birthdays(site_world["people"])
        planned = {item["slug"] for item in dry["plan"]}
        # Past midnight a birthday 10 days old on the site is 11 days old for the product.
        crossed = (
            {s for s, late in due.items() if late == LATE_DAYS} if moment.startswith("new-year") else set()
        )
        assert set(due) - crossed <= planned <= set(due), (planned, due)

        birthday = real_run(operator, "birthday", per_run=3)
        invitations = real_run(operator, "invitations", per_run=2)
        record = site.admin("record")

        if not open_all_day:
            # 03:00: the plan is shown, nobody is acted on, and the run says why.
            for summary in (birthday, invitations):
                assert summary["plan"], summary
                stopped = summary["stopped"]
                assert stopped["reason"] == "outside_working_hours", stopped
                retry = dt.datetime.fromisoformat(stopped["detail"].split("retry after ")[1])
                assert retry.astimezone(PARIS) == paris(2026, 11, 26, 7, 0), stopped
            assert record["messages"] == []
            assert record["withdrawals"] == []
            assert set(states(operator.home)) <= {"failed"}
            return

        check_plan_dates(birthday, site_world)
        sent = Counter(m["to_slug"] for m in record["messages"])
        by_hand = {p["slug"] for p in site_world["people"] if p["role"] in WISHED_BY_HAND}
        acted_on = {item["slug"] for item in birthday["plan"]}
        assert len(acted_on) == 3
        assert set(sent) == acted_on - by_hand, sent
        assert max(sent.values()) == 1, sent
        # The very texts the run's plan showed, which are the dry run's unless midnight came
        # between the two (a wish due "today" then became a late one).
        shown = {item["slug"]: item for item in birthday["plan"]}
        assert all(shown[m["to_slug"]]["text"] == m["text"] for m in record["messages"])
        for item in dry["plan"]:
            if item["slug"] in shown and shown[item["slug"]]["days_late"] == item["days_late"]:
                assert shown[item["slug"]]["text"] == item["text"], item
        stale = stale_invitations(site_world)
        withdrawn = record["withdrawals"]
        assert len(withdrawn) == len(set(withdrawn)) == 2
        assert set(withdrawn) <= stale
        assert {item["slug"] for item in invitations["plan"]} <= stale
        if moment.startswith("leap-day"):
            leap = next(p for p in site_world["people"] if p["role"] == "leap-day")
            assert leap["days_since_birthday"] == 0
            wish = next(item for item in dry["plan"] if item["slug"] == leap["slug"])
            assert (wish["occurrence"], wish["days_late"]) == ("2027-02-28", 0)
        if moment.startswith("new-year"):
            # Birthdays from late December are wished late across New Year, not as next year's.
            assert any(item["occurrence"].startswith("2026-12-2") for item in dry["plan"])
    finally:
        site.stop()


def test_a_send_cut_off_at_midnight_on_new_years_eve_is_settled_never_resent(tmp_path: Path) -> None:
    """SIGKILL right after a Send click at 23:59:50 on 31 December; the restarts, in the new
    year, read the thread (stamped on the 31st) and settle the wish instead of sending it again."""
    clock = MovedClock.to(paris(2026, 12, 31, 23, 59, 50))
    site = start_site_process(clock=clock)
    try:
        operator = make_operator(tmp_path, site, per_run="3", per_day="50")
        killed = operator.run("run", "birthday", crash_at="after_click:2")
        assert killed.returncode == -9, killed.stderr
        assert states(operator.home)["sending"] == 1
        code, summary = operator.run_json("run", "birthday")
        assert code == 0, summary
        sent = Counter(m["to_slug"] for m in site.messages())
        assert sent
        assert max(sent.values()) == 1, sent
        by_hand = {p["slug"] for p in world(site)["people"] if p["role"] in WISHED_BY_HAND}
        assert_site_and_storage_agree(operator.home, site, by_hand)
    finally:
        site.stop()
