"""Byte-faithful rendering on every request reconstructed from the tau-bench trajectories."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from engine.conversation import BlockKind, Conversation
from engine.providers import adapter_for
from engine.providers.rawjson import locate
from tests.engine.providers.corpus_requests import (
    anthropic_request,
    openai_request,
    requests,
    responses_request,
)

BUILDERS = {
    "openai_chat": openai_request,
    "anthropic_messages": anthropic_request,
    "openai_responses": responses_request,
}


def _value_at(data: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        data = data[step]
    return data


def _assert_only_block_changed(conv: Conversation, rendered: bytes, edited_path: Any) -> None:
    raw = conv.raw.decode()
    rendered_text = rendered.decode()
    start, end = locate(raw, [edited_path])[edited_path]
    tail = len(raw) - end
    assert rendered_text[:start] == raw[:start]
    assert rendered_text[len(rendered_text) - tail :] == raw[end:]


@pytest.mark.parametrize("provider", BUILDERS)
def test_unmodified_requests_render_to_the_original_bytes(corpus: Path, provider: str) -> None:
    adapter = adapter_for(provider)
    count = 0
    for raw in requests(corpus, BUILDERS[provider]):
        conv = adapter.parse_request(raw)
        assert adapter.render_request(conv) == raw
        assert all(b.tool_name for _, b in conv.tool_results())
        count += 1
    assert count > 1000


@pytest.mark.parametrize("provider", BUILDERS)
def test_one_block_edit_changes_only_that_block(corpus: Path, provider: str) -> None:
    adapter = adapter_for(provider)
    rng = random.Random(7)
    edited = 0
    for raw in requests(corpus, BUILDERS[provider]):
        conv = adapter.parse_request(raw)
        candidates = [b for _, b in conv.blocks() if b.path] + [b for b in conv.system if b.path]
        block = rng.choice(candidates)
        block.text = '{"edited": "ünïcode ✓ \\"quoted\\"", "n": 1}'
        rendered = adapter.render_request(conv)
        _assert_only_block_changed(conv, rendered, block.path)
        value = _value_at(json.loads(rendered), block.path)
        if block.kind is BlockKind.TOOL_CALL and provider == "anthropic_messages":
            assert value == json.loads(block.text)
        else:
            assert value == block.text
        reparsed = adapter.parse_request(rendered)
        assert len(reparsed.messages) == len(conv.messages)
        edited += 1
    assert edited > 1000


def test_every_tool_result_edited_at_once_keeps_everything_else(corpus: Path) -> None:
    adapter = adapter_for("openai_chat")
    raw = max(requests(corpus, openai_request), key=len)
    conv = adapter.parse_request(raw)
    for _, block in conv.tool_results():
        block.text = f"[{len(block.text)} chars elided]"
    expected = json.loads(raw)
    for _, block in conv.tool_results():
        _value_at(expected, block.path[:-1])[block.path[-1]] = block.text
    assert json.loads(adapter.render_request(conv)) == expected
