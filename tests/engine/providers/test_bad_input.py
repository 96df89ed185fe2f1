"""Bad input gives a clear RequestFormatError or passes through untouched; nothing crashes."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.conversation import BlockKind
from engine.providers import RequestFormatError, adapter_for

PROVIDERS = ["openai_chat", "anthropic_messages", "openai_responses"]


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"model": "m", "messages": [', "not valid JSON"),
        (b"", "not valid JSON"),
        (b'{"model": "m", "messages": ["\xff\xfe"]}', "not valid UTF-8"),
        (b"[1, 2]", "must be a JSON object"),
        (b'{"model": 5, "messages": []}', "model must be a string"),
    ],
)
def test_unreadable_bodies_are_clear_errors(provider: str, raw: bytes, message: str) -> None:
    with pytest.raises(RequestFormatError, match=message):
        adapter_for(provider).parse_request(raw)


@pytest.mark.parametrize(
    ("provider", "request_body", "message"),
    [
        ("openai_chat", {"messages": {"role": "user"}}, "messages must be an array"),
        ("openai_chat", {"messages": [{"content": "hi"}]}, r"messages\[0\]\.role is missing"),
        ("openai_chat", {"messages": ["hi"]}, r"messages\[0\] must be an object"),
        (
            "openai_chat",
            {"messages": [{"role": "tool", "content": "42"}]},
            r"messages\[0\]\.tool_call_id is missing",
        ),
        (
            "openai_chat",
            {"messages": [{"role": "assistant", "tool_calls": [{"function": {"name": "f"}}]}]},
            r"messages\[0\]\.tool_calls\[0\]\.id is missing",
        ),
        ("openai_chat", {"messages": [{"role": "user", "content": 5}]}, "content must be"),
        (
            "anthropic_messages",
            {"messages": [{"role": "user", "content": [{"type": "tool_result", "content": "x"}]}]},
            r"messages\[0\]\.content\[0\]\.tool_use_id is missing",
        ),
        (
            "anthropic_messages",
            {"messages": [{"role": "assistant", "content": [{"type": "tool_use", "name": "f"}]}]},
            r"messages\[0\]\.content\[0\]\.id is missing",
        ),
        ("anthropic_messages", {"system": 3, "messages": []}, "system must be"),
        ("anthropic_messages", {"messages": [{"role": "user", "content": None}]}, "content must"),
        ("openai_responses", {"input": 3}, "input must be"),
        (
            "openai_responses",
            {"input": [{"type": "function_call_output", "output": "x"}]},
            r"input\[0\]\.call_id is missing",
        ),
    ],
)
def test_broken_structure_names_the_place(
    provider: str, request_body: dict[str, object], message: str
) -> None:
    with pytest.raises(RequestFormatError, match=message):
        adapter_for(provider).parse_request(json.dumps({"model": "m", **request_body}).encode())


@pytest.mark.parametrize(
    ("provider", "messages"),
    [
        ("openai_chat", [{"role": "critic", "content": "hi"}, {"role": "user", "content": "go"}]),
        (
            "anthropic_messages",
            [{"role": "system", "content": "x"}, {"role": "user", "content": "go"}],
        ),
        (
            "anthropic_messages",
            [{"role": "user", "content": [{"type": "hologram", "beam": [1, 2.50, 1e3]}, "odd", 7]}],
        ),
        (
            "openai_chat",
            [{"role": "user", "content": [{"type": "input_audio", "input_audio": {}}, {"x": 1}]}],
        ),
    ],
)
def test_unknown_roles_and_blocks_pass_through_verbatim(
    provider: str, messages: list[object]
) -> None:
    raw = (json.dumps({"model": "m", "messages": messages})[:-1] + ', "zz": 1.50E0}').encode()
    adapter = adapter_for(provider)
    conv = adapter.parse_request(raw)
    assert any(b.kind is BlockKind.UNKNOWN for _, b in conv.blocks())
    for _, block in conv.blocks():
        if block.kind is not BlockKind.UNKNOWN and block.path:
            block.text = "edited"
    rendered = adapter.render_request(conv)
    assert rendered.endswith(b', "zz": 1.50E0}')
    assert adapter.render_request(adapter.parse_request(raw)) == raw


def test_editing_an_unlocated_block_is_refused_clearly() -> None:
    raw = (
        b'{"model":"m","messages":[{"role":"user",'
        b'"content":[{"type":"tool_result","tool_use_id":"t"}]}]}'
    )
    adapter = adapter_for("anthropic_messages")
    conv = adapter.parse_request(raw)
    block = next(b for _, b in conv.tool_results())
    block.text = "new"
    with pytest.raises(ValueError, match="no editable location"):
        adapter.render_request(conv)


def test_tool_use_input_must_stay_json() -> None:
    raw = (
        b'{"model":"m","messages":[{"role":"assistant",'
        b'"content":[{"type":"tool_use","id":"t","name":"f","input":{"a":1}}]}]}'
    )
    adapter = adapter_for("anthropic_messages")
    conv = adapter.parse_request(raw)
    conv.messages[0].blocks[0].text = "{not json"
    with pytest.raises(ValueError, match="valid JSON"):
        adapter.render_request(conv)


def test_lone_surrogate_escapes_are_accepted_and_kept() -> None:
    raw = b'{"model":"m","messages":[{"role":"user","content":"bad \\ud800 half"}]}'
    adapter = adapter_for("openai_chat")
    conv = adapter.parse_request(raw)
    assert conv.messages[0].blocks[0].text == "bad \ud800 half"
    assert adapter.render_request(conv) == raw


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_never_crash(raw: bytes) -> None:
    for provider in PROVIDERS:
        with contextlib.suppress(RequestFormatError):
            adapter_for(provider).parse_request(raw)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(
    messages=st.lists(
        st.dictionaries(
            st.sampled_from(
                [
                    "role",
                    "content",
                    "tool_calls",
                    "tool_call_id",
                    "type",
                    "input",
                    "call_id",
                    "output",
                ]
            ),
            json_values,
        ),
        max_size=4,
    )
)
def test_random_message_shapes_never_crash(messages: list[object]) -> None:
    raw = json.dumps({"model": "m", "messages": messages, "input": messages}).encode()
    for provider in PROVIDERS:
        adapter = adapter_for(provider)
        try:
            conv = adapter.parse_request(raw)
        except RequestFormatError:
            continue
        assert adapter.render_request(conv) == raw
        for _, block in conv.blocks():
            if block.path and block.kind not in (BlockKind.TOOL_CALL, BlockKind.UNKNOWN):
                block.text = "x"
        json.loads(adapter.render_request(conv))
