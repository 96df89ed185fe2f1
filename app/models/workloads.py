"""The Savings page's table, the one people recognise: Workload | Before | After | Savings."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from app import format as fmt
from app.models.rows import Column, RowsModel
from app.repository import WorkloadRow

COL_WORKLOAD, COL_REQUESTS, COL_BEFORE, COL_AFTER, COL_SAVINGS, COL_BILLED = range(6)


def _savings(row: WorkloadRow) -> float | None:
    return fmt.saved_fraction(row.tokens_before, row.tokens_after)


class WorkloadsModel(RowsModel[WorkloadRow]):
    columns = (
        Column("Workload", lambda r: r.workload),
        Column("Requests", lambda r: fmt.count(r.requests), lambda r: r.requests, numeric=True),
        Column("Before", lambda r: fmt.count(r.tokens_before), lambda r: r.tokens_before,
               numeric=True, tooltip="tokens counted with the model's tokenizer (estimated "
                                     "for models without a public one)"),
        Column("After", lambda r: fmt.count(r.tokens_after), lambda r: r.tokens_after,
               numeric=True),
        Column("Savings", lambda r: fmt.percent(_savings(r)), _savings, numeric=True),
        Column("Billed input", lambda r: fmt.count(r.billed_input_tokens),
               lambda r: r.billed_input_tokens, numeric=True,
               tooltip="input tokens the provider reported (billed)"),
    )

    def extra_data(self, row: WorkloadRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_SAVINGS and self._colors:
            saved = _savings(row)
            return self._colors.get("good") if saved else None
        return None
