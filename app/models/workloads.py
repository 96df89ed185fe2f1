"""The Savings page's table, the one people recognise: Workload | Before | After | Savings."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from app import format as fmt
from app.models.rows import Column, RowsModel
from app.repository import WorkloadRow

COL_WORKLOAD, COL_BLOCKS, COL_BEFORE, COL_AFTER, COL_SAVINGS, COL_SAVED = range(6)


def _savings(row: WorkloadRow) -> float | None:
    return fmt.saved_fraction(row.tokens_before, row.tokens_after)


class WorkloadsModel(RowsModel[WorkloadRow]):
    columns = (
        Column("Workload", lambda r: r.workload),
        Column("Blocks", lambda r: fmt.count(r.blocks), lambda r: r.blocks, numeric=True,
               tooltip="tool results and other blocks Headroom considered"),
        Column("Before", lambda r: fmt.count(r.tokens_before), lambda r: r.tokens_before,
               numeric=True, tooltip="tokens counted with the model's tokenizer (estimated "
                                     "for models without a public one)"),
        Column("After", lambda r: fmt.count(r.tokens_after), lambda r: r.tokens_after,
               numeric=True, tooltip="after compression, whatever the tool's mode"),
        Column("Savings", lambda r: fmt.percent(_savings(r)), _savings, numeric=True),
        Column("Saved in requests", lambda r: fmt.count(r.tokens_saved),
               lambda r: r.tokens_saved, numeric=True,
               tooltip="tokens actually removed from requests (tools in optimize mode)"),
    )

    def extra_data(self, row: WorkloadRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_SAVED and self._colors:
            return self._colors.get("good") if row.tokens_saved else None
        return None
