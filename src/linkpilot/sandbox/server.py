"""Running the practice site in-process (async tests) or as a process (CLI, demo)."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from linkpilot.sandbox.app import STATE_KEY, create_app
from linkpilot.sandbox.config import SandboxConfig
from linkpilot.sandbox.state import SandboxState


@dataclass
class RunningSandbox:
    url: str
    port: int
    state: SandboxState
    runner: web.AppRunner

    async def stop(self) -> None:
        await self.runner.cleanup()


async def start_sandbox(config: SandboxConfig, host: str = "127.0.0.1", port: int = 0) -> RunningSandbox:
    """Serve the site on ``host:port`` (0 picks a free port) until ``stop()``."""
    app = create_app(config)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = int(runner.addresses[0][1])
    url_host = f"[{host}]" if ":" in host else host
    return RunningSandbox(url=f"http://{url_host}:{bound}", port=bound, state=app[STATE_KEY], runner=runner)
