"""Finding the system Chromium and the flags it always runs with.

Playwright's own browser download is never required: LinkPilot drives Debian's Chromium.
"""

from __future__ import annotations

import os
import shutil
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


def launch_args(origin: str) -> list[str]:
    host = urlsplit(origin).hostname or "localhost"
    rules = f"MAP * ~NOTFOUND , EXCLUDE {host} , EXCLUDE localhost , EXCLUDE 127.0.0.1"
    args = [*BASE_ARGS, f"--host-resolver-rules={rules}"]
    if os.geteuid() == 0:
        # Chromium refuses to start its sandbox as root (containers, CI); the origin guard and
        # the resolver rules are what keep it contained there.
        args.append("--no-sandbox")
    return args
