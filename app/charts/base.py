"""Shared chart plumbing: theme colours on axes and background, and the debounce that turns many
`set_*` calls into one redraw."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from app.theme import Colors

REDRAW_MS = 200


class Chart(pg.PlotWidget):  # type: ignore[misc]
    def __init__(self, title: str, parent: QWidget | None = None,
                 axis_items: dict[str, pg.AxisItem] | None = None) -> None:
        super().__init__(parent, axisItems=axis_items or {})
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.showGrid(x=False, y=True, alpha=0.15)
        self.setMinimumHeight(170)
        self._title = title
        self.colors: Colors | None = None
        self._redraw = QTimer(self, singleShot=True, interval=REDRAW_MS)
        self._redraw.timeout.connect(self.redraw)

    def schedule(self) -> None:
        self._redraw.start()

    def redraw(self) -> None:
        """Subclasses push their data into their plot items here."""

    def set_colors(self, colors: Colors) -> None:
        self.colors = colors
        self.setBackground(colors.base)
        self.setTitle(self._title, color=colors.muted, size="9pt")
        for name in ("left", "bottom"):
            axis = self.getPlotItem().getAxis(name)
            axis.setPen(pg.mkPen(colors.border))
            axis.setTextPen(pg.mkPen(colors.muted))
        self.schedule()


def short_number(value: float) -> str:
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"{value / limit:g}{suffix}"
    return f"{value:g}"


class CompactAxis(pg.AxisItem):  # type: ignore[misc]
    """Left axis that reads 2M instead of 2000000."""

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [short_number(v * scale) for v in values]
