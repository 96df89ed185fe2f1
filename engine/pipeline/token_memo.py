"""Remembered token counts for blocks the router has seen.

An agent resends its whole history every turn, so the same large tool outputs are counted again
and again (~7 ms per 35k tokens). Counts are keyed by a content hash and the counter, held in a
bounded LRU, and shared across threads.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from engine.tokens import TokenCounter


class TokenMemo:
    def __init__(self, max_entries: int = 4096):
        self.max_entries = max_entries
        self._counts: OrderedDict[tuple[str, bool, bytes], int] = OrderedDict()
        self._lock = threading.Lock()

    def count(self, counter: TokenCounter, text: str) -> int:
        if len(text) < 2048:  # short texts: counting is cheaper than hashing + locking
            return counter.count(text)
        digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        key = (counter.encoding_name, counter.estimated, digest)
        with self._lock:
            if key in self._counts:
                self._counts.move_to_end(key)
                return self._counts[key]
        n = counter.count(text)
        with self._lock:
            self._counts[key] = n
            while len(self._counts) > self.max_entries:
                self._counts.popitem(last=False)
        return n
