"""`linkpilot health`: the probe a container runs (exit 0 healthy, 1 not)."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import click

from linkpilot.cli.common import settings_from_env
from linkpilot.common.errors import BadInput, ExitCode


@click.command()
@click.option("--url", help="Sidecar base URL (default: from health_host and health_port).")
@click.option("--ready", "check_ready", is_flag=True, help="Ask /ready (every check) instead of /health.")
@click.option("--timeout", default=3.0, show_default=True, type=click.FloatRange(0.1, 60))
def health(url: str | None, check_ready: bool, timeout: float) -> int:
    """Ask the running LinkPilot's health sidecar whether it is alive (or ready)."""
    if url is None:
        settings = settings_from_env()
        url = f"http://{settings.health_host}:{settings.health_port}"
    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or parts.port > 0  # reading .port checks it is a number
    except ValueError:  # "http://[x", "http://host:abc"
        port_ok = False
    if not port_ok or parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadInput(f"--url: not an http(s) URL: {url!r}")
    target = url.rstrip("/") + ("/ready" if check_ready else "/health")
    try:
        with urllib.request.urlopen(target, timeout=timeout) as response:  # noqa: S310 (scheme checked above)
            body = response.read().decode("utf-8", "replace")
            status = response.status
    except urllib.error.HTTPError as exc:
        body = exc.read().decode("utf-8", "replace")
        status = exc.code
    except (http.client.InvalidURL, UnicodeError):  # a space, control or non-ASCII character
        raise BadInput(f"--url: not a usable URL: {url!r}") from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        reason = getattr(exc, "reason", exc)
        click.echo(f"unhealthy: {target} did not answer ({reason})", err=True)
        return ExitCode.FAILURE
    if status == 200:
        click.echo(f"healthy: {target}")
        return ExitCode.OK
    failing = ""
    try:
        checks = json.loads(body).get("checks", {})
        failing = ", ".join(sorted(name for name, c in checks.items() if not c.get("ok")))
    except (ValueError, AttributeError):
        pass
    click.echo(
        f"unhealthy: {target} answered {status}" + (f" (failing: {failing})" if failing else ""), err=True
    )
    return ExitCode.FAILURE
