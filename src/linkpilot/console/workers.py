"""The one way the console runs background work: never quitting the app when it fails."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from textual.dom import DOMNode
from textual.message import Message
from textual.worker import Worker

Job = Callable[[], Coroutine[Any, Any, None]]


class WorkFailed(Message):
    """A background job raised: posted to the app, whose one handler shows it."""

    def __init__(self, what: str, error: Exception) -> None:
        super().__init__()
        self.what = what
        self.error = error


def run_guarded(node: DOMNode, job: Job, *, name: str, group: str, exclusive: bool = False) -> Worker[None]:
    """Run `job` in a worker of `node`; a failure is posted to the app as `WorkFailed`.

    The coroutine is only created when the worker starts, so an exclusive worker cancelled
    before it ran leaves no coroutine un-awaited.
    """
    app = node.app

    async def guarded() -> None:
        try:
            await job()
        except Exception as exc:
            app.post_message(WorkFailed(name, exc))

    return node.run_worker(guarded, name=name, group=group, exclusive=exclusive, exit_on_error=False)
