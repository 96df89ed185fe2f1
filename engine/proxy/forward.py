"""Forwarding one LLM request upstream and its answer back, buffered or streamed, and recording
the exchange once the client has its answer.

Streams are forwarded chunk by chunk as httpx yields them (never coalesced); the bytes are kept
on the side and read for usage off the event loop after the stream ends. A failure to reach the
upstream becomes a 502/504 in the provider's own error format; an upstream error status passes
through with its body.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace

import anyio
import httpx2 as httpx
from starlette.types import Send

from engine.conversation import Exchange
from engine.providers import Adapter, AssistantTurn, SSEParser
from engine.proxy.context import ProxyContext
from engine.proxy.errors import Api, UpstreamUnavailable, error_body
from engine.proxy.headers import client_response_headers
from engine.proxy.prepare import Prepared, note_error, read_turn
from engine.proxy.responses import send_body, send_start, send_whole
from engine.proxy.retrieval import RetrievalLoop
from engine.proxy.stream_usage import UsageHidingSend

log = logging.getLogger(__name__)
JSON_HEADERS = [("content-type", "application/json")]


def ms(seconds: float) -> float:
    return round(seconds * 1000.0, 3)


def is_event_stream(response: httpx.Response) -> bool:
    content_type: str = response.headers.get("content-type", "")
    return content_type.startswith("text/event-stream")


@dataclass
class Forward:
    """One client request's trip upstream. `run(send)` is the job of a WatchedResponse."""

    ctx: ProxyContext
    adapter: Adapter
    api: Api
    exchange: Exchange
    prepared: Prepared
    url: str
    headers: list[tuple[str, str]]
    started: float
    response_chunks: list[bytes] = field(default_factory=list)
    streamed: bool = False
    usage_final: bool = False  # the retrieval loop already summed usage over its rounds

    def headroom_headers(self) -> list[tuple[str, str]]:
        ex = self.exchange
        return [("x-headroom-exchange-id", ex.id),
                ("x-headroom-tokens-before", str(ex.tokens_before)),
                ("x-headroom-tokens-after", str(ex.tokens_after)),
                ("x-headroom-overhead-ms", f"{ex.proxy_overhead_ms or 0.0:.3f}")]

    def client_headers(self, response: httpx.Response) -> list[tuple[str, str]]:
        upstream = client_response_headers(response.headers.multi_items(), decoded_body=True)
        return upstream + self.headroom_headers()

    async def run(self, send: Send) -> None:
        try:
            await self._forward(send)
        except anyio.get_cancelled_exc_class():
            note_error(self.exchange, "client disconnected; upstream request cancelled")
            raise
        finally:
            self.exchange.total_ms = ms(time.perf_counter() - self.started)
            self.ctx.finisher.submit(self._finish)

    async def open(self, body: bytes) -> httpx.Response:
        return await self.ctx.upstream.open("POST", self.url, self.headers, body)

    async def _forward(self, send: Send) -> None:
        sent_at = time.perf_counter()
        self.exchange.proxy_overhead_ms = ms(sent_at - self.started)
        try:
            response = await self.open(self.prepared.sent)
            if self.prepared.hide_usage and response.status_code in (400, 422):
                response = await self._without_usage_option(response)
        except UpstreamUnavailable as err:
            await self.send_unavailable(send, err)
            return
        self.exchange.upstream_ttfb_ms = ms(time.perf_counter() - sent_at)
        self.exchange.status_code = response.status_code
        try:
            await self._answer(send, response)
        finally:
            with anyio.CancelScope(shield=True):
                await response.aclose()

    async def _without_usage_option(self, response: httpx.Response) -> httpx.Response:
        """Some OpenAI-compatible servers validate strictly and refuse `stream_options`: send
        the request as it was without it, and stop adding it."""
        body = await self.read(response)  # an error body; kept, so it can still be forwarded
        if b"stream_options" not in body or self.prepared.unasked is None:
            return response
        with anyio.CancelScope(shield=True):
            await response.aclose()
        log.warning("the OpenAI upstream refused stream_options; streamed usage not recorded")
        self.ctx.no_stream_options = True
        self.prepared = replace(self.prepared, sent=self.prepared.unasked, hide_usage=False)
        self.exchange.sent_request = self.prepared.sent
        return await self.open(self.prepared.sent)

    async def _answer(self, send: Send, response: httpx.Response) -> None:
        if self.prepared.hide_usage and self.is_stream(response):
            send = UsageHidingSend(send)
        if self.prepared.retrieval and response.status_code == 200:
            await RetrievalLoop(self).run(send, response)
        elif self.is_stream(response):
            await self.stream(send, response)
        else:
            await self.buffered(send, response)

    def is_stream(self, response: httpx.Response) -> bool:
        return is_event_stream(response)

    async def send_unavailable(self, send: Send, err: UpstreamUnavailable) -> None:
        self.exchange.status_code = err.status
        note_error(self.exchange, err.message)
        await send_whole(send, err.status, JSON_HEADERS + self.headroom_headers(),
                         error_body(self.api, err.status, err.message))

    async def buffered(self, send: Send, response: httpx.Response) -> None:
        body = await self.read(response)
        self.response_chunks = [body]
        await send_whole(send, response.status_code, self.client_headers(response), body)

    async def read(self, response: httpx.Response) -> bytes:
        try:
            return await response.aread()
        except httpx.TransportError as err:
            raise UpstreamUnavailable(502, f"upstream failed mid-response: {err!r}") from err

    async def stream(self, send: Send, response: httpx.Response) -> None:
        self.streamed = True
        await send_start(send, response.status_code, self.client_headers(response))
        try:
            async for chunk in response.aiter_bytes():
                self.response_chunks.append(chunk)
                await send_body(send, chunk)
        except httpx.TransportError as err:
            await send_body(send, self.stream_error(f"upstream stream broke off: {err!r}"))
        await send_body(send, b"", more=False)

    def stream_error(self, message: str) -> bytes:
        """An error event in the provider's stream format (the status line is already sent)."""
        note_error(self.exchange, message)
        data = error_body(self.api, 502, message).decode()
        prefix = "event: error\n" if self.api is Api.ANTHROPIC else ""
        return f"{prefix}data: {data}\n\n".encode()

    def _finish(self) -> Exchange:
        """Off the loop, after the client has its answer: usage from the response."""
        body = b"".join(self.response_chunks)
        self.exchange.response = body or None
        if body and (self.exchange.status_code or 0) < 400 and not self.usage_final:
            turn = self._stream_turn(body) if self.streamed else read_turn(self.adapter, body)
            if turn is not None:
                self.exchange.usage = turn.usage
        return self.exchange

    def _stream_turn(self, body: bytes) -> AssistantTurn:
        parser = SSEParser()
        rebuilt = self.adapter.new_stream_reconstructor()
        for event in [*parser.feed(body), *parser.flush()]:
            rebuilt.feed(event)
        return rebuilt.turn()
