"""Transparent retrieval: answer the model's `headroom_retrieve` calls and continue upstream.

The client only ever sees its own tools and a normal final answer. Each round: the model's
retrieve calls are answered from the CCR store (off the loop), the round is remembered for later
turns (rounds.py), and the request goes upstream again with the round appended. With mixed calls
the client gets its own calls at once and the answered retrieval waits for the next turn, where
it is re-inserted. Rounds are bounded by `max_retrieval_rounds` (plus one round that asks the
model to answer with what it has); usage is summed over rounds.
A streamed answer stays a stream: events flow as they arrive, SSE comments keep the connection
alive while a round is resolved.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

import anyio
import httpx2 as httpx
from starlette.types import Send

from engine.ccr.retrieve_tool import answer
from engine.compressors.marker import RETRIEVE_TOOL
from engine.conversation import Usage
from engine.providers import (
    AssistantTurn,
    SSEEvent,
    SSEParser,
    StreamReconstructor,
    ToolCall,
    encode_event,
)
from engine.proxy.errors import UpstreamUnavailable
from engine.proxy.prepare import read_turn
from engine.proxy.responses import send_body, send_start, send_whole
from engine.proxy.rounds import StoredRound, prefix_key
from engine.proxy.stream_filters import StreamFilter, filter_for
from engine.proxy.strip import strip_retrieve_calls

if TYPE_CHECKING:
    from engine.proxy.forward import Forward

KEEPALIVE_SECONDS = 5.0
RESOLVING = b": headroom is retrieving omitted content\n\n"


LIMIT_TEXT = (f"[{RETRIEVE_TOOL}: retrieval limit reached for this request; answer with what "
              "you have]")


class Step(Enum):
    FINAL = "final"  # the client gets this turn (retrieve calls, if any, stripped)
    ANSWER = "answer"  # answer the retrieve calls from the store and continue upstream
    REFUSE = "refuse"  # rounds exhausted: answer with LIMIT_TEXT and continue once more


def split_calls(turn: AssistantTurn) -> tuple[list[ToolCall], list[ToolCall]]:
    mine = [c for c in turn.tool_calls if c.name == RETRIEVE_TOOL]
    return mine, [c for c in turn.tool_calls if c.name != RETRIEVE_TOOL]


class RetrievalLoop:
    def __init__(self, forward: Forward):
        self.fwd = forward
        self.provider = forward.adapter.provider
        self.sent = forward.prepared.sent
        self.usage = Usage()
        self.rounds = 0
        self.refused = False

    @property
    def max_rounds(self) -> int:
        return self.fwd.ctx.settings.max_retrieval_rounds

    async def run(self, send: Send, response: httpx.Response) -> None:
        try:
            if self.fwd.is_stream(response):
                await self._streamed(send, response, filter_for(self.provider))
            else:
                await self._buffered(send, response)
        finally:
            self.fwd.exchange.usage = self.usage
            self.fwd.exchange.retrieval_rounds = self.rounds
            self.fwd.exchange.sent_request = self.sent
            self.fwd.usage_final = True

    # Answering one round ----------------------------------------------------------------

    def _step(self, mine: list[ToolCall], others: list[ToolCall]) -> Step:
        """Bounded: `max_retrieval_rounds` answered rounds, then one round that tells the model
        to answer with what it has, so the client gets a real answer rather than an empty one;
        a model that still calls after that has its calls stripped."""
        if not mine or others:
            return Step.FINAL
        if self.rounds < self.max_rounds:
            return Step.ANSWER
        return Step.FINAL if self.refused else Step.REFUSE

    async def _continue(self, turn: AssistantTurn, mine: list[ToolCall], step: Step) -> bytes:
        """Answer (or refuse) the retrieve calls, remember the round; the next request."""
        refuse = step is Step.REFUSE
        next_request = await anyio.to_thread.run_sync(self._resolve_sync, turn, mine, [], refuse)
        assert next_request is not None
        self.sent, self.rounds = next_request, self.rounds + 1
        self.refused = self.refused or refuse
        return next_request

    async def _park(self, turn: AssistantTurn, mine: list[ToolCall],
                    others: list[ToolCall]) -> None:
        """Mixed calls: the client gets its own calls now; the answered retrieval is
        re-inserted on the next turn."""
        await anyio.to_thread.run_sync(self._resolve_sync, turn, mine, others, False)

    def _resolve_sync(self, turn: AssistantTurn, mine: list[ToolCall], others: list[ToolCall],
                      refuse: bool) -> bytes | None:
        results = [(c.id, LIMIT_TEXT) for c in mine] if refuse else self._answer_calls(mine)
        kept = turn if not others else AssistantTurn(tool_calls=mine, usage=turn.usage)
        rounds, key = self.fwd.ctx.rounds, prefix_key(self.provider, self.sent)
        if rounds is not None and key is not None:
            # A streamed round's text already reached the client (see rounds.reinsert).
            rounds.save(key, StoredRound(kept, tuple(results), shown=self.fwd.streamed))
        if others:
            return None
        return self.fwd.adapter.append_tool_round(self.sent, kept, results)

    def _answer_calls(self, mine: list[ToolCall]) -> list[tuple[str, str]]:
        ccr, exchange = self.fwd.ctx.ccr, self.fwd.exchange
        assert ccr is not None  # retrieval is only on with a CCR store
        key_tools: dict[str, str | None] = {}
        for decision in reversed(exchange.decisions):  # the first decision for a key wins
            if decision.ccr_key:
                key_tools[decision.ccr_key] = decision.tool_name
        results = []
        for call in mine:
            text, event = answer(ccr, call.arguments, exchange.id, key_tools.get)
            results.append((call.id, text))
            if event is not None:
                exchange.retrievals.append(event)
        return results

    # Buffered -----------------------------------------------------------------------------

    async def _buffered(self, send: Send, response: httpx.Response) -> None:
        body = await self.fwd.read(response)
        while True:
            turn = await anyio.to_thread.run_sync(read_turn, self.fwd.adapter, body)
            if turn is None:
                break
            self.usage += turn.usage
            mine, others = split_calls(turn)
            step = self._step(mine, others)
            if step is Step.FINAL:
                if mine and others:
                    await self._park(turn, mine, others)
                body = strip_retrieve_calls(self.provider, body) if mine else body
                break
            next_request = await self._continue(turn, mine, step)
            try:
                response, body = await self._fetch(next_request)
            except UpstreamUnavailable as err:
                await self.fwd.send_unavailable(send, err)
                return
            if response.status_code != 200:
                break
        self.fwd.response_chunks = [body]
        self.fwd.exchange.status_code = response.status_code
        await send_whole(send, response.status_code, self.fwd.client_headers(response), body)

    async def _fetch(self, body: bytes) -> tuple[httpx.Response, bytes]:
        response = await self.fwd.open(body)
        try:
            return response, await self.fwd.read(response)
        finally:
            with anyio.CancelScope(shield=True):
                await response.aclose()

    # Streamed -----------------------------------------------------------------------------

    async def _streamed(self, send: Send, response: httpx.Response,
                        stream_filter: StreamFilter) -> None:
        self.fwd.streamed = True
        await send_start(send, 200, self.fwd.client_headers(response))
        current: httpx.Response | None = response
        while current is not None:
            turn = await self._relay_round(send, current, stream_filter)
            if current is not response:
                with anyio.CancelScope(shield=True):
                    await current.aclose()
            current = None if turn is None else await self._next_round(send, turn, stream_filter)
        await send_body(send, b"", more=False)

    async def _relay_round(self, send: Send, response: httpx.Response,
                           stream_filter: StreamFilter) -> AssistantTurn | None:
        """Forward one round's events through the filter; its turn (None if it broke off)."""
        parser, rebuilt = SSEParser(), self.fwd.adapter.new_stream_reconstructor()
        try:
            async for chunk in response.aiter_bytes():
                self.fwd.response_chunks.append(chunk)
                await self._emit(send, parser.feed(chunk), rebuilt, stream_filter)
        except httpx.TransportError as err:
            await send_body(send, self.fwd.stream_error(f"upstream stream broke off: {err!r}"))
            return None
        await self._emit(send, parser.flush(), rebuilt, stream_filter)
        turn = rebuilt.turn()
        self.usage += turn.usage
        return turn

    async def _emit(self, send: Send, events: list[SSEEvent], rebuilt: StreamReconstructor,
                    stream_filter: StreamFilter) -> None:
        out = []
        for event in events:
            rebuilt.feed(event)
            out.extend(stream_filter.feed(event))
        if out:
            await send_body(send, b"".join(encode_event(e) for e in out))

    async def _next_round(self, send: Send, turn: AssistantTurn,
                          stream_filter: StreamFilter) -> httpx.Response | None:
        mine, others = split_calls(turn)
        step = self._step(mine, others)
        if step is Step.FINAL:
            if mine and others:
                await self._park(turn, mine, others)
            await self._release(send, stream_filter, calls_removed=bool(mine))
            return None
        await send_body(send, RESOLVING)
        next_request = await self._continue(turn, mine, step)
        stream_filter.next_round()
        try:
            response = await self._open_keeping_alive(send, next_request)
        except UpstreamUnavailable as err:
            await send_body(send, self.fwd.stream_error(err.message))
            return None
        if response.status_code != 200:
            body = await self._error_body(response)
            await send_body(send, self.fwd.stream_error(
                f"upstream answered {response.status_code} during retrieval: {body[:500]!r}"))
            return None
        return response

    async def _release(self, send: Send, stream_filter: StreamFilter,
                       calls_removed: bool) -> None:
        held = stream_filter.release(calls_removed)
        if held:
            await send_body(send, b"".join(encode_event(e) for e in held))

    async def _open_keeping_alive(self, send: Send, body: bytes) -> httpx.Response:
        async with anyio.create_task_group() as group:

            async def keepalive() -> None:
                while True:
                    await anyio.sleep(KEEPALIVE_SECONDS)
                    await send_body(send, b": keep-alive\n\n")

            group.start_soon(keepalive)
            try:
                response = await self.fwd.open(body)
            finally:
                group.cancel_scope.cancel()
        return response

    async def _error_body(self, response: httpx.Response) -> bytes:
        try:
            return await response.aread()
        finally:
            with anyio.CancelScope(shield=True):
                await response.aclose()
