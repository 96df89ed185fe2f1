"""CCRStore: durability, TTL, LRU by size, paging and query retrieval, misses, events."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from engine.ccr.keys import ccr_key
from engine.ccr.store import CCRStore
from engine.compressors.base import CCREntry
from engine.conversation import RetrievalEvent

MiB = 1024 * 1024


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def entry(items: list[str], tool: str | None = "search") -> CCREntry:
    original = "\n".join(items)
    return CCREntry(key=ccr_key(original), original=original, items=tuple(items),
                    content_type="json", tool_name=tool)


def users(n: int) -> list[str]:
    return [f'{{"id": {i}, "login": "user{i}", "role": "{"admin" if i % 50 == 7 else "dev"}"}}'
            for i in range(n)]


def open_store(path: Path, clock: Clock | None = None, ttl: int = 3600, max_bytes: int = 64 * MiB,
               on_event: Callable[[RetrievalEvent], None] | None = None) -> CCRStore:
    return CCRStore(path / "ccr.db", ttl_seconds=ttl, max_bytes=max_bytes,
                    clock=clock or Clock(), on_event=on_event)


def test_survives_reopen(tmp_path: Path) -> None:
    e = entry(users(100))
    store = open_store(tmp_path)
    assert store.put(e) == e.key
    store.close()
    reopened = open_store(tmp_path)
    result = reopened.get(e.key, limit=5)
    assert result.hit and result.total_items == 100 and result.items_returned == 5
    header = f"[items 1–5 of 100 from key {e.key}; next page: offset=5]"
    assert result.text.splitlines()[0] == header
    assert result.text.splitlines()[1:] == users(100)[:5]


def test_page_with_offset_and_past_the_end(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    e = entry(users(2000))
    store.put(e)
    page = store.get(e.key, offset=1990, limit=20)
    assert page.text.startswith(f"[items 1,991–2,000 of 2,000 from key {e.key}]")
    assert page.items_returned == 10
    beyond = store.get(e.key, offset=5000)
    assert beyond.hit and beyond.items_returned == 0 and "holds 2,000 items" in beyond.text


def test_query_returns_only_matching_items(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    e = entry(users(2000))
    store.put(e)
    result = store.get(e.key, query="admin", limit=100)
    admins = [u for u in users(2000) if '"admin"' in u]
    assert result.items_returned == len(admins) == 40
    assert result.text.splitlines()[1:] == admins
    assert result.text.startswith(f"[40 items matching 'admin' from key {e.key}, 2,000 items")
    one = store.get(e.key, query="user1234")
    assert one.text.splitlines()[1:] == [users(2000)[1234]]
    common = store.get(e.key, query="dev", limit=5)
    assert common.items_returned == 5 and "(best 5 of 1,960 matches)" in common.text
    absent = store.get(e.key, query="user99999")  # "user" is everywhere, "99999" nowhere
    assert absent.items_returned == 0 and "no items matching" in absent.text


def test_query_without_match_says_how_to_page(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    e = entry(users(10))
    store.put(e)
    result = store.get(e.key, query="kubernetes")
    assert result.hit and result.items_returned == 0
    assert "without a query" in result.text


def test_entry_without_items_returns_original(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    e = CCREntry(key=ccr_key("plain"), original="plain text body", items=(), content_type="text")
    store.put(e)
    assert store.get(e.key).text.endswith("\nplain text body")


def test_miss_is_terminal_and_actionable(tmp_path: Path) -> None:
    result = open_store(tmp_path).get("b2:" + "0" * 24)
    assert not result.hit and result.items_returned == 0
    assert "expired or unknown" in result.text and "Re-run the tool" in result.text


def test_ttl_expiry_is_sliding(tmp_path: Path) -> None:
    clock = Clock()
    store = open_store(tmp_path, clock, ttl=600)
    e = entry(users(5))
    store.put(e)
    clock.now += 500
    assert store.get(e.key).hit  # a hit refreshes the entry
    clock.now += 500
    assert store.contains(e.key)
    clock.now += 601
    assert not store.contains(e.key)
    assert not store.get(e.key).hit


def test_lru_eviction_by_total_size(tmp_path: Path) -> None:
    clock = Clock()
    store = open_store(tmp_path, clock, max_bytes=MiB)
    big = [entry([f"{n}-{i}-" + "x" * 1000 for i in range(200)]) for n in range(4)]
    for e in big[:2]:
        store.put(e)
        clock.now += 1
    store.get(big[0].key)  # big[0] is now more recent than big[1]
    clock.now += 1
    store.put(big[2])
    assert store.contains(big[0].key) and store.contains(big[2].key)
    assert not store.contains(big[1].key)
    assert store.total_bytes() <= MiB


def test_every_get_is_an_event(tmp_path: Path) -> None:
    events: list[RetrievalEvent] = []
    store = open_store(tmp_path, on_event=events.append)
    e = entry(users(30))
    store.put(e)
    store.get(e.key, query="user3", tool_name="search", exchange_id="x1")
    store.get("b2:" + "1" * 24)
    assert [(ev.key, ev.hit, ev.query) for ev in events] == [
        (e.key, True, "user3"), ("b2:" + "1" * 24, False, None)]
    assert events[0].items_returned >= 1 and events[0].tool_name == "search"
    assert events[0].exchange_id == "x1"


def test_concurrent_puts_and_gets(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    entries = [entry([f"t{t}-item{i}" for i in range(50)]) for t in range(8)]
    errors: list[BaseException] = []

    def work(e: CCREntry) -> None:
        try:
            for _ in range(5):
                store.put(e)
                assert store.get(e.key, limit=50).items_returned == 50
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=work, args=(e,)) for e in entries]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_same_content_itemised_differently_replaces_the_items(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    source = "def send(self):\n    return 1\n\ndef close(self):\n    return 2\n"
    key = ccr_key(source)
    store.put(CCREntry(key, source, (source,), "text"))
    store.put(CCREntry(key, source, ("def send(self):\n    return 1\n",
                                     "def close(self):\n    return 2\n"), "code"))
    result = store.get(key, query="close")
    assert result.items_returned == 1
    assert "def close" in result.text and "def send" not in result.text
