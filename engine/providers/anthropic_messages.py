"""Anthropic Messages: requests, responses and (via anthropic_stream) streamed events.

The top-level `system` (a string or text blocks) becomes `conv.system`. A `tool_use` block's
text is its `input` as compact JSON; editing it splices valid JSON back. A `tool_result` whose
content is a list gives one block per part, each knowing its tool through `tool_use_id`.
"""

from __future__ import annotations

from typing import Any

import orjson

from engine.conversation import Block, BlockKind, Conversation, JsonPath, Message, Provider
from engine.providers.anthropic_response import turn_from_message
from engine.providers.anthropic_stream import AnthropicStream
from engine.providers.base import AssistantTurn, RequestFormatError, ToolSpec
from engine.providers.blocks import (
    conversation_from,
    string_field,
    tool_names,
    unknown,
    where,
)
from engine.providers.edits import insert_items, parse_root, render_conversation

KNOWN_ROLES = frozenset({"user", "assistant"})
THINKING_TYPES = frozenset({"thinking", "redacted_thinking"})


class AnthropicMessagesAdapter:
    provider = Provider.ANTHROPIC_MESSAGES

    def parse_request(self, raw: bytes) -> Conversation:
        data = parse_root(raw)
        entries = data.get("messages")
        if not isinstance(entries, list):
            raise RequestFormatError("messages must be an array of message objects")
        messages = [_message(entry, i) for i, entry in enumerate(entries)]
        return conversation_from(self.provider, data, raw, messages, _system(data.get("system")))

    def render_request(self, conv: Conversation) -> bytes:
        return render_conversation(conv)

    def add_tool(self, raw: bytes, tool: ToolSpec) -> bytes:
        if tool.name in tool_names(parse_root(raw)):
            return raw
        spec = {"name": tool.name, "description": tool.description, "input_schema": tool.parameters}
        return insert_items(raw, ("tools",), [spec])

    def append_tool_round(
        self,
        raw: bytes,
        turn: AssistantTurn,
        results: list[tuple[str, str]],
        at: int | None = None,
    ) -> bytes:
        content = _thinking_blocks(turn.raw)
        if turn.text:
            content.append({"type": "text", "text": turn.text})
        content += [
            {"type": "tool_use", "id": c.id, "name": c.name, "input": _arguments(c.arguments)}
            for c in turn.tool_calls
        ]
        replies = [
            {"type": "tool_result", "tool_use_id": call_id, "content": text}
            for call_id, text in results
        ]
        assistant = {"role": "assistant", "content": content}
        new_messages = [assistant, {"role": "user", "content": replies}]
        return insert_items(raw, ("messages",), new_messages, before=at)

    def parse_response(self, raw: bytes) -> AssistantTurn:
        return turn_from_message(parse_root(raw))

    def new_stream_reconstructor(self) -> AnthropicStream:
        return AnthropicStream()


def _system(system: Any) -> list[Block]:
    if system is None:
        return []
    if isinstance(system, str):
        return [Block(BlockKind.TEXT, system, ("system",))]
    if not isinstance(system, list):
        raise RequestFormatError("system must be a string or an array of text blocks")
    return [_part(part, ("system", i), None) for i, part in enumerate(system)]


def _message(entry: Any, index: int) -> Message:
    path: JsonPath = ("messages", index)
    if not isinstance(entry, dict):
        raise RequestFormatError(f"{where(path)} must be an object")
    role = string_field(entry, "role", path)
    assert role is not None
    if role not in KNOWN_ROLES:
        return Message(role, [unknown(entry, path)], index, raw=entry)
    content = entry.get("content")
    content_path = (*path, "content")
    if isinstance(content, str):
        return Message(role, [Block(BlockKind.TEXT, content, content_path)], index, raw=entry)
    if not isinstance(content, list):
        raise RequestFormatError(f"{where(content_path)} must be a string or an array of blocks")
    blocks: list[Block] = []
    for j, part in enumerate(content):
        if isinstance(part, dict) and part.get("type") == "tool_result":
            blocks += _tool_result(part, (*content_path, j))
        else:
            blocks.append(_part(part, (*content_path, j), None))
    return Message(role, blocks, index, raw=entry)


def _part(part: Any, path: JsonPath, call_id: str | None) -> Block:
    """One content block (outside tool results, or one part of a tool result's content)."""
    ptype = part.get("type") if isinstance(part, dict) else None
    if not isinstance(part, dict):
        return unknown(part, path)
    if ptype == "text" and isinstance(part.get("text"), str):
        kind = BlockKind.TOOL_RESULT if call_id else BlockKind.TEXT
        return Block(kind, part["text"], (*path, "text"), tool_call_id=call_id, raw=part)
    if ptype == "image":
        return Block(BlockKind.IMAGE, "", path, tool_call_id=call_id, raw=part)
    if ptype == "tool_use":
        name = string_field(part, "name", path)
        call = string_field(part, "id", path)
        if "input" not in part:
            return Block(BlockKind.TOOL_CALL, "", (), name, call, raw=part)
        text = orjson.dumps(part["input"]).decode()
        return Block(BlockKind.TOOL_CALL, text, (*path, "input"), name, call, raw=part)
    if ptype == "thinking" and isinstance(part.get("thinking"), str):
        return Block(BlockKind.THINKING, part["thinking"], (*path, "thinking"), raw=part)
    if ptype == "redacted_thinking":
        return Block(BlockKind.THINKING, "", (), raw=part)
    return unknown(part, path)


def _tool_result(part: dict[str, Any], path: JsonPath) -> list[Block]:
    call_id = string_field(part, "tool_use_id", path)
    content = part.get("content")
    if content is None:
        return [Block(BlockKind.TOOL_RESULT, "", (), tool_call_id=call_id, raw=part)]
    if isinstance(content, str):
        return [
            Block(
                BlockKind.TOOL_RESULT, content, (*path, "content"), tool_call_id=call_id, raw=part
            )
        ]
    if not isinstance(content, list):
        raise RequestFormatError(f"{where((*path, 'content'))} must be a string or an array")
    return [_part(sub, (*path, "content", k), call_id) for k, sub in enumerate(content)]


def _thinking_blocks(raw: Any) -> list[dict[str, Any]]:
    """Thinking blocks of the response, which must go back verbatim before its tool calls."""
    content = raw.get("content") if isinstance(raw, dict) else None
    if not isinstance(content, list):
        return []
    return [p for p in content if isinstance(p, dict) and p.get("type") in THINKING_TYPES]


def _arguments(arguments: str) -> Any:
    try:
        return orjson.loads(arguments) if arguments.strip() else {}
    except orjson.JSONDecodeError:
        return {}
