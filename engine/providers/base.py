"""Types every wire-format adapter shares, and the `Adapter` protocol they implement.

An adapter turns one provider's request bytes into a provider-neutral `Conversation` and back,
splices additions (a tool definition, a tool round) into raw requests without disturbing the
bytes around them, and reads that provider's responses, buffered or streamed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from engine.conversation import Conversation, Provider, Usage
from engine.providers.sse import SSEEvent


class RequestFormatError(ValueError):
    """The request cannot be read as its provider's format; the message says where and why."""


@dataclass
class ToolCall:
    id: str
    name: str
    arguments: str  # JSON text, exactly as the model produced it


@dataclass
class AssistantTurn:
    """What the model answered: text, tool calls, usage. `raw` is the provider-shaped message
    (OpenAI chat: the choice's message; Anthropic: the message; Responses: the response)."""

    text: str = ""
    tool_calls: list[ToolCall] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    stop_reason: str | None = None
    raw: Any = None
    thinking: str = ""


@dataclass
class ToolSpec:
    name: str
    description: str
    parameters: dict[str, Any]  # JSON schema of the arguments


class StreamReconstructor(Protocol):
    """Rebuilds the final assistant turn from a provider's SSE events, fed in order."""

    def feed(self, event: SSEEvent) -> None: ...

    def turn(self) -> AssistantTurn: ...


class Adapter(Protocol):
    provider: Provider

    def parse_request(self, raw: bytes) -> Conversation: ...

    def render_request(self, conv: Conversation) -> bytes: ...

    def add_tool(self, raw: bytes, tool: ToolSpec) -> bytes: ...

    def append_tool_round(
        self,
        raw: bytes,
        turn: AssistantTurn,
        results: list[tuple[str, str]],
        at: int | None = None,
    ) -> bytes:
        """The assistant turn with its tool calls plus one tool result per (call id, text),
        appended to the conversation, or inserted before message/item `at` (re-inserting an
        earlier retrieval where it happened keeps the upstream prefix byte-identical)."""
        ...

    def parse_response(self, raw: bytes) -> AssistantTurn: ...

    def new_stream_reconstructor(self) -> StreamReconstructor: ...
