"""Stream filters hide retrieve calls, renumber the client's own and hold back round endings."""

from __future__ import annotations

from typing import Any

import orjson

from engine.providers import SSEEvent
from engine.proxy.stream_filters import AnthropicFilter, ChatFilter


def data(payload: Any, event: str | None = None) -> SSEEvent:
    return SSEEvent(event, orjson.dumps(payload).decode())


def chat_chunk(delta: dict[str, Any], finish: str | None = None) -> SSEEvent:
    return data({"choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})


def call(index: int, name: str | None = None, args: str = "") -> dict[str, Any]:
    function: dict[str, Any] = {"arguments": args}
    if name:
        function["name"] = name
    return {"tool_calls": [{"index": index, "function": function}]}


def payloads(events: list[SSEEvent]) -> list[Any]:
    return [orjson.loads(e.data) if e.data != "[DONE]" else e.data for e in events]


def test_chat_filter_drops_retrieve_and_renumbers() -> None:
    chat = ChatFilter()
    assert chat.feed(chat_chunk(call(0, "headroom_retrieve"))) == []
    assert chat.feed(chat_chunk(call(0, args='{"key"'))) == []
    (mine,) = chat.feed(chat_chunk(call(1, "ls", "{}")))
    assert orjson.loads(mine.data)["choices"][0]["delta"]["tool_calls"][0]["index"] == 0
    assert chat.feed(chat_chunk({}, "tool_calls")) == []
    assert chat.feed(SSEEvent(None, "[DONE]")) == []
    released = payloads(chat.release(calls_removed=True))
    assert released[0]["choices"][0]["finish_reason"] == "tool_calls"  # the client's call stays
    assert released[1] == "[DONE]"


def test_chat_filter_rewrites_finish_when_only_retrieve_was_called() -> None:
    chat = ChatFilter()
    chat.feed(chat_chunk(call(0, "headroom_retrieve", "{}")))
    chat.feed(chat_chunk({}, "tool_calls"))
    (finish,) = payloads(chat.release(calls_removed=True))
    assert finish["choices"][0]["finish_reason"] == "stop"


def test_chat_filter_passes_plain_content_untouched() -> None:
    chat = ChatFilter()
    event = chat_chunk({"content": "hello"})
    assert chat.feed(event) == [event]
    (early,) = chat.feed(chat_chunk({"content": "bye"}, "stop"))
    assert orjson.loads(early.data)["choices"][0] == {"index": 0, "delta": {"content": "bye"},
                                                      "finish_reason": None}


def test_anthropic_filter_spans_rounds_as_one_message() -> None:
    anthropic = AnthropicFilter()
    start = data({"type": "message_start", "message": {}}, "message_start")
    assert anthropic.feed(start) == [start]
    text = data({"type": "content_block_start", "index": 0,
                 "content_block": {"type": "text", "text": ""}}, "content_block_start")
    assert anthropic.feed(text) == [text]
    hidden = data({"type": "content_block_start", "index": 1, "content_block":
                   {"type": "tool_use", "name": "headroom_retrieve"}}, "content_block_start")
    assert anthropic.feed(hidden) == []
    assert anthropic.feed(data({"type": "content_block_stop", "index": 1})) == []
    assert anthropic.feed(data({"type": "message_delta", "delta":
                                {"stop_reason": "tool_use"}}, "message_delta")) == []
    anthropic.next_round()
    assert anthropic.feed(start) == []  # the client already has its message
    (second,) = anthropic.feed(text)
    assert orjson.loads(second.data)["index"] == 1  # continues after the first round's block
    anthropic.feed(data({"type": "message_delta", "delta": {"stop_reason": "tool_use"}},
                        "message_delta"))
    (end,) = payloads(anthropic.release(calls_removed=True))
    assert end["delta"]["stop_reason"] == "end_turn"
