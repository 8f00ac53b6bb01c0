"""Real receivers on loopback for Apprise: a JSON webhook, an SMTP server (aiosmtpd), and two
dead ones (a closed port, and a server that accepts and never answers)."""

from __future__ import annotations

import email
import email.policy
import http.server
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiosmtpd.controller import Controller

from tests.conftest import free_port


@dataclass(frozen=True)
class Received:
    title: str
    body: str
    kind: str  # the Apprise type: failure, success, info, warning


@dataclass
class _Inbox:
    items: list[Received] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def add(self, item: Received) -> None:
        with self.changed:
            self.items.append(item)
            self.changed.notify_all()

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Received]:
        """At least `count` messages, or AssertionError naming what did come."""
        with self.changed:
            ok = self.changed.wait_for(lambda: len(self.items) >= count, timeout)
            got = list(self.items)
        assert ok, f"expected {count} messages within {timeout} s, got {len(got)}: {[r.title for r in got]}"
        return got

    def titles(self) -> list[str]:
        with self.changed:
            return [r.title for r in self.items]


class JsonReceiver(_Inbox):
    """Apprise's `json://` target: records every POSTed message; can fail the next N with 500."""

    def __init__(self) -> None:
        super().__init__()
        self.fail_next = 0
        self.paths: list[str] = []
        inbox = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                data = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
                inbox.paths.append(self.path)
                if inbox.fail_next > 0:
                    inbox.fail_next -= 1
                    self.send_response(500)
                    self.end_headers()
                    return
                inbox.add(Received(data["title"], data["message"], data["type"]))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str = "hooks/owner-token-1234") -> str:
        return f"json://127.0.0.1:{self.port}/{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)


class SmtpReceiver(_Inbox):
    """A real SMTP server (aiosmtpd) on loopback; Apprise's `mailto://` delivers to it."""

    def __init__(self) -> None:
        super().__init__()
        inbox = self

        class Handler:
            async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
                msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
                part = msg.get_body(preferencelist=("plain",))
                body = part.get_content().strip() if part is not None else ""
                inbox.add(Received(str(msg["Subject"]), body, "mail"))
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def url(self) -> str:
        return (
            f"mailto://127.0.0.1:{self.port}?from=linkpilot@example.test&to=owner@example.test&mode=insecure"
        )

    def close(self) -> None:
        self.controller.stop()


class SilentReceiver:
    """Accepts connections and never answers: the worst receiver there is."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        self.sock.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.held.append(conn)

    def url(self) -> str:
        return f"json://127.0.0.1:{self.port}/silent"

    def close(self) -> None:
        self._stop.set()
        self.thread.join(10)
        for conn in self.held:
            conn.close()
        self.sock.close()


def closed_port_url() -> str:
    """Nothing listens there: every connection is refused at once."""
    return f"json://127.0.0.1:{free_port()}/closed"


def eventually(check: Callable[[], bool], timeout: float = 20.0) -> None:
    """Poll a condition the notifier's threads make true; bounded, no fixed sleep."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)
