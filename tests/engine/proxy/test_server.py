"""ProxyServer: serves on a thread, reports a taken port as an error instead of exiting."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from engine.proxy.server import ProxyServer


def app() -> Starlette:
    return Starlette(routes=[Route("/", lambda request: PlainTextResponse("up"))])


def test_start_stop_and_taken_port() -> None:
    first = ProxyServer(app(), "127.0.0.1", 0)
    first.start()
    assert first.wait_started()
    assert httpx.get(first.url).text == "up"
    second = ProxyServer(app(), "127.0.0.1", first.bound_port)
    second.start()
    assert not second.wait_started(5)
    assert second.error is not None
    second.stop()
    first.stop()
    assert not first.started
