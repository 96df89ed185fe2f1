"""Turn one `Exchange` record into the rows the recorder writes. Runs on the writer thread, so
scrubbing, redaction and compression never cost the proxy's event loop anything."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from engine import pricing
from engine.config import BodyStorage
from engine.conversation import Decision, Exchange, RetrievalEvent
from engine.store import bodies


@dataclass
class ExchangeRows:
    exchange: dict[str, Any]
    tools: list[dict[str, Any]]
    decisions: list[dict[str, Any]]
    body: dict[str, Any] | None
    retrievals: list[dict[str, Any]]
    search_text: str


def saved_pct(tokens_before: int, tokens_after: int) -> float:
    return (tokens_before - tokens_after) * 100.0 / tokens_before if tokens_before > 0 else 0.0


def _costs(ex: Exchange) -> tuple[float | None, float | None]:
    spent = ex.cost_usd if ex.cost_usd is not None else pricing.cost(ex.model, ex.usage)
    saved = ex.cost_saved_usd
    if saved is None:
        saved = pricing.cost_saved(ex.model, ex.tokens_before - ex.tokens_after)
    return spent, saved


def exchange_row(ex: Exchange) -> dict[str, Any]:
    spent, saved = _costs(ex)
    return {
        "id": ex.id, "started_at": ex.started_at, "provider": str(ex.provider),
        "endpoint": ex.endpoint, "model": ex.model, "stream": ex.stream, "mode": str(ex.mode),
        "session": ex.session, "status_code": ex.status_code,
        "error": bodies.scrub_text(ex.error) if ex.error else ex.error,
        "tools": orjson.dumps(tool_names(ex)).decode(),
        "tokens_before": ex.tokens_before, "tokens_after": ex.tokens_after,
        "saved_pct": saved_pct(ex.tokens_before, ex.tokens_after),
        "tokens_estimated": ex.tokens_estimated,
        "input_tokens": ex.usage.input_tokens, "output_tokens": ex.usage.output_tokens,
        "cached_tokens": ex.usage.cached_tokens,
        "cache_creation_tokens": ex.usage.cache_creation_tokens,
        "cost_usd": spent, "cost_saved_usd": saved,
        "proxy_overhead_ms": ex.proxy_overhead_ms, "upstream_ttfb_ms": ex.upstream_ttfb_ms,
        "total_ms": ex.total_ms, "retrieval_rounds": ex.retrieval_rounds,
    }


def decision_row(ex: Exchange, d: Decision, storage: BodyStorage) -> dict[str, Any]:
    text = d.compressed_text if storage is BodyStorage.FULL else None
    packed = bodies.encode(bodies.scrub_text(text).encode()) if text is not None else None
    return {
        "exchange_id": ex.id, "started_at": ex.started_at, "message_index": d.message_index,
        "block_index": d.block_index, "tool_name": d.tool_name,
        "content_type": str(d.content_type), "compressor": d.compressor, "mode": str(d.mode),
        "tokens_before": d.tokens_before, "tokens_after": d.tokens_after,
        "tokens_estimated": d.tokens_estimated, "action": str(d.action), "reason": d.reason,
        "ccr_key": d.ccr_key, "lossy": d.lossy,
        "compressed_text": packed,
    }


def retrieval_row(ev: RetrievalEvent, exchange_id: str | None = None) -> dict[str, Any]:
    return {
        "created_at": ev.created_at, "key": ev.key,
        "query": bodies.scrub_text(ev.query) if ev.query else ev.query, "hit": ev.hit,
        "items_returned": ev.items_returned, "exchange_id": ev.exchange_id or exchange_id,
        "tool_name": ev.tool_name,
    }


def body_row(ex: Exchange, storage: BodyStorage) -> dict[str, Any] | None:
    parts = (ex.original_request, ex.sent_request, ex.response)
    if storage is BodyStorage.NONE or all(part is None for part in parts):
        return None
    original, response = bodies.prepare(parts[0], storage), bodies.prepare(parts[2], storage)
    same = parts[1] is not None and parts[1] == parts[0]
    sent = bodies.SAME_AS_ORIGINAL if same else bodies.prepare(parts[1], storage)
    return {"exchange_id": ex.id, "storage": str(storage), "original_request": original,
            "sent_request": sent, "response": response}


def _search_text(ex: Exchange, storage: BodyStorage) -> str:
    """Metadata is always searchable; body text only when bodies are kept in full."""
    meta = " ".join([ex.model, str(ex.provider), *tool_names(ex), ex.error or "",
                     ex.session or ""])
    if storage is not BodyStorage.FULL:
        return bodies.scrub_text(meta)
    request = ex.original_request
    clean = [bodies.scrub_secrets(b) if b else None for b in (request, ex.response)]
    return f"{bodies.scrub_text(meta)}\n{bodies.search_text(clean[0], clean[1])}"


def tool_names(ex: Exchange) -> list[str]:
    """Tools named by the exchange or by any of its decisions."""
    named = {d.tool_name for d in ex.decisions if d.tool_name}
    return sorted(named.union(ex.tools))


def rows_for(ex: Exchange, storage: BodyStorage) -> ExchangeRows:
    return ExchangeRows(
        exchange=exchange_row(ex),
        tools=[{"tool": tool, "exchange_id": ex.id} for tool in tool_names(ex)],
        decisions=[decision_row(ex, d, storage) for d in ex.decisions],
        body=body_row(ex, storage),
        retrievals=[retrieval_row(ev, ex.id) for ev in ex.retrievals],
        search_text=_search_text(ex, storage),
    )
