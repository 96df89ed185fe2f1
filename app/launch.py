"""Builds and runs the desktop app: opens the engine parts once (store, CCR store, pipeline),
builds the AppContext, shows the window, starts the embedded proxy, and closes everything in
order on exit. The only place where app and engine objects are wired together."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication, QEvent, QSettings
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from app.bridge import StoreBridge
from app.context import AppContext, prefs_for
from app.engine_parts import EngineParts
from app.main_window import ICONS, MainWindow
from app.proxy_thread import ProxyController, ServerLike
from app.store_repository import StoreRepository
from app.tasks import Runner
from app.theme import Scheme, ThemeManager
from engine.config import Settings

ServerFactory = Callable[[EngineParts, str, int], ServerLike]
DemoRunner = Callable[[EngineParts, Callable[[str], None] | None], object]


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
                  demo: Callable[[], object] | None = None) -> AppContext:
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
        demo: DemoRunner | None = None, start_proxy: bool = True,
        demo_at_start: bool = False) -> int:
    app = application(argv or sys.argv[:1])
    parts = EngineParts.open(settings)
    starter = (lambda: start_demo(parts, demo)) if demo else None
    ctx = build_context(app, parts, factory, starter)
    window = MainWindow(ctx)
    window.show()
    if start_proxy:
        ctx.proxy.start()
    if starter and demo_at_start:
        starter()
    try:
        return int(app.exec())
    finally:
        shutdown(window, ctx, parts)


def shutdown(window: MainWindow, ctx: AppContext, parts: EngineParts) -> None:
    """Stop the proxy, let background reads finish, close the engine, and destroy the window
    while Qt is still alive (left to interpreter exit, pyqtgraph items can crash the GC)."""
    window.close()
    ctx.proxy.stop_blocking()
    ctx.runner.wait(5000)
    parts.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def start_demo(parts: EngineParts, demo: DemoRunner) -> threading.Event:
    """Runs the demo on its own thread (it waits on HTTP); the event is set when it is done."""
    done = threading.Event()

    def work() -> None:
        try:
            demo(parts, None)
        finally:
            done.set()

    threading.Thread(target=work, name="headroom-demo", daemon=True).start()
    return done
