"""Rebuild an Anthropic Messages answer from its streamed events.

`message_start` carries the message shell and input usage (incl. cache reads and writes);
`content_block_start/delta/stop` build each block (text, tool_use input as partial JSON,
thinking and its signature); `message_delta` brings the stop reason and output usage.
"""

from __future__ import annotations

from typing import Any

import orjson

from engine.providers.anthropic_response import turn_from_message
from engine.providers.base import AssistantTurn
from engine.providers.sse import SSEEvent, event_object

_DELTA_FIELDS = {
    "text_delta": "text",
    "thinking_delta": "thinking",
    "signature_delta": "signature",
}


class AnthropicStream:
    """Feed every SSE event of one stream; `turn()` is the message so far."""

    def __init__(self) -> None:
        self._message: dict[str, Any] = {"role": "assistant", "content": []}
        self._blocks: dict[int, dict[str, Any]] = {}
        self._json: dict[int, list[str]] = {}
        self.error: Any = None

    def feed(self, event: SSEEvent) -> None:
        payload = event_object(event)
        if payload is None:
            return
        kind = payload.get("type", event.event)
        handler = {
            "message_start": self._start,
            "content_block_start": self._block_start,
            "content_block_delta": self._block_delta,
            "message_delta": self._message_delta,
            "error": self._error,
        }.get(str(kind))
        if handler is not None:
            handler(payload)

    def _start(self, payload: dict[str, Any]) -> None:
        message = payload.get("message")
        if isinstance(message, dict):
            self._message = {**message, "content": list(message.get("content") or [])}

    def _block_start(self, payload: dict[str, Any]) -> None:
        block = payload.get("content_block")
        index = payload.get("index")
        if isinstance(block, dict) and isinstance(index, int):
            self._blocks[index] = dict(block)

    def _block_delta(self, payload: dict[str, Any]) -> None:
        delta = payload.get("delta")
        index = payload.get("index")
        if not isinstance(delta, dict) or not isinstance(index, int) or index not in self._blocks:
            return
        block = self._blocks[index]
        dtype = delta.get("type")
        if dtype == "input_json_delta":
            self._json.setdefault(index, []).append(str(delta.get("partial_json", "")))
        elif dtype == "citations_delta":
            block.setdefault("citations", []).append(delta.get("citation"))
        elif isinstance(dtype, str) and dtype in _DELTA_FIELDS:
            field = _DELTA_FIELDS[dtype]
            block[field] = str(block.get(field) or "") + str(delta.get(field, ""))

    def _message_delta(self, payload: dict[str, Any]) -> None:
        delta = payload.get("delta")
        if isinstance(delta, dict):
            self._message.update({k: v for k, v in delta.items() if v is not None})
        usage = payload.get("usage")
        if isinstance(usage, dict):
            merged = dict(self._message.get("usage") or {})
            merged.update({k: v for k, v in usage.items() if v is not None})
            self._message["usage"] = merged

    def _error(self, payload: dict[str, Any]) -> None:
        self.error = payload.get("error")

    def message(self) -> dict[str, Any]:
        """The message as a non-streamed response would have returned it."""
        content = list(self._message.get("content") or [])
        for index in sorted(self._blocks):
            block = dict(self._blocks[index])
            if index in self._json:
                block["input"] = _parse_input("".join(self._json[index]))
            content.append(block)
        return {**self._message, "content": content}

    def turn(self) -> AssistantTurn:
        """The turn; tool-call arguments are the JSON text exactly as it was streamed."""
        turn = turn_from_message(self.message())
        texts = {self._blocks[i].get("id"): parts for i, parts in self._json.items()}
        for call in turn.tool_calls:
            if call.id in texts and "".join(texts[call.id]).strip():
                call.arguments = "".join(texts[call.id])
        return turn


def _parse_input(text: str) -> Any:
    """A tool's input; a stream cut short leaves JSON that does not parse, kept as {}."""
    if not text.strip():
        return {}
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return {}
