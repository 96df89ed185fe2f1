"""The ContentRouter stage: one Decision per tool-result block (and, by setting, per other large
block), compression applied only where the tool's mode is optimize.

Blocks under `settings.min_tokens_to_compress` are left alone. With
`settings.compress_non_tool_blocks`, large text blocks are routed too, except system/developer
messages and the first user message (the task statement in agent loops). Everything else goes
through the projection cache: the first request that carries a block computes (TextRouter) and
records what it sent; later requests reuse those bytes (see projection_cache for the mode-flip
rule).

Decision fields, for whoever reads them: `mode` is the mode that took effect for the block
(a block kept stable in its first form reports the mode it was sent in); action `compressed` with
mode `optimize` means the compressed text was sent, with mode `audit` that it was computed and
recorded while the original was sent. `compressed_text` is that text; `tokens_after` counts it
(else equals `tokens_before`). Realised savings: action compressed and mode optimize.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.ccr.store import CCRStore
from engine.compressors.detect import detect
from engine.config import Mode, Settings
from engine.conversation import (
    Action,
    Block,
    BlockKind,
    Conversation,
    Decision,
    Exchange,
    Message,
)
from engine.pipeline.pipeline import PipelineContext
from engine.pipeline.projection_cache import Projection, ProjectionCache, projection_key
from engine.pipeline.routing import RouteInput, TextRouter
from engine.pipeline.token_memo import TokenMemo
from engine.relevance import query_context
from engine.tokens import TokenCounter, counter_for

# Instructions, not data: never touched even with compress_non_tool_blocks. The first user
# message is the task statement in agent loops (later user messages carry command output).
_NEVER_COMPRESSED_ROLES = frozenset({"system", "developer"})


@dataclass(frozen=True)
class _Site:
    """Where a block sits and what the router knows about it."""

    message: Message
    index: int
    block: Block
    tool_name: str | None
    arguments: str | None
    mode: Mode


class ContentRouter:
    name = "content_router"

    def __init__(self, router: TextRouter, settings: Settings, cache: ProjectionCache | None,
                 version: str):
        self.router = router
        self.settings = settings
        self.cache = cache
        self.version = version
        self.tokens = TokenMemo()

    def close(self) -> None:
        if self.cache is not None:
            self.cache.close()

    @property
    def ccr(self) -> CCRStore:
        return self.router.ccr

    def run(self, conv: Conversation, exchange: Exchange, ctx: PipelineContext) -> None:
        user_text = " ".join(t for t in (conv.latest_user_text(), ctx.query or "") if t)
        counter = counter_for(conv.model)
        for site in self._sites(conv, ctx):
            decision = self._decide(site, user_text, conv.model, counter)
            if decision is not None:
                exchange.decisions.append(decision)

    def _sites(self, conv: Conversation, ctx: PipelineContext) -> list[_Site]:
        sites = []
        calls = {b.tool_call_id: b for _, b in conv.blocks()
                 if b.kind is BlockKind.TOOL_CALL and b.tool_call_id}
        task = next((m for m in conv.messages if m.role == "user"), None)
        for message in conv.messages:
            prose_ok = self.settings.compress_non_tool_blocks and message is not task and (
                message.role not in _NEVER_COMPRESSED_ROLES)
            for index, block in enumerate(message.blocks):
                wanted = block.kind is BlockKind.TOOL_RESULT or (
                    block.kind is BlockKind.TEXT and prose_ok)
                if not wanted:
                    continue
                call = calls.get(block.tool_call_id) if block.tool_call_id else None
                tool = block.tool_name or (call.tool_name if call else None)
                sites.append(_Site(message, index, block, tool, call.text if call else None,
                                   ctx.policy.mode_for(tool)))
        return sites

    def _decide(self, site: _Site, user_text: str, model: str,
                counter: TokenCounter) -> Decision | None:
        text, minimum = site.block.text, self.settings.min_tokens_to_compress
        is_tool = site.block.kind is BlockKind.TOOL_RESULT
        if not is_tool and len(text) < minimum:  # cheap pre-filter for prose blocks
            return None
        before = self.tokens.count(counter, text)
        if before < minimum:
            if not is_tool:
                return None
            return self._decision(site, site.mode, detect(text).content_type.value, before, before,
                                  Action.SKIPPED, f"under {minimum:,} tokens", counter)
        projection = self._projection(site, user_text, model, before)
        return self._apply(site, projection, before, counter)

    def _projection(self, site: _Site, user_text: str, model: str, before: int) -> Projection:
        text = site.block.text
        key = projection_key(self.version, site.tool_name, text)
        cached = self.cache.get(key) if self.cache is not None else None
        if cached is not None and self._redeemable(cached):
            return cached
        fresh = self._compute(site, user_text, model, before)
        if self.cache is None:
            return fresh
        if cached is not None:
            self.cache.replace(key, fresh)
            return fresh
        return self.cache.put_first(key, fresh)

    def _redeemable(self, projection: Projection) -> bool:
        if not (projection.sent_compressed and projection.lossy):
            return True
        return all(self.ccr.contains(key) for key in projection.ccr_keys)

    def _compute(self, site: _Site, user_text: str, model: str, before: int) -> Projection:
        text = site.block.text
        if site.mode is Mode.OFF:
            return Projection(detect(text).content_type.value, None, "tool mode off", None,
                              False, (), False, Mode.OFF.value, Action.SKIPPED.value)
        query = query_context(user_text, site.arguments)
        routed = self.router.route(text, RouteInput(site.tool_name, site.arguments, query, model),
                                   before)
        return Projection(routed.content_type, routed.compressor, routed.reason, routed.text,
                          routed.lossy, routed.ccr_keys,
                          site.mode is Mode.OPTIMIZE and routed.text is not None,
                          site.mode.value, routed.action.value)

    def _apply(self, site: _Site, p: Projection, before: int,
               counter: TokenCounter) -> Decision:
        if p.text is None:
            action, reason = Action(p.action), p.reason
            if site.mode is Mode.OFF:
                action, reason = Action.SKIPPED, "tool mode off"
            return self._decision(site, site.mode, p, before, before, action, reason, counter)
        after = self.tokens.count(counter, p.text)
        if p.sent_compressed:
            site.block.text = p.text
            reason = p.reason
            if site.mode is not Mode.OPTIMIZE:
                reason += f" (sent compressed when first seen; kept stable in {site.mode} mode)"
            return self._decision(site, Mode.OPTIMIZE, p, before, after, Action.COMPRESSED,
                                  reason, counter, p.text)
        if site.mode is Mode.AUDIT:
            return self._decision(site, Mode.AUDIT, p, before, after, Action.COMPRESSED,
                                  f"audit: original sent; would send: {p.reason}", counter,
                                  p.text)
        if site.mode is Mode.OFF:
            return self._decision(site, Mode.OFF, p, before, before, Action.SKIPPED,
                                  "tool mode off", counter)
        return self._decision(site, site.mode, p, before, before, Action.KEPT,
                              f"sent unchanged when first seen ({p.first_mode} mode); kept "
                              "unchanged so prompt caches stay valid", counter)

    def _decision(self, site: _Site, mode: Mode, p: Projection | str, before: int, after: int,
                  action: Action, reason: str, counter: TokenCounter,
                  compressed_text: str | None = None) -> Decision:
        """`p` is the projection, or just the content type when none was computed."""
        projection = p if isinstance(p, Projection) else None
        sent_or_shown = compressed_text is not None and projection is not None
        keys = projection.ccr_keys if sent_or_shown and projection is not None else ()
        return Decision(message_index=site.message.index, block_index=site.index,
                        tool_name=site.tool_name,
                        content_type=projection.content_type if projection else str(p),
                        compressor=projection.compressor if projection else None,
                        mode=mode.value, tokens_before=before, tokens_after=after,
                        action=action, reason=reason, ccr_key=keys[0] if keys else None,
                        tokens_estimated=counter.estimated,
                        lossy=bool(projection and projection.lossy and sent_or_shown),
                        compressed_text=compressed_text)
