"""Finding the system Chromium and the flags it always runs with.

Playwright's own browser download is never required: LinkPilot drives Debian's Chromium.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from linkpilot.common.errors import BadInput

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

# What Playwright 1.65 switches off itself (its chromiumSwitches.ts), kept when ours are added;
# tests/engine/browser/test_context.py checks the launched browser still has every one of them.
PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
    "msForceBrowserSignIn",
    "msEdgeUpdateLaunchServicesPreferredVersion",
)
OWN_DISABLED_FEATURES = (
    "AutofillServerCommunication",
    "OptimizationHintsFetching",
    "OptimizationGuideModelDownloading",
    "Translate",
    "DialMediaRouteProvider",
    "InterestFeedContentSuggestions",
    "CertificateTransparencyComponentUpdater",
)

# Offline- and root-safe: no background traffic, no updates, and every host name but the
# configured site's resolves to nothing, so a stray request cannot leave the machine.
BASE_ARGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    "--disable-default-apps",
    "--disable-extensions",
    "--mute-audio",
    "--disable-dev-shm-usage",
    # Chromium reads only the last --disable-features it is given, and Playwright gives its own
    # first: repeating Playwright's list keeps its fixes, then ours switch off Chromium's own
    # calls home that the flags above leave on (autofill field types from
    # content-autofill.googleapis.com, page hints, translation, the media router): each would
    # be refused by the origin guard anyway, so they are never made.
    "--disable-features=" + ",".join((*PLAYWRIGHT_DISABLED_FEATURES, *OWN_DISABLED_FEATURES)),
    "--disable-client-side-phishing-detection",
    "--disable-domain-reliability",
    "--no-pings",
)


def find_chromium(configured: Path | None = None) -> Path:
    if configured is not None:
        if not configured.is_file() or not os.access(configured, os.X_OK):
            raise BadInput(f"chromium: {configured} is not an executable file")
        return configured
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return Path(found)
    raise BadInput("chromium: no Chromium found; install Debian's chromium or set LINKPILOT_CHROMIUM")


def browser_env(environ: Mapping[str, str] | None = None) -> dict[str, str | float | bool]:
    """The environment Chromium starts with: ours, without libfaketime.

    Under Debian's `faketime` (how the calendar tests move LinkPilot's clock), LD_PRELOAD would
    reach Chromium too; its many processes then start in over a minute instead of seconds and
    its JavaScript clock drifts from ours. Chromium's clock decides nothing here (LinkPilot
    and the site keep the time), so it runs on the real one.
    """
    env = dict(os.environ if environ is None else environ)
    kept = [lib for lib in re.split(r"[\s:]+", env.pop("LD_PRELOAD", "")) if lib and "faketime" not in lib]
    if kept:
        env["LD_PRELOAD"] = " ".join(kept)
    return {k: v for k, v in env.items() if not k.startswith(("FAKETIME", "DONT_FAKE"))}


def launch_args(origin: str) -> list[str]:
    host = urlsplit(origin).hostname or "localhost"
    rules = f"MAP * ~NOTFOUND , EXCLUDE {host} , EXCLUDE localhost , EXCLUDE 127.0.0.1"
    args = [*BASE_ARGS, f"--host-resolver-rules={rules}"]
    if os.geteuid() == 0:
        # Chromium refuses to start its sandbox as root (containers, CI); the origin guard and
        # the resolver rules are what keep it contained there.
        args.append("--no-sandbox")
    return args
