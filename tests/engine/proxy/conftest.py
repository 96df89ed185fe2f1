"""A fake provider and a real proxy (store, CCR store, pipeline) in front of it, both served on
loopback in background threads; SDK clients pointed at the proxy."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anthropic
import openai
import pytest

from engine.ccr.store import CCRStore
from engine.config import Settings, load_settings
from engine.conversation import Exchange
from engine.pipeline import build_pipeline
from engine.proxy.app import create_app
from engine.proxy.server import ProxyServer
from engine.store import queries
from engine.store.store import Store
from tests.engine.proxy.fake_upstream import FakeProvider, ServedFake

API_KEY = "sk-test-SECRET-4242"


@dataclass
class RunningProxy:
    url: str
    settings: Settings
    store: Store
    ccr: CCRStore

    def openai(self, **kw: Any) -> openai.OpenAI:
        return openai.OpenAI(base_url=self.url + "/v1", api_key=API_KEY, max_retries=0, **kw)

    def async_openai(self) -> openai.AsyncOpenAI:
        return openai.AsyncOpenAI(base_url=self.url + "/v1", api_key=API_KEY, max_retries=0)

    def anthropic(self, **kw: Any) -> anthropic.Anthropic:
        return anthropic.Anthropic(base_url=self.url, api_key=API_KEY, max_retries=0, **kw)

    def async_anthropic(self) -> anthropic.AsyncAnthropic:
        return anthropic.AsyncAnthropic(base_url=self.url, api_key=API_KEY, max_retries=0)

    def exchanges(self, at_least: int = 1) -> list[Exchange]:
        """Every recorded exchange in full, oldest first. An exchange is recorded just after
        the client got its answer, so wait until `at_least` are there."""
        deadline = time.monotonic() + 5
        source = self.store
        while True:
            assert self.store.flush(5)
            rows = queries.list_exchanges(source, descending=False)
            if len(rows) >= at_least or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        return [detail.exchange for r in rows
                if (detail := queries.get_exchange(source, r.id)) is not None]


@pytest.fixture
def fake() -> Iterator[FakeProvider]:
    with ServedFake() as provider:
        yield provider


def serve(settings: Settings, pipeline: Any = None) -> Iterator[RunningProxy]:
    """The real proxy; `pipeline` replaces the built one (a failing one, for fail-open tests)."""
    store = Store.open(settings.db_path, settings.body_storage)
    ccr = CCRStore(settings.ccr_path, settings.ccr_ttl_seconds, settings.ccr_max_bytes)
    built = build_pipeline(settings, ccr)
    app = create_app(settings, store, pipeline or built, ccr=ccr)
    server = ProxyServer(app, "127.0.0.1", 0)
    server.start()
    assert server.wait_started(), server.error
    try:
        yield RunningProxy(server.url, settings, store, ccr)
    finally:
        server.stop()
        built.close()
        ccr.close()
        store.close()


def proxy_settings(fake: FakeProvider, data_dir: Path, **overrides: Any) -> Settings:
    return load_settings({}, data_dir, openai_upstream=fake.url + "/v1",
                         anthropic_upstream=fake.url, port=0, **overrides)


@pytest.fixture
def proxy(fake: FakeProvider, data_dir: Path) -> Iterator[RunningProxy]:
    yield from serve(proxy_settings(fake, data_dir))
