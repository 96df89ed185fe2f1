"""OpenAI Responses API: `input` items (messages, function_call, function_call_output, reasoning)
and `instructions`, responses and streamed events.

Each input item is one Message (its index is the item's index); function calls are assistant
messages, their outputs "tool" messages whose name resolves through `call_id`.
"""

from __future__ import annotations

from typing import Any

from engine.conversation import Block, BlockKind, Conversation, JsonPath, Message, Provider
from engine.providers import rawjson
from engine.providers.base import AssistantTurn, RequestFormatError, ToolSpec
from engine.providers.blocks import (
    conversation_from,
    string_field,
    system_texts,
    tool_names,
    unknown,
    where,
)
from engine.providers.edits import decode, insert_items, json_style, parse_root, render_conversation
from engine.providers.responses_stream import ResponsesStream, turn_from_response

MESSAGE_ROLES = frozenset({"user", "assistant", "system", "developer"})
TEXT_PARTS = frozenset({"input_text", "output_text", "text"})
CALL_TYPES = {"function_call": "arguments", "custom_tool_call": "input"}
OUTPUT_TYPES = frozenset({"function_call_output", "custom_tool_call_output"})


class OpenAIResponsesAdapter:
    provider = Provider.OPENAI_RESPONSES

    def parse_request(self, raw: bytes) -> Conversation:
        data = parse_root(raw)
        messages = _messages(data.get("input"))
        instructions = data.get("instructions")
        system = []
        if isinstance(instructions, str):
            system.append(Block(BlockKind.TEXT, instructions, ("instructions",)))
        return conversation_from(self.provider, data, raw, messages,
                                 system + system_texts(messages))

    def render_request(self, conv: Conversation) -> bytes:
        return render_conversation(conv)

    def add_tool(self, raw: bytes, tool: ToolSpec) -> bytes:
        if tool.name in tool_names(parse_root(raw)):
            return raw
        spec = {
            "type": "function",
            "name": tool.name,
            "description": tool.description,
            "parameters": tool.parameters,
        }
        return insert_items(raw, ("tools",), [spec])

    def append_tool_round(
        self,
        raw: bytes,
        turn: AssistantTurn,
        results: list[tuple[str, str]],
        at: int | None = None,
    ) -> bytes:
        outputs = [
            {"type": "function_call_output", "call_id": call_id, "output": text}
            for call_id, text in results
        ]
        new_items = [*_turn_items(turn), *outputs]
        if isinstance(parse_root(raw).get("input"), str):
            return _listify_input(raw, new_items, first=at == 0)
        return insert_items(raw, ("input",), new_items, before=at)

    def parse_response(self, raw: bytes) -> AssistantTurn:
        return turn_from_response(parse_root(raw))

    def new_stream_reconstructor(self) -> ResponsesStream:
        return ResponsesStream()


def _messages(entries: Any) -> list[Message]:
    if entries is None:
        return []
    if isinstance(entries, str):
        return [Message("user", [Block(BlockKind.TEXT, entries, ("input",))], 0)]
    if not isinstance(entries, list):
        raise RequestFormatError("input must be a string or an array of items")
    return [_item(entry, i) for i, entry in enumerate(entries)]


def _item(entry: Any, index: int) -> Message:
    path: JsonPath = ("input", index)
    if not isinstance(entry, dict):
        raise RequestFormatError(f"{where(path)} must be an object")
    itype = entry.get("type", "message")
    if not isinstance(itype, str):
        return Message("unknown", [unknown(entry, path)], index, raw=entry)
    if itype in CALL_TYPES:
        return Message("assistant", [_call(entry, path, CALL_TYPES[itype])], index, raw=entry)
    if itype in OUTPUT_TYPES:
        call_id = string_field(entry, "call_id", path)
        return Message("tool", _output(entry.get("output"), path, call_id), index, raw=entry)
    if itype == "reasoning":
        return Message("assistant", [_reasoning(entry)], index, raw=entry)
    role = entry.get("role")
    if itype != "message" or not isinstance(role, str) or role not in MESSAGE_ROLES:
        return Message(str(role or itype), [unknown(entry, path)], index, raw=entry)
    return Message(role, _content(entry.get("content"), (*path, "content")), index, raw=entry)


def _call(entry: dict[str, Any], path: JsonPath, key: str) -> Block:
    call_id = string_field(entry, "call_id", path)
    name = string_field(entry, "name", path)
    text = entry.get(key)
    if not isinstance(text, str):
        return Block(BlockKind.TOOL_CALL, "", (), name, call_id, raw=entry)
    return Block(BlockKind.TOOL_CALL, text, (*path, key), name, call_id, raw=entry)


def _output(output: Any, path: JsonPath, call_id: str | None) -> list[Block]:
    if isinstance(output, str):
        return [Block(BlockKind.TOOL_RESULT, output, (*path, "output"), tool_call_id=call_id)]
    if not isinstance(output, list):
        raise RequestFormatError(f"{where((*path, 'output'))} must be a string or an array")
    blocks = _content(output, (*path, "output"))
    for block in blocks:
        block.tool_call_id = call_id
        if block.kind is BlockKind.TEXT:
            block.kind = BlockKind.TOOL_RESULT
    return blocks


def _content(content: Any, path: JsonPath) -> list[Block]:
    if isinstance(content, str):
        return [Block(BlockKind.TEXT, content, path)]
    if not isinstance(content, list):
        raise RequestFormatError(f"{where(path)} must be a string or an array of parts")
    blocks: list[Block] = []
    for j, part in enumerate(content):
        ptype = part.get("type") if isinstance(part, dict) else None
        if ptype in TEXT_PARTS and isinstance(part, dict) and isinstance(part.get("text"), str):
            blocks.append(Block(BlockKind.TEXT, part["text"], (*path, j, "text"), raw=part))
        elif ptype == "input_image":
            blocks.append(Block(BlockKind.IMAGE, "", (*path, j), raw=part))
        else:
            blocks.append(unknown(part, (*path, j)))
    return blocks


def _reasoning(entry: dict[str, Any]) -> Block:
    """Reasoning items go back verbatim (their summaries are shown, never edited)."""
    summary = entry.get("summary")
    parts = summary if isinstance(summary, list) else []
    text = "\n".join(
        p["text"] for p in parts if isinstance(p, dict) and isinstance(p.get("text"), str)
    )
    return Block(BlockKind.THINKING, text, (), raw=entry)


def _turn_items(turn: AssistantTurn) -> list[dict[str, Any]]:
    """The model's output items as the next request's input (what the SDK docs do)."""
    output = turn.raw.get("output") if isinstance(turn.raw, dict) else None
    if isinstance(output, list) and output:
        return [item for item in output if isinstance(item, dict)]
    items: list[dict[str, Any]] = []
    if turn.text:
        part = {"type": "output_text", "text": turn.text}
        items.append({"type": "message", "role": "assistant", "content": [part]})
    items += [
        {"type": "function_call", "call_id": c.id, "name": c.name, "arguments": c.arguments}
        for c in turn.tool_calls
    ]
    return items


def _listify_input(raw: bytes, new_items: list[dict[str, Any]], first: bool) -> bytes:
    """A string `input` becomes [its user message, *new_items] (or the new items `first`);
    nothing else moves."""
    text = decode(raw)
    start, end = rawjson.locate(text, [("input",)])[("input",)]
    style = json_style(raw, text)
    message = '{"role"' + style.key_separator + '"user"' + style.item_separator + '"content"'
    message += style.key_separator + text[start:end] + "}"
    added = [style.dumps(item) for item in new_items]
    ordered = [*added, message] if first else [message, *added]
    array = "[" + style.item_separator.join(ordered) + "]"
    return (text[:start] + array + text[end:]).encode("utf-8")
