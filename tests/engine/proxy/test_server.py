"""ProxyServer: serves on a thread, reports a taken port as an error instead of exiting."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from engine.ccr.store import CCRStore
from engine.config import load_settings
from engine.proxy.app import create_app
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


class NullSink:
    def record(self, exchange: object) -> bool:
        return True

    def record_retrieval(self, event: object) -> bool:
        return True


def test_the_round_store_an_app_opens_is_closed_with_it(tmp_path: Path) -> None:
    settings = load_settings({}, data_dir=tmp_path)
    ccr = CCRStore(settings.ccr_path, settings.ccr_ttl_seconds, settings.ccr_max_bytes)
    proxy_app = create_app(settings, store=NullSink(), pipeline=None, ccr=ccr)
    server = ProxyServer(proxy_app, "127.0.0.1", 0)
    server.start()
    assert server.wait_started()
    rounds = proxy_app.state.headroom.rounds
    server.stop()
    with pytest.raises(sqlite3.ProgrammingError):  # closed: the connection no longer works
        rounds._db.execute("SELECT 1")
    ccr.close()
