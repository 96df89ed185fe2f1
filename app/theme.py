"""Light and dark palettes that follow the system, plus the few colours that carry meaning
(savings green, errors red, audit amber, diff backgrounds). Widgets ask `theme.colors()` instead
of hard-coding colours, so a scheme change repaints everything consistently."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

RESOURCES = Path(__file__).resolve().parent.parent / "resources"


class Scheme(StrEnum):
    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


@dataclass(frozen=True)
class Colors:
    window: str
    base: str
    alt_base: str
    text: str
    muted: str
    border: str
    accent: str
    good: str
    bad: str
    audit: str
    diff_removed: str
    diff_added: str
    selection: str
    dark: bool


LIGHT = Colors(window="#f5f6f8", base="#ffffff", alt_base="#f7f8fa", text="#1f2328",
               muted="#6e7781", border="#d8dce1", accent="#2f6feb", good="#1a7f37",
               bad="#cf222e", audit="#9a6700", diff_removed="#ffebe9", diff_added="#e6f6ea",
               selection="#dbe7fd", dark=False)
DARK = Colors(window="#1d2025", base="#16181c", alt_base="#1a1d21", text="#d6dbe1",
              muted="#8b949e", border="#30353c", accent="#4493f8", good="#3fb950",
              bad="#f85149", audit="#d29922", diff_removed="#3a1f22", diff_added="#17321f",
              selection="#1f3a5f", dark=True)


def _system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return bool(hints.colorScheme() == Qt.ColorScheme.Dark)


class ThemeManager(QObject):
    """Owns the active palette; reapplies when the system scheme or the user's choice changes."""

    changed = Signal()

    def __init__(self, app: QApplication, scheme: Scheme = Scheme.SYSTEM) -> None:
        super().__init__(app)
        self._app = app
        self._scheme = scheme
        self.colors: Colors = LIGHT
        app.setStyle("Fusion")
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_system_change)
        self.apply()

    @property
    def scheme(self) -> Scheme:
        return self._scheme

    def set_scheme(self, scheme: Scheme) -> None:
        self._scheme = Scheme(scheme)
        self.apply()

    def _on_system_change(self) -> None:
        if self._scheme is Scheme.SYSTEM:
            self.apply()

    def apply(self) -> None:
        dark = _system_is_dark() if self._scheme is Scheme.SYSTEM else self._scheme is Scheme.DARK
        self.colors = DARK if dark else LIGHT
        self._app.setPalette(palette_for(self.colors))
        self._app.setStyleSheet(style_sheet(self.colors))
        self.changed.emit()


def palette_for(c: Colors) -> QPalette:
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: c.window, QPalette.ColorRole.WindowText: c.text,
        QPalette.ColorRole.Base: c.base, QPalette.ColorRole.AlternateBase: c.alt_base,
        QPalette.ColorRole.Text: c.text, QPalette.ColorRole.Button: c.window,
        QPalette.ColorRole.ButtonText: c.text, QPalette.ColorRole.ToolTipBase: c.base,
        QPalette.ColorRole.ToolTipText: c.text, QPalette.ColorRole.Highlight: c.selection,
        QPalette.ColorRole.HighlightedText: c.text, QPalette.ColorRole.Link: c.accent,
        QPalette.ColorRole.PlaceholderText: c.muted, QPalette.ColorRole.Mid: c.border,
    }
    for role, value in roles.items():
        pal.setColor(role, QColor(value))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText,
                 QPalette.ColorRole.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor(c.muted))
    return pal


def style_sheet(c: Colors) -> str:
    """The app's .qss with colour tokens (`@text`, `@border`, ...) filled in."""
    template = (RESOURCES / "style" / "app.qss").read_text(encoding="utf-8")
    tokens = sorted(vars(c).items(), key=lambda kv: -len(kv[0]))
    for name, value in tokens:
        if isinstance(value, str):
            template = template.replace(f"@{name}", value)
    return template


def mono_font(point_size: int | None = None) -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    if point_size:
        font.setPointSize(point_size)
    return font


def blend(fg: str, bg: str, alpha: float) -> QColor:
    """`fg` laid over `bg` at `alpha`; used for muted audit rows without transparency tricks."""
    a, b = QColor(fg), QColor(bg)
    return QColor(round(a.red() * alpha + b.red() * (1 - alpha)),
                  round(a.green() * alpha + b.green() * (1 - alpha)),
                  round(a.blue() * alpha + b.blue() * (1 - alpha)))
