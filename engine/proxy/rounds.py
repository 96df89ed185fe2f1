"""Retrieval rounds remembered per conversation, so later turns re-insert them where they were.

The client never sees the proxy's `headroom_retrieve` calls, so when it resends its history the
retrieval exchange is missing. Without it the model forgets what it fetched and the provider's
prompt cache misses from that point on. Each round is stored under a hash chained over the
canonical JSON of every message before it (seeded with provider, model and system prompt); a
later request whose messages reproduce that prefix gets the round spliced back at the same
position, so the upstream prefix stays byte-identical turn after turn.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from engine.conversation import Provider
from engine.providers import Adapter, AssistantTurn, ToolCall, rawjson
from engine.proxy.shown_text import drop_shown_text

_SCHEMA = """CREATE TABLE IF NOT EXISTS rounds (
    prefix TEXT PRIMARY KEY, body BLOB NOT NULL, created_at REAL NOT NULL)"""


@dataclass(frozen=True)
class StoredRound:
    """One answered round. `shown`: the turn's text was streamed to the client, so the client's
    own next assistant message starts with it too."""

    turn: AssistantTurn
    results: tuple[tuple[str, str], ...]
    shown: bool = False

    def dumps(self) -> bytes:
        calls = [[c.id, c.name, c.arguments] for c in self.turn.tool_calls]
        return orjson.dumps({"text": self.turn.text, "calls": calls, "raw": self.turn.raw,
                             "results": [list(r) for r in self.results], "shown": self.shown})

    @classmethod
    def loads(cls, body: bytes) -> StoredRound:
        data = orjson.loads(body)
        turn = AssistantTurn(text=data["text"], raw=data["raw"],
                             tool_calls=[ToolCall(*c) for c in data["calls"]])
        return cls(turn, tuple((str(a), str(b)) for a, b in data["results"]),
                   bool(data.get("shown", False)))


class RoundStore:
    """A small SQLite file, mirrored in memory (rounds are few and looked up per message)."""

    def __init__(self, path: str | Path, ttl_seconds: int,
                 clock: Callable[[], float] = time.time):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._clock = clock
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(_SCHEMA)
        self._db.execute("DELETE FROM rounds WHERE created_at < ?", (clock() - ttl_seconds,))
        self._rounds = {p: bytes(b) for p, b in self._db.execute("SELECT prefix, body FROM rounds")}

    def get(self, prefix: str) -> StoredRound | None:
        body = self._rounds.get(prefix)
        return StoredRound.loads(body) if body is not None else None

    def save(self, prefix: str, stored: StoredRound) -> None:
        body = stored.dumps()
        with self._lock:
            self._rounds[prefix] = body
            self._db.execute("INSERT OR REPLACE INTO rounds VALUES (?, ?, ?)",
                             (prefix, body, self._clock()))

    def __len__(self) -> int:
        return len(self._rounds)

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _list_key(provider: Provider) -> str:
    return "input" if provider is Provider.OPENAI_RESPONSES else "messages"


def _seed(provider: Provider, root: dict[str, Any]) -> bytes:
    system = root.get("system", root.get("instructions"))
    head = [provider.value, root.get("model"), system]
    return hashlib.blake2b(orjson.dumps(head, option=orjson.OPT_SORT_KEYS),
                           digest_size=16).digest()


def _chain(digest: bytes, element: str) -> bytes:
    canonical = orjson.dumps(orjson.loads(element), option=orjson.OPT_SORT_KEYS)
    return hashlib.blake2b(digest + canonical, digest_size=16).digest()


def _elements(raw: bytes, provider: Provider) -> list[str] | None:
    """The JSON text of each message (or Responses input item), in order."""
    text = raw.decode("utf-8", errors="surrogateescape")
    key = (_list_key(provider),)
    try:
        start = rawjson.locate(text, [key])[key][0]
        if text[start:start + 1] != "[":
            return None
        return [text[a:b] for a, b in rawjson.items(text, start)]
    except rawjson.JsonLayoutError:
        return None


def prefix_key(provider: Provider, raw: bytes) -> str | None:
    """The key a round appended after all of `raw`'s messages is stored under."""
    elements = _elements(raw, provider)
    if elements is None:
        return None
    digest = _seed(provider, orjson.loads(raw))
    for element in elements:
        digest = _chain(digest, element)
    return digest.hex()


def reinsert(adapter: Adapter, raw: bytes, store: RoundStore) -> tuple[bytes, int]:
    """`raw` with every remembered round spliced back where it happened; and how many.

    A streamed round's text reached the client before the proxy continued upstream, so the
    client's next assistant message starts with it: the model would read it twice (in the
    round and in that message). That message is sent without the repeated text
    (`drop_shown_text`); the round keeps it, as the upstream saw it then. Both edits are the
    same on every later turn, so the upstream prefix stays byte-identical."""
    if not len(store):
        return raw, 0
    provider = adapter.provider
    elements = _elements(raw, provider)
    if elements is None:
        return raw, 0
    digest, index, inserted = _seed(provider, orjson.loads(raw)), 0, 0
    shown, resume = "", 0  # text the client saw in the rounds inserted just before `resume`
    while True:
        stored = store.get(digest.hex()) if index else None
        if stored is not None:
            at = index if index < len(elements) else None
            raw = adapter.append_tool_round(raw, stored.turn, list(stored.results), at=at)
            grown = _elements(raw, provider) or []
            resume, elements = index + len(grown) - len(elements), grown
            shown += stored.turn.text if stored.shown else ""
            inserted += 1
        elif index == resume and shown:
            if index < len(elements):
                raw = drop_shown_text(provider, raw, index, shown)
                elements = _elements(raw, provider) or []
            shown = ""
        if index >= len(elements):
            return raw, inserted
        digest = _chain(digest, elements[index])
        index += 1
