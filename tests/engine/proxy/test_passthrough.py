"""Everything that is not an LLM call passes through untouched; header hygiene; safety;
provider-shaped 502/504; upstream errors pass through with status and body."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import anthropic
import httpx
import openai
import pytest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.engine.proxy.conftest import API_KEY, RunningProxy, proxy_settings, serve
from tests.engine.proxy.fake_upstream import FakeProvider, Turn


def test_models_and_other_paths(proxy: RunningProxy, fake: FakeProvider) -> None:
    models = proxy.openai().models.list()
    assert [m.id for m in models] == ["gpt-4o"]
    response = httpx.put(proxy.url + "/v1/files/abc?purpose=x&n=1", content=b"12345",
                         headers={"x-headroom-mode": "off", "connection": "keep-alive, x-hop",
                                  "x-hop": "1", "authorization": "Bearer k"})
    assert response.status_code == 200
    assert response.json() == {"method": "PUT", "path": "/v1/files/abc",
                               "query": "purpose=x&n=1", "size": 5}
    assert response.headers["x-fake"] == "1"
    received = fake.received[-1]
    assert received.headers["authorization"] == "Bearer k"
    assert "x-headroom-mode" not in received.headers and "x-hop" not in received.headers


def test_healthz(proxy: RunningProxy) -> None:
    body = httpx.get(proxy.url + "/healthz").json()
    assert body["status"] == "ok" and body["retrieval"] is True


def test_foreign_host_is_refused(proxy: RunningProxy, fake: FakeProvider) -> None:
    response = httpx.post(proxy.url + "/v1/chat/completions", json={},
                          headers={"host": "evil.example.com"})
    assert response.status_code == 403
    assert "not a local name" in response.json()["error"]["message"]
    assert not fake.received
    ok = httpx.get(proxy.url.replace("127.0.0.1", "localhost") + "/healthz")
    assert ok.status_code == 200


@pytest.fixture
def small_proxy(fake: FakeProvider, data_dir: Path) -> Iterator[RunningProxy]:
    yield from serve(proxy_settings(fake, data_dir, max_body_bytes=4096))


def test_body_limit_is_a_clear_413(small_proxy: RunningProxy, fake: FakeProvider) -> None:
    with pytest.raises(anthropic.APIStatusError) as caught:
        small_proxy.anthropic().messages.create(
            model="claude-sonnet-4-6", max_tokens=10,
            messages=[{"role": "user", "content": "x" * 10_000}])
    assert caught.value.status_code == 413
    assert "4,096 bytes" in str(caught.value)

    def chunks() -> Iterator[bytes]:
        yield b"{" + b" " * 3000
        yield b" " * 3000 + b"}"

    response = httpx.post(small_proxy.url + "/v1/chat/completions", content=chunks())
    assert response.status_code == 413
    assert response.json()["error"]["type"] == "invalid_request_error"
    assert not fake.received


def test_upstream_error_passes_through(proxy: RunningProxy, fake: FakeProvider) -> None:
    fake.script(Turn(status=429, error_body=b'{"error": {"message": "slow down"}}'))
    with pytest.raises(openai.RateLimitError, match="slow down"):
        proxy.openai().chat.completions.create(model="gpt-4o",
                                               messages=[{"role": "user", "content": "x"}])
    assert proxy.exchanges()[-1].status_code == 429


def test_unreachable_upstream_is_502_in_provider_format(data_dir: Path) -> None:
    dead = FakeProvider()
    dead.url = "http://127.0.0.1:9"  # discard port: nothing listens
    for running in serve(proxy_settings(dead, data_dir)):
        with pytest.raises(openai.APIStatusError) as caught:
            running.openai().chat.completions.create(
                model="gpt-4o", messages=[{"role": "user", "content": "x"}])
        assert caught.value.status_code == 502
        assert "cannot reach upstream" in str(caught.value)
        with pytest.raises(anthropic.APIStatusError) as anth:
            running.anthropic().messages.create(model="claude-sonnet-4-6", max_tokens=5,
                                                messages=[{"role": "user", "content": "x"}])
        assert anth.value.status_code == 502
        assert anth.value.body["error"]["type"] == "api_error"  # type: ignore[index]


def test_timeout_is_504(fake: FakeProvider, data_dir: Path) -> None:
    slow_settings = proxy_settings(fake, data_dir, upstream_timeout_seconds=0.3)

    async def slow(request: Request) -> Response:
        await asyncio.sleep(2)
        return Response(b"late")

    fake.app.router.routes.insert(0, Route("/v1/slow", slow, methods=["GET"]))
    for running in serve(slow_settings):
        response = httpx.get(running.url + "/v1/slow", timeout=5)
        assert response.status_code == 504
        assert "timed out" in response.json()["error"]["message"]


def test_api_key_is_never_recorded(proxy: RunningProxy, fake: FakeProvider) -> None:
    proxy.openai().chat.completions.create(model="gpt-4o",
                                           messages=[{"role": "user", "content": "x"}])
    proxy.store.flush(5)
    for path in proxy.settings.data_dir.iterdir():
        if path.is_file():
            assert API_KEY.encode() not in path.read_bytes(), path


def test_upstream_cookies_are_not_shared_between_clients(proxy: RunningProxy,
                                                         fake: FakeProvider) -> None:
    async def set_cookie(request: Request) -> Response:
        response = Response(b"{}")
        response.set_cookie("session", "client-a-secret")
        return response

    fake.app.router.routes.insert(0, Route("/v1/login", set_cookie, methods=["GET"]))
    assert "client-a-secret" in httpx.get(proxy.url + "/v1/login").headers["set-cookie"]
    httpx.get(proxy.url + "/v1/anything")
    assert "cookie" not in fake.received[-1].headers
