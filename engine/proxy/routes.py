"""Route handlers, kept short: read → prepare off the loop → forward → record.

LLM endpoints (chat completions, messages, responses) go through the pipeline; every other path,
including /v1/models and /v1/messages/count_tokens, is passed through untouched to the matching
upstream, streamed both ways.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

import anyio
import httpx2 as httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Send

from engine.config import Mode
from engine.conversation import Exchange, Provider
from engine.policy import parse_mode_header
from engine.providers import Adapter, adapter_for
from engine.proxy.context import ProxyContext
from engine.proxy.errors import Api, UpstreamUnavailable, error_body, error_response
from engine.proxy.forward import JSON_HEADERS, Forward
from engine.proxy.headers import client_response_headers, headroom_headers, upstream_request_headers
from engine.proxy.prepare import Prepared, prepare
from engine.proxy.responses import WatchedResponse, send_body, send_start, send_whole
from engine.proxy.safety import BodyTooLarge, read_body
from engine.proxy.upstream import api_for

log = logging.getLogger(__name__)
Endpoint = Callable[[Request], Awaitable[Response]]
HEAVY_BODY_BYTES = 64 * 1024


def _query(request: Request) -> str:
    return str(request.scope.get("query_string", b"").decode("latin-1"))


def llm_endpoint(ctx: ProxyContext, provider: Provider) -> Endpoint:
    adapter = adapter_for(provider)
    api = Api.ANTHROPIC if provider is Provider.ANTHROPIC_MESSAGES else Api.OPENAI

    async def endpoint(request: Request) -> Response:
        started = time.perf_counter()
        steer = headroom_headers(request.headers.raw)
        try:
            override = parse_mode_header(steer.get("mode"))
            body = await read_body(request, ctx.settings.max_body_bytes)
        except BodyTooLarge as err:
            return error_response(api, 413, str(err))
        except ValueError as err:
            return error_response(api, 400, str(err))
        exchange = Exchange(provider=provider.value, endpoint=request.url.path,
                            session=steer.get("session"))
        prepared = await _prepare(ctx, adapter, body, exchange, override)
        forward = Forward(ctx, adapter, api, exchange, prepared,
                          ctx.upstream.url(api, request.url.path, _query(request)),
                          upstream_request_headers(request.headers.raw, decoded_body=True),
                          started)
        return WatchedResponse(forward.run)

    return endpoint


async def _prepare(ctx: ProxyContext, adapter: Adapter, body: bytes, exchange: Exchange,
                   override: Mode | None) -> Prepared:
    """Off the loop, except for bodies too small to hold a compressible block (every token is
    at least one byte): parsing those costs less than waking a worker thread. Large bodies share
    one compute lane: under the GIL more threads add no throughput, only more contention with
    the event loop (and so latency for everyone else)."""
    if len(body) < ctx.settings.min_tokens_to_compress:
        return prepare(ctx, adapter, body, exchange, override)
    limiter = ctx.heavy_lane if len(body) >= HEAVY_BODY_BYTES else None
    return await anyio.to_thread.run_sync(prepare, ctx, adapter, body, exchange, override,
                                          limiter=limiter)


def passthrough_endpoint(ctx: ProxyContext) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        api = api_for(request.url.path, request.headers.raw)
        try:
            body = await read_body(request, ctx.settings.max_body_bytes)
        except BodyTooLarge as err:
            return error_response(api, 413, str(err))
        url = ctx.upstream.url(api, request.url.path, _query(request))
        headers = upstream_request_headers(request.headers.raw, decoded_body=False)

        async def job(send: Send) -> None:
            await _relay(ctx, api, send, request.method, url, headers, body)

        return WatchedResponse(job)

    return endpoint


async def _relay(ctx: ProxyContext, api: Api, send: Send, method: str, url: str,
                 headers: list[tuple[str, str]], body: bytes) -> None:
    """Bytes in, bytes out: the response is streamed back still encoded, as the upstream sent it."""
    try:
        response = await ctx.upstream.open(method, url, headers, body)
    except UpstreamUnavailable as err:
        await send_whole(send, err.status, JSON_HEADERS, error_body(api, err.status, err.message))
        return
    try:
        upstream_headers = response.headers.multi_items()
        await send_start(send, response.status_code,
                         client_response_headers(upstream_headers, decoded_body=False))
        try:
            async for chunk in response.aiter_raw():
                await send_body(send, chunk)
        except httpx.TransportError:
            # Without the query: some upstreams take the API key there (`?key=`).
            log.warning("upstream %s broke off mid-response; response truncated",
                        url.partition("?")[0])
        await send_body(send, b"", more=False)
    finally:
        with anyio.CancelScope(shield=True):
            await response.aclose()


async def healthz(request: Request) -> Response:
    ctx: ProxyContext = request.app.state.headroom
    return JSONResponse({"status": "ok", "openai_upstream": ctx.settings.openai_upstream,
                         "anthropic_upstream": ctx.settings.anthropic_upstream,
                         "default_mode": ctx.settings.default_mode.value,
                         "retrieval": ctx.retrieval_enabled})
