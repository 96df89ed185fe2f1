"""`create_app(settings, store, pipeline, upstream)`: the proxy as a FastAPI application.

Routes are plain Starlette routes (no dependency injection on the hot path). The safety
middleware wraps everything; the upstream client and a retrieval-round store the app opened
itself are closed with the app, so an app is served once.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from engine.ccr.store import CCRStore
from engine.config import Settings
from engine.conversation import Provider
from engine.pipeline import Pipeline
from engine.proxy.context import ExchangeSink, ProxyContext
from engine.proxy.rounds import RoundStore
from engine.proxy.routes import healthz, llm_endpoint, passthrough_endpoint
from engine.proxy.safety import SafetyMiddleware
from engine.proxy.upstream import Upstream
from engine.tokens import counter_for

ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
LLM_ROUTES = {
    "/v1/chat/completions": Provider.OPENAI_CHAT,
    "/v1/messages": Provider.ANTHROPIC_MESSAGES,
    "/v1/responses": Provider.OPENAI_RESPONSES,
}


def warm_up() -> None:
    """Load both tokenizers (about a second each) before the first request needs them."""
    for model in ("gpt-4o", "gpt-4"):
        counter_for(model).count("warm up")


def create_app(settings: Settings, store: ExchangeSink, pipeline: Pipeline | None,
               upstream: Upstream | None = None, *, ccr: CCRStore | None = None,
               rounds: RoundStore | None = None) -> FastAPI:
    """`ccr` enables transparent retrieval; `rounds` remembers retrieval rounds across turns
    (defaults to a file in the data dir when `ccr` is given)."""
    owned_rounds = None
    if ccr is not None and rounds is None:
        rounds = owned_rounds = RoundStore(settings.data_dir / "retrieval_rounds.db",
                                           settings.ccr_ttl_seconds)
    ctx = ProxyContext(settings=settings, store=store, pipeline=pipeline,
                       upstream=upstream or Upstream.from_settings(settings), ccr=ccr,
                       rounds=rounds)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        threading.Thread(target=warm_up, name="headroom-warm-up", daemon=True).start()
        try:
            yield
        finally:
            await ctx.upstream.aclose()
            ctx.finisher.close()
            if owned_rounds is not None:  # an app is served once (its upstream is closed too)
                owned_rounds.close()

    app = FastAPI(title="Headroom proxy", lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.state.headroom = ctx
    app.add_route("/healthz", healthz, methods=["GET"])
    for path, provider in LLM_ROUTES.items():
        app.add_route(path, llm_endpoint(ctx, provider), methods=["POST"])
    app.add_route("/{path:path}", passthrough_endpoint(ctx), methods=ALL_METHODS)
    allowed = frozenset({settings.host.lower(), *settings.extra.get("allowed_hosts", ())})
    app.add_middleware(SafetyMiddleware, max_body_bytes=settings.max_body_bytes,
                       allowed_hosts=allowed)
    return app
