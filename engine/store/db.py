"""SQLAlchemy engines over one SQLite file: a writer (WAL, BEGIN IMMEDIATE so writers queue on
the busy timeout instead of deadlocking) and a read-only reader whose pooled connections may be
used from any thread, one thread at a time.

pysqlite's own transaction handling is switched off (`isolation_level = None`) and BEGIN is
emitted on SQLAlchemy's begin event, so DDL in migrations is transactional too."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool

BUSY_TIMEOUT_MS = 10_000


class StoreError(RuntimeError):
    """The database cannot be opened or used; the message says which file and why."""


def _check_fts5(connection: sqlite3.Connection) -> None:
    options = {row[0] for row in connection.execute("PRAGMA compile_options")}
    if "ENABLE_FTS5" not in options:
        raise StoreError("this Python's SQLite lacks FTS5, which the store needs for search")


def _engine(path: Path, read_only: bool, begin: str) -> Engine:
    uri = path.resolve().as_uri() + ("?mode=ro" if read_only else "")

    def connect() -> sqlite3.Connection:
        connection = sqlite3.connect(uri, uri=True, check_same_thread=False,
                                     timeout=BUSY_TIMEOUT_MS / 1000)
        connection.isolation_level = None
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not read_only:
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
        return connection

    engine = create_engine("sqlite://", creator=connect, poolclass=QueuePool,
                           pool_size=4, max_overflow=8)

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql(begin)

    return engine


def write_engine(path: Path) -> Engine:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(path)) as probe:
            _check_fts5(probe)
    except (OSError, sqlite3.Error) as err:
        raise StoreError(f"cannot open the store at {path}: {err}") from err
    return _engine(path, read_only=False, begin="BEGIN IMMEDIATE")


def read_engine(path: Path) -> Engine:
    return _engine(path, read_only=True, begin="BEGIN")
