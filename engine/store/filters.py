"""The traffic table's filters and sort orders, turned into SQL over `exchanges AS e`.

Text search goes through the FTS5 index: every word the user types must occur as a word prefix
in the exchange's indexed text (model, tools, error, session, and in `full` body storage the
response and the newest part of the request)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

ORDERABLE = frozenset({
    "started_at", "provider", "model", "mode", "status_code", "tokens_before", "tokens_after",
    "saved_pct", "cost_usd", "cost_saved_usd", "total_ms", "proxy_overhead_ms",
    "retrieval_rounds",
})
_WORD = re.compile(r"\w+", re.UNICODE)
_STATUS_CLASS = re.compile(r"^([1-5])xx$")
_TOOL_SET = "e.id IN (SELECT exchange_id FROM exchange_tools WHERE tool = :tool)"
_TOOL_PROBE = ("EXISTS (SELECT 1 FROM exchange_tools AS t"
               " WHERE t.tool = :tool AND t.exchange_id = e.id)")


@dataclass(frozen=True)
class ExchangeFilter:
    """Every field left None matches everything. `status`: "ok" (2xx/3xx), "error" (>= 400 or
    no response), a class like "4xx", or an exact code like "429"."""

    model: str | None = None
    provider: str | None = None
    tool: str | None = None
    status: str | None = None
    min_saved_pct: float | None = None
    text: str | None = None
    session: str | None = None
    since: float | None = None
    until: float | None = None


def match_query(user_text: str) -> str | None:
    """FTS5 query: each word as a quoted prefix term, all required; None if no words."""
    words = _WORD.findall(user_text)
    return " AND ".join(f'"{word}"*' for word in words) if words else None


def _status_clause(status: str, params: dict[str, Any], column: str) -> str:
    value = status.strip().lower()
    if value == "ok":
        return f"{column} BETWEEN 200 AND 399"
    if value == "error":
        return f"({column} IS NULL OR {column} >= 400)"
    if match := _STATUS_CLASS.match(value):
        params["status_low"] = int(match.group(1)) * 100
        return f"{column} BETWEEN :status_low AND :status_low + 99"
    if value.isdigit():
        params["status_code"] = int(value)
        return f"{column} = :status_code"
    raise ValueError(f"status filter must be ok, error, Nxx or a code, got {status!r}")


def where(f: ExchangeFilter, walk_time: bool = False) -> tuple[str, dict[str, Any]]:
    """A WHERE clause (or "") and its parameters.

    `walk_time` (a page in time order) keeps SQLite walking the started_at index and testing
    each row, so the first page stops after a few hundred rows instead of sorting every match:
    the unary `+` hides the other columns' indexes and the tool filter becomes a per-row probe.
    Counts use the indexes (walk_time=False)."""
    params: dict[str, Any] = {}
    clauses: list[str] = []
    hide = "+" if walk_time else ""
    simple = {"model": f.model, "provider": f.provider, "session": f.session}
    for column, value in simple.items():
        if value is not None:
            clauses.append(f"{hide}e.{column} = :{column}")
            params[column] = value
    if f.tool is not None:
        clauses.append(_TOOL_PROBE if walk_time else _TOOL_SET)
        params["tool"] = f.tool
    if f.status is not None:
        clauses.append(_status_clause(f.status, params, f"{hide}e.status_code"))
    if f.min_saved_pct is not None:
        clauses.append("e.saved_pct >= :min_saved_pct")
        params["min_saved_pct"] = f.min_saved_pct
    if f.since is not None:
        clauses.append("e.started_at >= :since")
        params["since"] = f.since
    if f.until is not None:
        clauses.append("e.started_at < :until")
        params["until"] = f.until
    query = match_query(f.text) if f.text else None
    if query is not None:
        clauses.append("e.seq IN (SELECT rowid FROM body_search WHERE body_search MATCH :match)")
        params["match"] = query
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def order_by(column: str, descending: bool) -> str:
    if column not in ORDERABLE:
        raise ValueError(f"cannot sort by {column!r}; choose one of {sorted(ORDERABLE)}")
    direction = "DESC" if descending else "ASC"
    return f" ORDER BY e.{column} {direction}, e.seq {direction}"
