"""Retrieval rounds: stored by prefix hash, persisted, re-inserted where they happened."""

from __future__ import annotations

from pathlib import Path

import orjson

from engine.conversation import Provider
from engine.providers import AssistantTurn, ToolCall, adapter_for
from engine.proxy.rounds import RoundStore, StoredRound, prefix_key, reinsert

TURN = AssistantTurn(text="", tool_calls=[ToolCall("call_r", "headroom_retrieve",
                                                   '{"key":"b2:000000000000000000000000"}')])
RESULTS = (("call_r", "the fetched items"),)


def body(*messages: dict[str, str]) -> bytes:
    return orjson.dumps({"model": "gpt-4o", "messages": list(messages)})


def test_round_is_reinserted_at_its_place_and_survives_restart(tmp_path: Path) -> None:
    adapter = adapter_for(Provider.OPENAI_CHAT)
    first = body({"role": "user", "content": "q"}, {"role": "tool", "content": "big"})
    store = RoundStore(tmp_path / "rounds.db", ttl_seconds=3600)
    key = prefix_key(Provider.OPENAI_CHAT, first)
    assert key is not None
    store.save(key, StoredRound(TURN, RESULTS))
    continued = adapter.append_tool_round(first, TURN, list(RESULTS))
    store.close()

    reopened = RoundStore(tmp_path / "rounds.db", ttl_seconds=3600)
    later = body({"role": "user", "content": "q"}, {"role": "tool", "content": "big"},
                 {"role": "assistant", "content": "answer"}, {"role": "user", "content": "next"})
    rebuilt, inserted = reinsert(adapter, later, reopened)
    assert inserted == 1
    prefix = continued[:continued.rindex(b"]")]
    assert rebuilt.startswith(prefix)
    assert [m["role"] for m in orjson.loads(rebuilt)["messages"]] == [
        "user", "tool", "assistant", "tool", "assistant", "user"]


def test_other_conversations_are_untouched(tmp_path: Path) -> None:
    adapter = adapter_for(Provider.OPENAI_CHAT)
    store = RoundStore(tmp_path / "rounds.db", ttl_seconds=3600)
    first = body({"role": "user", "content": "q"})
    store.save(prefix_key(Provider.OPENAI_CHAT, first) or "", StoredRound(TURN, RESULTS))
    other = orjson.dumps({"model": "gpt-4.1", "messages": [{"role": "user", "content": "q"}]})
    assert reinsert(adapter, other, store) == (other, 0)
    different = body({"role": "user", "content": "something else"})
    assert reinsert(adapter, different, store) == (different, 0)


def test_expired_rounds_are_dropped_on_open(tmp_path: Path) -> None:
    clock = [1000.0]
    store = RoundStore(tmp_path / "r.db", ttl_seconds=60, clock=lambda: clock[0])
    store.save("k", StoredRound(TURN, RESULTS))
    store.close()
    clock[0] += 61
    assert len(RoundStore(tmp_path / "r.db", ttl_seconds=60, clock=lambda: clock[0])) == 0
