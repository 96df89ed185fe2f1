"""The Retrievals table: each time the model redeemed a CCR key, newest first."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from app import format as fmt
from app.models.rows import Column, RowsModel
from app.repository import RetrievalRow

COL_TIME, COL_TOOL, COL_KEY, COL_QUERY, COL_ITEMS, COL_RESULT, COL_ASKED_BY, COL_ORIGIN = range(8)


def _short(exchange_id: str | None) -> str:
    return exchange_id[:8] if exchange_id else ""


class RetrievalsModel(RowsModel[RetrievalRow]):
    columns = (
        Column("Time", lambda r: fmt.clock(r.created_at), lambda r: r.created_at),
        Column("Tool", lambda r: r.tool_name or ""),
        Column("Key", lambda r: r.key),
        Column("Query", lambda r: r.query or ""),
        Column("Items", lambda r: fmt.count(r.items_returned), lambda r: r.items_returned,
               numeric=True),
        Column("Result", lambda r: "hit" if r.hit else "miss"),
        Column("Asked by", lambda r: _short(r.exchange_id),
               tooltip="the exchange in which the model asked for the original"),
        Column("Stored by", lambda r: _short(r.origin_exchange_id),
               tooltip="the exchange whose tool output was compressed under this key"),
    )

    def extra_data(self, row: RetrievalRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_RESULT and self._colors:
            return self._colors.get("good" if row.hit else "bad")
        if role == Qt.ItemDataRole.ToolTipRole and column in (COL_QUERY, COL_KEY):
            return row.query if column == COL_QUERY else row.key
        return None
