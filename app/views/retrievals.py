"""Retrievals: a timeline of every time the model asked for an original back, linked to the
exchange that stored it and the one that asked. Double-click opens the asking exchange."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.models.retrievals import COL_ORIGIN, COL_QUERY, RetrievalsModel
from app.theme import Colors

HINT = ("When Headroom omits part of a tool's output it leaves a key; the model can redeem it "
        "through the <code>headroom_retrieve</code> tool. Frequent retrievals for a tool mean its "
        "compression is too aggressive. Double-click a row to open the exchange.")


class RetrievalsPage(QWidget):
    open_exchange = Signal(str)

    def __init__(self, model: RetrievalsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.table = QTableView()
        self.table.setModel(model)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_QUERY, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._open)
        self.empty = QLabel("No retrievals yet.", objectName="muted")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addWidget(QLabel("Retrievals", objectName="pageTitle"))
        layout.addWidget(QLabel(HINT, wordWrap=True))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        model.modelReset.connect(lambda: self.empty.setVisible(model.rowCount() == 0))

    def set_colors(self, colors: Colors) -> None:
        self.model.set_colors(good=colors.good, bad=colors.bad, muted=colors.muted)

    def _open(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if row is None:
            return
        target = row.origin_exchange_id if index.column() == COL_ORIGIN else row.exchange_id
        if target:
            self.open_exchange.emit(target)
