"""Traffic, the home page: filters and search above the live exchange table, the selected
exchange's detail below (a movable splitter). With no traffic yet it teaches instead: the connect
snippets and a button that runs the demo."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.models.detail import DetailLoader
from app.models.traffic import (
    COL_AFTER,
    COL_BEFORE,
    COL_COST_SAVED,
    COL_LATENCY,
    COL_MODE,
    COL_MODEL,
    COL_PROVIDER,
    COL_SAVED,
    COL_STATUS,
    COL_TIME,
    COL_TOOLS,
    ID_ROLE,
    TrafficModel,
)
from app.repository import ExchangeFilter, FilterOptions
from app.theme import Colors
from app.views.connect import SnippetTabs
from app.views.detail import ExchangeDetail

ANY = "any"
WIDTHS = {COL_TIME: 78, COL_PROVIDER: 80, COL_MODEL: 150, COL_TOOLS: 190, COL_BEFORE: 80,
          COL_AFTER: 80, COL_SAVED: 84, COL_COST_SAVED: 70, COL_LATENCY: 60, COL_STATUS: 52,
          COL_MODE: 70}


class FilterBar(QWidget):
    changed = Signal(object)  # ExchangeFilter

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model, self.tool, self.status = QComboBox(), QComboBox(), QComboBox()
        for combo, label in ((self.model, "model"), (self.tool, "tool")):
            combo.addItem(f"{label}: {ANY}", None)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for text, value in ((f"status: {ANY}", None), ("ok", "ok"), ("errors", "error")):
            self.status.addItem(text, value)
        self.min_saved = QSpinBox(suffix=" %", prefix="saved ≥ ", maximum=100)
        self.search = QLineEdit(placeholderText="search bodies (Ctrl+F)", clearButtonEnabled=True)
        self._debounce = QTimer(self, singleShot=True, interval=300)
        self._debounce.timeout.connect(self._emit)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.model, self.tool, self.status, self.min_saved):
            layout.addWidget(widget)
            signal = widget.valueChanged if isinstance(widget, QSpinBox) \
                else widget.currentIndexChanged
            signal.connect(self._debounce.start)
        layout.addWidget(self.search, 1)
        self.search.textChanged.connect(self._debounce.start)

    def set_options(self, options: FilterOptions) -> None:
        for combo, values in ((self.model, options.models), (self.tool, options.tools)):
            current = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for value in values:
                combo.addItem(value, value)
            combo.setCurrentIndex(max(0, combo.findData(current)) if current else 0)
            combo.blockSignals(False)

    def value(self) -> ExchangeFilter:
        search = self.search.text().strip()
        return ExchangeFilter(model=self.model.currentData(), tool=self.tool.currentData(),
                              status=self.status.currentData(),
                              min_saved=self.min_saved.value() / 100 or None,
                              search=search or None)

    def _emit(self) -> None:
        self.changed.emit(self.value())


class TrafficPage(QWidget):
    run_demo = Signal()

    def __init__(self, model: TrafficModel, loader: DetailLoader, host: str, port: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.loader = loader
        self.filters = FilterBar()
        self.filters.changed.connect(model.set_filter)
        self.table = _traffic_table(model)
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        self.detail = ExchangeDetail()
        loader.loaded.connect(self.detail.show_view)
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.addWidget(self.table)
        self.split.addWidget(self.detail)
        self.split.setSizes([380, 420])
        self.snippets = SnippetTabs(host, port)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.split)
        self.stack.addWidget(self._empty_state())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.filters)
        layout.addWidget(self.stack, 1)
        for signal in (model.modelReset, model.rowsInserted):
            signal.connect(self._update_empty)
        model.modelReset.connect(self._restore_selection)
        model.page_loaded.connect(self._restore_selection)
        self._selected_id: str | None = None
        self._update_empty()

    def _empty_state(self) -> QWidget:
        box = QWidget()
        title = QLabel("No traffic yet", objectName="pageTitle")
        text = QLabel("Point your agent at the proxy with one of these, then make a request. "
                      "Every exchange shows up here live, with a block-by-block diff of what "
                      "Headroom changed.", wordWrap=True)
        demo = QPushButton("Run the demo")
        demo.setToolTip("Send a few realistic agent requests through the proxy to a built-in "
                        "fake provider, so you can see what Headroom does")
        demo.clicked.connect(self.run_demo)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(40, 30, 40, 30)
        layout.addWidget(title)
        layout.addWidget(text)
        layout.addWidget(self.snippets)
        layout.addWidget(demo, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        return box

    def set_colors(self, colors: Colors) -> None:
        self.model.set_colors(colors.good, colors.bad, colors.muted)
        self.detail.set_colors(colors)

    def selected_id(self) -> str | None:
        return self._selected_id

    def focus_search(self) -> None:
        self.filters.search.setFocus()
        self.filters.search.selectAll()

    def _update_empty(self) -> None:
        empty = self.model.rowCount() == 0 and self.model.filter.empty
        self.stack.setCurrentIndex(1 if empty else 0)

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        exchange_id = current.data(ID_ROLE) if current.isValid() else None
        if exchange_id is None and current.isValid():
            return  # the row's page is still loading
        if exchange_id != self._selected_id:
            self._selected_id = exchange_id
            self.loader.load(exchange_id)

    def _restore_selection(self) -> None:
        """After a reset (new filter, new sort) keep the same exchange selected if it is loaded."""
        if self._selected_id is None:
            return
        row = self.model.row_of(self._selected_id)
        current = self.table.currentIndex()
        if row is not None and (not current.isValid() or current.row() != row):
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | \
                QItemSelectionModel.SelectionFlag.Rows
            self.table.selectionModel().setCurrentIndex(self.model.index(row, 0), flags)


def _traffic_table(model: TrafficModel) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.horizontalHeader().setSortIndicator(COL_TIME, Qt.SortOrder.DescendingOrder)
    table.setSortingEnabled(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    for column, width in WIDTHS.items():
        table.setColumnWidth(column, width)
    header.setSectionResizeMode(COL_TOOLS, QHeaderView.ResizeMode.Stretch)
    return table
