"""The Savings page's charts: tokens before/after over time (DateAxisItem), tokens saved per
workload (bars), and the distribution of the latency the proxy adds (histogram)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from app.charts.base import Chart, CompactAxis
from app.repository import Overhead, SeriesPoint, WorkloadRow


class TokensOverTime(Chart):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Tokens per interval: before (grey) and sent (blue); green is saved",
                         parent, {"bottom": pg.DateAxisItem(), "left": CompactAxis("left")})
        self.before = self.plot([], [])
        self.after = self.plot([], [])
        self.saved_fill: pg.FillBetweenItem | None = None
        self._points: list[SeriesPoint] = []

    def set_points(self, points: list[SeriesPoint]) -> None:
        self._points = points
        self.schedule()

    def redraw(self) -> None:
        if self.colors is None:
            return
        points = trim_empty_start(self._points)
        xs = bucket_edges([p.at for p in points])
        self.before.setData(xs, np.array([p.tokens_before for p in points], dtype=float),
                            pen=pg.mkPen(self.colors.muted, width=1.5), stepMode="center")
        self.after.setData(xs, np.array([p.tokens_after for p in points], dtype=float),
                           pen=pg.mkPen(self.colors.accent, width=2), stepMode="center")
        if self.saved_fill is None:
            self.saved_fill = pg.FillBetweenItem(self.before, self.after)
            self.addItem(self.saved_fill)
        fill = pg.mkColor(self.colors.good)
        fill.setAlpha(50)
        self.saved_fill.setBrush(fill)


def bucket_edges(starts: list[float]) -> np.ndarray:
    """Each bucket drawn as a flat step over its own interval (one more edge than buckets): a
    line between bucket starts would show a burst as a ramp across the previous interval."""
    if not starts:
        return np.array([], dtype=float)
    width = starts[1] - starts[0] if len(starts) > 1 else 60.0
    return np.array([*starts, starts[-1] + width], dtype=float)


def trim_empty_start(points: list[SeriesPoint]) -> list[SeriesPoint]:
    """Start the chart one bucket before the first traffic, not at the range's empty start."""
    first = next((n for n, p in enumerate(points) if p.requests), len(points))
    return points[max(0, first - 1):]


class WorkloadBars(Chart):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Tokens saved in requests, per workload", parent,
                         {"left": CompactAxis("left")})
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.6)
        self.addItem(self.bars)
        self._rows: list[WorkloadRow] = []

    def set_rows(self, rows: list[WorkloadRow]) -> None:
        self._rows = rows[:8]
        self.schedule()

    def redraw(self) -> None:
        if self.colors is None:
            return
        saved = [r.tokens_saved for r in self._rows]
        xs = list(range(len(saved)))
        self.bars.setOpts(x=xs, height=saved, width=0.6, brush=self.colors.good,
                          pen=pg.mkPen(None))
        self.getPlotItem().getAxis("bottom").setTicks([[(x, _label(r.workload))
                                                        for x, r in zip(xs, self._rows,
                                                                        strict=True)]])
        if xs:
            self.setXRange(-0.6, len(xs) - 0.4, padding=0)


def _label(name: str) -> str:
    return name if len(name) <= 14 else name[:13] + "…"


class OverheadHistogram(Chart):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Latency the proxy adds (requests per ms bucket)", parent)
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.8)
        self.addItem(self.bars)
        self._overhead = Overhead()

    def set_overhead(self, overhead: Overhead) -> None:
        self._overhead = overhead
        self.schedule()

    def redraw(self) -> None:
        if self.colors is None:
            return
        bins = self._overhead.histogram
        xs = list(range(len(bins)))
        self.bars.setOpts(x=xs, height=[count for _, count in bins], width=0.8,
                          brush=self.colors.accent, pen=pg.mkPen(None))
        labels = [(x, f"≤{bound:g}" if bound is not None else "more")
                  for x, (bound, _) in zip(xs, bins, strict=True)]
        self.getPlotItem().getAxis("bottom").setTicks([labels])
        if xs:
            self.setXRange(-0.6, len(xs) - 0.4, padding=0)
