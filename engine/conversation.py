"""Provider-neutral conversation model and the Exchange record.

Adapters in `engine.providers` parse a wire-format request into a `Conversation` and render it
back. Every block remembers where its text lives in the raw request (`path`) and what it was
(`original_text`), so rendering an untouched conversation returns the original bytes and editing
one block splices only that block. Every pipeline stage annotates the one `Exchange` record that
the recorder saves and the GUI reads.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

JsonPath = tuple[str | int, ...]


class Provider(StrEnum):
    OPENAI_CHAT = "openai_chat"
    ANTHROPIC_MESSAGES = "anthropic_messages"
    OPENAI_RESPONSES = "openai_responses"


class BlockKind(StrEnum):
    TEXT = "text"
    IMAGE = "image"
    TOOL_CALL = "tool_call"
    TOOL_RESULT = "tool_result"
    THINKING = "thinking"
    UNKNOWN = "unknown"


@dataclass
class Block:
    """One piece of a message. `text` is prose, a tool's output, or a tool call's arguments."""

    kind: BlockKind
    text: str = ""
    path: JsonPath = ()
    tool_name: str | None = None
    tool_call_id: str | None = None
    original_text: str | None = None
    raw: Any = None

    def __post_init__(self) -> None:
        if self.original_text is None:
            self.original_text = self.text

    @property
    def modified(self) -> bool:
        return self.text != self.original_text


@dataclass
class Message:
    role: str
    blocks: list[Block]
    index: int
    raw: Any = None


@dataclass
class Conversation:
    provider: Provider
    model: str
    messages: list[Message]
    raw: bytes
    system: list[Block] = field(default_factory=list)
    tools: list[dict[str, Any]] = field(default_factory=list)
    stream: bool = False

    def blocks(self) -> Iterator[tuple[Message, Block]]:
        for message in self.messages:
            for block in message.blocks:
                yield message, block

    def tool_results(self) -> Iterator[tuple[Message, Block]]:
        return ((m, b) for m, b in self.blocks() if b.kind is BlockKind.TOOL_RESULT)

    def tool_call(self, call_id: str | None) -> Block | None:
        for _, block in self.blocks():
            if block.kind is BlockKind.TOOL_CALL and block.tool_call_id == call_id:
                return block
        return None

    def latest_user_text(self) -> str:
        """The last text the user typed (tool results are not user text)."""
        for message in reversed(self.messages):
            if message.role != "user":
                continue
            texts = [b.text for b in message.blocks if b.kind is BlockKind.TEXT]
            if texts:
                return "\n".join(texts)
        return ""

    def tool_names(self) -> list[str]:
        names = {b.tool_name for _, b in self.tool_results() if b.tool_name}
        return sorted(names)

    @property
    def modified(self) -> bool:
        return any(b.modified for _, b in self.blocks()) or any(b.modified for b in self.system)


class Action(StrEnum):
    COMPRESSED = "compressed"
    KEPT = "kept"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass
class Decision:
    """What happened to one block, recorded per exchange."""

    message_index: int
    block_index: int
    tool_name: str | None
    content_type: str
    compressor: str | None
    mode: str
    tokens_before: int
    tokens_after: int
    action: Action
    reason: str
    ccr_key: str | None = None
    tokens_estimated: bool = False
    lossy: bool = False
    # What was sent (optimize) or would have been sent (audit); None when the block was kept.
    compressed_text: str | None = None


@dataclass
class Usage:
    """Provider-reported usage; None where the provider did not say."""

    input_tokens: int | None = None
    output_tokens: int | None = None
    cached_tokens: int | None = None
    cache_creation_tokens: int | None = None

    def __add__(self, other: Usage) -> Usage:
        def add(a: int | None, b: int | None) -> int | None:
            return None if a is None and b is None else (a or 0) + (b or 0)

        return Usage(
            add(self.input_tokens, other.input_tokens),
            add(self.output_tokens, other.output_tokens),
            add(self.cached_tokens, other.cached_tokens),
            add(self.cache_creation_tokens, other.cache_creation_tokens),
        )


@dataclass
class RetrievalEvent:
    key: str
    query: str | None
    hit: bool
    items_returned: int
    exchange_id: str | None = None
    tool_name: str | None = None
    created_at: float = field(default_factory=time.time)


@dataclass
class Exchange:
    """One client request through the proxy (or one SDK call): every stage annotates it."""

    provider: str
    endpoint: str
    model: str = ""
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    started_at: float = field(default_factory=time.time)
    stream: bool = False
    mode: str = ""
    session: str | None = None
    status_code: int | None = None
    error: str | None = None
    tools: list[str] = field(default_factory=list)
    tokens_before: int = 0
    tokens_after: int = 0
    tokens_estimated: bool = False
    usage: Usage = field(default_factory=Usage)
    cost_usd: float | None = None
    cost_saved_usd: float | None = None
    proxy_overhead_ms: float | None = None
    upstream_ttfb_ms: float | None = None
    total_ms: float | None = None
    decisions: list[Decision] = field(default_factory=list)
    retrievals: list[RetrievalEvent] = field(default_factory=list)
    original_request: bytes | None = None
    sent_request: bytes | None = None
    response: bytes | None = None
    retrieval_rounds: int = 0
