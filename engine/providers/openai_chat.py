"""OpenAI Chat Completions: requests, responses and streamed chunks.

System and developer messages stay in `messages` (their text blocks are also listed in
`conv.system`, the same objects). Tool results resolve their tool's name through the
`tool_call_id`; messages with a role this adapter does not know pass through as unknown blocks.
"""

from __future__ import annotations

from typing import Any

import orjson

from engine.conversation import Block, BlockKind, Conversation, JsonPath, Message, Provider
from engine.providers.base import AssistantTurn, RequestFormatError, ToolCall, ToolSpec
from engine.providers.blocks import (
    conversation_from,
    openai_usage,
    string_field,
    system_texts,
    tool_names,
    unknown,
    where,
)
from engine.providers.edits import insert_items, parse_root, render_conversation
from engine.providers.openai_stream import OpenAIChatStream

KNOWN_ROLES = frozenset({"system", "developer", "user", "assistant", "tool", "function"})
RESULT_ROLES = frozenset({"tool", "function"})


class OpenAIChatAdapter:
    provider = Provider.OPENAI_CHAT

    def parse_request(self, raw: bytes) -> Conversation:
        data = parse_root(raw)
        entries = data.get("messages")
        if not isinstance(entries, list):
            raise RequestFormatError("messages must be an array of message objects")
        messages = [_message(entry, i) for i, entry in enumerate(entries)]
        return conversation_from(self.provider, data, raw, messages, system_texts(messages))

    def render_request(self, conv: Conversation) -> bytes:
        return render_conversation(conv)

    def add_tool(self, raw: bytes, tool: ToolSpec) -> bytes:
        if tool.name in tool_names(parse_root(raw)):
            return raw
        spec = {"name": tool.name, "description": tool.description, "parameters": tool.parameters}
        return insert_items(raw, ("tools",), [{"type": "function", "function": spec}])

    def append_tool_round(
        self,
        raw: bytes,
        turn: AssistantTurn,
        results: list[tuple[str, str]],
        at: int | None = None,
    ) -> bytes:
        calls = [
            {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
            for c in turn.tool_calls
        ]
        assistant = {"role": "assistant", "content": turn.text or None, "tool_calls": calls}
        replies = [{"role": "tool", "tool_call_id": cid, "content": text} for cid, text in results]
        return insert_items(raw, ("messages",), [assistant, *replies], before=at)

    def parse_response(self, raw: bytes) -> AssistantTurn:
        data = parse_root(raw)
        choices = data.get("choices")
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            raise RequestFormatError("response has no choices")
        message = choices[0].get("message")
        if not isinstance(message, dict):
            raise RequestFormatError("choices[0].message is missing")
        content = message.get("content")
        return AssistantTurn(
            text=content if isinstance(content, str) else "",
            tool_calls=_response_calls(message.get("tool_calls")),
            usage=openai_usage(data.get("usage")),
            stop_reason=choices[0].get("finish_reason"),
            raw=message,
        )

    def new_stream_reconstructor(self) -> OpenAIChatStream:
        return OpenAIChatStream()


def _message(entry: Any, index: int) -> Message:
    path: JsonPath = ("messages", index)
    if not isinstance(entry, dict):
        raise RequestFormatError(f"{where(path)} must be an object")
    role = string_field(entry, "role", path)
    assert role is not None
    if role not in KNOWN_ROLES:
        return Message(role, [unknown(entry, path)], index, raw=entry)
    call_id, name = _result_identity(entry, role, path)
    blocks = _content(entry.get("content"), (*path, "content"), role, call_id, name)
    if role == "assistant":
        blocks += _calls(entry, path)
    return Message(role, blocks, index, raw=entry)


def _result_identity(
    entry: dict[str, Any], role: str, path: JsonPath
) -> tuple[str | None, str | None]:
    if role == "tool":
        call_id = string_field(entry, "tool_call_id", path)
        return call_id, string_field(entry, "name", path, required=False)
    if role == "function":
        return None, string_field(entry, "name", path)
    return None, None


def _content(
    content: Any, path: JsonPath, role: str, call_id: str | None, name: str | None
) -> list[Block]:
    kind = BlockKind.TOOL_RESULT if role in RESULT_ROLES else BlockKind.TEXT
    if content is None:
        return []
    if isinstance(content, str):
        return [Block(kind, content, path, tool_name=name, tool_call_id=call_id)]
    if not isinstance(content, list):
        raise RequestFormatError(f"{where(path)} must be a string, an array or null")
    blocks: list[Block] = []
    for j, part in enumerate(content):
        part_path = (*path, j)
        ptype = part.get("type") if isinstance(part, dict) else None
        if ptype == "text" and isinstance(part, dict) and isinstance(part.get("text"), str):
            text_path = (*part_path, "text")
            blocks.append(Block(kind, part["text"], text_path, name, call_id, raw=part))
        elif ptype == "image_url":
            blocks.append(Block(BlockKind.IMAGE, "", part_path, name, call_id, raw=part))
        else:
            blocks.append(unknown(part, part_path))
    return blocks


def _calls(entry: dict[str, Any], path: JsonPath) -> list[Block]:
    calls = entry.get("tool_calls")
    blocks: list[Block] = []
    if isinstance(entry.get("function_call"), dict):  # the legacy single-call field
        blocks.append(_call_block(entry["function_call"], None, (*path, "function_call")))
    if calls is None:
        return blocks
    if not isinstance(calls, list):
        raise RequestFormatError(f"{where((*path, 'tool_calls'))} must be an array")
    for k, call in enumerate(calls):
        call_path = (*path, "tool_calls", k)
        if not isinstance(call, dict):
            raise RequestFormatError(f"{where(call_path)} must be an object")
        call_id = string_field(call, "id", call_path)
        kind = call.get("type", "function")
        body = call.get(kind) if isinstance(kind, str) else None
        if not isinstance(body, dict):
            blocks.append(unknown(call, call_path))
            continue
        blocks.append(_call_block(body, call_id, (*call_path, kind), raw=call))
    return blocks


def _call_block(
    body: dict[str, Any], call_id: str | None, path: JsonPath, raw: Any = None
) -> Block:
    name = string_field(body, "name", path)
    key = "arguments" if "arguments" in body else "input"
    arguments = body.get(key)
    text = arguments if isinstance(arguments, str) else ""
    text_path = (*path, key) if isinstance(arguments, str) else ()
    return Block(BlockKind.TOOL_CALL, text, text_path, name, call_id, raw=raw or body)


def _response_calls(calls: Any) -> list[ToolCall]:
    found: list[ToolCall] = []
    for call in calls if isinstance(calls, list) else []:
        function = call.get("function") if isinstance(call, dict) else None
        if isinstance(function, dict):
            arguments = function.get("arguments")
            found.append(
                ToolCall(
                    id=str(call.get("id") or ""),
                    name=str(function.get("name") or ""),
                    arguments=arguments
                    if isinstance(arguments, str)
                    else orjson.dumps(arguments or {}).decode(),
                )
            )
    return found
