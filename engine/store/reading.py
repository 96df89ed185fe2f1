"""What the read-only query functions need: something with a read-only engine (a `Store`, or a
`Reader` opened on a database file by a headless command), plus small SQL helpers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Engine, text

from engine.store.db import StoreError, read_engine


class ReadSource(Protocol):
    @property
    def read_engine(self) -> Engine: ...


class Reader:
    """Read-only access to an existing store file, without a recorder (e.g. `headroom stats`
    while the desktop app keeps writing)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise StoreError(f"no store at {self.path}")
        self._engine = read_engine(self.path)

    @property
    def read_engine(self) -> Engine:
        return self._engine

    def close(self) -> None:
        self._engine.dispose()


def fetch(source: ReadSource, sql: str, params: Mapping[str, Any] | None = None
          ) -> Sequence[Any]:
    """All rows (SQLAlchemy Rows: tuples with attribute access by column name)."""
    with source.read_engine.connect() as conn:
        return conn.execute(text(sql), dict(params or {})).all()


def fetch_value(source: ReadSource, sql: str, params: Mapping[str, Any] | None = None) -> Any:
    rows = fetch(source, sql, params)
    return rows[0][0] if rows else None
