"""Builds and runs the desktop app: opens the engine parts once (store, CCR store, pipeline),
builds the AppContext, shows the window, starts the embedded proxy, and closes everything in
order on exit. The only place where app and engine objects are wired together."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QSettings
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from app.bridge import StoreBridge
from app.context import AppContext, prefs_for
from app.main_window import ICONS, MainWindow
from app.proxy_thread import ProxyController, ServerLike
from app.store_repository import StoreRepository
from app.tasks import Runner
from app.theme import Scheme, ThemeManager
from engine.ccr.store import CCRStore
from engine.config import Settings
from engine.pipeline.build import build_pipeline
from engine.pipeline.pipeline import Pipeline
from engine.store.store import Store

ServerFactory = Callable[["EngineParts", str, int], ServerLike]


@dataclass
class EngineParts:
    """What the proxy (and the demo's second proxy) need; opened once, closed once."""

    settings: Settings
    store: Store
    ccr: CCRStore
    pipeline: Pipeline
    extra_servers: list[ServerLike] = field(default_factory=list)

    @classmethod
    def open(cls, settings: Settings) -> EngineParts:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        store = Store.open(settings.db_path, settings.body_storage)
        ccr = CCRStore(settings.ccr_path, settings.ccr_ttl_seconds, settings.ccr_max_bytes,
                       on_event=store.record_retrieval)
        return cls(settings, store, ccr, build_pipeline(settings, ccr))

    def close(self) -> None:
        for server in self.extra_servers:
            server.stop()
        self.pipeline.close()
        self.ccr.close()
        self.store.close()


def application(argv: Sequence[str]) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(list(argv))
    app.setApplicationName("Headroom")
    app.setOrganizationName("Headroom")
    app.setDesktopFileName("headroom")
    app.setWindowIcon(QIcon(str(ICONS / "headroom.svg")))
    return app


def build_context(app: QApplication, parts: EngineParts, factory: ServerFactory,
                  demo: Callable[[], None] | None = None) -> AppContext:
    settings = parts.settings
    prefs: QSettings = prefs_for(settings)
    theme = ThemeManager(app, Scheme(str(prefs.value("scheme", Scheme.SYSTEM.value))))
    proxy = ProxyController(lambda host, port: factory(parts, host, port),
                            Runner(max_threads=1), settings.host, settings.port)
    ctx = AppContext(settings, StoreRepository(parts.store, settings.default_mode), parts.store,
                     proxy, theme, prefs, Runner(max_threads=2), StoreBridge(parts.store),
                     start_demo=demo)
    ctx.on_settings_saved.append(lambda new: _apply_settings(parts, ctx, new))
    return ctx


def _apply_settings(parts: EngineParts, ctx: AppContext, new: Settings) -> None:
    """Settings that live in running objects change in place; the proxy restarts with them."""
    parts.settings = new
    parts.store.set_body_storage(new.body_storage)
    parts.ccr.ttl_seconds, parts.ccr.max_bytes = new.ccr_ttl_seconds, new.ccr_max_bytes
    repo = ctx.repository
    if isinstance(repo, StoreRepository):
        repo.default_mode = new.default_mode


def run(settings: Settings, factory: ServerFactory, argv: Sequence[str] = (),
        demo: Callable[[EngineParts], None] | None = None, start_proxy: bool = True) -> int:
    app = application(argv or sys.argv[:1])
    parts = EngineParts.open(settings)
    ctx = build_context(app, parts, factory, _in_background(demo, parts) if demo else None)
    window = MainWindow(ctx)
    window.show()
    if start_proxy:
        ctx.proxy.start()
    try:
        return int(app.exec())
    finally:
        ctx.proxy.stop_blocking()
        ctx.runner.wait(5000)
        parts.close()


def _in_background(demo: Callable[[EngineParts], None], parts: EngineParts) -> Callable[[], None]:
    def start() -> None:
        threading.Thread(target=demo, args=(parts,), name="headroom-demo", daemon=True).start()

    return start
