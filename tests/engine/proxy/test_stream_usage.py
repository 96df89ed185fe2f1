"""Streamed chat completions are recorded with usage even when the client did not ask for it,
and the client still gets exactly the stream it asked for."""

from __future__ import annotations

from typing import Any

import anyio
import httpx
import orjson
import pytest

from engine.proxy.stream_usage import UsageHidingSend, ask_for_usage, hide_usage
from tests.engine.proxy.conftest import API_KEY, RunningProxy
from tests.engine.proxy.fake_upstream import AUTO_KEY, FakeProvider, Turn
from tests.engine.proxy.retrieval_helpers import OPENAI_MODEL, OPENAI_TOOLS, openai_history

HEADERS = {"authorization": f"Bearer {API_KEY}"}
CHAT = "/v1/chat/completions"


def test_the_option_is_spliced_only_where_absent() -> None:
    compact = b'{"model":"m","stream":true,"messages":[]}'
    assert ask_for_usage(compact) == (
        b'{"model":"m","stream":true,"messages":[],"stream_options":{"include_usage":true}}')
    spaced = b'{"model": "m", "stream": true, "stream_options": {"x": 1}}'
    assert ask_for_usage(spaced) == (
        b'{"model": "m", "stream": true, "stream_options": {"x": 1, "include_usage": true}}')
    assert ask_for_usage(b'{"stream": true, "stream_options": {}}') == (
        b'{"stream": true, "stream_options": {"include_usage": true}}')
    assert ask_for_usage(b'{"stream":true,"stream_options":{"include_usage":false}}') is None
    assert ask_for_usage(b'{"stream":true,"stream_options":null}') == (
        b'{"stream":true,"stream_options":{"include_usage":true}}')


def _event(payload: str) -> bytes:
    return b"data: " + payload.encode() + b"\n\n"


def test_hidden_usage_leaves_the_other_bytes_alone() -> None:
    chunk = '{"id":"c","choices":[{"index":0,"delta":{"content":"\\"usage\\":null"}}]}'
    stream = (_event(chunk[:-1] + ',"usage":null}') + _event('{"usage":null,"id":"c"}')
              + _event('{"id":"c","choices":[],"usage":{"prompt_tokens":3}}')
              + b"data: [DONE]\n\n")
    assert hide_usage(stream) == (_event(chunk) + _event('{"id":"c"}') + b"data: [DONE]\n\n")
    with_choice = _event('{"choices":[{"index":0}],"usage":{"prompt_tokens":3}}')
    assert hide_usage(with_choice) == with_choice  # a server that always sends it: unchanged


def test_events_split_across_chunks_go_out_whole() -> None:
    anyio.run(_split_events)


async def _split_events() -> None:
    sent: list[dict[str, Any]] = []

    async def send(message: Any) -> None:
        sent.append(message)

    wrapped = UsageHidingSend(send)
    await wrapped({"type": "http.response.start", "status": 200, "headers": []})
    await wrapped({"type": "http.response.body", "body": b'data: {"a":1,"us', "more_body": True})
    await wrapped({"type": "http.response.body", "body": b'age":null}\n\ndata: {"b"',
                   "more_body": True})
    await wrapped({"type": "http.response.body", "body": b":2}\n\n", "more_body": False})
    assert [m.get("body") for m in sent] == [None, b'data: {"a":1}\n\n', b'data: {"b":2}\n\n']


def _body(**extra: Any) -> dict[str, Any]:
    return {"model": OPENAI_MODEL, "stream": True,
            "messages": [{"role": "user", "content": "hi"}], **extra}


def test_client_sees_the_stream_it_asked_for_and_usage_is_recorded(
        proxy: RunningProxy, fake: FakeProvider) -> None:
    direct = httpx.post(fake.url + CHAT, json=_body(), headers=HEADERS).content
    proxied = httpx.post(proxy.url + CHAT, json=_body(), headers=HEADERS).content
    assert proxied == direct and b"usage" not in proxied
    _, upstream = fake.llm_requests(CHAT)
    assert upstream.json["stream_options"] == {"include_usage": True}
    assert upstream.body.startswith(orjson.dumps(_body())[:-1])  # a splice at the end
    (exchange,) = proxy.exchanges()
    assert (exchange.usage.input_tokens, exchange.usage.output_tokens) == (
        len(upstream.body) // 4, 7)
    assert exchange.sent_request == upstream.body


def test_sdk_stream_without_usage(proxy: RunningProxy, fake: FakeProvider) -> None:
    fake.script(Turn(text="hello there"))
    stream = proxy.openai().chat.completions.create(
        model=OPENAI_MODEL, messages=[{"role": "user", "content": "hi"}], stream=True)
    chunks = list(stream)
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == "hello there"
    assert all(c.usage is None and c.choices for c in chunks)
    assert proxy.exchanges()[0].usage.output_tokens == 7


def test_a_client_that_asks_gets_usage_and_untouched_bytes(
        proxy: RunningProxy, fake: FakeProvider) -> None:
    body = _body(stream_options={"include_usage": True})
    proxied = httpx.post(proxy.url + CHAT, json=body, headers=HEADERS).content
    assert b'"choices":[],"usage":{"prompt_tokens"' in proxied
    assert fake.llm_requests(CHAT)[0].body == orjson.dumps(body)


def test_an_upstream_that_refuses_the_option(proxy: RunningProxy, fake: FakeProvider) -> None:
    fake.strict = True
    for _ in range(2):
        response = httpx.post(proxy.url + CHAT, json=_body(), headers=HEADERS)
        assert response.status_code == 200 and b'"content":"ok"' in response.content
    refused, retried, later = fake.llm_requests(CHAT)
    assert b"stream_options" in refused.body
    assert retried.body == later.body == orjson.dumps(_body())  # not added again
    assert [e.usage.output_tokens for e in proxy.exchanges(2)] == [None, None]


@pytest.mark.parametrize("sdk", [False, True], ids=["raw", "sdk"])
def test_retrieval_rounds_are_counted_without_the_client_asking(
        proxy: RunningProxy, fake: FakeProvider, sdk: bool) -> None:
    fake.script(Turn(text="", calls=[("headroom_retrieve", {"key": AUTO_KEY})]),
                Turn(text="user123."))
    body = {"model": OPENAI_MODEL, "messages": openai_history(), "tools": OPENAI_TOOLS}
    if sdk:
        with proxy.openai().chat.completions.stream(**body) as events:
            assert events.get_final_completion().usage is None
    else:
        content = httpx.post(proxy.url + CHAT, json={**body, "stream": True},
                             headers=HEADERS).content
        assert b"usage" not in content and b"user123." in content
    first, second = fake.llm_requests(CHAT)
    (exchange,) = proxy.exchanges()
    assert exchange.usage.input_tokens == len(first.body) // 4 + len(second.body) // 4
    assert exchange.usage.output_tokens == 14
