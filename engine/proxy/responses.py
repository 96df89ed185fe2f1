"""An ASGI response that runs the whole forwarding job while watching the client connection.

Starlette only notices a vanished client when a write fails. An agent that gives up on a long
generation must cancel the upstream call at once (the provider bills until it stops), so the job
runs in a task group beside a listener for `http.disconnect`; whichever ends first cancels the
other, and the job's `finally` blocks close the upstream response.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

import anyio
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

Job = Callable[[Send], Awaitable[None]]


class WatchedResponse(Response):
    """Not a body but a job; Response.__init__ (which renders a body) is deliberately skipped."""

    def __init__(self, job: Job):
        self.job = job
        self.background = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        failure: BaseException | None = None
        async with anyio.create_task_group() as group:

            async def run() -> None:
                nonlocal failure
                try:
                    await self.job(send)
                except Exception as err:  # re-raised below, outside the task group
                    failure = err
                finally:
                    group.cancel_scope.cancel()

            group.start_soon(run)
            await _wait_for_disconnect(receive)
            group.cancel_scope.cancel()
        if failure is not None:
            raise failure


async def _wait_for_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def send_start(send: Send, status: int, headers: Iterable[tuple[str, str]]) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers]})


async def send_body(send: Send, chunk: bytes, more: bool = True) -> None:
    await send({"type": "http.response.body", "body": chunk, "more_body": more})


async def send_whole(send: Send, status: int, headers: Iterable[tuple[str, str]],
                     body: bytes) -> None:
    headers = [*headers, ("content-length", str(len(body)))]
    await send_start(send, status, headers)
    await send_body(send, body, more=False)
