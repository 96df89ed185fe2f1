"""One background thread that finishes exchanges after their clients got the answer: reading
usage from the response and handing the exchange to the store.

A worker-thread hop per request (anyio.to_thread) would wake the event loop again for a result
nobody awaits; a queue into a single thread costs the loop one `put()`. Tasks are gathered for
up to `linger_seconds` and run back to back, so the store's writer commits them in one
transaction instead of one per request (each commit competes with the event loop for the GIL).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable

from engine.conversation import Exchange

log = logging.getLogger(__name__)

# A task completes one exchange off the loop and returns it for recording (None: nothing to record).
Task = Callable[[], Exchange | None]


class Finisher:
    def __init__(self, record: Callable[[Exchange], object], linger_seconds: float = 0.05,
                 max_batch: int = 256) -> None:
        self._record = record
        self.linger_seconds = linger_seconds
        self.max_batch = max_batch
        self._queue: queue.SimpleQueue[Task | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def submit(self, task: Task) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._start()
        self._queue.put(task)

    def _start(self) -> None:
        """Started on first use (and again if the app is served again after a stop)."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="headroom-finisher",
                                                daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            batch = self._gather()
            done = [self._complete(task) for task in batch if task is not None]
            for exchange in done:
                if exchange is not None:
                    self._record(exchange)
            if None in batch:
                return

    @staticmethod
    def _complete(task: Task) -> Exchange | None:
        try:
            return task()
        except Exception:  # one unreadable response must not stop recording the others
            log.exception("finishing an exchange failed")
            return None

    def _gather(self) -> list[Task | None]:
        batch = [self._queue.get()]
        deadline = time.monotonic() + self.linger_seconds
        while batch[-1] is not None and len(batch) < self.max_batch:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                batch.append(self._queue.get(timeout=remaining))
            except queue.Empty:
                break
        return batch

    def close(self, timeout: float = 10.0) -> None:
        """Finish what is queued, then stop."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout)
            self._thread = None
