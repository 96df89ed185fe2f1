"""Block-by-block before/after: the list of decisions on the left, the selected block's original
and compressed text side by side (monospace, unwrapped, changed lines on soft red/green), and the
decision's reason and CCR key above them."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTableView,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app import format as fmt
from app.models.blocks import BlockDiff, BlocksModel
from app.theme import Colors, mono_font

MAX_HIGHLIGHTS = 4000
MAX_BLOCKS_WIDTH = 520


class DiffView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = BlocksModel(self)
        self.blocks = QTableView()
        self.blocks.setModel(self.model)
        self.blocks.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.blocks.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.blocks.verticalHeader().hide()
        self.blocks.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.blocks.horizontalHeader().setStretchLastSection(True)
        self.blocks.setShowGrid(False)
        self.blocks.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.blocks.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: self.show_block(cur.row()))
        self.why = QLabel(wordWrap=True)
        self.why.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.before, self.after = _text_pane(), _text_pane()
        self.before_title, self.after_title = QLabel(objectName="muted"), QLabel(objectName="muted")
        sides = QSplitter(Qt.Orientation.Horizontal)
        sides.addWidget(_titled(self.before_title, self.before))
        sides.addWidget(_titled(self.after_title, self.after))
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 0, 0, 0)
        right_layout.addWidget(self.why)
        right_layout.addWidget(sides, 1)
        self.split = split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.blocks)
        split.addWidget(right)
        split.setStretchFactor(1, 3)
        split.setSizes([400, 900])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self._colors: Colors | None = None
        self.set_diffs([])

    def set_colors(self, colors: Colors) -> None:
        self._colors = colors
        self.model.set_colors(good=colors.good, bad=colors.bad, muted=colors.muted)
        self.show_block(self.blocks.currentIndex().row())

    def set_diffs(self, diffs: list[BlockDiff]) -> None:
        self.model.set_rows(diffs)
        if diffs:
            self.blocks.selectRow(0)
            QTimer.singleShot(0, self._fit_blocks)  # once the columns are laid out
        else:
            self.show_block(-1)

    def _fit_blocks(self) -> None:
        """Widen the block list by whatever its columns overflow (the splitter honours a
        minimum width), so the Saved column is never cut off; the texts get the rest."""
        overflow = self.blocks.horizontalScrollBar().maximum()
        if overflow > 0:
            wanted = self.blocks.width() + overflow + self.blocks.frameWidth() * 2
            self.blocks.setMinimumWidth(min(wanted, MAX_BLOCKS_WIDTH))

    def show_block(self, row: int) -> None:
        diff = self.model.row_at(row)
        if diff is None:
            self.why.setText("No tool results in this exchange were large enough to consider.")
            for pane in (self.before, self.after):
                pane.clear()
            self.before_title.setText("")
            self.after_title.setText("")
            return
        self.why.setText(describe(diff))
        d = diff.decision
        self.before_title.setText(f"before · {fmt.count(d.tokens_before)} tokens")
        sent = "would send" if d.mode == "audit" else "sent"
        self.after_title.setText(f"after ({sent}) · {fmt.count(d.tokens_after)} tokens")
        self.before.setPlainText(diff.before)
        self.after.setPlainText(diff.after)
        if self._colors:
            _highlight(self.before, diff.removed_lines, self._colors.diff_removed)
            _highlight(self.after, diff.added_lines, self._colors.diff_added)


def describe(diff: BlockDiff) -> str:
    d = diff.decision
    parts = [f"<b>{d.action.value}</b>", f"mode {d.mode}", f"type {d.content_type}"]
    if d.compressor:
        parts.append(f"compressor {d.compressor}")
    if d.ccr_key:
        parts.append(f"key <code>{d.ccr_key}</code>")
    if d.tokens_estimated:
        parts.append("tokens estimated")
    reason = d.reason.replace("&", "&amp;").replace("<", "&lt;")
    return " · ".join(parts) + f"<br>why: {reason}"


def _text_pane() -> QPlainTextEdit:
    pane = QPlainTextEdit(readOnly=True)
    pane.setFont(mono_font())
    pane.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    pane.setMaximumBlockCount(0)
    return pane


def _titled(title: QLabel, body: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 4, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(title)
    layout.addWidget(body, 1)
    return box


def _highlight(pane: QPlainTextEdit, lines: frozenset[int], color: str) -> None:
    selections = []
    doc = pane.document()
    for line in sorted(lines)[:MAX_HIGHLIGHTS]:
        block = doc.findBlockByNumber(line)
        if not block.isValid():
            continue
        selection = QTextEdit.ExtraSelection()
        selection.format.setBackground(QColor(color))
        selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        selection.cursor = QTextCursor(block)
        selections.append(selection)
    pane.setExtraSelections(selections)
