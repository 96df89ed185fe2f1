"""Buffered responses of all three formats, and the Responses API stream."""

from __future__ import annotations

import json

import pytest

from engine.providers import AssistantTurn, RequestFormatError, adapter_for
from engine.providers.sse import SSEParser
from tests.engine.providers.recorded_streams import RESPONSES_COMPLETED, RESPONSES_TOOL_STREAM

OPENAI_CHAT_RESPONSE = {
    "id": "chatcmpl-9",
    "object": "chat.completion",
    "model": "gpt-4o-2024-08-06",
    "choices": [
        {
            "index": 0,
            "message": {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {
                            "name": "search_direct_flight",
                            "arguments": '{"origin":"JFK"}',
                        },
                    }
                ],
                "refusal": None,
            },
            "finish_reason": "tool_calls",
        }
    ],
    "usage": {
        "prompt_tokens": 1200,
        "completion_tokens": 20,
        "total_tokens": 1220,
        "prompt_tokens_details": {"cached_tokens": 1024},
    },
}

ANTHROPIC_RESPONSE = {
    "id": "msg_1",
    "type": "message",
    "role": "assistant",
    "model": "claude-sonnet-4-5",
    "content": [
        {"type": "text", "text": "Sure."},
        {"type": "tool_use", "id": "toolu_1", "name": "calculate", "input": {"expression": "2+2"}},
    ],
    "stop_reason": "tool_use",
    "usage": {
        "input_tokens": 10,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 2000,
        "output_tokens": 30,
    },
}


def test_openai_chat_response() -> None:
    turn = adapter_for("openai_chat").parse_response(json.dumps(OPENAI_CHAT_RESPONSE).encode())
    assert turn.text == ""
    assert [(c.id, c.name, c.arguments) for c in turn.tool_calls] == [
        ("call_1", "search_direct_flight", '{"origin":"JFK"}')
    ]
    assert (turn.usage.input_tokens, turn.usage.cached_tokens, turn.usage.output_tokens) == (
        1200,
        1024,
        20,
    )
    assert turn.stop_reason == "tool_calls"


def test_anthropic_response_counts_cache_reads_as_input() -> None:
    turn = adapter_for("anthropic_messages").parse_response(json.dumps(ANTHROPIC_RESPONSE).encode())
    assert turn.text == "Sure."
    assert turn.tool_calls[0].name == "calculate"
    assert json.loads(turn.tool_calls[0].arguments) == {"expression": "2+2"}
    usage = turn.usage
    assert (usage.input_tokens, usage.cached_tokens, usage.cache_creation_tokens) == (2010, 2000, 0)


@pytest.mark.parametrize(
    ("provider", "body"),
    [
        ("openai_chat", {"choices": []}),
        ("anthropic_messages", {"type": "error", "error": {"type": "overloaded_error"}}),
        ("openai_responses", {"object": "response"}),
    ],
)
def test_unusable_responses_are_clear_errors(provider: str, body: object) -> None:
    with pytest.raises(RequestFormatError):
        adapter_for(provider).parse_response(json.dumps(body).encode())


def _stream_turn(raw: bytes, cut: int) -> AssistantTurn:
    parser = SSEParser()
    rebuilder = adapter_for("openai_responses").new_stream_reconstructor()
    for event in [*parser.feed(raw[:cut]), *parser.feed(raw[cut:]), *parser.flush()]:
        rebuilder.feed(event)
    return rebuilder.turn()


def test_responses_stream_split_anywhere_with_and_without_the_final_event() -> None:
    for raw, usage in [
        (RESPONSES_TOOL_STREAM.encode(), (None, None)),
        ((RESPONSES_TOOL_STREAM + RESPONSES_COMPLETED).encode(), (3000, 2048)),
    ]:
        for cut in range(0, len(raw) + 1, 7):
            turn = _stream_turn(raw, cut)
            assert turn.text == "Checking — один момент."
            calls = [(c.id, c.name, json.loads(c.arguments)) for c in turn.tool_calls]
            assert calls == [("call_9", "get_user_details", {"user_id": "mia_li_3668"})]
            got = (turn.usage.input_tokens, turn.usage.cached_tokens)
            assert got == usage


def test_responses_buffered_response_keeps_output_for_the_next_round() -> None:
    raw = RESPONSES_COMPLETED.split("data: ", 1)[1].strip()
    response = json.loads(raw)["response"]
    turn = adapter_for("openai_responses").parse_response(json.dumps(response).encode())
    assert turn.stop_reason == "tool_calls"
    assert turn.raw["output"][1]["type"] == "function_call"
