"""The SQLite store: every exchange, decision, body, retrieval and tool mode. `Store` writes
(through a background recorder); `engine.store.queries` reads for the GUI and the CLI."""

from engine.store.db import StoreError
from engine.store.store import Store

__all__ = ["Store", "StoreError"]
