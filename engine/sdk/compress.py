"""`compress(messages)`: the pipeline on a plain message list, without a proxy or an LLM call.

The messages are wrapped in the provider's own request body and go through the same adapter
and pipeline the proxy uses, so what comes back is exactly what the proxy would send: only
compressed blocks change, everything else is returned as given. Originals go to the CCR store
in the data dir, so every omission marker can be redeemed (`headroom retrieve KEY`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.ccr.store import CCRStore
from engine.compressors.base import Compressor
from engine.config import Mode, Settings, load_settings
from engine.conversation import Conversation, Decision, Exchange, Provider
from engine.pipeline import PipelineContext, build_pipeline
from engine.policy import ToolPolicy
from engine.providers import adapter_for
from engine.tokens import counter_for

_PROVIDERS = {"openai": Provider.OPENAI_CHAT, "anthropic": Provider.ANTHROPIC_MESSAGES}


@dataclass
class CompressResult:
    """`tokens_*` count the text of every block (not JSON punctuation) for `model`."""

    messages: list[dict[str, Any]]
    tokens_before: int
    tokens_after: int
    decisions: list[Decision] = field(default_factory=list)
    tokens_estimated: bool = False
    error: str | None = None

    @property
    def tokens_saved(self) -> int:
        return self.tokens_before - self.tokens_after


def compress(messages: Sequence[dict[str, Any]], model: str = "gpt-4o",
             query: str | None = None, provider: str = "openai",
             settings: Settings | None = None, mode: Mode = Mode.OPTIMIZE,
             compressors: Sequence[Compressor] | None = None,
             persist_projections: bool = True) -> CompressResult:
    """Compress tool outputs (and, by setting, other large blocks) in `messages`.

    `provider` is "openai" (chat completions), "anthropic" (messages) or a Provider value.
    `query` adds to the query context (the latest user text and the tool call's arguments
    decide what a lossy compressor keeps). `settings` defaults to the platform data dir;
    `compressors` defaults to the registry's list. With `persist_projections` (the default) a
    block seen before comes back byte-identical, as through the proxy; one-shot callers that
    want a fresh answer per query (the CLI) turn it off.
    """
    chosen = settings if settings is not None else load_settings({})
    wire = _PROVIDERS.get(provider) or Provider(provider)
    adapter = adapter_for(wire)
    conv = adapter.parse_request(_request_body(wire, list(messages), model))
    ccr = CCRStore(chosen.ccr_path, chosen.ccr_ttl_seconds, chosen.ccr_max_bytes)
    pipeline = build_pipeline(chosen, ccr, compressors=compressors,
                              persist_projections=persist_projections)
    try:
        exchange = Exchange(provider=wire.value, endpoint="sdk.compress", model=model)
        before = _block_tokens(conv, model, original=True)
        pipeline.run(conv, exchange, PipelineContext(ToolPolicy(default_mode=mode), query))
        rendered = json.loads(adapter.render_request(conv))
    finally:
        pipeline.close()
        ccr.close()
    key = "input" if wire is Provider.OPENAI_RESPONSES else "messages"
    return CompressResult(messages=rendered[key], tokens_before=before,
                          tokens_after=_block_tokens(conv, model, original=False),
                          decisions=exchange.decisions,
                          tokens_estimated=counter_for(model).estimated, error=exchange.error)


def _request_body(wire: Provider, messages: list[dict[str, Any]], model: str) -> bytes:
    body: dict[str, Any] = {"model": model, "messages": messages}
    if wire is Provider.ANTHROPIC_MESSAGES:
        body["max_tokens"] = 1024
    if wire is Provider.OPENAI_RESPONSES:
        body = {"model": model, "input": messages}
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def _block_tokens(conv: Conversation, model: str, original: bool) -> int:
    counter = counter_for(model)
    blocks = [b for _, b in conv.blocks()] + list(conv.system)
    return sum(counter.count((b.original_text or "") if original else b.text) for b in blocks)
