"""Wire-format adapters: parse a provider's request into a Conversation and render it back
byte-faithfully, splice tool additions, and read that provider's responses and streams."""

from __future__ import annotations

from engine.conversation import Provider
from engine.providers.anthropic_messages import AnthropicMessagesAdapter
from engine.providers.base import (
    Adapter,
    AssistantTurn,
    RequestFormatError,
    StreamReconstructor,
    ToolCall,
    ToolSpec,
)
from engine.providers.openai_chat import OpenAIChatAdapter
from engine.providers.openai_responses import OpenAIResponsesAdapter
from engine.providers.sse import SSEEvent, SSEParser, encode_event


def adapter_for(provider: Provider | str) -> Adapter:
    """The adapter for one wire format (a Provider or its string value)."""
    adapters: dict[Provider, Adapter] = {
        Provider.OPENAI_CHAT: OpenAIChatAdapter(),
        Provider.ANTHROPIC_MESSAGES: AnthropicMessagesAdapter(),
        Provider.OPENAI_RESPONSES: OpenAIResponsesAdapter(),
    }
    try:
        return adapters[Provider(provider)]
    except (KeyError, ValueError) as exc:
        raise ValueError(f"no adapter for provider {provider!r}") from exc


__all__ = [
    "Adapter",
    "AnthropicMessagesAdapter",
    "AssistantTurn",
    "OpenAIChatAdapter",
    "OpenAIResponsesAdapter",
    "RequestFormatError",
    "SSEEvent",
    "SSEParser",
    "StreamReconstructor",
    "ToolCall",
    "ToolSpec",
    "adapter_for",
    "encode_event",
]
