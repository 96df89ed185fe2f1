"""Per-request mode header, audit vs optimize, fail-open, response headers, what is recorded,
and client disconnect cancelling the upstream call."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from engine.conversation import Action, Conversation, Exchange
from tests.engine.proxy.conftest import API_KEY, RunningProxy, proxy_settings, serve
from tests.engine.proxy.fake_upstream import FakeProvider, Turn
from tests.engine.proxy.retrieval_helpers import openai_history

HEADERS = {"authorization": f"Bearer {API_KEY}"}


def post_chat(proxy: RunningProxy, body: dict[str, Any], **headers: str) -> httpx.Response:
    return httpx.post(proxy.url + "/v1/chat/completions", content=orjson.dumps(body),
                      headers={**HEADERS, "content-type": "application/json", **headers})


def big_request() -> dict[str, Any]:
    return {"model": "gpt-4o", "messages": openai_history()}


def test_optimize_sends_compressed_and_says_so(proxy: RunningProxy, fake: FakeProvider) -> None:
    response = post_chat(proxy, big_request())
    before = int(response.headers["x-headroom-tokens-before"])
    after = int(response.headers["x-headroom-tokens-after"])
    assert before > 5 * after > 0
    assert float(response.headers["x-headroom-overhead-ms"]) >= 0
    (received,) = fake.llm_requests("/v1/chat/completions")
    assert len(received.body) < len(orjson.dumps(big_request())) / 3
    (exchange,) = proxy.exchanges()
    assert exchange.id == response.headers["x-headroom-exchange-id"]
    assert (exchange.tokens_before, exchange.tokens_after) == (before, after)
    assert exchange.mode == "optimize" and exchange.status_code == 200
    assert exchange.usage.input_tokens == len(received.body) // 4
    assert exchange.proxy_overhead_ms is not None and exchange.upstream_ttfb_ms is not None
    assert exchange.total_ms is not None and exchange.total_ms >= exchange.upstream_ttfb_ms
    assert [d.action for d in exchange.decisions] == [Action.COMPRESSED]
    assert exchange.original_request == orjson.dumps(big_request())
    assert exchange.sent_request == received.body


def test_audit_header_sends_the_original(proxy: RunningProxy, fake: FakeProvider) -> None:
    raw = orjson.dumps(big_request())
    response = post_chat(proxy, big_request(), **{"x-headroom-mode": "audit"})
    assert response.headers["x-headroom-tokens-before"] == response.headers[
        "x-headroom-tokens-after"]
    (received,) = fake.llm_requests("/v1/chat/completions")
    assert received.body == raw
    assert "x-headroom-mode" not in received.headers
    (exchange,) = proxy.exchanges()
    assert exchange.mode == "audit"
    (decision,) = exchange.decisions
    assert decision.mode == "audit" and decision.compressed_text
    assert "tools" not in received.json  # no marker sent, so no retrieve tool either


def test_off_header_and_bad_header(proxy: RunningProxy, fake: FakeProvider) -> None:
    post_chat(proxy, big_request(), **{"x-headroom-mode": "off"})
    assert fake.received[-1].body == orjson.dumps(big_request())
    bad = post_chat(proxy, big_request(), **{"x-headroom-mode": "shrink"})
    assert bad.status_code == 400
    assert "x-headroom-mode must be one of" in bad.json()["error"]["message"]
    assert len(fake.received) == 1


class ExplodingPipeline:
    def run(self, conv: Conversation, exchange: Exchange, ctx: object) -> None:
        for _, block in conv.tool_results():
            block.text = "half-edited"
        raise RuntimeError("boom")


@pytest.fixture
def failing_proxy(fake: FakeProvider, data_dir: Path) -> Any:
    yield from serve(proxy_settings(fake, data_dir), pipeline=ExplodingPipeline())


def test_fail_open_forwards_the_original(failing_proxy: RunningProxy, fake: FakeProvider) -> None:
    response = post_chat(failing_proxy, big_request())
    assert response.status_code == 200
    assert fake.received[-1].body == orjson.dumps(big_request())
    (exchange,) = failing_proxy.exchanges()
    assert exchange.error is not None and "RuntimeError: boom" in exchange.error


def test_unparseable_request_is_forwarded(proxy: RunningProxy, fake: FakeProvider) -> None:
    body = b'{"model": "gpt-4o", "messages": "not a list"}' + b" " * 600
    httpx.post(proxy.url + "/v1/chat/completions", content=body, headers=HEADERS)
    assert fake.received[-1].body == body
    (exchange,) = proxy.exchanges()
    assert exchange.error is not None and "forwarded unchanged" in exchange.error


def test_client_disconnect_cancels_upstream(proxy: RunningProxy, fake: FakeProvider) -> None:
    fake.chunk_delay = 0.2
    fake.script(Turn(text=" ".join(["word"] * 50)))
    body = {"model": "gpt-4o", "stream": True, "messages": [{"role": "user", "content": "hi"}]}
    with httpx.Client() as client, client.stream(
            "POST", proxy.url + "/v1/chat/completions", json=body, headers=HEADERS) as response:
        next(response.iter_raw())
    deadline = time.monotonic() + 3
    while fake.streams_cancelled == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert fake.streams_cancelled == 1
    (exchange,) = proxy.exchanges()
    assert exchange.error is not None and "client disconnected" in exchange.error
