"""Aggregates for the Savings and Tools pages and the status bar.

Exchange-level numbers (tokens_before / tokens_after) are what was actually sent; decision-level
numbers split that per tool and add what audit mode would have saved had the tool been on
optimize ("audit potential")."""

from __future__ import annotations

import bisect
import datetime
import math
from dataclasses import dataclass
from typing import Any

from engine.store.reading import ReadSource, fetch
from engine.store.workloads import Workload, classify

MAX_BUCKETS = 10_000
# Medians read each tool's newest calls (and the newest requests) through an index, so they cost
# a few milliseconds at any store size; an exact median over everything needs a sort or an
# OFFSET walk (~0.8 s at 100k rows). The GUI says the figure covers this window.
MEDIAN_WINDOW = 1_000
REQUEST_MEDIAN_WINDOW = 5_000
LATENCY_BOUNDS_MS = (1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0)
_SAVED = "CASE WHEN d.action = 'compressed' AND d.mode = '{mode}' " \
         "THEN d.tokens_before - d.tokens_after ELSE 0 END"


@dataclass(frozen=True)
class Totals:
    requests: int
    errors: int
    tokens_before: int
    tokens_after: int
    tokens_saved: int
    cost_usd: float
    cost_saved_usd: float
    estimated_requests: int  # requests whose token counts are estimates (no public tokenizer)


@dataclass(frozen=True)
class SeriesPoint:
    start: float
    requests: int
    tokens_before: int
    tokens_after: int
    tokens_saved: int
    cost_usd: float
    cost_saved_usd: float
    billed_input_tokens: int  # what providers reported, beside our own count (tokens_after)
    cached_tokens: int


@dataclass(frozen=True)
class ToolStats:
    tool: str
    mode: str | None  # the mode chosen for the tool; None = the default mode applies
    blocks: int  # tool-result blocks seen (a result re-sent in later turns counts again)
    tokens_before: int
    tokens_saved: int  # saved in optimize mode
    audit_potential_saved: int  # what optimize would have saved on audited blocks
    compression_pct: float  # what compression achieves on this tool's output, any mode
    keys_issued: int
    keys_retrieved: int
    last_seen: float | None = None  # newest call (epoch seconds), None if never called
    median_saved_pct: float | None = None  # per call, as sent, over the newest MEDIAN_WINDOW
    median_would_save_pct: float | None = None  # per call, what optimize achieves, same window
    median_calls: int = 0  # calls the medians cover (at most MEDIAN_WINDOW)

    @property
    def avg_saved_per_block(self) -> float:
        return self.tokens_saved / self.blocks if self.blocks else 0.0

    @property
    def retrieval_rate(self) -> float | None:
        return min(self.keys_retrieved / self.keys_issued, 1.0) if self.keys_issued else None


@dataclass(frozen=True)
class WorkloadStats:
    workload: Workload
    blocks: int
    tokens_before: int
    tokens_after: int  # after compression, whatever the mode
    tokens_saved: int
    audit_potential_saved: int

    @property
    def saved_pct(self) -> float:
        saved = self.tokens_before - self.tokens_after
        return saved * 100.0 / self.tokens_before if self.tokens_before else 0.0


@dataclass(frozen=True)
class CacheStats:
    requests: int  # requests whose provider reported input tokens
    input_tokens: int
    cached_tokens: int

    @property
    def hit_rate(self) -> float | None:
        return self.cached_tokens / self.input_tokens if self.input_tokens else None


@dataclass(frozen=True)
class LatencyStats:
    count: int
    p50: float | None
    p90: float | None
    p99: float | None
    max: float | None
    histogram: tuple[tuple[float | None, int], ...]  # (upper bound in ms, None = above all)


def _range(since: float | None, until: float | None, column: str = "e.started_at",
           also: str | None = None) -> tuple[str, dict[str, Any]]:
    """A WHERE clause (or "") limiting `column` to [since, until), and `also` when given."""
    clauses = [also] if also else []
    params: dict[str, Any] = {}
    if since is not None:
        clauses.append(f"{column} >= :since")
        params["since"] = since
    if until is not None:
        clauses.append(f"{column} < :until")
        params["until"] = until
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def totals(source: ReadSource, since: float | None = None, until: float | None = None) -> Totals:
    clause, params = _range(since, until)
    row = fetch(source, (
        "SELECT COUNT(*), COALESCE(SUM(e.status_code IS NULL OR e.status_code >= 400), 0),"
        " COALESCE(SUM(e.tokens_before), 0), COALESCE(SUM(e.tokens_after), 0),"
        " COALESCE(SUM(e.cost_usd), 0), COALESCE(SUM(e.cost_saved_usd), 0),"
        f" COALESCE(SUM(e.tokens_estimated), 0) FROM exchanges AS e{clause}"), params)[0]
    requests, errors, before, after, spent, saved, estimated = row
    return Totals(int(requests), int(errors), int(before), int(after), int(before - after),
                  float(spent), float(saved), int(estimated))


def local_midnight(now: float) -> float:
    day = datetime.datetime.fromtimestamp(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return day.timestamp()


def totals_today(source: ReadSource, now: float | None = None) -> Totals:
    """Totals since local midnight (for the status bar)."""
    moment = datetime.datetime.now().timestamp() if now is None else now
    return totals(source, since=local_midnight(moment))


def savings_series(source: ReadSource, since: float, bucket_seconds: float,
                   until: float | None = None) -> list[SeriesPoint]:
    """One point per bucket from `since` (empty buckets included, as zeros) up to `until` or
    the last bucket with data."""
    if bucket_seconds <= 0:
        raise ValueError("bucket_seconds must be positive")
    clause, params = _range(since, until)
    rows = fetch(source, (
        "SELECT CAST((e.started_at - :since) / :bucket AS INTEGER) AS b, COUNT(*),"
        " SUM(e.tokens_before), SUM(e.tokens_after), COALESCE(SUM(e.cost_usd), 0),"
        " COALESCE(SUM(e.cost_saved_usd), 0), COALESCE(SUM(e.input_tokens), 0),"
        f" COALESCE(SUM(e.cached_tokens), 0) FROM exchanges AS e{clause} GROUP BY b ORDER BY b"
    ), {**params, "bucket": bucket_seconds})
    by_bucket = {int(row[0]): row for row in rows}
    last = max(by_bucket, default=-1)
    if until is not None:
        last = math.ceil((until - since) / bucket_seconds) - 1
    if last + 1 > MAX_BUCKETS:
        raise ValueError(f"more than {MAX_BUCKETS} buckets; choose a larger bucket")
    return [_point(since + b * bucket_seconds, by_bucket.get(b)) for b in range(last + 1)]


def _point(start: float, row: Any) -> SeriesPoint:
    if row is None:
        return SeriesPoint(start, 0, 0, 0, 0, 0.0, 0.0, 0, 0)
    _, requests, before, after, spent, saved, billed, cached = row
    return SeriesPoint(start, int(requests), int(before), int(after), int(before - after),
                       float(spent), float(saved), int(billed), int(cached))


def _decision_sums(source: ReadSource, group: str, since: float | None) -> list[Any]:
    """Sums per group, read from the covering index ix_decisions_stats alone."""
    clause, params = _range(since, None, column="d.started_at")
    return list(fetch(source, (
        f"SELECT {group}, COUNT(*), SUM(d.tokens_before), SUM(d.tokens_after),"
        f" SUM({_SAVED.format(mode='optimize')}), SUM({_SAVED.format(mode='audit')}),"
        f" COUNT(DISTINCT d.ccr_key), MAX(d.started_at) FROM decisions AS d{clause}"
        f" GROUP BY {group}"), params))


# A retrieval event's own tool_name may be the retrieve tool that asked (the proxy labels it so);
# the tool whose output was stored under the key is the decision's.
KEY_TOOL = ("COALESCE((SELECT d.tool_name FROM decisions AS d WHERE d.ccr_key = r.key"
            " ORDER BY d.id LIMIT 1), r.tool_name)")


def _retrieved_keys_per_tool(source: ReadSource, since: float | None) -> dict[str, int]:
    clause, params = _range(since, None, column="r.created_at")
    rows = fetch(source, (
        f"SELECT {KEY_TOOL} AS tool, COUNT(DISTINCT r.key)"
        f" FROM retrievals AS r{clause} GROUP BY tool"), params)
    return {str(tool): int(count) for tool, count in rows if tool is not None}


def _median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def tool_medians(source: ReadSource, tool: str, since: float | None = None,
                 window: int = MEDIAN_WINDOW) -> tuple[float | None, float | None, int]:
    """(median % saved as sent, median % optimize achieves, calls covered) over the tool's
    newest `window` calls: one covering-index range scan, no sort."""
    clause, params = _range(since, None, "d.started_at", also="d.tool_name = :tool")
    rows = fetch(source, (
        "SELECT d.mode, d.action, d.tokens_before, d.tokens_after FROM decisions AS d"
        f"{clause} ORDER BY d.started_at DESC LIMIT :window"),
        {**params, "tool": tool, "window": max(window, 1)})
    sent: list[float] = []
    would: list[float] = []
    for mode, action, before, after in rows:
        pct = (before - after) * 100.0 / before if before > 0 and action == "compressed" else 0.0
        would.append(max(pct, 0.0))
        sent.append(max(pct, 0.0) if mode == "optimize" else 0.0)
    return _median(sent), _median(would), len(rows)


def _last_seen_in_exchanges(source: ReadSource, tool: str) -> float | None:
    """Newest exchange naming the tool: walks exchanges newest first and stops at the first."""
    value = fetch(source, (
        "SELECT e.started_at FROM exchanges AS e WHERE EXISTS (SELECT 1 FROM exchange_tools AS t"
        " WHERE t.tool = :tool AND t.exchange_id = e.id) ORDER BY e.started_at DESC LIMIT 1"),
        {"tool": tool})
    return float(value[0][0]) if value else None


def median_saved_pct(source: ReadSource, since: float | None = None,
                     window: int = REQUEST_MEDIAN_WINDOW) -> tuple[float | None, int]:
    """(median % saved per request, requests covered) over the newest `window` requests."""
    clause, params = _range(since, None)
    rows = fetch(source, f"SELECT e.saved_pct FROM exchanges AS e{clause}"
                 " ORDER BY e.started_at DESC LIMIT :window", {**params, "window": max(window, 1)})
    return _median([float(r[0]) for r in rows]), len(rows)


def per_tool_stats(source: ReadSource, since: float | None = None) -> list[ToolStats]:
    """Every tool seen (in decisions, exchanges or with a chosen mode), busiest first."""
    modes = {str(t): str(m) for t, m in fetch(source, "SELECT tool_name, mode FROM tool_policies")}
    retrieved = _retrieved_keys_per_tool(source, since)
    stats: dict[str, ToolStats] = {}
    for tool, blocks, before, after, saved, potential, keys, last in _decision_sums(
            source, "d.tool_name", since):
        if tool is None:
            continue
        pct = (before - after) * 100.0 / before if before else 0.0
        median_sent, median_would, covered = tool_medians(source, tool, since)
        stats[tool] = ToolStats(tool, modes.get(tool), int(blocks), int(before),
                                int(saved), int(potential), pct, int(keys),
                                retrieved.get(tool, 0), last, median_sent, median_would, covered)
    seen = [str(r[0]) for r in fetch(source, "SELECT DISTINCT tool FROM exchange_tools")]
    for tool in {*seen, *modes} - stats.keys():
        last_seen = _last_seen_in_exchanges(source, tool) if tool in seen else None
        stats[tool] = ToolStats(tool, modes.get(tool), 0, 0, 0, 0, 0.0, 0, 0, last_seen)
    return sorted(stats.values(), key=lambda s: (-s.blocks, s.tool))


def per_workload_stats(source: ReadSource, since: float | None = None) -> list[WorkloadStats]:
    """Decisions summed per derived workload, largest (tokens before) first."""
    sums: dict[Workload, list[int]] = {}
    for tool, ctype, blocks, before, after, saved, potential, _, _ in _decision_sums(
            source, "d.tool_name, d.content_type", since):
        acc = sums.setdefault(classify(tool, ctype), [0, 0, 0, 0, 0])
        for i, value in enumerate((blocks, before, after, saved, potential)):
            acc[i] += int(value)
    rows = [WorkloadStats(w, *values) for w, values in sums.items()]
    return sorted(rows, key=lambda s: (-s.tokens_before, s.workload))


def cache_hit_rate(source: ReadSource, since: float | None = None) -> CacheStats:
    """Provider-reported prompt-cache hits: cached input tokens / all input tokens."""
    clause, params = _range(since, None, also="e.input_tokens IS NOT NULL")
    row = fetch(source, "SELECT COUNT(*), COALESCE(SUM(e.input_tokens), 0),"
                f" COALESCE(SUM(e.cached_tokens), 0) FROM exchanges AS e{clause}", params)[0]
    return CacheStats(int(row[0]), int(row[1]), int(row[2]))


def _percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    return values[max(math.ceil(fraction * len(values)) - 1, 0)]  # nearest rank


def latency_overhead(source: ReadSource, since: float | None = None,
                     bounds: tuple[float, ...] = LATENCY_BOUNDS_MS) -> LatencyStats:
    """Distribution of the time the proxy itself added (ms)."""
    clause, params = _range(since, None, also="e.proxy_overhead_ms IS NOT NULL")
    values = [float(r[0]) for r in fetch(
        source, f"SELECT e.proxy_overhead_ms FROM exchanges AS e{clause} ORDER BY 1", params)]
    counts = [0] * (len(bounds) + 1)
    for value in values:
        counts[bisect.bisect_left(bounds, value)] += 1
    histogram = tuple(zip((*bounds, None), counts, strict=True))
    return LatencyStats(len(values), _percentile(values, 0.5), _percentile(values, 0.9),
                        _percentile(values, 0.99), values[-1] if values else None, histogram)
