"""A segmented `Audit | Optimize | Off` control drawn inside a table cell, with an optional
separate `Default` segment that is lit while the row follows the default (the `is_default_role`)
and, when clicked, forgets the row's own choice. Clicking a segment writes the value through the
model's setData, so the model (and its action) decides; the delegate only paints and hit-tests."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.theme import Colors

Ix = QModelIndex | QPersistentModelIndex


GAP = 8
RESET_WIDTH = 64


class SegmentedDelegate(QStyledItemDelegate):
    def __init__(self, values: Sequence[str], reset: str | None = None,
                 is_default_role: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.values = list(values)
        self.reset = reset
        self.is_default_role = is_default_role
        self.colors: Colors | None = None

    def segments(self, rect: QRect) -> list[tuple[str, QRect]]:
        inner = rect.adjusted(4, 3, -4, -3)
        tail = RESET_WIDTH + GAP if self.reset else 0
        width = (inner.width() - tail) // len(self.values)
        out = [(value, QRect(inner.left() + n * width, inner.top(), width, inner.height()))
               for n, value in enumerate(self.values)]
        if self.reset:
            out.append((self.reset, QRect(inner.right() - RESET_WIDTH + 1, inner.top(),
                                          RESET_WIDTH, inner.height())))
        return out

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Ix) -> None:
        if self.colors is None:
            super().paint(painter, option, index)
            return
        current = str(index.data(Qt.ItemDataRole.EditRole))
        at_default = bool(index.data(self.is_default_role)) if self.is_default_role else False
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for value, rect in self.segments(option.rect):
            active = at_default if value == self.reset else value == current
            self._segment(painter, rect, value, active, bold=active and not at_default)
        painter.restore()

    def _segment(self, painter: QPainter, rect: QRect, value: str, active: bool,
                 bold: bool) -> None:
        c = self.colors
        assert c is not None
        tint = {"audit": c.audit, "optimize": c.good, "off": c.muted}.get(value, c.accent)
        painter.fillRect(rect, QColor(c.selection) if active else QColor(c.base))
        painter.setPen(QPen(QColor(c.border)))
        painter.drawRect(rect.adjusted(0, 0, -1, -1))
        painter.setPen(QColor(tint if active else c.muted))
        font = painter.font()
        font.setBold(bold)
        painter.setFont(font)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, value.capitalize())

    def editorEvent(self, event: QEvent, model: QAbstractItemModel,
                    option: QStyleOptionViewItem, index: Ix) -> bool:
        if event.type() != QEvent.Type.MouseButtonRelease or not isinstance(event, QMouseEvent):
            return False
        for value, rect in self.segments(option.rect):
            if rect.contains(event.position().toPoint()):
                model.setData(index, value, Qt.ItemDataRole.EditRole)
                return True
        return False

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Ix) -> QWidget:
        return None  # type: ignore[return-value]  # clicks edit directly; no editor widget
