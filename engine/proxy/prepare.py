"""The computing half of a request, run off the event loop: parse, pipeline, render, add the
retrieve tool and earlier retrieval rounds, ask a streamed chat for usage, count tokens; and,
after the answer, read usage.

One fail-open boundary: if anything here fails, the client's original bytes go upstream and
the failure is recorded on the exchange.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from engine.ccr.retrieve_tool import RETRIEVE_SPEC
from engine.config import Mode
from engine.conversation import Action, Conversation, Exchange, Provider
from engine.pipeline import PipelineContext
from engine.policy import ToolPolicy
from engine.providers import Adapter, AssistantTurn, RequestFormatError
from engine.proxy.context import ProxyContext
from engine.proxy.rounds import reinsert
from engine.proxy.stream_usage import ask_for_usage
from engine.tokens import counter_for

log = logging.getLogger(__name__)


@dataclass
class Prepared:
    sent: bytes
    retrieval: bool = False
    hide_usage: bool = False  # stream usage was asked for by the proxy, not the client
    unasked: bytes | None = None  # `sent` without that option (for an upstream that refuses it)


def note_error(exchange: Exchange, note: str) -> None:
    exchange.error = f"{exchange.error}; {note}" if exchange.error else note


def prepare(ctx: ProxyContext, adapter: Adapter, body: bytes, exchange: Exchange,
            override: Mode | None) -> Prepared:
    exchange.original_request = body
    exchange.sent_request = body
    try:
        conv = adapter.parse_request(body)
    except RequestFormatError as err:
        note_error(exchange, f"request not understood, forwarded unchanged: {err}")
        return Prepared(body)
    _describe(exchange, conv, ctx, override)
    try:
        prepared = _optimize(ctx, adapter, conv, exchange, override)
    except Exception as err:  # the proxy's one fail-open boundary around its own edits
        log.warning("request preparation failed; forwarding the original", exc_info=True)
        note_error(exchange, f"preparation failed, original forwarded: {type(err).__name__}: {err}")
        return Prepared(body)
    exchange.sent_request = prepared.sent
    return prepared


def _describe(exchange: Exchange, conv: Conversation, ctx: ProxyContext,
              override: Mode | None) -> None:
    exchange.model = conv.model
    exchange.stream = conv.stream
    exchange.tools = conv.tool_names()
    exchange.mode = (override or ctx.settings.default_mode).value


def _optimize(ctx: ProxyContext, adapter: Adapter, conv: Conversation, exchange: Exchange,
              override: Mode | None) -> Prepared:
    if ctx.pipeline is not None:
        policy = ToolPolicy(default_mode=ctx.settings.default_mode, modes=ctx.store,
                            override=override)
        ctx.pipeline.run(conv, exchange, PipelineContext(policy=policy))
    _count_tokens(ctx, conv, exchange)
    sent = adapter.render_request(conv) if conv.modified else conv.raw
    retrieval = ctx.retrieval_enabled and needs_retrieval(exchange)
    if retrieval:
        sent = adapter.add_tool(sent, RETRIEVE_SPEC)
        if ctx.rounds is not None:
            sent, _ = reinsert(adapter, sent, ctx.rounds)
    with_usage = _ask_for_usage(ctx, conv, sent)
    if with_usage is None:
        return Prepared(sent, retrieval)
    return Prepared(with_usage, retrieval, hide_usage=True, unasked=sent)


def _ask_for_usage(ctx: ProxyContext, conv: Conversation, sent: bytes) -> bytes | None:
    """A streamed chat request that does not ask for usage, asking for it (stream_usage.py)."""
    if conv.provider is not Provider.OPENAI_CHAT or not conv.stream or ctx.no_stream_options:
        return None
    return ask_for_usage(sent)


def needs_retrieval(exchange: Exchange) -> bool:
    """A lossy omission marker is being sent: the model must be able to redeem it."""
    return any(d.lossy and d.action is Action.COMPRESSED and d.mode == Mode.OPTIMIZE.value
               and d.ccr_key for d in exchange.decisions)


def _count_tokens(ctx: ProxyContext, conv: Conversation, exchange: Exchange) -> None:
    """Tokens of every text block before and after, in the target model's tokenizer (memoized:
    an agent resends the same history every turn)."""
    counter = counter_for(conv.model or "gpt-4o")
    blocks = [*conv.system, *(b for _, b in conv.blocks())]
    exchange.tokens_before = sum(ctx.tokens.count(counter, b.original_text or "") for b in blocks)
    exchange.tokens_after = sum(ctx.tokens.count(counter, b.text) for b in blocks)
    exchange.tokens_estimated = counter.estimated


def read_turn(adapter: Adapter, body: bytes) -> AssistantTurn | None:
    """The answer in a buffered response, or None when it is not one (an error body...)."""
    try:
        return adapter.parse_response(body)
    except (RequestFormatError, ValueError):
        return None
