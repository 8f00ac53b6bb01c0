"""The channels: one Apprise URL each, parsed once, delivered to in a thread of its own.

Apprise's `notify` is blocking network I/O (HTTP, SMTP) that may hang for as long as a receiver
lets it: it runs in a daemon thread, so neither the event loop nor the process's exit ever
waits for it. Apprise's own log lines can carry a URL's token; they are kept off LinkPilot's
log, and the reason a delivery failed is reported with every secret part of the URL masked.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar
from urllib.parse import parse_qsl, unquote, urlsplit

from linkpilot.common.errors import ConfigError
from linkpilot.storage.notifications import Channel

log = logging.getLogger(__name__)
T = TypeVar("T")

# Beyond this a delivery counts as failed (and is retried later); its thread may go on until
# Apprise's own socket timeouts end it, as a daemon that never holds the process.
DELIVERY_TIMEOUT_S = 30.0
# What Apprise is told about each message: a colour or an icon on most services.
Severity = Literal["failure", "success", "info", "warning"]

_capture = threading.local()


class _Collect(logging.Handler):
    """Apprise's warnings, kept per thread for the one delivery that thread runs."""

    def emit(self, record: logging.LogRecord) -> None:
        lines: list[str] | None = getattr(_capture, "lines", None)
        if lines is not None:
            lines.append(record.getMessage())


_apprise_ready = threading.Lock()
_apprise_module: Any = None


def _apprise() -> Any:
    """Apprise, imported on first use (it loads ~200 plugins: half a second on a laptop)."""
    global _apprise_module
    with _apprise_ready:
        if _apprise_module is None:
            import apprise

            logger = logging.getLogger("apprise")
            logger.propagate = False  # its lines may hold a token: never in linkpilot.log
            logger.setLevel(logging.WARNING)
            logger.addHandler(_Collect())
            # Apprise speaks HTTP through requests: urllib3 logs each request line, a webhook's
            # token in its path, at debug level.
            logging.getLogger("urllib3").setLevel(logging.WARNING)
            _apprise_module = apprise
    return _apprise_module


def _secret_parts(url: str) -> list[str]:
    """Every piece of the URL that may be a secret: user info, path segments, query values."""
    parts: list[str] = [url]
    try:
        split = urlsplit(url)
    except ValueError:
        return parts
    netloc = split.netloc
    if "@" in netloc:
        userinfo = netloc.rpartition("@")[0]
        parts += [userinfo, *userinfo.split(":")]
    else:
        # tgram://BOT_TOKEN/..., discord://WEBHOOK_ID/...: the "host" is the token.
        parts.append(netloc)
    parts += [seg for seg in split.path.split("/") if seg]
    parts += [value for _key, value in parse_qsl(split.query) if value]
    parts += [unquote(p) for p in list(parts)]
    # Longest first, so a token is masked whole before a piece of it is.
    return sorted({p for p in parts if len(p) >= 3}, key=len, reverse=True)


def scrub(text: str, url: str) -> str:
    for part in _secret_parts(url):
        text = text.replace(part, "****")
    return " ".join(text.split())


@dataclass(frozen=True)
class Target:
    """One channel: its position in `notify.urls`, a masked label, and Apprise's plugin."""

    number: int
    label: str
    fingerprint: str
    url: str = field(repr=False)
    plugin: Any = field(repr=False, compare=False)

    @property
    def stored(self) -> Channel:
        return Channel(self.fingerprint, self.label)

    def send(self, title: str, body: str, severity: Severity) -> tuple[bool, str | None]:
        """Deliver one message (blocking). (True, None) or (False, why), secrets masked."""
        apprise = _apprise()
        _capture.lines = []
        try:
            # A plugin of its own for each attempt: a hung attempt's thread may still hold the
            # last one, and Apprise's per-plugin throttle (5.5 s between two e-mails) is for
            # bursts LinkPilot never makes (one message per cause).
            plugin = apprise.Apprise.instantiate(self.url)
            ok = bool(plugin.notify(body=body, title=title, notify_type=apprise.NotifyType(severity)))
            lines: list[str] = _capture.lines
        except Exception as exc:  # a plugin's bug is one failed delivery, not a dead worker
            return False, scrub(f"{type(exc).__name__}: {exc}", self.url)
        finally:
            _capture.lines = None
        if ok:
            return True, None
        reason = lines[-1] if lines else "not delivered"
        return False, scrub(reason, self.url)[:300]


def label_of(plugin: Any, number: int) -> str:
    """`#2 json://127.0.0.1:8080/…`: scheme and host as Apprise shows them with secrets hidden."""
    shown = str(plugin.url(privacy=True))
    scheme, _, rest = shown.partition("://")
    host, slash, _tail = rest.partition("?")[0].partition("/")
    return f"#{number} {scheme}://{host}{'/…' if slash else ''}"


def parse_channels(urls: Sequence[str]) -> list[Target]:
    """Every URL through Apprise; one it cannot use is a bad setting (exit 2), never echoed."""
    apprise = _apprise()
    targets: list[Target] = []
    for number, url in enumerate(urls, start=1):
        plugin = apprise.Apprise.instantiate(url)
        if plugin is None:
            scheme = url.partition("://")[0]
            raise ConfigError(
                f"notify.urls: URL #{number} ({scheme}://…) is not one Apprise can use: "
                "check the scheme and the parts its service needs (docs/notifications.md)"
            )
        fingerprint = hashlib.sha256(url.encode()).hexdigest()[:32]
        targets.append(Target(number, label_of(plugin, number), fingerprint, url, plugin))
    return targets


async def in_daemon_thread(work: Callable[[], T], limit_s: float = DELIVERY_TIMEOUT_S) -> T:
    """`work()` in a daemon thread; TimeoutError after `limit_s` (the thread is left to end)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(result: T | None, error: BaseException | None) -> None:
        if future.done():
            return  # timed out meanwhile: nobody waits for this answer any more
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)  # type: ignore[arg-type]

    def run() -> None:
        try:
            outcome: tuple[T | None, BaseException | None] = (work(), None)
        except BaseException as exc:
            outcome = (None, exc)
        with contextlib.suppress(RuntimeError):  # the loop has closed
            loop.call_soon_threadsafe(settle, *outcome)

    threading.Thread(target=run, name="linkpilot-notify", daemon=True).start()
    return await asyncio.wait_for(future, limit_s)
