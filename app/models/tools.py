"""The Tools table: one row per tool seen, with its current mode. Editing COL_MODE asks the
injected `set_mode` action to change the tool's mode; the row updates once it succeeded."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt

from app import format as fmt
from app.models.rows import Column, Ix, RowsModel
from app.repository import ToolRow
from engine.config import Mode

COL_NAME, COL_CALLS, COL_BEFORE, COL_SAVED_TOTAL, COL_MEDIAN, COL_WOULD_SAVE, \
    COL_RETRIEVAL_RATE, COL_LAST_SEEN, COL_MODE = range(9)
MODES = (Mode.AUDIT, Mode.OPTIMIZE, Mode.OFF)


def _saved_total(row: ToolRow) -> int:
    return row.tokens_before - row.tokens_after


def _retrieval_rate(row: ToolRow) -> float | None:
    return row.retrievals / row.calls if row.calls else None


class ToolsModel(RowsModel[ToolRow]):
    columns = (
        Column("Tool", lambda r: r.name),
        Column("Calls", lambda r: fmt.count(r.calls), lambda r: r.calls, numeric=True),
        Column("Tokens in", lambda r: fmt.count(r.tokens_before), lambda r: r.tokens_before,
               numeric=True, tooltip="tokens of this tool's results before compression"),
        Column("Saved", lambda r: fmt.count(_saved_total(r)), _saved_total, numeric=True,
               tooltip="tokens actually removed from requests (optimize mode)"),
        Column("Median", lambda r: fmt.percent(r.median_saved), lambda r: r.median_saved,
               numeric=True, tooltip="median savings per call"),
        Column("Optimize would save", lambda r: fmt.count(r.would_save), lambda r: r.would_save,
               numeric=True, tooltip="tokens saved if every call had been optimized"),
        Column("Retrievals", lambda r: fmt.percent(_retrieval_rate(r)), _retrieval_rate,
               numeric=True, tooltip="how often the model asked for the original back"),
        Column("Last seen", lambda r: fmt.clock(r.last_seen) if r.last_seen else "",
               lambda r: r.last_seen),
        Column("Mode", lambda r: r.mode),
    )

    def __init__(self, set_mode: Callable[[str, Mode], bool], parent: Any = None) -> None:
        super().__init__(parent)
        self._set_mode = set_mode

    def flags(self, index: Ix) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == COL_MODE:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Ix, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None or index.column() != COL_MODE or role != Qt.ItemDataRole.EditRole:
            return False
        try:
            mode = Mode(str(value))
        except ValueError:
            return False
        if mode.value == row.mode:
            return True
        if not self._set_mode(row.name, mode):
            return False
        self.replace_row(index.row(), dataclasses.replace(row, mode=mode.value))
        return True

    def extra_data(self, row: ToolRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.EditRole and column == COL_MODE:
            return row.mode
        if role == Qt.ItemDataRole.ForegroundRole and self._colors:
            if column == COL_SAVED_TOTAL and _saved_total(row) > 0:
                return self._colors.get("good")
            if row.mode != Mode.OPTIMIZE and column not in (COL_NAME, COL_MODE):
                return self._colors.get("muted")
        return None

    def row_for_tool(self, name: str) -> int | None:
        for n, row in enumerate(self._rows):
            if row.name == name:
                return n
        return None
