"""Read OpenAI Responses API answers: a complete response object, or its streamed events.

A stream ends with `response.completed` (or `.incomplete` / `.failed`) carrying the whole
response; until then the output items are rebuilt from `output_item.added/done` and the text
and function-argument deltas, so a cut stream still shows what arrived.
"""

from __future__ import annotations

from typing import Any

from engine.providers.base import AssistantTurn, RequestFormatError, ToolCall
from engine.providers.blocks import openai_usage
from engine.providers.sse import SSEEvent, event_object

FINAL_EVENTS = frozenset({"response.completed", "response.incomplete", "response.failed"})


def turn_from_response(response: dict[str, Any]) -> AssistantTurn:
    output = response.get("output")
    if not isinstance(output, list):
        raise RequestFormatError("response has no output array")
    items = [item for item in output if isinstance(item, dict)]
    calls = [
        ToolCall(str(i.get("call_id", "")), str(i.get("name", "")), str(i.get("arguments", "")))
        for i in items
        if i.get("type") == "function_call"
    ]
    details = response.get("incomplete_details")
    reason = details.get("reason") if isinstance(details, dict) else None
    return AssistantTurn(
        text="".join(_texts(items, "message", "content", "output_text")),
        tool_calls=calls,
        usage=openai_usage(response.get("usage")),
        stop_reason="tool_calls" if calls else reason or response.get("status"),
        raw=response,
        thinking="\n".join(_texts(items, "reasoning", "summary", "summary_text")),
    )


def _texts(items: list[dict[str, Any]], item_type: str, key: str, part_type: str) -> list[str]:
    return [
        part["text"]
        for item in items
        if item.get("type") == item_type
        for part in item.get(key) or []
        if isinstance(part, dict)
        and part.get("type") == part_type
        and isinstance(part.get("text"), str)
    ]


class ResponsesStream:
    """Feed every SSE event of one stream; `turn()` is the response so far."""

    def __init__(self) -> None:
        self._response: dict[str, Any] = {"output": []}
        self._items: dict[int, dict[str, Any]] = {}
        self._final: dict[str, Any] | None = None
        self.error: Any = None

    def feed(self, event: SSEEvent) -> None:
        payload = event_object(event)
        if payload is None:
            return
        kind = str(payload.get("type", event.event))
        response = payload.get("response")
        if kind in FINAL_EVENTS and isinstance(response, dict):
            self._final = response
        elif isinstance(response, dict):
            self._response = response
        elif kind == "error":
            self.error = payload
        else:
            self._item_event(kind, payload)

    def _item_event(self, kind: str, payload: dict[str, Any]) -> None:
        index = payload.get("output_index")
        if not isinstance(index, int):
            return
        if kind in ("response.output_item.added", "response.output_item.done"):
            if isinstance(payload.get("item"), dict):
                self._items[index] = dict(payload["item"])
        elif kind == "response.output_text.delta":
            self._append_text(index, str(payload.get("delta", "")))
        elif kind == "response.function_call_arguments.delta":
            item = self._items.setdefault(index, {"type": "function_call"})
            item["arguments"] = str(item.get("arguments") or "") + str(payload.get("delta", ""))

    def _append_text(self, index: int, delta: str) -> None:
        item = self._items.setdefault(index, {"type": "message", "role": "assistant"})
        content = item.setdefault("content", [])
        if not content or content[-1].get("type") != "output_text":
            content.append({"type": "output_text", "text": ""})
        content[-1]["text"] += delta

    def response(self) -> dict[str, Any]:
        if self._final is not None:
            return self._final
        return {**self._response, "output": [self._items[i] for i in sorted(self._items)]}

    def turn(self) -> AssistantTurn:
        return turn_from_response(self.response())
