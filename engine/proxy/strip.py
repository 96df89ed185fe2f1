"""Remove `headroom_retrieve` calls from a buffered response before the client sees it (mixed
calls, or rounds exhausted), fixing the stop reason when no call of the client's is left."""

from __future__ import annotations

from typing import Any

import orjson

from engine.compressors.marker import RETRIEVE_TOOL
from engine.conversation import Provider


def strip_retrieve_calls(provider: Provider, body: bytes) -> bytes:
    data = orjson.loads(body)
    if provider is Provider.OPENAI_CHAT:
        for choice in data.get("choices") or []:
            _strip_chat_choice(choice)
    elif provider is Provider.ANTHROPIC_MESSAGES:
        _strip_anthropic(data)
    else:
        data["output"] = [item for item in data.get("output") or []
                          if not (item.get("type") == "function_call"
                                  and item.get("name") == RETRIEVE_TOOL)]
    return orjson.dumps(data)


def _strip_chat_choice(choice: dict[str, Any]) -> None:
    message = choice.get("message") or {}
    calls = [c for c in message.get("tool_calls") or []
             if (c.get("function") or {}).get("name") != RETRIEVE_TOOL]
    if calls:
        message["tool_calls"] = calls
        return
    message.pop("tool_calls", None)
    if choice.get("finish_reason") == "tool_calls":
        choice["finish_reason"] = "stop"


def _strip_anthropic(data: dict[str, Any]) -> None:
    content = [b for b in data.get("content") or []
               if not (b.get("type") == "tool_use" and b.get("name") == RETRIEVE_TOOL)]
    data["content"] = content
    if data.get("stop_reason") == "tool_use" and not any(
            b.get("type") == "tool_use" for b in content):
        data["stop_reason"] = "end_turn"
