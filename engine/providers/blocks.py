"""Small helpers the adapters share while turning parsed JSON into blocks and usage.

Usage is normalized across providers: `input_tokens` counts every prompt token the provider
processed, cache reads and cache writes included (OpenAI's `prompt_tokens`; Anthropic's
`input_tokens + cache_read_input_tokens + cache_creation_input_tokens`), so numbers from both
providers compare directly; `cached_tokens` and `cache_creation_tokens` are the parts of it that
were read from or written to the provider's prompt cache.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from engine.conversation import Block, BlockKind, Conversation, JsonPath, Message, Provider, Usage
from engine.providers.base import RequestFormatError


def where(path: JsonPath) -> str:
    """A JSON path as a reader writes it: messages[3].content[0].text."""
    return "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in path).lstrip(
        "."
    )


def string_field(
    obj: dict[str, Any], key: str, path: JsonPath, required: bool = True
) -> str | None:
    value = obj.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        state = "is missing" if value is None else f"must be a string, not {type(value).__name__}"
        raise RequestFormatError(f"{where((*path, key))} {state}")
    return value


def unknown(raw: Any, path: JsonPath = ()) -> Block:
    """A part this adapter does not understand: carried along, never edited, rendered verbatim."""
    return Block(BlockKind.UNKNOWN, path=path, raw=raw)


def resolve_tool_names(messages: Iterable[Message]) -> None:
    """Give each tool result the name of the tool whose call produced it (by tool-call id)."""
    all_blocks = [block for message in messages for block in message.blocks]
    names = {
        b.tool_call_id: b.tool_name
        for b in all_blocks
        if b.kind is BlockKind.TOOL_CALL and b.tool_call_id and b.tool_name
    }
    for block in all_blocks:
        if block.kind in (BlockKind.TOOL_RESULT, BlockKind.IMAGE) and block.tool_call_id:
            block.tool_name = names.get(block.tool_call_id, block.tool_name)


SYSTEM_ROLES = frozenset({"system", "developer"})


def system_texts(messages: Iterable[Message]) -> list[Block]:
    """Text blocks of system/developer messages (OpenAI keeps its system prompt in messages)."""
    return [b for m in messages if m.role in SYSTEM_ROLES for b in m.blocks
            if b.kind is BlockKind.TEXT]


def conversation_from(provider: Provider, data: dict[str, Any], raw: bytes,
                      messages: list[Message], system: list[Block]) -> Conversation:
    """The Conversation every adapter builds once its messages are parsed: tool-result names
    resolved, and model, tools and stream read from the request's top level."""
    resolve_tool_names(messages)
    return Conversation(
        provider=provider,
        model=string_field(data, "model", (), required=False) or "",
        messages=messages,
        raw=bytes(raw),
        system=system,
        tools=tool_list(data),
        stream=data.get("stream") is True,
    )


def tool_list(data: dict[str, Any]) -> list[dict[str, Any]]:
    tools = data.get("tools")
    if tools is None:
        return []
    if not isinstance(tools, list):
        raise RequestFormatError("tools must be an array")
    return [t for t in tools if isinstance(t, dict)]


def tool_names(data: dict[str, Any]) -> set[str]:
    """Names of the declared tools, whichever provider shape each definition has."""
    names: set[str] = set()
    for tool in tool_list(data):
        inner = tool.get("function")
        name = inner.get("name") if isinstance(inner, dict) else tool.get("name")
        if isinstance(name, str):
            names.add(name)
    return names


def as_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def openai_usage(usage: Any) -> Usage:
    """Chat Completions (`prompt_tokens`) and Responses (`input_tokens`) usage objects."""
    if not isinstance(usage, dict):
        return Usage()
    details = usage.get("prompt_tokens_details") or usage.get("input_tokens_details") or {}
    cached = as_int(details.get("cached_tokens")) if isinstance(details, dict) else None
    prompt = as_int(usage.get("prompt_tokens", usage.get("input_tokens")))
    completion = as_int(usage.get("completion_tokens", usage.get("output_tokens")))
    return Usage(input_tokens=prompt, output_tokens=completion, cached_tokens=cached)


def anthropic_usage(usage: Any) -> Usage:
    if not isinstance(usage, dict):
        return Usage()
    uncached = as_int(usage.get("input_tokens"))
    read = as_int(usage.get("cache_read_input_tokens"))
    written = as_int(usage.get("cache_creation_input_tokens"))
    parts = [n for n in (uncached, read, written) if n is not None]
    return Usage(
        input_tokens=sum(parts) if parts else None,
        output_tokens=as_int(usage.get("output_tokens")),
        cached_tokens=read,
        cache_creation_tokens=written,
    )
