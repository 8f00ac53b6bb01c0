"""The one way the console runs background work: never quitting the app when it fails."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, cast

from textual.dom import DOMNode
from textual.worker import Worker

Job = Callable[[], Coroutine[Any, Any, None]]


def run_guarded(node: DOMNode, job: Job, *, name: str, group: str, exclusive: bool = False) -> Worker[None]:
    """Run `job` in a worker of `node`.

    exit_on_error=False: a failure reaches ConsoleApp.on_worker_state_changed, which shows it.
    The coroutine is only created when the worker starts, so an exclusive worker cancelled
    before it ran leaves no coroutine un-awaited.
    """
    work = cast("Callable[[], Coroutine[None, None, None]]", job)
    return node.run_worker(work, name=name, group=group, exclusive=exclusive, exit_on_error=False)
