"""headroom_retrieve: lenient argument parsing and answers (hit, query, miss) with events."""

from __future__ import annotations

from pathlib import Path

import orjson

from engine.ccr.keys import ccr_key
from engine.ccr.retrieve_tool import RETRIEVE_SPEC, RetrieveArgs, answer, parse_arguments
from engine.ccr.store import CCRStore
from engine.compressors.base import CCREntry


def store_with_lines(tmp_path: Path) -> tuple[CCRStore, str]:
    lines = tuple(f"line {i} {'ERROR disk' if i == 7 else 'ok'}" for i in range(50))
    original = "\n".join(lines)
    store = CCRStore(tmp_path / "ccr.db", ttl_seconds=3600, max_bytes=2**20)
    key = store.put(CCREntry(ccr_key(original), original, lines, "log", "bash"))
    return store, key


def test_spec_requires_only_the_key() -> None:
    assert RETRIEVE_SPEC.name == "headroom_retrieve"
    assert RETRIEVE_SPEC.parameters["required"] == ["key"]


def test_arguments_are_read_leniently() -> None:
    key = "b2:" + "a" * 24
    assert parse_arguments(f'{{"key": " {key} ", "limit": "500", "offset": -3}}') == \
        RetrieveArgs(key=key, query=None, offset=0, limit=200)
    assert parse_arguments(f'{{"key": "{key}", "query": "  "}}') == RetrieveArgs(key=key)
    assert "not valid JSON" in str(parse_arguments("{oops"))
    assert '"key" argument' in str(parse_arguments('{"query": "x"}'))
    assert "not a retrieval key" in str(parse_arguments('{"key": "abc"}'))


def test_answer_hit_query_and_miss(tmp_path: Path) -> None:
    store, key = store_with_lines(tmp_path)
    text, event = answer(store, orjson.dumps({"key": key, "query": "ERROR"}).decode(), "ex1")
    assert "ERROR disk" in text
    assert event is not None and event.hit and event.exchange_id == "ex1"
    assert event.query == "ERROR" and event.items_returned >= 1
    missing = "b2:" + "0" * 24
    text, event = answer(store, orjson.dumps({"key": missing}).decode())
    assert event is not None and not event.hit and "expired or unknown" in text
    text, event = answer(store, "{}")
    assert event is None and "key" in text
    store.close()
