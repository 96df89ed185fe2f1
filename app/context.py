"""Everything the window needs, built once by the launcher and passed in (constructor
injection): settings, the read-only repository, the tool-mode store, the proxy controller, the
store bridge, the theme, persisted window preferences and the background runner."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QSettings

from app.actions import ModeStore
from app.bridge import StoreBridge
from app.proxy_thread import ProxyController
from app.repository import Repository
from app.tasks import Runner
from app.theme import ThemeManager
from engine.config import Settings


@dataclass
class AppContext:
    settings: Settings
    repository: Repository
    modes: ModeStore
    proxy: ProxyController
    theme: ThemeManager
    prefs: QSettings
    runner: Runner
    bridge: StoreBridge | None = None
    start_demo: Callable[[], object] | None = None
    on_settings_saved: list[Callable[[Settings], None]] = field(default_factory=list)


def prefs_for(settings: Settings) -> QSettings:
    """Window geometry and view preferences live beside the data, not in the user's registry,
    so a --data-dir for tests or demos never disturbs the everyday window."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return QSettings(str(settings.data_dir / "window.ini"), QSettings.Format.IniFormat)
