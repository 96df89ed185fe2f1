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

COL_NAME, COL_CALLS, COL_BEFORE, COL_SAVED, COL_WOULD_SAVE, COL_COMPRESSION, \
    COL_RETRIEVAL_RATE, COL_MODE = range(8)
MODES = (Mode.AUDIT, Mode.OPTIMIZE, Mode.OFF)


class ToolsModel(RowsModel[ToolRow]):
    columns = (
        Column("Tool", lambda r: r.name),
        Column("Calls", lambda r: fmt.count(r.calls), lambda r: r.calls, numeric=True,
               tooltip="tool results seen (a result re-sent in later turns counts again)"),
        Column("Tokens in", lambda r: fmt.count(r.tokens_before), lambda r: r.tokens_before,
               numeric=True, tooltip="tokens of this tool's results before compression"),
        Column("Saved", lambda r: fmt.count(r.tokens_saved), lambda r: r.tokens_saved,
               numeric=True, tooltip="tokens actually removed from requests (optimize mode)"),
        Column("Optimize would save", lambda r: fmt.count(r.would_save), lambda r: r.would_save,
               numeric=True, tooltip="tokens saved had every call been optimized"),
        Column("Compression", lambda r: fmt.percent(r.compression), lambda r: r.compression,
               numeric=True, tooltip="how much compression shrinks this tool's output"),
        Column("Retrievals", lambda r: fmt.percent(r.retrieval_rate), lambda r: r.retrieval_rate,
               numeric=True, tooltip="share of this tool's omission keys the model redeemed; "
                                     "high means compression is too aggressive"),
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
        self.replace_row(index.row(), dataclasses.replace(row, mode=mode.value,
                                                          mode_is_default=False))
        return True

    def extra_data(self, row: ToolRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.EditRole and column == COL_MODE:
            return row.mode
        if role == Qt.ItemDataRole.ForegroundRole and self._colors:
            if column == COL_SAVED and row.tokens_saved > 0:
                return self._colors.get("good")
            if row.mode != Mode.OPTIMIZE and column not in (COL_NAME, COL_MODE):
                return self._colors.get("muted")
        return None

    def row_for_tool(self, name: str) -> int | None:
        for n, row in enumerate(self._rows):
            if row.name == name:
                return n
        return None
