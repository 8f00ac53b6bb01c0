"""``python -m linkpilot.sandbox``: serve the practice site until SIGTERM or SIGINT."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import signal
import sys
from typing import NoReturn

from linkpilot.sandbox.config import LANGUAGES, MARKUPS, SandboxConfig, box_zone
from linkpilot.sandbox.server import start_sandbox


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, no usage dump: callers (the demo, crash tests) show it verbatim.
        # An argument is quoted as typed: a newline in it must not split the line.
        sys.stderr.write(f"linkpilot.sandbox: {' '.join(message.split())}\n")
        raise SystemExit(2)


def parse_args(argv: list[str] | None) -> tuple[str, int, SandboxConfig]:
    parser = _Parser(prog="python -m linkpilot.sandbox", description="LinkPilot practice site")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--today", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD (default: the clock's date)"
    )
    parser.add_argument("--timezone", default=None, help="the member's zone (default: this machine's)")
    parser.add_argument("--language", choices=LANGUAGES, default="en")
    parser.add_argument("--markup", choices=MARKUPS, default="classic")
    parser.add_argument(
        "--mutation-seed", type=int, default=0, help="which mutated markup (with --markup mutated)"
    )
    parser.add_argument("--people", type=int, default=60)
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error(f"argument --port: {args.port} is not a TCP port")
    try:
        config = SandboxConfig(
            seed=args.seed,
            today=args.today,
            timezone=args.timezone or box_zone(),
            language=args.language,
            markup=args.markup,
            mutation_seed=args.mutation_seed,
            people=args.people,
        )
    except ValueError as exc:
        parser.error(str(exc))
    return args.host, args.port, config


async def serve(host: str, port: int, config: SandboxConfig) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    running = await start_sandbox(config, host, port)
    sys.stdout.write(running.url + "\n")
    sys.stdout.flush()
    try:
        await stop.wait()
    finally:
        await running.stop()


def main(argv: list[str] | None = None) -> int:
    host, port, config = parse_args(argv)
    try:
        asyncio.run(serve(host, port, config))
    except OSError as exc:
        sys.stderr.write(f"linkpilot.sandbox: cannot serve on {host}:{port}: {exc.strerror or exc}\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
