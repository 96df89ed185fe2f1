"""Ordered pipeline stages with one fail-open boundary per stage.

A stage edits the Conversation in place and annotates the Exchange. If it raises, everything it
changed (block texts, message and block lists, system blocks, tools, the decisions it added) is
put back, the failure is written to `exchange.error`, and the next stage runs on the untouched
conversation: the original bytes go upstream rather than a half-edited request.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from engine.config import Mode
from engine.conversation import Block, Conversation, Exchange, Message
from engine.policy import ToolPolicy

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PipelineContext:
    """Per-request inputs that are not part of the conversation itself.

    `query` adds to the query context the router derives (latest user text + tool arguments);
    the SDK and CLI use it for an explicit `--query`.
    """

    policy: ToolPolicy = field(default_factory=lambda: ToolPolicy(default_mode=Mode.OPTIMIZE))
    query: str | None = None


class Stage(Protocol):
    name: str

    def run(self, conv: Conversation, exchange: Exchange, ctx: PipelineContext) -> None: ...


@dataclass
class _Snapshot:
    messages: list[Message]
    message_blocks: list[list[Block]]
    system: list[Block]
    texts: list[tuple[Block, str, str | None]]
    tools: list[dict[str, Any]]
    n_decisions: int

    @classmethod
    def take(cls, conv: Conversation, exchange: Exchange) -> _Snapshot:
        blocks = [b for m in conv.messages for b in m.blocks] + list(conv.system)
        return cls(messages=list(conv.messages),
                   message_blocks=[list(m.blocks) for m in conv.messages],
                   system=list(conv.system),
                   texts=[(b, b.text, b.original_text) for b in blocks],
                   tools=copy.deepcopy(conv.tools),
                   n_decisions=len(exchange.decisions))

    def restore(self, conv: Conversation, exchange: Exchange) -> None:
        conv.messages[:] = self.messages
        for message, blocks in zip(self.messages, self.message_blocks, strict=True):
            message.blocks[:] = blocks
        conv.system[:] = self.system
        for block, text, original in self.texts:
            block.text, block.original_text = text, original
        conv.tools[:] = self.tools
        del exchange.decisions[self.n_decisions:]


class Pipeline:
    """Runs stages in order. Thread-safe as long as each stage is (the router is)."""

    def __init__(self, stages: Sequence[Stage]):
        self.stages = list(stages)

    def close(self) -> None:
        """Release what stages hold open (the router's projection cache)."""
        for stage in self.stages:
            close = getattr(stage, "close", None)
            if callable(close):
                close()

    def run(self, conv: Conversation, exchange: Exchange, ctx: PipelineContext) -> None:
        for stage in self.stages:
            snapshot = _Snapshot.take(conv, exchange)
            try:
                stage.run(conv, exchange, ctx)
            except Exception as err:  # the one fail-open boundary per stage
                snapshot.restore(conv, exchange)
                note = f"stage {stage.name} failed and was skipped: {type(err).__name__}: {err}"
                log.warning(note, exc_info=True)
                exchange.error = f"{exchange.error}; {note}" if exchange.error else note
