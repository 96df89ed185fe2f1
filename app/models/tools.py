"""The Tools table: one row per tool seen, with its current mode. Editing COL_MODE asks the
injected `set_mode` action to change the tool's mode (DEFAULT forgets the choice, so the tool
follows the default mode for new tools again); the row updates once the action succeeded."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt

from app import format as fmt
from app.models.rows import Column, Ix, RowsModel
from app.repository import ToolRow
from engine.config import Mode

COL_NAME, COL_CALLS, COL_BEFORE, COL_SAVED, COL_MEDIAN, COL_WOULD_SAVE, COL_RETRIEVAL_RATE, \
    COL_LAST_SEEN, COL_MODE = range(9)
MODES = (Mode.AUDIT, Mode.OPTIMIZE, Mode.OFF)
DEFAULT = "default"  # the Mode column's value that forgets the tool's chosen mode
IS_DEFAULT_ROLE = Qt.ItemDataRole.UserRole + 3

SetMode = Callable[[str, Mode | None], bool]


def _mode_text(r: ToolRow) -> str:
    return f"{r.mode} ({DEFAULT})" if r.mode_is_default else r.mode


class ToolsModel(RowsModel[ToolRow]):
    columns = (
        Column("Tool", lambda r: r.name),
        Column("Calls", lambda r: fmt.count(r.calls), lambda r: r.calls, numeric=True,
               tooltip="tool results seen (a result re-sent in later turns counts again)"),
        Column("Tokens in", lambda r: fmt.count(r.tokens_before), lambda r: r.tokens_before,
               numeric=True, tooltip="tokens of this tool's results before compression"),
        Column("Saved", lambda r: fmt.count(r.tokens_saved), lambda r: r.tokens_saved,
               numeric=True, tooltip="tokens actually removed from requests (optimize mode)"),
        Column("Median saved", lambda r: fmt.percent(r.median_saved), lambda r: r.median_saved,
               numeric=True, tooltip="median share removed per call as sent, over the tool's "
                                     "newest calls (audit and off calls count as 0%)"),
        Column("Optimize would save", lambda r: fmt.percent(r.median_would_save),
               lambda r: r.median_would_save, numeric=True,
               tooltip="median share optimize removes (or would have removed) per call, over "
                       "the same newest calls"),
        Column("Retrievals", lambda r: fmt.percent(r.retrieval_rate), lambda r: r.retrieval_rate,
               numeric=True, tooltip="share of this tool's omission keys the model redeemed; "
                                     "high means compression is too aggressive"),
        Column("Last seen", lambda r: fmt.ago(r.last_seen), lambda r: r.last_seen,
               numeric=True, tooltip="when the tool's output last went through the proxy"),
        Column("Mode", _mode_text),
    )

    def __init__(self, set_mode: SetMode, default_mode: Callable[[], Mode] = lambda: Mode.AUDIT,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self._set_mode = set_mode
        self._default_mode = default_mode

    def flags(self, index: Ix) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == COL_MODE:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Ix, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None or index.column() != COL_MODE or role != Qt.ItemDataRole.EditRole:
            return False
        if str(value) == DEFAULT:
            return self._forget_mode(index.row(), row)
        try:
            mode = Mode(str(value))
        except ValueError:
            return False
        if mode.value == row.mode and not row.mode_is_default:
            return True
        if not self._set_mode(row.name, mode):
            return False
        self.replace_row(index.row(), dataclasses.replace(row, mode=mode.value,
                                                          mode_is_default=False))
        return True

    def _forget_mode(self, n: int, row: ToolRow) -> bool:
        if row.mode_is_default:
            return True
        if not self._set_mode(row.name, None):
            return False
        self.replace_row(n, dataclasses.replace(row, mode=self._default_mode().value,
                                                mode_is_default=True))
        return True

    def extra_data(self, row: ToolRow, column: int, role: int) -> Any:
        if column == COL_MODE and role in (Qt.ItemDataRole.EditRole, IS_DEFAULT_ROLE):
            return row.mode if role == Qt.ItemDataRole.EditRole else row.mode_is_default
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and self._colors:
            return self._foreground(row, column)
        return None

    def _foreground(self, row: ToolRow, column: int) -> Any:
        if column == COL_SAVED and row.tokens_saved > 0:
            return self._colors.get("good")
        if column == COL_WOULD_SAVE:  # the figure to decide on while auditing; redundant after
            return self._colors.get("muted") if row.mode == Mode.OPTIMIZE else None
        if row.mode != Mode.OPTIMIZE and column not in (COL_NAME, COL_MODE):
            return self._colors.get("muted")
        return None

    def _tooltip(self, row: ToolRow, column: int) -> str | None:
        if column == COL_WOULD_SAVE and row.would_save:
            return f"{fmt.count(row.would_save)} tokens in all, had every call been optimized"
        if column == COL_LAST_SEEN and row.last_seen is not None:
            return fmt.clock(row.last_seen)
        if column == COL_MODE:
            default = self._default_mode().value
            if row.mode_is_default:
                return (f"Follows the default mode for new tools ({default}). "
                        "Pick a mode to fix it for this tool.")
            return f"Chosen for this tool. Default returns it to the default mode ({default})."
        return None

    def row_for_tool(self, name: str) -> int | None:
        for n, row in enumerate(self._rows):
            if row.name == name:
                return n
        return None
