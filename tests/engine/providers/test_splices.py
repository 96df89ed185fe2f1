"""add_tool and append_tool_round: additions land in the right array, the prefix stays intact."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.conversation import BlockKind, Usage
from engine.providers import AssistantTurn, ToolCall, ToolSpec, adapter_for
from engine.providers.rawjson import locate
from tests.engine.providers.corpus_requests import (
    STYLES,
    anthropic_request,
    openai_request,
    responses_request,
    trajectories,
)

RETRIEVE = ToolSpec(
    "headroom_retrieve",
    "Fetch an omitted original by key.",
    {"type": "object", "properties": {"key": {"type": "string"}}, "required": ["key"]},
)
BUILDERS = {
    "openai_chat": openai_request,
    "anthropic_messages": anthropic_request,
    "openai_responses": responses_request,
}


def _requests(corpus: Path, provider: str) -> list[bytes]:
    traj = trajectories(corpus)[0]
    request = BUILDERS[provider](traj, len(traj))
    return [dumps(request).encode() for dumps in STYLES.values()]


@pytest.mark.parametrize("provider", BUILDERS)
def test_add_tool_appends_to_tools_and_is_idempotent(corpus: Path, provider: str) -> None:
    adapter = adapter_for(provider)
    for raw in _requests(corpus, provider):
        added = adapter.add_tool(raw, RETRIEVE)
        tools_at = raw.index(b'"tools"')
        assert added[:tools_at] == raw[:tools_at]
        before, after = json.loads(raw), json.loads(added)
        assert after["tools"][:-1] == before["tools"]
        assert {k: v for k, v in after.items() if k != "tools"} == {
            k: v for k, v in before.items() if k != "tools"
        }
        assert "headroom_retrieve" in json.dumps(after["tools"][-1])
        assert adapter.add_tool(added, RETRIEVE) == added
        assert adapter.parse_request(added).tools[-1] == after["tools"][-1]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b'{"model": "m", "messages": []}', b'{"model": "m", "messages": [], "tools": ['),
        (b'{"model":"m","tools":[],"messages":[]}', b'{"model":"m","tools":[{'),
        (
            b'{\n  "model": "m",\n  "messages": []\n}',
            b'{\n  "model": "m",\n  "messages": [], "tools"',
        ),
    ],
)
def test_add_tool_creates_or_fills_the_tools_array(raw: bytes, expected: bytes) -> None:
    added = adapter_for("openai_chat").add_tool(raw, RETRIEVE)
    assert added.startswith(expected)
    assert json.loads(added)["tools"][0]["function"]["name"] == "headroom_retrieve"


def test_indented_arrays_get_items_in_the_same_indentation() -> None:
    raw = json.dumps({"model": "m", "messages": [], "tools": [{"type": "x"}]}, indent=2).encode()
    added = adapter_for("openai_chat").add_tool(raw, RETRIEVE).decode()
    assert '},\n    {"type": "function"' in added


def _turn() -> AssistantTurn:
    return AssistantTurn(
        text="Looking that up.",
        tool_calls=[ToolCall("call_r1", "headroom_retrieve", '{"key": "b2:abc"}')],
        usage=Usage(10, 5),
        stop_reason="tool_calls",
        raw={"content": [{"type": "thinking", "thinking": "hm", "signature": "sig"}]},
    )


@pytest.mark.parametrize("provider", BUILDERS)
def test_append_tool_round_keeps_the_prefix_and_pairs_ids(corpus: Path, provider: str) -> None:
    adapter = adapter_for(provider)
    for raw in _requests(corpus, provider):
        extended = adapter.append_tool_round(raw, _turn(), [("call_r1", "the original ✓")])
        last_message_end = raw.decode().rindex("}", 0, raw.decode().index('"tools"'))
        prefix = raw.decode()[:last_message_end]
        assert extended.decode().startswith(prefix)
        conv = adapter.parse_request(extended)
        before = adapter.parse_request(raw)
        added = 3 if provider == "openai_responses" else 2  # Responses: text is its own item
        assert len(conv.messages) == len(before.messages) + added
        results = [b for _, b in conv.tool_results() if b.tool_call_id == "call_r1"]
        assert [(b.tool_name, b.text) for b in results] == [("headroom_retrieve", "the original ✓")]
        call = conv.tool_call("call_r1")
        assert call is not None and json.loads(call.text) == {"key": "b2:abc"}


def test_anthropic_tool_round_sends_thinking_back_first(corpus: Path) -> None:
    raw = _requests(corpus, "anthropic_messages")[0]
    extended = adapter_for("anthropic_messages").append_tool_round(raw, _turn(), [("call_r1", "x")])
    assistant = json.loads(extended)["messages"][-2]
    assert [b["type"] for b in assistant["content"]] == ["thinking", "text", "tool_use"]
    kinds = [
        b.kind
        for b in adapter_for("anthropic_messages").parse_request(extended).messages[-2].blocks
    ]
    assert kinds == [BlockKind.THINKING, BlockKind.TEXT, BlockKind.TOOL_CALL]


def test_append_tool_round_into_empty_messages() -> None:
    extended = adapter_for("openai_chat").append_tool_round(
        b'{"model":"m","messages":[ ]}', _turn(), [("call_r1", "x")]
    )
    assert [m["role"] for m in json.loads(extended)["messages"]] == ["assistant", "tool"]


def test_responses_string_input_becomes_a_list_and_output_items_go_back_verbatim() -> None:
    raw = b'{"model": "gpt-4.1", "input": "Find \\u00e9 flights", "stream": true}'
    reasoning = {"type": "reasoning", "id": "rs_1", "summary": [], "encrypted_content": "e=="}
    call = {
        "type": "function_call",
        "call_id": "c1",
        "name": "headroom_retrieve",
        "arguments": "{}",
    }
    turn = AssistantTurn(
        tool_calls=[ToolCall("c1", "headroom_retrieve", "{}")], raw={"output": [reasoning, call]}
    )
    extended = adapter_for("openai_responses").append_tool_round(raw, turn, [("c1", "orig")])
    assert extended.startswith(
        b'{"model": "gpt-4.1", "input": [{"role": "user", "content": "Find \\u00e9 flights"}, '
    )
    assert extended.endswith(b'], "stream": true}')
    items = json.loads(extended)["input"]
    assert items[1:] == [
        reasoning,
        call,
        {"type": "function_call_output", "call_id": "c1", "output": "orig"},
    ]
    conv = adapter_for("openai_responses").parse_request(extended)
    assert [b.tool_name for _, b in conv.tool_results()] == ["headroom_retrieve"]


@pytest.mark.parametrize("provider", BUILDERS)
def test_tool_round_inserted_where_it_happened(corpus: Path, provider: str) -> None:
    adapter = adapter_for(provider)
    for raw in _requests(corpus, provider):
        conv = adapter.parse_request(raw)
        at = len(conv.messages) // 2
        inserted = adapter.append_tool_round(raw, _turn(), [("call_r1", "kept")], at=at)
        key = "input" if provider == "openai_responses" else "messages"
        before, after = json.loads(raw)[key], json.loads(inserted)[key]
        added = len(after) - len(before)
        assert after[:at] == before[:at] and after[at + added :] == before[at:]
        text = raw.decode()
        prefix_end = locate(text, [(key, at)])[(key, at)][0]
        assert inserted.decode()[:prefix_end] == text[:prefix_end]
        assert inserted.decode().endswith(text[prefix_end:])
        results = [b for _, b in adapter.parse_request(inserted).tool_results()]
        assert any(b.tool_call_id == "call_r1" and b.text == "kept" for b in results)
