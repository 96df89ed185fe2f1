"""An in-memory Repository and tool-mode store for model and view tests that need no database."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from app.repository import (
    ExchangeFilter,
    ExchangeRow,
    FilterOptions,
    Overhead,
    RetrievalRow,
    SeriesPoint,
    SortKey,
    ToolRow,
    Totals,
    WorkloadRow,
)
from engine.config import Mode
from engine.conversation import Exchange

SORT_ATTR = {SortKey.TIME: "started_at", SortKey.MODEL: "model", SortKey.PROVIDER: "provider",
             SortKey.TOKENS_BEFORE: "tokens_before", SortKey.TOKENS_AFTER: "tokens_after",
             SortKey.LATENCY: "total_ms", SortKey.MODE: "mode"}


def row(n: int, **changes: object) -> ExchangeRow:
    values: dict[str, object] = dict(
        id=f"ex{n:06d}", started_at=1_700_000_000.0 + n, provider="openai_chat",
        model="gpt-4o" if n % 2 else "claude-sonnet-4-5", tools=("search_files",),
        tokens_before=10_000 + n, tokens_after=1_000 + n, cost_saved_usd=0.02, total_ms=400.0,
        status_code=200, error=None, mode="optimize")
    values.update(changes)
    return ExchangeRow(**values)  # type: ignore[arg-type]


@dataclass
class FakeRepository:
    rows: list[ExchangeRow] = field(default_factory=list)
    details: dict[str, Exchange] = field(default_factory=dict)
    tool_rows: list[ToolRow] = field(default_factory=list)
    retrieval_rows: list[RetrievalRow] = field(default_factory=list)
    calls: int = 0

    def _matching(self, flt: ExchangeFilter) -> list[ExchangeRow]:
        out = self.rows
        if flt.model:
            out = [r for r in out if r.model == flt.model]
        if flt.tool:
            out = [r for r in out if flt.tool in r.tools]
        if flt.search:
            out = [r for r in out if flt.search in r.model]
        return out

    def count_exchanges(self, flt: ExchangeFilter) -> int:
        self.calls += 1
        return len(self._matching(flt))

    def list_exchanges(self, flt: ExchangeFilter, sort: SortKey, descending: bool,
                       offset: int, limit: int) -> list[ExchangeRow]:
        self.calls += 1
        attr = SORT_ATTR.get(sort, "started_at")
        rows = sorted(self._matching(flt), key=lambda r: getattr(r, attr), reverse=descending)
        return rows[offset:offset + limit]

    def exchange_detail(self, exchange_id: str) -> Exchange | None:
        return self.details.get(exchange_id)

    def filter_options(self) -> FilterOptions:
        return FilterOptions(tuple(sorted({r.model for r in self.rows})),
                             tuple(sorted({t for r in self.rows for t in r.tools})))

    def headline(self, since: float | None) -> Totals:
        return self.totals(since)

    def totals(self, since: float | None) -> Totals:
        rows = [r for r in self.rows if since is None or r.started_at >= since]
        saved = [1 - r.tokens_after / r.tokens_before for r in rows if r.tokens_before]
        return Totals(len(rows), sum(r.tokens_before for r in rows),
                      sum(r.tokens_after for r in rows),
                      sum(r.cost_saved_usd or 0 for r in rows),
                      statistics.median(saved) if saved else None, keys_issued=10,
                      keys_retrieved=1, billed_input_tokens=5000, cached_tokens=1000)

    def savings_series(self, since: float | None, bucket_seconds: int) -> list[SeriesPoint]:
        return [SeriesPoint(r.started_at, r.tokens_before, r.tokens_after, 0.01, 1)
                for r in self.rows[:50]]

    def workloads(self, since: float | None) -> list[WorkloadRow]:
        return [WorkloadRow("code search", len(self.rows), 100_000, 12_000, 88_000)]

    def overhead(self, since: float | None) -> Overhead:
        return Overhead(((1.0, 3), (2.0, 10), (5.0, 4), (None, 1)), 2.0, 5.0)

    def tools(self) -> list[ToolRow]:
        return list(self.tool_rows)

    def retrievals(self, limit: int) -> list[RetrievalRow]:
        return self.retrieval_rows[:limit]


@dataclass
class FakeModes:
    modes: dict[str, Mode] = field(default_factory=dict)

    def set_tool_mode(self, tool: str, mode: Mode | None) -> None:
        if mode is None:
            self.modes.pop(tool, None)
        else:
            self.modes[tool] = mode
