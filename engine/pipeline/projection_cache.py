"""Invariant 5, "compress at birth, stable after": a block is transformed once.

The first time the router sees a block (keyed by a hash of the pipeline version, the tool name
and the block's text) it stores the projection: what it computed and what it sent. Every later
request carrying the same block gets the same bytes, even though the query context (latest user
text) has moved on, so the provider's prompt cache keeps hitting. The cache is SQLite in the
data dir, so it survives restarts.

Mode flips: the first decision for a block sticks. A block first sent unchanged (audit, off, or
no gain) stays unchanged after its tool is switched to optimize; a block first sent compressed
stays compressed after a switch to audit or off. Only blocks the model has not seen yet follow
the new mode. The one exception is correctness: a lossy projection whose CCR entry is gone is
recomputed, because a marker must stay redeemable (invariant 7).
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

_SCHEMA = """CREATE TABLE IF NOT EXISTS projections (
    key TEXT PRIMARY KEY, content_type TEXT NOT NULL, compressor TEXT, reason TEXT NOT NULL,
    text TEXT, lossy INTEGER NOT NULL, ccr_keys TEXT NOT NULL, sent_compressed INTEGER NOT NULL,
    first_mode TEXT NOT NULL, action TEXT NOT NULL, last_used REAL NOT NULL)"""


@dataclass(frozen=True)
class Projection:
    """What the router computed for a block the first time, and what it sent then.

    `text` is the compressed text (None when nothing better than the original was found);
    `sent_compressed` says whether that text went upstream the first time; `action` is the
    outcome of the computation (compressed, kept, failed, or skipped when the tool was off).
    """

    content_type: str
    compressor: str | None
    reason: str
    text: str | None
    lossy: bool
    ccr_keys: tuple[str, ...]
    sent_compressed: bool
    first_mode: str
    action: str


def projection_key(version: str, tool_name: str | None, content: str) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for part in (version, tool_name or "", content):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()


class ProjectionCache:
    """Thread-safe; first writer wins, so concurrent requests agree on one projection."""

    def __init__(self, path: str | Path, max_age_seconds: float,
                 clock: Callable[[], float] = time.time):
        self.path = Path(path)
        self._clock = clock
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)
        self._db.execute("DELETE FROM projections WHERE last_used < ?",
                         (self._clock() - max_age_seconds,))

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def get(self, key: str) -> Projection | None:
        with self._lock:
            row = self._db.execute(
                "SELECT content_type, compressor, reason, text, lossy, ccr_keys, "
                "sent_compressed, first_mode, action FROM projections WHERE key=?",
                (key,)).fetchone()
            if row is None:
                return None
            self._db.execute("UPDATE projections SET last_used=? WHERE key=?",
                             (self._clock(), key))
        return Projection(content_type=row[0], compressor=row[1], reason=row[2], text=row[3],
                          lossy=bool(row[4]), ccr_keys=tuple(k for k in row[5].split() if k),
                          sent_compressed=bool(row[6]), first_mode=row[7], action=row[8])

    def put_first(self, key: str, projection: Projection) -> Projection:
        """Store unless present; return whichever projection is stored (the first one)."""
        with self._lock:
            self._db.execute(
                "INSERT OR IGNORE INTO projections VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                self._row(key, projection))
        stored = self.get(key)
        return stored if stored is not None else projection

    def replace(self, key: str, projection: Projection) -> None:
        """Overwrite: only for a projection whose CCR entries are gone (see module doc)."""
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO projections VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                self._row(key, projection))

    def _row(self, key: str, p: Projection) -> tuple[object, ...]:
        return (key, p.content_type, p.compressor, p.reason, p.text, int(p.lossy),
                " ".join(p.ccr_keys), int(p.sent_compressed), p.first_mode, p.action,
                self._clock())
