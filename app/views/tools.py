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

from app import format as fmt
from app.models.tools import COL_MODE, COL_NAME, DEFAULT, IS_DEFAULT_ROLE, MODES, ToolsModel
from app.theme import Colors
from app.views.segmented import SegmentedDelegate
from engine.store.stats import MEDIAN_WINDOW

HINT = ("New tools start in the default mode (Settings). <b>Audit</b> computes and records the "
        "compressed version but sends the original; when <i>Optimize would save</i> is worth it "
        "and the diffs look right, switch the tool to <b>optimize</b>: the next request sends "
        "the compressed text. <b>Off</b> leaves the tool alone; <b>Default</b> forgets the "
        "choice.")
WINDOW_NOTE = f"Medians cover each tool's newest {fmt.count(MEDIAN_WINDOW)} calls."
MODE_WIDTH = 330


class ToolsPage(QWidget):
    def __init__(self, model: ToolsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.delegate = SegmentedDelegate([m.value for m in MODES], DEFAULT, IS_DEFAULT_ROLE,
                                          self)
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
        self.table.setColumnWidth(COL_MODE, MODE_WIDTH)
        self.empty = QLabel("No tools seen yet. Tools appear here after the first request that "
                            "carries a tool result.", objectName="muted", wordWrap=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addWidget(QLabel("Tools", objectName="pageTitle"))
        layout.addWidget(QLabel(HINT, wordWrap=True))
        layout.addWidget(self.table, 1)
        layout.addWidget(QLabel(WINDOW_NOTE, objectName="muted"))
        layout.addWidget(self.empty)
        model.modelReset.connect(self._update_empty)
        self._update_empty()

    def set_colors(self, colors: Colors) -> None:
        self.delegate.colors = colors
        self.model.set_colors(good=colors.good, bad=colors.bad, muted=colors.muted)
        self.table.viewport().update()

    def _update_empty(self) -> None:
        self.empty.setVisible(self.model.rowCount() == 0)
