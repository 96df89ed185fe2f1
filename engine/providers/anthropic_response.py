"""Read a complete Anthropic Messages response object (buffered, or rebuilt from a stream)."""

from __future__ import annotations

from typing import Any

import orjson

from engine.providers.base import AssistantTurn, RequestFormatError, ToolCall
from engine.providers.blocks import anthropic_usage


def turn_from_message(message: dict[str, Any]) -> AssistantTurn:
    """An assistant turn from a complete Messages API response object."""
    if message.get("type") == "error":
        raise RequestFormatError(f"the response is an error: {message.get('error')}")
    content = message.get("content")
    if not isinstance(content, list):
        raise RequestFormatError("response has no content array")
    parts = [p for p in content if isinstance(p, dict)]
    calls = [
        ToolCall(
            str(p.get("id", "")), str(p.get("name", "")), orjson.dumps(p.get("input", {})).decode()
        )
        for p in parts
        if p.get("type") == "tool_use"
    ]
    return AssistantTurn(
        text="".join(
            p["text"] for p in parts if p.get("type") == "text" and isinstance(p.get("text"), str)
        ),
        tool_calls=calls,
        usage=anthropic_usage(message.get("usage")),
        stop_reason=message.get("stop_reason"),
        raw=message,
        thinking="".join(str(p.get("thinking", "")) for p in parts if p.get("type") == "thinking"),
    )
