"""Rebuild a Chat Completions answer from its streamed chunks.

Content arrives as `delta.content` pieces, tool calls as `delta.tool_calls` pieces keyed by
`index` (id and name in the first piece, arguments spread over the rest), and usage in a final
chunk with empty `choices` when the client asked for `stream_options.include_usage`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.conversation import Usage
from engine.providers.base import AssistantTurn, ToolCall
from engine.providers.blocks import openai_usage
from engine.providers.sse import SSEEvent, event_object


@dataclass
class _PartialCall:
    id: str = ""
    name: str = ""
    arguments: list[str] = field(default_factory=list)


class OpenAIChatStream:
    """Feed every SSE event of one stream; `turn()` is the answer so far."""

    def __init__(self) -> None:
        self._text: list[str] = []
        self._reasoning: list[str] = []
        self._calls: dict[int, _PartialCall] = {}
        self._usage = Usage()
        self._stop: str | None = None
        self.error: Any = None

    def feed(self, event: SSEEvent) -> None:
        chunk = event_object(event)
        if chunk is None:
            return
        if "error" in chunk:
            self.error = chunk["error"]
        if isinstance(chunk.get("usage"), dict):
            self._usage = openai_usage(chunk["usage"])
        for choice in chunk.get("choices") or []:
            if isinstance(choice, dict) and choice.get("index", 0) == 0:
                self._choice(choice)

    def _choice(self, choice: dict[str, Any]) -> None:
        if choice.get("finish_reason"):
            self._stop = choice["finish_reason"]
        delta = choice.get("delta")
        if not isinstance(delta, dict):
            return
        if isinstance(delta.get("content"), str):
            self._text.append(delta["content"])
        if isinstance(delta.get("reasoning_content"), str):
            self._reasoning.append(delta["reasoning_content"])
        for piece in delta.get("tool_calls") or []:
            if isinstance(piece, dict):
                self._call_piece(piece)

    def _call_piece(self, piece: dict[str, Any]) -> None:
        index = piece.get("index")
        call = self._calls.setdefault(
            index if isinstance(index, int) else len(self._calls), _PartialCall()
        )
        if isinstance(piece.get("id"), str):
            call.id = piece["id"]
        function = piece.get("function")
        if isinstance(function, dict):
            if isinstance(function.get("name"), str):
                call.name += function["name"]
            if isinstance(function.get("arguments"), str):
                call.arguments.append(function["arguments"])

    def turn(self) -> AssistantTurn:
        calls = [
            ToolCall(c.id, c.name, "".join(c.arguments)) for _, c in sorted(self._calls.items())
        ]
        text = "".join(self._text)
        message: dict[str, Any] = {"role": "assistant", "content": text or None}
        if calls:
            message["tool_calls"] = [
                {
                    "id": c.id,
                    "type": "function",
                    "function": {"name": c.name, "arguments": c.arguments},
                }
                for c in calls
            ]
        return AssistantTurn(
            text, calls, self._usage, self._stop, raw=message, thinking="".join(self._reasoning)
        )
