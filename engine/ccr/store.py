"""The durable compress-cache-retrieve store: originals kept before any lossy output is sent.

Entries live in their own SQLite file (settings.ccr_path) so they survive restarts, and their
items (JSON array items, log lines, code symbols...) are stored one row each, so a retrieval can
return a page or just the items that match a query instead of the whole original again.
Eviction is LRU by total stored bytes; expiry is a sliding TTL (counted from the last put or
hit), so an entry an agent keeps using stays alive. A miss answers with a terminal, actionable
message: the model must re-run its tool rather than retry the retrieval forever.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from engine.compressors.base import CCREntry
from engine.conversation import RetrievalEvent
from engine.relevance import BM25Scorer, tokenize

EventSink = Callable[[RetrievalEvent], None]
_MAX_RANKED = 5000

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS entries (
        key TEXT PRIMARY KEY, content_type TEXT NOT NULL, tool_name TEXT,
        original TEXT NOT NULL, n_items INTEGER NOT NULL, size INTEGER NOT NULL,
        created_at REAL NOT NULL, last_access REAL NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS items (
        key TEXT NOT NULL, idx INTEGER NOT NULL, text TEXT NOT NULL,
        PRIMARY KEY (key, idx)) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS entries_lru ON entries (last_access)",
)


@dataclass(frozen=True)
class RetrievalResult:
    hit: bool
    text: str
    items_returned: int
    total_items: int


def miss_text(key: str) -> str:
    return (f"[headroom_retrieve: key {key} is expired or unknown, so its original is no longer "
            "stored. Re-run the tool that produced it to see the output again; do not call "
            "headroom_retrieve for this key again.]")


def _entry_size(entry: CCREntry) -> int:
    return len(entry.original.encode("utf-8", "surrogatepass")) + sum(
        len(item.encode("utf-8", "surrogatepass")) for item in entry.items)


class CCRStore:
    """Thread-safe: one connection guarded by a lock (SQLite work here is short)."""

    def __init__(self, path: str | Path, ttl_seconds: int, max_bytes: int,
                 clock: Callable[[], float] = time.time, on_event: EventSink | None = None):
        self.path = Path(path)
        self.ttl_seconds = ttl_seconds
        self.max_bytes = max_bytes
        self.on_event = on_event
        self._clock = clock
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        for statement in _SCHEMA:
            self._db.execute(statement)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def put(self, entry: CCREntry) -> str:
        """Store (or refresh) an entry; evicts least-recently-used entries beyond max_bytes."""
        now = self._clock()
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            if self._live_with_same_items(entry, now):
                self._db.execute("UPDATE entries SET last_access=? WHERE key=?", (now, entry.key))
            else:
                self._insert(entry, now)
            self._evict(keep=entry.key)
        return entry.key

    def contains(self, key: str) -> bool:
        """Whether `key` can be redeemed right now (no event: this is not a retrieval)."""
        with self._lock:
            return self._live(key, self._clock())

    def get(self, key: str, query: str | None = None, offset: int = 0,
            limit: int = 20, tool_name: str | None = None,
            exchange_id: str | None = None) -> RetrievalResult:
        """A page (no query) or the best items matching `query`; a miss is terminal text.
        `tool_name` and `exchange_id` only label the RetrievalEvent."""
        with self._lock:
            result = self._get(key, query, max(offset, 0), max(limit, 1))
        if self.on_event is not None:
            self.on_event(RetrievalEvent(key=key, query=query, hit=result.hit,
                                         items_returned=result.items_returned,
                                         exchange_id=exchange_id, tool_name=tool_name))
        return result

    def total_bytes(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COALESCE(SUM(size), 0) FROM entries")
                       .fetchone()[0])

    def _live(self, key: str, now: float) -> bool:
        row = self._db.execute("SELECT last_access FROM entries WHERE key=?", (key,)).fetchone()
        return row is not None and now - float(row[0]) <= self.ttl_seconds

    def _live_with_same_items(self, entry: CCREntry, now: float) -> bool:
        """Keys hash the content only, but the same content may be itemised differently (a
        file split into paragraphs by one compressor, into symbols by another): the items of
        the latest put are the ones its marker promises, so a different itemisation replaces."""
        row = self._db.execute("SELECT last_access, content_type, n_items FROM entries "
                               "WHERE key=?", (entry.key,)).fetchone()
        return (row is not None and now - float(row[0]) <= self.ttl_seconds
                and row[1] == entry.content_type and int(row[2]) == len(entry.items))

    def _insert(self, entry: CCREntry, now: float) -> None:
        self._db.execute("DELETE FROM items WHERE key=?", (entry.key,))
        self._db.execute(
            "INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (entry.key, entry.content_type, entry.tool_name, entry.original, len(entry.items),
             _entry_size(entry), now, now))
        self._db.executemany("INSERT INTO items VALUES (?, ?, ?)",
                             ((entry.key, i, text) for i, text in enumerate(entry.items)))

    def _evict(self, keep: str) -> None:
        """Drop expired entries, then least-recently-used ones until under max_bytes."""
        self._delete([r[0] for r in self._db.execute(
            "SELECT key FROM entries WHERE last_access < ?", (self._clock() - self.ttl_seconds,))])
        total = int(self._db.execute("SELECT COALESCE(SUM(size), 0) FROM entries").fetchone()[0])
        victims: list[str] = []
        for key, size in self._db.execute(
                "SELECT key, size FROM entries WHERE key != ? ORDER BY last_access", (keep,)):
            if total <= self.max_bytes:
                break
            victims.append(str(key))
            total -= int(size)
        self._delete(victims)

    def _delete(self, keys: Sequence[str]) -> None:
        for key in keys:
            self._db.execute("DELETE FROM entries WHERE key=?", (key,))
            self._db.execute("DELETE FROM items WHERE key=?", (key,))

    def _get(self, key: str, query: str | None, offset: int, limit: int) -> RetrievalResult:
        now = self._clock()
        row = self._db.execute("SELECT original, n_items, last_access FROM entries WHERE key=?",
                               (key,)).fetchone()
        if row is None or now - float(row[2]) > self.ttl_seconds:
            return RetrievalResult(False, miss_text(key), 0, 0)
        self._db.execute("UPDATE entries SET last_access=? WHERE key=?", (now, key))
        original, n_items = str(row[0]), int(row[1])
        if n_items == 0:
            return RetrievalResult(True, f"[original of {key}, in full]\n{original}", 1, 1)
        if query and tokenize(query):
            items = [str(r[0]) for r in self._db.execute(
                "SELECT text FROM items WHERE key=? ORDER BY idx", (key,))]
            return _matching(key, items, query, limit)
        chosen = [str(r[0]) for r in self._db.execute(
            "SELECT text FROM items WHERE key=? AND idx>=? ORDER BY idx LIMIT ?",
            (key, offset, limit))]
        return _page(key, chosen, n_items, offset)


def _items(n: int) -> str:
    return f"{n:,} item" if n == 1 else f"{n:,} items"


def _page(key: str, chosen: list[str], total: int, offset: int) -> RetrievalResult:
    if not chosen:
        text = f"[no items from {offset + 1:,} on: key {key} holds {total:,} items]"
        return RetrievalResult(True, text, 0, total)
    last = offset + len(chosen)
    more = f"; next page: offset={last}" if last < total else ""
    header = f"[items {offset + 1:,}–{last:,} of {total:,} from key {key}{more}]"
    return RetrievalResult(True, "\n".join([header, *chosen]), len(chosen), total)


def _matching(key: str, items: list[str], query: str, limit: int) -> RetrievalResult:
    """Items sharing a selective term with the query, best BM25 first, in original order."""
    candidates = _candidates(items, set(tokenize(query)))
    total = len(items)
    if not candidates:
        text = (f"[no items matching {query!r} among {total:,} items of key {key}; "
                "call again without a query to page through them]")
        return RetrievalResult(True, text, 0, total)
    if len(candidates) > _MAX_RANKED:  # a common-word query: ranking would not tell them apart
        shown, which = candidates[:limit], "first"
    else:
        scores = BM25Scorer().scores(query, [items[i] for i in candidates])
        ranked = sorted(range(len(candidates)), key=lambda j: (-scores[j], j))[:limit]
        shown, which = sorted(candidates[j] for j in ranked), "best"
    of_matches = f" ({which} {len(shown):,} of {len(candidates):,} matches)" if (
        len(candidates) > len(shown)) else ""
    header = (f"[{_items(len(shown))} matching {query!r}{of_matches} from key {key}, "
              f"{total:,} items in all]")
    return RetrievalResult(True, "\n".join([header, *(items[i] for i in shown)]),
                           len(shown), total)


def _candidates(items: list[str], wanted: set[str]) -> list[int]:
    """Items holding a selective query term (one in at most half the items). A query made only
    of common terms (e.g. "INFO") matches every item holding one; a query whose specific terms
    occur nowhere matches nothing, rather than everything that shares a common word."""
    half = max(1, len(items) // 2)
    lowered = [item.lower() for item in items]
    # A term in at most half the items as a substring is in at most half as a token; only items
    # containing such a term need tokenizing, which is the slow part.
    rare = {t for t in wanted if sum(1 for low in lowered if t in low) <= half}
    holders = _holders(items, lowered, rare or wanted)
    if rare:
        return sorted({i for idx in holders.values() for i in idx})
    if len(holders) == len(wanted):
        return sorted({i for idx in holders.values() for i in idx})
    return []


def _holders(items: list[str], lowered: list[str], terms: set[str]) -> dict[str, list[int]]:
    """For each term, the items holding it as a token."""
    holders: dict[str, list[int]] = {}
    for i, low in enumerate(lowered):
        if any(term in low for term in terms):
            for term in terms.intersection(tokenize(items[i])):
                holders.setdefault(term, []).append(i)
    return holders
