"""Engine overhead: our send_message against raw Playwright doing the same clicks, same run.

Starts the practice site and the engine's own browser (BrowserSession: persistent profile,
origin guard, resource blocking) in fast pacing, then times, interleaved round by round on
the same page:

  (a) ours      ActionManager.send_message(target via the profile's top card): navigation
                check, identity check, selector resolution with scores, recipient check,
                thread read, one click on Send, confirmation that the bubble landed, close
  (b) baseline  raw Playwright with hard-coded classic selectors doing the same clicks:
                goto the profile, click the top card's Message, fill, Send, wait for the
                bubble, close

Both must land every message (checked in the site's record). Then, with one page open, the
browser's memory: the sum of Pss from /proc/<pid>/smaps_rollup over every Chromium process
of the profile. Targets: ours at most 1.5x the baseline (medians), PSS at most 400 MB.

    .venv/bin/python bench/engine_overhead.py [--messages 20] [--markup classic]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.async_api import Page

from linkpilot.common.settings import load_settings
from linkpilot.engine.actions import ActionManager, Entry, MessageTarget, SendStatus
from linkpilot.engine.browser import BrowserSession
from linkpilot.engine.browser.processes import browser_pid, pss_kib
from linkpilot.engine.campaigns.runner import RECYCLE_PAGE_EVERY
from linkpilot.engine.selectors import SelectorEngine, SelectorScores
from linkpilot.engine.session.cookies import Cookie
from linkpilot.sandbox import Person, SandboxConfig, start_sandbox

TARGET_RATIO = 1.5
TARGET_PSS_MB = 400.0
WARMUP = 2
TYPE_ARG = re.compile(rb"--type=([\w-]+)")


def process_tree(root: int) -> list[int]:
    """`root` and every process descended from it (renderers, GPU, utility, zygotes)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces or parentheses: fields resume after the last ")".
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = [root], [root]
    while frontier:
        children = [pid for pid, ppid in parents.items() if ppid in frontier]
        tree.extend(children)
        frontier = children
    return sorted(tree)


async def raw_send(page: Page, origin: str, slug: str, text: str) -> None:
    """What a script with hard-coded selectors does: no checks beyond waiting for the bubble."""
    await page.goto(f"{origin}/in/{slug}/", wait_until="load")
    await page.locator("section.pv-top-card button.pvs-profile-actions__action").first.click()
    dialog = page.locator("aside.msg-overlay-conversation-bubble div[role=dialog]").last
    await dialog.wait_for()
    await dialog.locator(".msg-form__contenteditable").last.fill(text)
    await dialog.locator("button.msg-form__send-button").click()
    await dialog.locator("li.msg-s-message-list__event").filter(has_text=text).wait_for()
    await dialog.locator("button.msg-overlay-bubble-header__control").click()
    await dialog.wait_for(state="detached")


async def ours_send(actions: ActionManager, person: Person, text: str) -> None:
    outcome = await actions.send_message(MessageTarget(person.slug, person.full_name, Entry.PROFILE), text)
    if outcome.status is not SendStatus.SENT:
        raise RuntimeError(f"send_message to {person.slug}: {outcome.status} {outcome.detail}")


async def measure(args: argparse.Namespace) -> bool:
    config = SandboxConfig(
        seed=args.seed, today=dt.date(2026, 3, 18), language=args.language, markup=args.markup
    )
    site = await start_sandbox(config)
    friends = [p for p in site.state.world.people if p.degree == 1]
    with tempfile.TemporaryDirectory(prefix="linkpilot-bench-") as tmp:
        settings = load_settings({}, home=Path(tmp), linkedin_url=site.url, pacing="fast")
        cookie = Cookie("li_at", config.li_at, ".www.linkedin.com", "/", None, http_only=True, secure=True,
                        same_site="None")  # fmt: skip
        try:
            async with BrowserSession(settings, cookies=[cookie]) as browser:
                page = await browser.page()
                await page.goto(f"{site.url}/feed/", wait_until="load")
                root = browser_pid(browser.user_data_dir)
                if root is None:
                    print("FAIL: the browser process was not found")
                    return False
                start_pss_mb = pss_kib(process_tree(root)) / 1024
                actions = ActionManager(page, SelectorEngine(SelectorScores()), site.url)
                ours: list[float] = []
                raw: list[float] = []
                peaks: list[float] = []
                total = args.messages + WARMUP
                for i in range(total):
                    # As the campaign runner does: a fresh page every RECYCLE_PAGE_EVERY sends
                    # (two per round here), the renderer's growth given back each time.
                    if i and (2 * i) % RECYCLE_PAGE_EVERY == 0:
                        peaks.append(pss_kib(process_tree(root)) / 1024)
                        page = await browser.fresh_page()
                        actions.ctx.page = page
                    person = friends[i % len(friends)]
                    # Alternate which goes first so drift in the box's load hits both alike.
                    order = ("ours", "raw") if i % 2 == 0 else ("raw", "ours")
                    for which in order:
                        text = f"bench {which} {i} for {person.first_name}"
                        start = time.perf_counter()
                        if which == "ours":
                            await ours_send(actions, person, text)
                        else:
                            if args.markup != "classic":
                                raise SystemExit(
                                    "the raw baseline's hard-coded selectors need --markup classic"
                                )
                            await raw_send(page, site.url, person.slug, text)
                        elapsed = time.perf_counter() - start
                        if i >= WARMUP:
                            (ours if which == "ours" else raw).append(elapsed)
                landed = len(site.state.record.messages)
                if landed != 2 * total:
                    print(f"FAIL: {landed} messages landed, expected {2 * total}")
                    return False
                await page.goto(f"{site.url}/feed/", wait_until="load")
                pages = [p for p in browser.context.pages if not p.is_closed()]
                pids = process_tree(root)
                pss_mb = max([pss_kib(pids) / 1024, *peaks])
                if args.verbose:
                    for pid in pids:
                        found = TYPE_ARG.search(
                            (Path("/proc") / str(pid) / "cmdline").read_bytes()
                        )  # alive: just listed
                        kind = found.group(1).decode() if found else "browser"
                        print(f"  pid {pid} {kind:<16} {pss_kib([pid]) / 1024:6.0f} MB")
                # And once more at the end: what a fresh page costs after all of it.
                fresh = await browser.fresh_page()
                await fresh.goto(f"{site.url}/feed/", wait_until="load")
                recycled_mb = pss_kib(process_tree(root)) / 1024
        finally:
            await site.stop()
    ours_med, raw_med = statistics.median(ours), statistics.median(raw)
    ratio = ours_med / raw_med
    # Each round times both back to back, so the box's load drifts little within a pair.
    pair_ratio = statistics.median(o / r for o, r in zip(ours, raw, strict=True))
    print(
        f"markup {args.markup}, language {args.language}, {args.messages} messages each (+{WARMUP} warm-up)"
    )
    print(
        f"ours      median {ours_med * 1000:7.1f} ms  mean {statistics.mean(ours) * 1000:7.1f} ms"
        f"  p90 {sorted(ours)[int(0.9 * (len(ours) - 1))] * 1000:7.1f} ms"
    )
    print(
        f"baseline  median {raw_med * 1000:7.1f} ms  mean {statistics.mean(raw) * 1000:7.1f} ms"
        f"  p90 {sorted(raw)[int(0.9 * (len(raw) - 1))] * 1000:7.1f} ms"
    )
    print(f"ratio (ours / baseline, medians): {ratio:.2f}x; median of per-round ratios: {pair_ratio:.2f}x")
    print(
        f"browser memory: {len(pids)} Chromium processes, {len(pages)} page open,"
        f" PSS {start_pss_mb:.0f} MB before the run, {pss_mb:.0f} MB at most during it"
        f" (sampled before each of the {len(peaks)} page recycles, every {RECYCLE_PAGE_EVERY} sends, and at the end),"
        f" {recycled_mb:.0f} MB once the page is replaced by a fresh one"
    )
    ok_ratio = ratio <= TARGET_RATIO
    ok_pss = pss_mb <= TARGET_PSS_MB
    print(f"{'PASS' if ok_ratio else 'FAIL'}: engine overhead at most {TARGET_RATIO}x ({ratio:.2f}x)")
    print(
        f"{'PASS' if ok_pss else 'FAIL'}: browser PSS during the run at most {TARGET_PSS_MB:.0f} MB ({pss_mb:.0f} MB)"
    )
    return ok_ratio and ok_pss


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--messages", type=int, default=20, help="timed messages for each side")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--language", choices=("en", "fr"), default="en")
    parser.add_argument("--markup", choices=("classic",), default="classic")
    parser.add_argument("--verbose", action="store_true", help="print each Chromium process's PSS")
    args = parser.parse_args(argv)
    if args.messages < 1:
        parser.error("--messages must be at least 1")
    print(
        f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f};"
        f" Python {platform.python_version()}"
    )
    ok = asyncio.run(measure(args))
    print(f"load average after the run: {os.getloadavg()[0]:.2f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
