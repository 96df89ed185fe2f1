"""The selected exchange: Diff, Request (as received | as sent), Response, Timing & usage and
Retrievals tabs, with Copy JSON / Copy curl in the corner. Shows a DetailView; loads nothing."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.models.detail import DetailView
from app.models.retrievals import RetrievalsModel
from app.repository import RetrievalRow
from app.theme import Colors, mono_font
from app.views.diff import DiffView


class ExchangeDetail(QTabWidget):
    copy_json = Signal()
    copy_curl = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDocumentMode(True)
        self.diff = DiffView()
        self.received, self.sent = _body_pane(), _body_pane()
        self.response = _body_pane()
        self.timing = QWidget()
        self.timing_form = QFormLayout(self.timing)
        self.retrievals = RetrievalsModel(self)
        self.addTab(self.diff, "Diff")
        self.addTab(_pair("as received", self.received, "as sent upstream", self.sent), "Request")
        self.addTab(self.response, "Response")
        self.addTab(self.timing, "Timing && usage")
        self.addTab(_table(self.retrievals), "Retrievals")
        self.setCornerWidget(self._copy_buttons(), Qt.Corner.TopRightCorner)
        self.view: DetailView | None = None
        self.show_view(None)

    def _copy_buttons(self) -> QWidget:
        box = QWidget()
        layout = QHBoxLayout(box)
        layout.setContentsMargins(0, 0, 4, 0)
        for text, signal in (("Copy JSON", self.copy_json), ("Copy curl", self.copy_curl)):
            button = QPushButton(text)
            button.setFlat(True)
            button.clicked.connect(signal)
            layout.addWidget(button)
        return box

    def set_colors(self, colors: Colors) -> None:
        self.diff.set_colors(colors)
        self.retrievals.set_colors(good=colors.good, bad=colors.bad, muted=colors.muted)

    def show_view(self, view: DetailView | None) -> None:
        self.view = view
        self.diff.set_diffs(view.diffs if view else [])
        self.received.setPlainText(view.received if view else "")
        self.sent.setPlainText(view.sent if view else "")
        self.response.setPlainText(view.response if view else "")
        while self.timing_form.rowCount():
            self.timing_form.removeRow(0)
        for label, value in view.timing if view else []:
            field = QLabel(value)
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.timing_form.addRow(label, field)
        events = view.exchange.retrievals if view else []
        self.retrievals.set_rows([RetrievalRow(e.created_at, e.key, e.tool_name, e.query, e.hit,
                                               e.items_returned, e.exchange_id) for e in events])
        self.setTabText(4, f"Retrievals ({len(events)})" if events else "Retrievals")


def _body_pane() -> QPlainTextEdit:
    pane = QPlainTextEdit(readOnly=True)
    pane.setFont(mono_font())
    pane.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    return pane


def _pair(left_title: str, left: QWidget, right_title: str, right: QWidget) -> QWidget:
    split = QSplitter(Qt.Orientation.Horizontal)
    for title, pane in ((left_title, left), (right_title, right)):
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(QLabel(title, objectName="muted"))
        layout.addWidget(pane, 1)
        split.addWidget(box)
    return split


def _table(model: RetrievalsModel) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.verticalHeader().hide()
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table
