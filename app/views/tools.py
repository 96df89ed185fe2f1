"""Tools: every tool seen, its numbers, and an Audit | Optimize | Off control per row that takes
effect on the next request."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.models.tools import COL_MODE, COL_NAME, MODES, ToolsModel
from app.theme import Colors
from app.views.segmented import SegmentedDelegate

HINT = ("New tools start in <b>audit</b>: Headroom computes and records the compressed version "
        "but sends the original. When a tool's diffs look right, switch it to <b>optimize</b>; "
        "the next request sends the compressed text. <b>Off</b> leaves the tool alone.")


class ToolsPage(QWidget):
    def __init__(self, model: ToolsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.delegate = SegmentedDelegate([m.value for m in MODES], self)
        self.table = QTableView()
        self.table.setModel(model)
        self.table.setItemDelegateForColumn(COL_MODE, self.delegate)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_MODE, QHeaderView.ResizeMode.Fixed)
        self.table.setColumnWidth(COL_MODE, 250)
        self.empty = QLabel("No tools seen yet. Tools appear here after the first request that "
                            "carries a tool result.", objectName="muted", wordWrap=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addWidget(QLabel("Tools", objectName="pageTitle"))
        layout.addWidget(QLabel(HINT, wordWrap=True))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        model.modelReset.connect(self._update_empty)
        self._update_empty()

    def set_colors(self, colors: Colors) -> None:
        self.delegate.colors = colors
        self.model.set_colors(good=colors.good, bad=colors.bad, muted=colors.muted)
        self.table.viewport().update()

    def _update_empty(self) -> None:
        self.empty.setVisible(self.model.rowCount() == 0)
