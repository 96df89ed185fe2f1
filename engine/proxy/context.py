"""Everything a proxy route needs, built once by `create_app` and passed to each route."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import anyio

from engine.ccr.store import CCRStore
from engine.config import Mode, Settings
from engine.conversation import Exchange, RetrievalEvent
from engine.pipeline import Pipeline
from engine.pipeline.token_memo import TokenMemo
from engine.proxy.finisher import Finisher
from engine.proxy.rounds import RoundStore
from engine.proxy.upstream import Upstream


class ExchangeSink(Protocol):
    """Where exchanges go (engine.store.Store); must never block the caller."""

    def record(self, exchange: Exchange) -> bool: ...

    def record_retrieval(self, event: RetrievalEvent) -> bool: ...

    def tool_mode(self, tool_name: str) -> Mode | None: ...


@dataclass
class ProxyContext:
    settings: Settings
    store: ExchangeSink
    pipeline: Pipeline | None
    upstream: Upstream
    ccr: CCRStore | None = None
    rounds: RoundStore | None = None
    tokens: TokenMemo = field(default_factory=TokenMemo)
    finisher: Finisher = field(init=False)

    heavy_lane: anyio.CapacityLimiter = field(init=False)
    # The OpenAI upstream refused `stream_options` once: stop adding it (stream_usage.py).
    no_stream_options: bool = False

    def __post_init__(self) -> None:
        self.finisher = Finisher(self.store.record)
        self.heavy_lane = anyio.CapacityLimiter(1)

    @property
    def retrieval_enabled(self) -> bool:
        return self.ccr is not None and self.settings.max_retrieval_rounds > 0
