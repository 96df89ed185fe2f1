"""The store the proxy records into and the GUI reads from: one SQLite file in WAL mode,
migrated on open, written only by the background recorder (and by `set_tool_mode`, which the GUI
calls rarely), read through `engine.store.queries` on separate read-only connections.

Per-tool modes are cached in memory because the proxy looks one up for every tool result."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from sqlalchemy import Engine

from engine.config import BodyStorage, Mode
from engine.conversation import Exchange, RetrievalEvent
from engine.store.db import read_engine, write_engine
from engine.store.migrations import migrate
from engine.store.recorder import Recorder

log = logging.getLogger(__name__)

Listener = Callable[[str], None]


class Store:
    """Open with `Store.open(path, body_storage)`; close with `close()` (or use `with`)."""

    def __init__(self, path: Path, writer: Engine, body_storage: BodyStorage,
                 queue_size: int, batch_size: int) -> None:
        self.path = path
        self._writer = writer
        self._reader: Engine | None = None
        self._body_storage = BodyStorage(body_storage)
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()
        self._modes = self._load_modes()
        self._recorder = Recorder(writer, self._notify, queue_size, batch_size)
        self._closed = False

    @classmethod
    def open(cls, path: str | Path, body_storage: BodyStorage | str = BodyStorage.FULL, *,
             queue_size: int = 10_000, batch_size: int = 256) -> Store:
        """Create or migrate the database at `path` and start the recorder thread."""
        path = Path(path)
        writer = write_engine(path)
        migrate(writer)
        return cls(path, writer, BodyStorage(body_storage), queue_size, batch_size)

    # Recording --------------------------------------------------------------------------------

    def record(self, exchange: Exchange) -> bool:
        """Queue an exchange for writing; never blocks. False (and `dropped` + 1) when the queue
        is full. Do not mutate the exchange afterwards: it is serialized on the writer thread."""
        return self._recorder.submit(exchange, self._body_storage)

    def record_retrieval(self, event: RetrievalEvent) -> bool:
        return self._recorder.submit(event, self._body_storage)

    @property
    def body_storage(self) -> BodyStorage:
        return self._body_storage

    def set_body_storage(self, storage: BodyStorage | str) -> None:
        """Applies to exchanges recorded from now on; stored bodies are left as they are."""
        self._body_storage = BodyStorage(storage)

    @property
    def dropped(self) -> int:
        """Records dropped because the queue was full (or the store was closed)."""
        return self._recorder.dropped

    @property
    def write_errors(self) -> int:
        return self._recorder.write_errors

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything recorded so far is committed; False on timeout."""
        return self._recorder.flush(timeout)

    # Listeners --------------------------------------------------------------------------------

    def add_listener(self, callback: Listener) -> None:
        """`callback(exchange_id)` runs on the writer thread after each commit: keep it quick
        (the GUI turns it into a queued signal)."""
        with self._lock:
            self._listeners.append(callback)

    def remove_listener(self, callback: Listener) -> None:
        with self._lock:
            if callback in self._listeners:
                self._listeners.remove(callback)

    def _notify(self, exchange_ids: list[str]) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for callback in listeners:
            for exchange_id in exchange_ids:
                try:
                    callback(exchange_id)
                except Exception:
                    log.exception("store listener %r failed for %s", callback, exchange_id)

    # Tool modes -------------------------------------------------------------------------------

    def _load_modes(self) -> dict[str, Mode]:
        with self._writer.connect() as conn:
            rows = conn.exec_driver_sql("SELECT tool_name, mode FROM tool_policies").all()
        return {str(name): Mode(mode) for name, mode in rows}

    def tool_mode(self, tool_name: str) -> Mode | None:
        """The mode the user chose for this tool, or None (use the default). Implements
        engine.policy.ToolModes."""
        return self._modes.get(tool_name)

    def tool_modes(self) -> dict[str, Mode]:
        return dict(self._modes)

    def set_tool_mode(self, tool_name: str, mode: Mode | str | None) -> None:
        """Persist a tool's mode (None forgets it); the next tool_mode() lookup sees it."""
        with self._lock, self._writer.begin() as conn:
            if mode is None:
                conn.exec_driver_sql("DELETE FROM tool_policies WHERE tool_name = ?", (tool_name,))
                self._modes.pop(tool_name, None)
                return
            chosen = Mode(mode)
            conn.exec_driver_sql(
                "INSERT INTO tool_policies (tool_name, mode, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (tool_name) DO UPDATE SET mode = excluded.mode,"
                " updated_at = excluded.updated_at",
                (tool_name, chosen.value, time.time()),
            )
            self._modes[tool_name] = chosen

    # Reading and closing ----------------------------------------------------------------------

    @property
    def read_engine(self) -> Engine:
        """Read-only connections for engine.store.queries (created on first use)."""
        with self._lock:
            if self._reader is None:
                self._reader = read_engine(self.path)
            return self._reader

    def close(self, timeout: float = 10.0) -> None:
        """Write what is queued, stop the recorder and release the database."""
        if self._closed:
            return
        self._closed = True
        if not self._recorder.stop(timeout):
            log.warning("store recorder did not stop within %.1f s", timeout)
        if self._reader is not None:
            self._reader.dispose()
        self._writer.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
