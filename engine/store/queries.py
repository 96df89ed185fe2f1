"""Read-only queries for the GUI and headless commands: the traffic list, one exchange in detail,
retrieval events; aggregates (savings, per tool, per workload...) live in `engine.store.stats`
and are re-exported here so callers need one import.

Every function takes a `ReadSource` (a `Store` or a `Reader`) and uses its own pooled read-only
connection, so it may run on any thread, e.g. a GUI worker pool."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import orjson

from engine.conversation import Action, Decision, Exchange, RetrievalEvent, Usage
from engine.store import bodies
from engine.store.filters import ExchangeFilter, order_by, where
from engine.store.reading import Reader, ReadSource, fetch, fetch_value
from engine.store.stats import (
    KEY_TOOL,
    CacheStats,
    LatencyStats,
    SeriesPoint,
    ToolStats,
    Totals,
    WorkloadStats,
    cache_hit_rate,
    latency_overhead,
    median_saved_pct,
    per_tool_stats,
    per_workload_stats,
    savings_series,
    totals,
    totals_today,
)

__all__ = [
    "CacheStats", "ExchangeDetail", "ExchangeFilter", "ExchangeSummary", "LatencyStats",
    "ReadSource", "Reader", "RetrievalInfo", "SeriesPoint", "ToolStats", "Totals",
    "WorkloadStats", "cache_hit_rate", "count_exchanges", "distinct_models", "distinct_tools",
    "get_exchange", "latency_overhead", "list_exchanges", "median_saved_pct", "per_tool_stats",
    "per_workload_stats", "retrieval_events", "savings_series", "totals", "totals_today",
]

_SUMMARY_COLUMNS = (
    "id", "started_at", "provider", "endpoint", "model", "stream", "mode", "session",
    "status_code", "error", "tools", "tokens_before", "tokens_after", "saved_pct",
    "tokens_estimated", "cost_usd", "cost_saved_usd", "proxy_overhead_ms", "total_ms",
    "retrieval_rounds",
)


@dataclass(frozen=True)
class ExchangeSummary:
    """One row of the traffic table."""

    id: str
    started_at: float
    provider: str
    endpoint: str
    model: str
    stream: bool
    mode: str
    session: str | None
    status_code: int | None
    error: str | None
    tools: tuple[str, ...]
    tokens_before: int
    tokens_after: int
    saved_pct: float
    tokens_estimated: bool
    cost_usd: float | None
    cost_saved_usd: float | None
    proxy_overhead_ms: float | None
    total_ms: float | None
    retrieval_rounds: int
    audit_potential_saved: int = 0  # what optimize would have removed from audited blocks


@dataclass(frozen=True)
class RetrievalInfo:
    """A retrieval event with the exchange that asked (`exchange_id`) and the exchange whose
    compression produced the key (`source_exchange_id`, None if unknown). `tool_name` is the tool
    whose output was stored under the key when known, else the event's own label."""

    created_at: float
    key: str
    query: str | None
    hit: bool
    items_returned: int
    exchange_id: str | None
    tool_name: str | None
    source_exchange_id: str | None


@dataclass(frozen=True)
class ExchangeDetail:
    """`exchange` carries decisions (with compressed text when stored), bodies (decompressed,
    as stored under `body_storage`; None = not stored) and the retrievals it made;
    `redemptions` are retrievals of keys this exchange produced."""

    exchange: Exchange
    body_storage: str | None
    redemptions: list[RetrievalInfo]


def _summary(row: Any) -> ExchangeSummary:
    values = dict(zip(_SUMMARY_COLUMNS, row, strict=True))
    values["tools"] = tuple(orjson.loads(values["tools"]))
    values["stream"] = bool(values["stream"])
    values["tokens_estimated"] = bool(values["tokens_estimated"])
    return ExchangeSummary(**values)


def list_exchanges(source: ReadSource, filters: ExchangeFilter | None = None,
                   order: str = "started_at", descending: bool = True,
                   offset: int = 0, limit: int = 200) -> list[ExchangeSummary]:
    """One page of the traffic table, newest first by default."""
    clause, params = where(filters or ExchangeFilter(), walk_time=order == "started_at")
    columns = ", ".join(f"e.{c}" for c in _SUMMARY_COLUMNS)
    sql = (f"SELECT {columns} FROM exchanges AS e{clause}{order_by(order, descending)}"
           " LIMIT :limit OFFSET :offset")
    rows = fetch(source, sql, {**params, "limit": max(limit, 0), "offset": max(offset, 0)})
    summaries = [_summary(row) for row in rows]
    potential = _audit_potential(source, [s.id for s in summaries])
    return [dataclasses.replace(s, audit_potential_saved=potential[s.id]) if s.id in potential
            else s for s in summaries]


def _audit_potential(source: ReadSource, ids: list[str]) -> dict[str, int]:
    """Tokens optimize would have removed from each exchange's audited blocks: one query per
    page over the exchange_id index (never per row of a sort over the whole table)."""
    if not ids:
        return {}
    marks = ", ".join(f":i{n}" for n in range(len(ids)))
    rows = fetch(source, (
        "SELECT d.exchange_id, SUM(d.tokens_before - d.tokens_after) FROM decisions AS d"
        f" WHERE d.exchange_id IN ({marks}) AND d.mode = 'audit' AND d.action = 'compressed'"
        " GROUP BY d.exchange_id"), {f"i{n}": value for n, value in enumerate(ids)})
    return {str(exchange_id): int(saved) for exchange_id, saved in rows if saved}


def count_exchanges(source: ReadSource, filters: ExchangeFilter | None = None) -> int:
    clause, params = where(filters or ExchangeFilter())
    return int(fetch_value(source, f"SELECT COUNT(*) FROM exchanges AS e{clause}", params))


def distinct_models(source: ReadSource) -> list[str]:
    """Models seen, for the model filter (walks the model index, so it stays fast)."""
    rows = fetch(source, "SELECT DISTINCT model FROM exchanges ORDER BY model")
    return [str(row[0]) for row in rows]


def distinct_tools(source: ReadSource) -> list[str]:
    rows = fetch(source, "SELECT DISTINCT tool FROM exchange_tools ORDER BY tool")
    return [str(row[0]) for row in rows]


_RETRIEVAL_SQL = (
    "SELECT r.created_at, r.key, r.query, r.hit, r.items_returned, r.exchange_id,"
    f" {KEY_TOOL}, (SELECT d.exchange_id FROM decisions AS d WHERE d.ccr_key = r.key"
    " ORDER BY d.id LIMIT 1)"
    " FROM retrievals AS r"
)


def _retrieval(row: Any) -> RetrievalInfo:
    created, key, query, hit, items, asker, tool, origin = row
    return RetrievalInfo(float(created), str(key), query, bool(hit), int(items), asker, tool,
                         origin)


def retrieval_events(source: ReadSource, since: float | None = None, offset: int = 0,
                     limit: int = 500, exchange_id: str | None = None) -> list[RetrievalInfo]:
    """Retrieval events, newest first; `exchange_id` limits them to one asking exchange."""
    clauses: list[str] = []
    params: dict[str, Any] = {"limit": limit, "offset": offset}
    if since is not None:
        clauses.append("r.created_at >= :since")
        params["since"] = since
    if exchange_id is not None:
        clauses.append("r.exchange_id = :exchange_id")
        params["exchange_id"] = exchange_id
    clause = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    sql = (f"{_RETRIEVAL_SQL}{clause} ORDER BY r.created_at DESC, r.id DESC"
           " LIMIT :limit OFFSET :offset")
    return [_retrieval(row) for row in fetch(source, sql, params)]


def _decision(row: Any) -> Decision:
    packed = bodies.decode(row.compressed_text)
    return Decision(
        message_index=row.message_index, block_index=row.block_index, tool_name=row.tool_name,
        content_type=row.content_type, compressor=row.compressor, mode=row.mode,
        tokens_before=row.tokens_before, tokens_after=row.tokens_after,
        action=Action(row.action), reason=row.reason, ccr_key=row.ccr_key,
        tokens_estimated=bool(row.tokens_estimated), lossy=bool(row.lossy),
        compressed_text=packed.decode("utf-8", "replace") if packed is not None else None,
    )


def _exchange(row: Any) -> Exchange:
    return Exchange(
        provider=row.provider, endpoint=row.endpoint, model=row.model, id=row.id,
        started_at=row.started_at, stream=bool(row.stream), mode=row.mode, session=row.session,
        status_code=row.status_code, error=row.error, tools=list(orjson.loads(row.tools)),
        tokens_before=row.tokens_before, tokens_after=row.tokens_after,
        tokens_estimated=bool(row.tokens_estimated),
        usage=Usage(row.input_tokens, row.output_tokens, row.cached_tokens,
                    row.cache_creation_tokens),
        cost_usd=row.cost_usd, cost_saved_usd=row.cost_saved_usd,
        proxy_overhead_ms=row.proxy_overhead_ms, upstream_ttfb_ms=row.upstream_ttfb_ms,
        total_ms=row.total_ms, retrieval_rounds=row.retrieval_rounds,
    )


def get_exchange(source: ReadSource, exchange_id: str) -> ExchangeDetail | None:
    """Everything recorded about one exchange, or None if there is no such id."""
    params = {"id": exchange_id}
    found = fetch(source, "SELECT * FROM exchanges WHERE id = :id", params)
    if not found:
        return None
    exchange = _exchange(found[0])
    exchange.decisions = [_decision(row) for row in fetch(
        source, "SELECT * FROM decisions WHERE exchange_id = :id ORDER BY id", params)]
    body = fetch(source, "SELECT * FROM bodies WHERE exchange_id = :id", params)
    if body:
        exchange.original_request = bodies.decode(body[0].original_request)
        sent = body[0].sent_request
        same = sent == bodies.SAME_AS_ORIGINAL
        exchange.sent_request = exchange.original_request if same else bodies.decode(sent)
        exchange.response = bodies.decode(body[0].response)
    asked = retrieval_events(source, exchange_id=exchange_id, limit=10_000)
    exchange.retrievals = [RetrievalEvent(r.key, r.query, r.hit, r.items_returned,
                                          r.exchange_id, r.tool_name, r.created_at)
                           for r in reversed(asked)]
    keys = sorted({d.ccr_key for d in exchange.decisions if d.ccr_key})
    redemptions = _redemptions(source, keys)
    return ExchangeDetail(exchange, str(body[0].storage) if body else None, redemptions)


def _redemptions(source: ReadSource, keys: list[str]) -> list[RetrievalInfo]:
    if not keys:
        return []
    marks = ", ".join(f":k{i}" for i in range(len(keys)))
    sql = f"{_RETRIEVAL_SQL} WHERE r.key IN ({marks}) ORDER BY r.created_at"
    return [_retrieval(row) for row in fetch(source, sql, {f"k{i}": k for i, k in enumerate(keys)})]
