"""Savings: four headline numbers, tokens before/after over time, savings per workload (chart and
the Workload | Before | After | Savings table), prompt-cache hit rate and the latency the proxy
adds. Token counts are Headroom's own (estimated where labelled); billed figures are the
provider's."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import format as fmt
from app.charts.savings import OverheadHistogram, TokensOverTime, WorkloadBars
from app.live import RANGES, SavingsData, TimeRange
from app.models.workloads import COL_WORKLOAD, WorkloadsModel
from app.repository import Totals
from app.theme import Colors


class Headline(QFrame):
    def __init__(self, caption: str, good: bool = False) -> None:
        super().__init__(objectName="card")
        self.value = QLabel("–", objectName="headlineValueGood" if good else "headlineValue")
        self.caption = QLabel(caption, objectName="headlineCaption")
        self.detail = QLabel(objectName="muted")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(0)
        for label in (self.value, self.caption, self.detail):
            layout.addWidget(label)

    def set(self, value: str, detail: str = "") -> None:
        self.value.setText(value or "–")
        self.detail.setText(detail)


class SavingsPage(QWidget):
    range_changed = Signal(object)  # TimeRange

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.range = QComboBox()
        for item in RANGES:
            self.range.addItem(item.label, item)
        self.range.setCurrentIndex(1)
        self.range.currentIndexChanged.connect(
            lambda _: self.range_changed.emit(self.range.currentData()))
        self.tokens = Headline("tokens saved", good=True)
        self.dollars = Headline("dollars saved (list prices)", good=True)
        self.median = Headline("median savings per request")
        self.retrieval = Headline("retrieval rate")
        self.over_time, self.bars = TokensOverTime(), WorkloadBars()
        self.overhead = OverheadHistogram()
        self.workloads = WorkloadsModel(self)
        self.charts = [self.over_time, self.bars, self.overhead]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addLayout(self._title_row())
        layout.addLayout(self._headlines())
        grid = QGridLayout()
        grid.addWidget(self.over_time, 0, 0, 1, 2)
        grid.addWidget(self.bars, 1, 0)
        grid.addWidget(self.overhead, 1, 1)
        grid.addWidget(self._table(), 2, 0, 1, 2)
        grid.setRowStretch(0, 3)
        grid.setRowStretch(1, 2)
        grid.setRowStretch(2, 2)
        layout.addLayout(grid, 1)

    def _title_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(QLabel("Savings", objectName="pageTitle"))
        row.addStretch(1)
        self.cache = QLabel(objectName="muted")
        row.addWidget(self.cache)
        row.addWidget(self.range)
        return row

    def _headlines(self) -> QHBoxLayout:
        row = QHBoxLayout()
        for card in (self.tokens, self.dollars, self.median, self.retrieval):
            row.addWidget(card)
        return row

    def _table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.workloads)
        table.setSortingEnabled(True)
        table.verticalHeader().hide()
        table.setShowGrid(False)
        table.setAlternatingRowColors(True)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_WORKLOAD, QHeaderView.ResizeMode.Stretch)
        return table

    def current_range(self) -> TimeRange:
        value = self.range.currentData()
        return value if isinstance(value, TimeRange) else RANGES[1]

    def set_colors(self, colors: Colors) -> None:
        for chart in self.charts:
            chart.set_colors(colors)
        self.workloads.set_colors(good=colors.good, bad=colors.bad, muted=colors.muted)

    def show_data(self, data: SavingsData) -> None:
        t = data.totals
        self.tokens.set(fmt.compact(t.tokens_saved),
                        f"{fmt.count(t.tokens_before)} → {fmt.count(t.tokens_after)}")
        self.dollars.set(fmt.dollars(t.cost_saved_usd), f"{fmt.count(t.requests)} requests")
        self.median.set(fmt.percent(t.median_saved), median_note(t))
        self.retrieval.set(fmt.percent(t.retrieval_rate),
                           f"{fmt.count(t.keys_retrieved)} of {fmt.count(t.keys_issued)} keys "
                           "redeemed")
        self.cache.setText(billing_note(t))
        self.over_time.set_points(data.series)
        self.bars.set_rows(data.workloads)
        self.overhead.set_overhead(data.overhead)
        self.workloads.set_rows(data.workloads)


def median_note(t: Totals) -> str:
    """The median reads a recent window of requests; say which."""
    if not t.median_covers:
        return ""
    if t.median_covers < t.requests:
        return f"newest {fmt.count(t.median_covers)} of {fmt.count(t.requests)} requests"
    return f"over {fmt.count(t.median_covers)} requests"


def billing_note(t: Totals) -> str:
    """Headroom's own count beside what providers billed, so the two are never confused."""
    parts = []
    if t.billed_input_tokens:
        parts.append(f"providers billed {fmt.count(t.billed_input_tokens)} input tokens")
        if t.cache_hit_rate is not None:
            parts.append(f"{fmt.percent(t.cache_hit_rate)} from their prompt cache")
    if t.estimated_requests:
        parts.append(f"{fmt.count(t.estimated_requests)} requests counted with an estimated "
                     "tokenizer")
    return " · ".join(parts)
