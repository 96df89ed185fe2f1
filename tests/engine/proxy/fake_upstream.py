"""A fake LLM provider served on loopback that speaks OpenAI (chat + responses) and Anthropic,
streaming and not, records every request it receives, and follows a script of turns (text or
tool calls, including `headroom_retrieve` with the key taken from the request)."""

from __future__ import annotations

import asyncio
import itertools
import re
from collections import deque
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from engine.proxy.server import ProxyServer

AUTO_KEY = "auto"
_KEY = re.compile(r'b2:[0-9a-f]{24}')


@dataclass
class Turn:
    text: str = "ok"
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    status: int = 200
    error_body: bytes | None = None


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return orjson.loads(self.body)


class FakeProvider:
    def __init__(self, chunk_delay: float = 0.0):
        self.received: list[Received] = []
        self.turns: deque[Turn] = deque()
        self.chunk_delay = chunk_delay
        self.url = ""
        self.streams_cancelled = 0
        self.strict = False  # refuse unknown request members, as some compatible servers do
        self._ids = itertools.count(1)
        self.app = Starlette(routes=[
            Route("/v1/chat/completions", self.chat, methods=["POST"]),
            Route("/v1/messages", self.messages, methods=["POST"]),
            Route("/v1/messages/count_tokens", self.count_tokens, methods=["POST"]),
            Route("/v1/responses", self.responses, methods=["POST"]),
            Route("/v1/models", self.models, methods=["GET"]),
            Route("/{path:path}", self.echo, methods=["GET", "POST", "PUT", "DELETE"]),
        ])

    def script(self, *turns: Turn) -> None:
        self.turns.extend(turns)

    def llm_requests(self, path: str) -> list[Received]:
        return [r for r in self.received if r.path == path]

    async def _record(self, request: Request) -> Received:
        received = Received(request.method, request.url.path, dict(request.headers),
                            await request.body())
        self.received.append(received)
        return received

    def _next(self, received: Received) -> Turn:
        turn = self.turns.popleft() if self.turns else Turn()
        keys = _KEY.findall(received.body.decode())
        calls = [(name, {**args, "key": keys[-1] if keys else "b2:" + "0" * 24})
                 if args.get("key") == AUTO_KEY else (name, args) for name, args in turn.calls]
        return Turn(turn.text, calls, turn.status, turn.error_body)

    def _call_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):04d}"

    async def _sse(self, events: Iterator[bytes]) -> AsyncIterator[bytes]:
        try:
            for event in events:
                yield event
                if self.chunk_delay:
                    await asyncio.sleep(self.chunk_delay)
        except (asyncio.CancelledError, GeneratorExit, OSError):
            self.streams_cancelled += 1
            raise

    def _error(self, turn: Turn) -> Response:
        return Response(turn.error_body or b'{"error": {"message": "scripted"}}',
                        status_code=turn.status, media_type="application/json")

    # OpenAI chat ------------------------------------------------------------------------

    async def chat(self, request: Request) -> Response:
        received = await self._record(request)
        body, turn = received.json, self._next(received)
        if self.strict and "stream_options" in body:
            return JSONResponse({"error": {"message": "stream_options: extra inputs are not "
                                           "permitted"}}, status_code=422)
        if turn.status != 200:
            return self._error(turn)
        calls = [(self._call_id("call_"), n, orjson.dumps(a).decode()) for n, a in turn.calls]
        usage = {"prompt_tokens": len(received.body) // 4, "completion_tokens": 7,
                 "total_tokens": len(received.body) // 4 + 7}
        if body.get("stream"):
            include = (body.get("stream_options") or {}).get("include_usage")
            return StreamingResponse(self._sse(_chat_chunks(body["model"], turn.text, calls,
                                                            usage if include else None)),
                                     media_type="text/event-stream")
        message: dict[str, Any] = {"role": "assistant", "content": turn.text or None}
        if calls:
            message["tool_calls"] = [{"id": i, "type": "function",
                                      "function": {"name": n, "arguments": a}}
                                     for i, n, a in calls]
        return JSONResponse({"id": "chatcmpl-1", "object": "chat.completion", "created": 1,
                             "model": body["model"], "usage": usage,
                             "choices": [{"index": 0, "message": message,
                                          "finish_reason": "tool_calls" if calls else "stop"}]})

    # Anthropic --------------------------------------------------------------------------

    async def messages(self, request: Request) -> Response:
        received = await self._record(request)
        body, turn = received.json, self._next(received)
        if turn.status != 200:
            return self._error(turn)
        content: list[dict[str, Any]] = [{"type": "text", "text": turn.text}] if turn.text else []
        content += [{"type": "tool_use", "id": self._call_id("toolu_"), "name": n, "input": a}
                    for n, a in turn.calls]
        usage = {"input_tokens": len(received.body) // 4, "output_tokens": 9,
                 "cache_read_input_tokens": 0}
        message = {"id": "msg_1", "type": "message", "role": "assistant",
                   "model": body["model"], "content": content, "stop_sequence": None,
                   "stop_reason": "tool_use" if turn.calls else "end_turn", "usage": usage}
        if body.get("stream"):
            return StreamingResponse(self._sse(_anthropic_events(message)),
                                     media_type="text/event-stream")
        return JSONResponse(message)

    async def count_tokens(self, request: Request) -> Response:
        received = await self._record(request)
        return JSONResponse({"input_tokens": len(received.body) // 4})

    # OpenAI responses -------------------------------------------------------------------

    async def responses(self, request: Request) -> Response:
        received = await self._record(request)
        body, turn = received.json, self._next(received)
        if turn.status != 200:
            return self._error(turn)
        output: list[dict[str, Any]] = []
        if turn.text:
            output.append({"type": "message", "id": "msg_1", "status": "completed",
                           "role": "assistant", "content": [
                               {"type": "output_text", "text": turn.text, "annotations": []}]})
        output += [{"type": "function_call", "id": f"fc_{i}", "call_id": self._call_id("call_"),
                    "name": n, "arguments": orjson.dumps(a).decode(), "status": "completed"}
                   for i, (n, a) in enumerate(turn.calls)]
        response = {"id": "resp_1", "object": "response", "created_at": 1, "status": "completed",
                    "model": body["model"], "output": output, "parallel_tool_calls": True,
                    "tool_choice": "auto", "tools": [],
                    "usage": {"input_tokens": len(received.body) // 4, "output_tokens": 5,
                              "total_tokens": len(received.body) // 4 + 5,
                              "input_tokens_details": {"cached_tokens": 0},
                              "output_tokens_details": {"reasoning_tokens": 0}}}
        if body.get("stream"):
            return StreamingResponse(self._sse(_responses_events(response, turn.text)),
                                     media_type="text/event-stream")
        return JSONResponse(response)

    async def models(self, request: Request) -> Response:
        await self._record(request)
        return JSONResponse({"object": "list", "data": [
            {"id": "gpt-4o", "object": "model", "created": 1, "owned_by": "fake"}]})

    async def echo(self, request: Request) -> Response:
        received = await self._record(request)
        return JSONResponse({"method": received.method, "path": received.path,
                             "query": request.url.query, "size": len(received.body)},
                            headers={"x-fake": "1"})


def _sse_line(data: Any, event: str | None = None) -> bytes:
    head = f"event: {event}\n".encode() if event else b""
    return head + b"data: " + orjson.dumps(data) + b"\n\n"


def _chat_chunks(model: str, text: str, calls: list[tuple[str, str, str]],
                 usage: dict[str, int] | None) -> Iterator[bytes]:
    def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
        # As OpenAI does: with include_usage, every chunk also carries "usage": null.
        extra = {} if usage is None else {"usage": None}
        return _sse_line({"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1,
                          "model": model, "choices": [{"index": 0, "delta": delta,
                                                       "finish_reason": finish}], **extra})

    yield chunk({"role": "assistant", "content": ""})
    if text:
        for word in re.findall(r"\S+\s*", text):
            yield chunk({"content": word})
    for index, (call_id, name, arguments) in enumerate(calls):
        yield chunk({"tool_calls": [{"index": index, "id": call_id, "type": "function",
                                     "function": {"name": name, "arguments": ""}}]})
        half = len(arguments) // 2
        for piece in (arguments[:half], arguments[half:]):
            yield chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
    yield chunk({}, "tool_calls" if calls else "stop")
    if usage is not None:
        yield _sse_line({"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1,
                         "model": model, "choices": [], "usage": usage})
    yield b"data: [DONE]\n\n"


def _anthropic_events(message: dict[str, Any]) -> Iterator[bytes]:
    start = {**message, "content": [], "stop_reason": None,
             "usage": {**message["usage"], "output_tokens": 1}}
    yield _sse_line({"type": "message_start", "message": start}, "message_start")
    yield _sse_line({"type": "ping"}, "ping")
    for index, block in enumerate(message["content"]):
        if block["type"] == "text":
            yield _sse_line({"type": "content_block_start", "index": index,
                             "content_block": {"type": "text", "text": ""}}, "content_block_start")
            for word in re.findall(r"\S+\s*", block["text"]):
                yield _sse_line({"type": "content_block_delta", "index": index,
                                 "delta": {"type": "text_delta", "text": word}},
                                "content_block_delta")
        else:
            yield _sse_line({"type": "content_block_start", "index": index, "content_block":
                             {**block, "input": {}}}, "content_block_start")
            arguments = orjson.dumps(block["input"]).decode()
            for piece in (arguments[:len(arguments) // 2], arguments[len(arguments) // 2:]):
                yield _sse_line({"type": "content_block_delta", "index": index,
                                 "delta": {"type": "input_json_delta", "partial_json": piece}},
                                "content_block_delta")
        yield _sse_line({"type": "content_block_stop", "index": index}, "content_block_stop")
    yield _sse_line({"type": "message_delta", "delta": {"stop_reason": message["stop_reason"],
                                                        "stop_sequence": None},
                     "usage": {"output_tokens": message["usage"]["output_tokens"]}},
                    "message_delta")
    yield _sse_line({"type": "message_stop"}, "message_stop")


def _responses_events(response: dict[str, Any], text: str) -> Iterator[bytes]:
    sequence = itertools.count()

    def event(kind: str, **fields: Any) -> bytes:
        return _sse_line({"type": kind, "sequence_number": next(sequence), **fields}, kind)

    yield event("response.created", response={**response, "status": "in_progress", "output": []})
    for index, item in enumerate(response["output"]):
        if item["type"] == "message":
            yield event("response.output_item.added", output_index=index,
                        item={**item, "status": "in_progress", "content": []})
            yield event("response.content_part.added", item_id=item["id"], output_index=index,
                        content_index=0, part={"type": "output_text", "text": "",
                                               "annotations": []})
            for word in re.findall(r"\S+\s*", text):
                yield event("response.output_text.delta", item_id=item["id"],
                            output_index=index, content_index=0, delta=word)
        else:
            yield event("response.output_item.added", output_index=index,
                        item={**item, "status": "in_progress", "arguments": ""})
            yield event("response.function_call_arguments.delta", item_id=item["id"],
                        output_index=index, delta=item["arguments"])
        yield event("response.output_item.done", output_index=index, item=item)
    yield event("response.completed", response=response)


class ServedFake:
    """The fake provider on a free loopback port."""

    def __init__(self, chunk_delay: float = 0.0):
        self.provider = FakeProvider(chunk_delay)
        self.server = ProxyServer(self.provider.app, "127.0.0.1", 0)

    def __enter__(self) -> FakeProvider:
        self.server.start()
        if not self.server.wait_started():
            raise RuntimeError(f"fake upstream failed: {self.server.error!r}")
        self.provider.url = self.server.url
        return self.provider

    def __exit__(self, *exc: object) -> None:
        self.server.stop()
