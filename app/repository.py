"""What the GUI reads, in the GUI's own terms. `Repository` is the one seam between the windows and
the recorded data: the real implementation (app/store_repository.py) maps engine.store.queries onto
these rows; tests may pass their own. Everything here is plain, immutable data, safe to hand from a
worker thread to the GUI thread."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from engine.conversation import Exchange


class SortKey(StrEnum):
    TIME = "time"
    PROVIDER = "provider"
    MODEL = "model"
    TOKENS_BEFORE = "tokens_before"
    TOKENS_AFTER = "tokens_after"
    SAVED = "saved"
    COST_SAVED = "cost_saved"
    LATENCY = "latency"
    STATUS = "status"
    MODE = "mode"


@dataclass(frozen=True)
class ExchangeFilter:
    model: str | None = None
    tool: str | None = None
    status: str | None = None  # "ok" | "error"
    min_saved: float | None = None  # fraction 0..1
    search: str | None = None  # full text over bodies

    @property
    def empty(self) -> bool:
        return self == ExchangeFilter()


@dataclass(frozen=True)
class ExchangeRow:
    id: str
    started_at: float
    provider: str
    model: str
    tools: tuple[str, ...]
    tokens_before: int
    tokens_after: int
    cost_saved_usd: float | None
    total_ms: float | None
    status_code: int | None
    error: str | None
    mode: str
    tokens_estimated: bool = False
    would_save: int = 0  # tokens optimize would have removed from audited blocks (not sent)

    @property
    def would_save_fraction(self) -> float | None:
        """What optimize would have saved, as a share of the request, when audit withheld it."""
        if self.would_save <= 0 or self.tokens_before <= 0:
            return None
        return min(1.0, self.would_save / self.tokens_before)

    @property
    def failed(self) -> bool:
        return self.error is not None or (self.status_code is not None and self.status_code >= 400)


@dataclass(frozen=True)
class Totals:
    requests: int = 0
    tokens_before: int = 0
    tokens_after: int = 0
    cost_saved_usd: float = 0.0
    median_saved: float | None = None  # fraction, per request, over the newest median_covers
    keys_issued: int = 0
    keys_retrieved: int = 0
    billed_input_tokens: int = 0  # provider-reported, where reported
    cached_tokens: int = 0
    estimated_requests: int = 0
    median_covers: int = 0  # requests the median is taken over (a recent window)

    @property
    def tokens_saved(self) -> int:
        return max(0, self.tokens_before - self.tokens_after)

    @property
    def retrieval_rate(self) -> float | None:
        """Share of issued CCR keys the model asked to redeem."""
        return min(1.0, self.keys_retrieved / self.keys_issued) if self.keys_issued else None

    @property
    def cache_hit_rate(self) -> float | None:
        if not self.billed_input_tokens:
            return None
        return self.cached_tokens / self.billed_input_tokens


@dataclass(frozen=True)
class SeriesPoint:
    at: float  # bucket start, epoch seconds
    tokens_before: int
    tokens_after: int
    cost_saved_usd: float
    requests: int


@dataclass(frozen=True)
class WorkloadRow:
    workload: str
    blocks: int  # tool results (and other blocks) considered
    tokens_before: int
    tokens_after: int  # after compression, whatever the mode
    tokens_saved: int  # actually removed from requests (optimize)


@dataclass(frozen=True)
class ToolRow:
    name: str
    calls: int  # tool-result blocks seen
    tokens_before: int
    tokens_saved: int  # removed from requests in optimize mode
    would_save: int  # what optimize saves or would have saved on every call
    compression: float | None  # what compression achieves on this tool's output (fraction)
    retrieval_rate: float | None  # share of this tool's keys the model redeemed
    mode: str  # effective mode: the chosen one, else the default for new tools
    mode_is_default: bool = False
    median_saved: float | None = None  # fraction per call, as sent, over the newest calls
    median_would_save: float | None = None  # fraction per call optimize achieves, same calls
    last_seen: float | None = None  # epoch seconds of the newest call


@dataclass(frozen=True)
class RetrievalRow:
    created_at: float
    key: str
    tool_name: str | None
    query: str | None
    hit: bool
    items_returned: int
    exchange_id: str | None  # the exchange that asked
    origin_exchange_id: str | None = None  # the exchange whose block was stored under `key`


@dataclass(frozen=True)
class FilterOptions:
    models: tuple[str, ...] = ()
    tools: tuple[str, ...] = ()


@dataclass(frozen=True)
class Overhead:
    """Latency the proxy added: a histogram over upper bounds in ms (None = above all)."""

    histogram: tuple[tuple[float | None, int], ...] = ()
    p50: float | None = None
    p99: float | None = None


class Repository(Protocol):
    """Read-only access, called from worker threads (implementations must be thread-safe)."""

    def count_exchanges(self, flt: ExchangeFilter) -> int: ...

    def list_exchanges(self, flt: ExchangeFilter, sort: SortKey, descending: bool,
                       offset: int, limit: int) -> list[ExchangeRow]: ...

    def exchange_detail(self, exchange_id: str) -> Exchange | None: ...

    def filter_options(self) -> FilterOptions: ...

    def headline(self, since: float | None) -> Totals:
        """Requests, tokens and dollars only: cheap enough for the status line."""
        ...

    def totals(self, since: float | None) -> Totals: ...

    def savings_series(self, since: float | None, bucket_seconds: int) -> list[SeriesPoint]: ...

    def workloads(self, since: float | None) -> list[WorkloadRow]: ...

    def overhead(self, since: float | None) -> Overhead: ...

    def tools(self) -> list[ToolRow]: ...

    def retrievals(self, limit: int) -> list[RetrievalRow]: ...
