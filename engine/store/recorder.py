"""The background writer: callers hand records to a bounded queue and return at once; one thread
drains the queue in batches, writes each batch in one transaction and then reports the committed
exchange ids. A full queue drops the record and counts it (`dropped`) instead of blocking.

Recording an exchange id again replaces the earlier version (its decisions, tools and body)."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, insert, text

from engine.config import BodyStorage
from engine.conversation import Exchange, RetrievalEvent
from engine.store.models import BodyRow, DecisionRow, ExchangeRow, ExchangeToolRow
from engine.store.rows import ExchangeRows, retrieval_row, rows_for

log = logging.getLogger(__name__)

_UPSERT_RETRIEVAL = text(
    "INSERT INTO retrievals (created_at, key, query, hit, items_returned, exchange_id, tool_name)"
    " VALUES (:created_at, :key, :query, :hit, :items_returned, :exchange_id, :tool_name)"
    " ON CONFLICT (key, created_at) DO UPDATE SET"
    " exchange_id = COALESCE(retrievals.exchange_id, excluded.exchange_id),"
    " tool_name = COALESCE(retrievals.tool_name, excluded.tool_name)"
)
_INDEX_TEXT = text(
    "INSERT INTO body_search (rowid, text) SELECT seq, :text FROM exchanges WHERE id = :id"
)
_CHILD_TABLES = ("decisions", "exchange_tools", "bodies")


@dataclass
class _Job:
    record: Exchange | RetrievalEvent
    storage: BodyStorage


class _Flush:
    def __init__(self) -> None:
        self.done = threading.Event()


_STOP = object()
_Item = _Job | _Flush | object


def _replace_existing(conn: Connection, ids: list[str]) -> None:
    marks = ",".join("?" * len(ids))
    found = conn.exec_driver_sql(f"SELECT id FROM exchanges WHERE id IN ({marks})", tuple(ids))
    for (existing,) in found.all():
        for table in _CHILD_TABLES:
            conn.exec_driver_sql(f"DELETE FROM {table} WHERE exchange_id = ?", (existing,))


def _write_exchanges(conn: Connection, batch: list[ExchangeRows]) -> None:
    ids = [rows.exchange["id"] for rows in batch]
    for start in range(0, len(ids), 500):
        _replace_existing(conn, ids[start:start + 500])
    conn.execute(insert(ExchangeRow).prefix_with("OR REPLACE"), [r.exchange for r in batch])
    tools = [tool for r in batch for tool in r.tools]
    decisions = [d for r in batch for d in r.decisions]
    body_rows = [r.body for r in batch if r.body is not None]
    retrievals = [ev for r in batch for ev in r.retrievals]
    if tools:
        conn.execute(insert(ExchangeToolRow).prefix_with("OR IGNORE"), tools)
    if decisions:
        conn.execute(insert(DecisionRow), decisions)
    if body_rows:
        conn.execute(insert(BodyRow), body_rows)
    if retrievals:
        conn.execute(_UPSERT_RETRIEVAL, retrievals)
    conn.execute(_INDEX_TEXT, [{"text": r.search_text, "id": r.exchange["id"]} for r in batch])


class Recorder:
    """Owns the writer thread. `notify` gets the ids of each committed batch's exchanges."""

    def __init__(self, engine: Engine, notify: Callable[[list[str]], None],
                 queue_size: int = 10_000, batch_size: int = 256) -> None:
        self._engine = engine
        self._notify = notify
        self._queue: queue.Queue[_Item] = queue.Queue(maxsize=queue_size)
        self._batch_size = batch_size
        self._lock = threading.Lock()
        self.dropped = 0
        self.write_errors = 0
        self._thread = threading.Thread(target=self._run, name="headroom-recorder", daemon=True)
        self._thread.start()

    def submit(self, record: Exchange | RetrievalEvent, storage: BodyStorage) -> bool:
        if not self._thread.is_alive():
            return self._count_drop()
        try:
            self._queue.put_nowait(_Job(record, storage))
        except queue.Full:
            return self._count_drop()
        return True

    def _count_drop(self) -> bool:
        with self._lock:
            self.dropped += 1
        return False

    def flush(self, timeout: float) -> bool:
        """Wait until everything submitted before this call is committed (or timeout)."""
        marker = _Flush()
        try:
            self._queue.put(marker, timeout=timeout)
        except queue.Full:
            return False
        return marker.done.wait(timeout)

    def stop(self, timeout: float) -> bool:
        if self._thread.is_alive():
            try:
                self._queue.put(_STOP, timeout=timeout)
            except queue.Full:
                return False
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            while len(batch) < self._batch_size:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            jobs = [item for item in batch if isinstance(item, _Job)]
            if jobs:
                self._notify(self._write(jobs))
            for item in batch:
                if isinstance(item, _Flush):
                    item.done.set()
            if any(item is _STOP for item in batch):
                return

    def _write(self, jobs: list[_Job]) -> list[str]:
        """Write a batch in one transaction; if that fails, job by job so one bad record
        costs only itself. Returns the committed exchange ids."""
        try:
            return self._commit(jobs)
        except Exception:
            log.exception("batch write failed; retrying %d records one by one", len(jobs))
        committed: list[str] = []
        for job in jobs:
            try:
                committed += self._commit([job])
            except Exception:
                log.exception("could not record %s", type(job.record).__name__)
                with self._lock:
                    self.write_errors += 1
        return committed

    def _commit(self, jobs: list[_Job]) -> list[str]:
        latest = {j.record.id: j for j in jobs if isinstance(j.record, Exchange)}
        exchanges = [rows_for(j.record, j.storage) for j in latest.values()
                     if isinstance(j.record, Exchange)]
        events = [retrieval_row(j.record) for j in jobs if isinstance(j.record, RetrievalEvent)]
        with self._engine.begin() as conn:
            if exchanges:
                _write_exchanges(conn, exchanges)
            if events:
                conn.execute(_UPSERT_RETRIEVAL, events)
        return [rows.exchange["id"] for rows in exchanges]
