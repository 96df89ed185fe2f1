"""The Repository the app runs on: engine.store.queries turned into the GUI's rows. Every call
opens its own pooled read-only connection (queries' contract), so the background runner may call
it from any worker thread while the recorder writes."""

from __future__ import annotations

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
from engine.store import queries as q
from engine.store.reading import ReadSource

ORDER_COLUMNS = {
    SortKey.TIME: "started_at", SortKey.PROVIDER: "provider", SortKey.MODEL: "model",
    SortKey.TOKENS_BEFORE: "tokens_before", SortKey.TOKENS_AFTER: "tokens_after",
    SortKey.SAVED: "saved_pct", SortKey.COST_SAVED: "cost_saved_usd",
    SortKey.LATENCY: "total_ms", SortKey.STATUS: "status_code", SortKey.MODE: "mode",
}


def engine_filter(flt: ExchangeFilter, since: float | None = None) -> q.ExchangeFilter:
    return q.ExchangeFilter(
        model=flt.model, tool=flt.tool, status=flt.status, text=flt.search, since=since,
        min_saved_pct=flt.min_saved * 100 if flt.min_saved is not None else None)


def exchange_row(s: q.ExchangeSummary) -> ExchangeRow:
    return ExchangeRow(s.id, s.started_at, s.provider, s.model, s.tools, s.tokens_before,
                       s.tokens_after, s.cost_saved_usd, s.total_ms, s.status_code, s.error,
                       s.mode, s.tokens_estimated, s.audit_potential_saved)


def _fraction(pct: float | None) -> float | None:
    return pct / 100 if pct is not None else None


class StoreRepository:
    def __init__(self, source: ReadSource, default_mode: Mode) -> None:
        self._source = source
        self.default_mode = default_mode

    def count_exchanges(self, flt: ExchangeFilter) -> int:
        return q.count_exchanges(self._source, engine_filter(flt))

    def list_exchanges(self, flt: ExchangeFilter, sort: SortKey, descending: bool,
                       offset: int, limit: int) -> list[ExchangeRow]:
        rows = q.list_exchanges(self._source, engine_filter(flt), ORDER_COLUMNS[sort],
                                descending, offset, limit)
        return [exchange_row(r) for r in rows]

    def exchange_detail(self, exchange_id: str) -> Exchange | None:
        detail = q.get_exchange(self._source, exchange_id)
        return detail.exchange if detail else None

    def filter_options(self) -> FilterOptions:
        return FilterOptions(tuple(q.distinct_models(self._source)),
                             tuple(q.distinct_tools(self._source)))

    def headline(self, since: float | None) -> Totals:
        t = q.totals(self._source, since=since)
        return Totals(t.requests, t.tokens_before, t.tokens_after, t.cost_saved_usd,
                      estimated_requests=t.estimated_requests)

    def totals(self, since: float | None) -> Totals:
        t = q.totals(self._source, since=since)
        cache = q.cache_hit_rate(self._source, since)
        tools = q.per_tool_stats(self._source, since)
        median, covers = q.median_saved_pct(self._source, since)
        return Totals(t.requests, t.tokens_before, t.tokens_after, t.cost_saved_usd,
                      median / 100 if median is not None else None,
                      sum(s.keys_issued for s in tools), sum(s.keys_retrieved for s in tools),
                      cache.input_tokens, cache.cached_tokens, t.estimated_requests,
                      median_covers=covers)

    def savings_series(self, since: float | None, bucket_seconds: int) -> list[SeriesPoint]:
        start = since if since is not None else self._first_started()
        if start is None:
            return []
        start -= start % bucket_seconds
        points = q.savings_series(self._source, start, bucket_seconds)
        return [SeriesPoint(p.start, p.tokens_before, p.tokens_after, p.cost_saved_usd,
                            p.requests) for p in points]

    def _first_started(self) -> float | None:
        first = q.list_exchanges(self._source, None, "started_at", False, 0, 1)
        return first[0].started_at if first else None

    def workloads(self, since: float | None) -> list[WorkloadRow]:
        return [WorkloadRow(str(w.workload), w.blocks, w.tokens_before, w.tokens_after,
                            w.tokens_saved) for w in q.per_workload_stats(self._source, since)]

    def overhead(self, since: float | None) -> Overhead:
        stats = q.latency_overhead(self._source, since)
        return Overhead(stats.histogram, stats.p50, stats.p99)

    def tools(self) -> list[ToolRow]:
        return [self._tool_row(s) for s in q.per_tool_stats(self._source)]

    def _tool_row(self, s: q.ToolStats) -> ToolRow:
        mode = s.mode or self.default_mode.value
        compression = s.compression_pct / 100 if s.tokens_before else None
        return ToolRow(s.tool, s.blocks, s.tokens_before, s.tokens_saved,
                       s.tokens_saved + s.audit_potential_saved, compression, s.retrieval_rate,
                       mode, mode_is_default=s.mode is None,
                       median_saved=_fraction(s.median_saved_pct),
                       median_would_save=_fraction(s.median_would_save_pct),
                       last_seen=s.last_seen)

    def retrievals(self, limit: int) -> list[RetrievalRow]:
        return [RetrievalRow(r.created_at, r.key, r.tool_name, r.query, r.hit, r.items_returned,
                             r.exchange_id, r.source_exchange_id)
                for r in q.retrieval_events(self._source, limit=limit)]
