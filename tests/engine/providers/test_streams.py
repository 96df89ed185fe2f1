"""Rebuilding the final turn (text, tool calls, usage) from recorded streams, however split."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.providers import AssistantTurn, adapter_for
from engine.providers.sse import SSEParser
from tests.engine.providers.recorded_streams import (
    ANTHROPIC_EXPECTED,
    ANTHROPIC_TOOL_STREAM,
    OPENAI_CHAT_EXPECTED,
    OPENAI_CHAT_TOOL_STREAM,
)

CASES = {
    "openai_chat": (OPENAI_CHAT_TOOL_STREAM.encode(), OPENAI_CHAT_EXPECTED),
    "anthropic_messages": (ANTHROPIC_TOOL_STREAM.encode(), ANTHROPIC_EXPECTED),
}


def reconstruct(provider: str, chunks: list[bytes]) -> AssistantTurn:
    parser = SSEParser()
    rebuilder = adapter_for(provider).new_stream_reconstructor()
    for chunk in chunks:
        for event in parser.feed(chunk):
            rebuilder.feed(event)
    for event in parser.flush():
        rebuilder.feed(event)
    return rebuilder.turn()


def check(turn: AssistantTurn, expected: dict[str, Any]) -> None:
    assert turn.text == expected["text"]
    assert [(c.id, c.name, c.arguments) for c in turn.tool_calls] == expected["tool_calls"]
    assert turn.stop_reason == expected["stop_reason"]
    usage = turn.usage
    got = (usage.input_tokens, usage.output_tokens, usage.cached_tokens)
    assert (*got, usage.cache_creation_tokens) == expected["usage"]
    assert turn.thinking == expected.get("thinking", "")


@pytest.mark.parametrize("provider", CASES)
def test_stream_split_at_every_byte_rebuilds_the_turn(provider: str) -> None:
    raw, expected = CASES[provider]
    for cut in range(len(raw) + 1):
        check(reconstruct(provider, [raw[:cut], raw[cut:]]), expected)


@settings(max_examples=100, deadline=None)
@given(provider=st.sampled_from(sorted(CASES)), data=st.data())
def test_stream_in_random_chunks_rebuilds_the_turn(provider: str, data: st.DataObject) -> None:
    raw, expected = CASES[provider]
    cuts = sorted(data.draw(st.lists(st.integers(0, len(raw)), max_size=80)))
    chunks = [raw[a:b] for a, b in zip([0, *cuts], [*cuts, len(raw)], strict=True)]
    check(reconstruct(provider, chunks), expected)


def test_stream_one_byte_at_a_time() -> None:
    raw, expected = CASES["anthropic_messages"]
    check(reconstruct("anthropic_messages", [raw[i : i + 1] for i in range(len(raw))]), expected)


def test_anthropic_stream_keeps_the_thinking_block_for_the_next_round() -> None:
    turn = reconstruct("anthropic_messages", [CASES["anthropic_messages"][0]])
    thinking = turn.raw["content"][0]
    assert thinking == {
        "type": "thinking",
        "thinking": ANTHROPIC_EXPECTED["thinking"],
        "signature": "EqQBCgIYAhIM1gbcDa",
    }
    assert turn.raw["content"][2]["input"] == {"reservation_id": "ZFA04Y"}


def test_truncated_anthropic_stream_keeps_partial_arguments_text() -> None:
    raw = ANTHROPIC_TOOL_STREAM.encode()
    cut = raw.index(b'\\"ZFA04Y')
    turn = reconstruct("anthropic_messages", [raw[: raw.rindex(b"event:", 0, cut)]])
    assert turn.tool_calls[0].arguments == '{"reservation_id": '
    assert turn.raw["content"][2]["input"] == {}


def test_openai_stream_without_usage_chunk_reports_unknown_usage() -> None:
    raw = OPENAI_CHAT_TOOL_STREAM.encode()
    without_usage = raw[: raw.index(b": keep-alive")] + b"data: [DONE]\n\n"
    turn = reconstruct("openai_chat", [without_usage])
    assert turn.usage.input_tokens is None
    assert len(turn.tool_calls) == 2


def test_error_events_are_kept_not_raised() -> None:
    rebuilder = adapter_for("anthropic_messages").new_stream_reconstructor()
    parser = SSEParser()
    body = b'event: error\ndata: {"type":"error","error":{"type":"overloaded_error"}}\n\n'
    for event in parser.feed(body + b"data: not json\n\n"):
        rebuilder.feed(event)
    assert rebuilder.error == {"type": "overloaded_error"}  # type: ignore[attr-defined]
    assert rebuilder.turn().text == ""


def test_openai_stream_turn_raw_is_an_assistant_message() -> None:
    turn = reconstruct("openai_chat", [CASES["openai_chat"][0]])
    assert turn.raw["tool_calls"][1]["function"]["name"] == "get_user_details"
    assert json.loads(turn.raw["tool_calls"][0]["function"]["arguments"]) == {
        "reservation_id": "ZFA04Y"
    }
