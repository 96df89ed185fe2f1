"""Background work for the GUI: callables run on a thread pool and their results come back on the
GUI thread through one queued signal. Each job belongs to a channel; only the newest job of a
channel may deliver, so a slow query for an old filter never overwrites a newer answer."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[str], None]


@dataclass
class _Outcome:
    channel: str
    generation: int
    result: Any = None
    error: str | None = None


class Runner(QObject):
    """Runs reads off the GUI thread; `synchronous=True` runs inline (for model tests)."""

    _delivered = Signal(object)

    def __init__(self, parent: QObject | None = None, *, max_threads: int = 2,
                 synchronous: bool = False) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._synchronous = synchronous
        self._generations: dict[str, int] = {}
        self._callbacks: dict[tuple[str, int], tuple[Done, Failed | None]] = {}
        self._delivered.connect(self._deliver)

    def submit(self, channel: str, job: Callable[[], Any], on_done: Done,
               on_error: Failed | None = None) -> None:
        generation = self._generations.get(channel, 0) + 1
        self._generations[channel] = generation
        self._callbacks = {k: v for k, v in self._callbacks.items() if k[0] != channel}
        self._callbacks[(channel, generation)] = (on_done, on_error)
        if self._synchronous:
            self._deliver(_run(channel, generation, job))
        else:
            self._pool.start(lambda: self._delivered.emit(_run(channel, generation, job)))

    def cancel(self, channel: str) -> None:
        """Forget a channel's pending job: its result, when it comes, is dropped."""
        self._generations[channel] = self._generations.get(channel, 0) + 1
        self._callbacks = {k: v for k, v in self._callbacks.items() if k[0] != channel}

    def wait(self, msecs: int = 5000) -> bool:
        return bool(self._pool.waitForDone(msecs))

    def busy(self) -> bool:
        return bool(self._callbacks)

    @Slot(object)
    def _deliver(self, outcome: _Outcome) -> None:
        callbacks = self._callbacks.pop((outcome.channel, outcome.generation), None)
        if callbacks is None:
            return
        on_done, on_error = callbacks
        if outcome.error is None:
            on_done(outcome.result)
        elif on_error is not None:
            on_error(outcome.error)
        else:
            log.warning("background job %s failed: %s", outcome.channel, outcome.error)


def _run(channel: str, generation: int, job: Callable[[], Any]) -> _Outcome:
    """The single error boundary of background reads: a failed query becomes a message."""
    try:
        return _Outcome(channel, generation, result=job())
    except Exception as err:
        log.exception("background job %s failed", channel)
        return _Outcome(channel, generation, error=f"{type(err).__name__}: {err}")
