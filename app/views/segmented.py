"""A segmented `Audit | Optimize | Off` control drawn inside a table cell. Clicking a segment
writes the mode through the model's setData, so the model (and its action) decides; the delegate
only paints and hit-tests."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.theme import Colors

Ix = QModelIndex | QPersistentModelIndex


class SegmentedDelegate(QStyledItemDelegate):
    def __init__(self, values: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.values = list(values)
        self.colors: Colors | None = None

    def segments(self, rect: QRect) -> list[QRect]:
        inner = rect.adjusted(4, 3, -4, -3)
        width = inner.width() // len(self.values)
        return [QRect(inner.left() + n * width, inner.top(), width, inner.height())
                for n in range(len(self.values))]

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Ix) -> None:
        if self.colors is None:
            super().paint(painter, option, index)
            return
        c = self.colors
        current = str(index.data(Qt.ItemDataRole.EditRole))
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for value, rect in zip(self.values, self.segments(option.rect), strict=True):
            active = value == current
            tint = {"audit": c.audit, "optimize": c.good, "off": c.muted}.get(value, c.accent)
            painter.fillRect(rect, QColor(c.selection) if active else QColor(c.base))
            painter.setPen(QPen(QColor(c.border)))
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
            painter.setPen(QColor(tint if active else c.muted))
            font = painter.font()
            font.setBold(active)
            painter.setFont(font)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, value.capitalize())
        painter.restore()

    def editorEvent(self, event: QEvent, model: QAbstractItemModel,
                    option: QStyleOptionViewItem, index: Ix) -> bool:
        if event.type() != QEvent.Type.MouseButtonRelease or not isinstance(event, QMouseEvent):
            return False
        for value, rect in zip(self.values, self.segments(option.rect), strict=True):
            if rect.contains(event.position().toPoint()):
                model.setData(index, value, Qt.ItemDataRole.EditRole)
                return True
        return False

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Ix) -> QWidget:
        return None  # type: ignore[return-value]  # clicks edit directly; no editor widget
