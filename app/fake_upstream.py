"""A small OpenAI- and Anthropic-compatible provider on loopback, for `headroom demo`, the demo
button and the app's end-to-end tests. It keeps every request body it received (so a test can see
exactly what the proxy sent upstream), answers with plausible text and provider-style usage, and
may ask for `headroom_retrieve` once when a request carries an omission key, so retrievals show
up too. It never touches the network beyond the loopback socket it listens on."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import uvicorn

from engine.tokens import count_tokens

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
KEY = re.compile(r"b2:[0-9a-f]{24}")
RETRIEVE_TOOL = "headroom_retrieve"


class FakeProvider:
    """The ASGI app. `retrieve_when(body)` decides whether to ask for an omitted original."""

    def __init__(self, retrieve_when: Callable[[dict[str, Any]], bool] | None = None) -> None:
        self.received: list[bytes] = []
        self._retrieve_when = retrieve_when or (lambda body: False)
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        raw = await _read_body(receive)
        with self._lock:
            self.received.append(raw)
        body = json.loads(raw or b"{}")
        anthropic = scope["path"].rstrip("/").endswith("/messages")
        call = self._retrieve_call(body)
        if body.get("stream"):
            chunks = (_anthropic_stream if anthropic else _openai_stream)(body, call)
            await _respond(send, 200, "text/event-stream", b"".join(chunks))
            return
        reply = (_anthropic_reply if anthropic else _openai_reply)(body, call)
        await _respond(send, 200, "application/json", json.dumps(reply).encode())

    def _retrieve_call(self, body: dict[str, Any]) -> dict[str, str] | None:
        """Ask once per conversation, for the first key in the latest tool output."""
        text = json.dumps(body.get("messages", [])[-1:])
        offered = RETRIEVE_TOOL in json.dumps(body.get("tools", []))
        asked = RETRIEVE_TOOL in json.dumps(body.get("messages", [])[:-1])
        match = KEY.search(text)
        if not (offered and match and not asked and self._retrieve_when(body)):
            return None
        return {"key": match.group(0), "query": "ERROR"}


async def _read_body(receive: Receive) -> bytes:
    parts = []
    while True:
        message = await receive()
        parts.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(parts)


async def _respond(send: Send, status: int, content_type: str, payload: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", content_type.encode()),
                            (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})


def _input_tokens(body: dict[str, Any]) -> int:
    text = json.dumps(body.get("messages", [])) + json.dumps(body.get("system", ""))
    return count_tokens(text, str(body.get("model", "gpt-4o")))


def _answer(body: dict[str, Any]) -> str:
    text = json.dumps(body.get("messages", [])[-1:])
    errors = len(re.findall(r"ERROR|Traceback|failed", text))
    return (f"I went through the tool output. There are {errors} error markers worth a look; "
            "the first one explains the failure, the rest follow from it.")


def _openai_reply(body: dict[str, Any], call: dict[str, str] | None) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": None if call else _answer(body)}
    if call:
        message["tool_calls"] = [{"id": f"call_{int(time.time() * 1000)}", "type": "function",
                                  "function": {"name": RETRIEVE_TOOL,
                                               "arguments": json.dumps(call)}}]
    prompt = _input_tokens(body)
    return {"id": "chatcmpl-demo", "object": "chat.completion", "created": int(time.time()),
            "model": body.get("model", "gpt-4o"),
            "choices": [{"index": 0, "message": message,
                         "finish_reason": "tool_calls" if call else "stop"}],
            "usage": {"prompt_tokens": prompt, "completion_tokens": 40,
                      "total_tokens": prompt + 40,
                      "prompt_tokens_details": {"cached_tokens": prompt // 2}}}


def _sse(data: dict[str, Any] | str, event: str | None = None) -> bytes:
    payload = data if isinstance(data, str) else json.dumps(data)
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {payload}\n\n".encode()


def _openai_stream(body: dict[str, Any], call: dict[str, str] | None) -> list[bytes]:
    reply = _openai_reply(body, call)
    base = {"id": "chatcmpl-demo", "object": "chat.completion.chunk", "model": reply["model"]}
    message = reply["choices"][0]["message"]
    delta: dict[str, Any] = {"role": "assistant"}
    if call:
        delta["tool_calls"] = [{"index": 0, **message["tool_calls"][0]}]
    chunks = [_sse({**base, "choices": [{"index": 0, "delta": delta}]})]
    words = (message["content"] or "").split(" ")
    chunks += [_sse({**base, "choices": [{"index": 0, "delta": {"content": w + " "}}]})
               for w in words if w]
    chunks.append(_sse({**base, "choices": [{"index": 0, "delta": {},
                                             "finish_reason": reply["choices"][0]
                                             ["finish_reason"]}]}))
    chunks.append(_sse({**base, "choices": [], "usage": reply["usage"]}))
    return [*chunks, _sse("[DONE]")]


def _anthropic_reply(body: dict[str, Any], call: dict[str, str] | None) -> dict[str, Any]:
    content: list[dict[str, Any]] = [{"type": "text", "text": _answer(body)}]
    if call:
        content = [{"type": "tool_use", "id": f"toolu_{int(time.time() * 1000)}",
                    "name": RETRIEVE_TOOL, "input": call}]
    prompt = _input_tokens(body)
    return {"id": "msg_demo", "type": "message", "role": "assistant",
            "model": body.get("model", "claude-sonnet-4-5"), "content": content,
            "stop_reason": "tool_use" if call else "end_turn", "stop_sequence": None,
            "usage": {"input_tokens": prompt, "output_tokens": 40,
                      "cache_read_input_tokens": prompt // 3}}


def _anthropic_stream(body: dict[str, Any], call: dict[str, str] | None) -> list[bytes]:
    reply = _anthropic_reply(body, call)
    start = {**reply, "content": [], "stop_reason": None,
             "usage": {**reply["usage"], "output_tokens": 1}}
    block = reply["content"][0]
    chunks = [_sse({"type": "message_start", "message": start}, "message_start")]
    if block["type"] == "text":
        chunks += [_sse({"type": "content_block_start", "index": 0,
                         "content_block": {"type": "text", "text": ""}}, "content_block_start"),
                   _sse({"type": "content_block_delta", "index": 0,
                         "delta": {"type": "text_delta", "text": block["text"]}},
                        "content_block_delta")]
    else:
        chunks += [_sse({"type": "content_block_start", "index": 0,
                         "content_block": {**block, "input": {}}}, "content_block_start"),
                   _sse({"type": "content_block_delta", "index": 0,
                         "delta": {"type": "input_json_delta",
                                   "partial_json": json.dumps(block["input"])}},
                        "content_block_delta")]
    chunks += [_sse({"type": "content_block_stop", "index": 0}, "content_block_stop"),
               _sse({"type": "message_delta", "delta": {"stop_reason": reply["stop_reason"]},
                     "usage": {"output_tokens": 40}}, "message_delta"),
               _sse({"type": "message_stop"}, "message_stop")]
    return chunks


class UpstreamThread:
    """Runs a FakeProvider under uvicorn on a free loopback port, in a daemon thread."""

    def __init__(self, app: FakeProvider, host: str = "127.0.0.1") -> None:
        self.app = app
        config = uvicorn.Config(app, host=host, port=0, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="fake-upstream",
                                        daemon=True)
        self.host = host
        self.port = 0

    def start(self, timeout: float = 10.0) -> UpstreamThread:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the fake provider did not start")
            time.sleep(0.01)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        return self

    @property
    def openai_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    @property
    def anthropic_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=5)
