"""`linkpilot health`: the probe a container runs (exit 0 healthy, 1 not)."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import click
import httpx

from linkpilot.common.errors import BadInput, ExitCode

# The settings alone, not the commands' shared helpers (linkpilot.cli.common): those load
# SQLAlchemy and Alembic, and this probe runs every 30 s under the image's HEALTHCHECK with a
# 5 s timeout, on a Pi.
from linkpilot.common.settings import load_settings


@click.command()
@click.option("--url", help="Sidecar base URL (default: from health_host and health_port).")
@click.option("--ready", "check_ready", is_flag=True, help="Ask /ready (every check) instead of /health.")
@click.option("--timeout", default=3.0, show_default=True, type=click.FloatRange(0.1, 60))
def health(url: str | None, check_ready: bool, timeout: float) -> int:
    """Ask the running LinkPilot's health sidecar whether it is alive (or ready)."""
    if url is None:
        settings = load_settings()
        url = f"http://{settings.health_host}:{settings.health_port}"
    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or parts.port > 0  # reading .port checks it is a number
    except ValueError:  # "http://[x", "http://host:abc"
        port_ok = False
    if not port_ok or parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadInput(f"--url: not an http(s) URL: {url!r}")
    target = url.rstrip("/") + ("/ready" if check_ready else "/health")
    if any(c.isspace() or not c.isprintable() or not c.isascii() for c in target):
        raise BadInput(f"--url: not a usable URL: {url!r}")
    try:
        # No proxy from the environment: the sidecar is asked directly, as a container's probe would.
        response = httpx.get(target, timeout=timeout, trust_env=False)
        body, status = response.text, response.status_code
    except (httpx.InvalidURL, httpx.UnsupportedProtocol, UnicodeError):
        raise BadInput(f"--url: not a usable URL: {url!r}") from None
    except httpx.HTTPError as exc:
        click.echo(f"unhealthy: {target} did not answer ({_reason(exc)})", err=True)
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


def _reason(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    text = " ".join(str(exc).split())
    return text or type(exc).__name__
