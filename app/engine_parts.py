"""The engine objects one app process shares: store, CCR store and pipeline, opened once from
Settings and closed once, in order. Qt-free, so the headless `headroom demo` uses it too."""

from __future__ import annotations

from dataclasses import dataclass

from engine.ccr.store import CCRStore
from engine.config import Settings
from engine.pipeline.build import build_pipeline
from engine.pipeline.pipeline import Pipeline
from engine.store.store import Store


@dataclass
class EngineParts:
    """What the proxy (and the demo's second proxy) need; opened once, closed once."""

    settings: Settings
    store: Store
    ccr: CCRStore
    pipeline: Pipeline

    @classmethod
    def open(cls, settings: Settings) -> EngineParts:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        store = Store.open(settings.db_path, settings.body_storage)
        # Retrieval events are recorded by the proxy, which knows the asking exchange.
        ccr = CCRStore(settings.ccr_path, settings.ccr_ttl_seconds, settings.ccr_max_bytes)
        return cls(settings, store, ccr, build_pipeline(settings, ccr))

    def close(self) -> None:
        self.pipeline.close()
        self.ccr.close()
        self.store.close()
