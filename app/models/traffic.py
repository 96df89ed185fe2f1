"""The Traffic table: every recorded exchange, virtualised for 100k+ rows.

Only the row count is known up front; rows arrive page by page from the background runner as the
view asks for them. Rows are cached by their position counted from the *oldest* end, which does
not move when new exchanges land on top, so a live insert is one beginInsertRows(0, n) without
refetching. Any other sort order refetches (debounced) on new traffic."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont

from app import format as fmt
from app.repository import ExchangeFilter, ExchangeRow, Repository, SortKey
from app.tasks import Runner

COL_TIME, COL_PROVIDER, COL_MODEL, COL_TOOLS, COL_BEFORE, COL_AFTER, COL_SAVED, \
    COL_COST_SAVED, COL_LATENCY, COL_STATUS, COL_MODE = range(11)
HEADERS = ["Time", "Provider", "Model", "Tools", "Before", "After", "Saved", "$ saved", "ms",
           "Status", "Mode"]
SORT_KEYS = [SortKey.TIME, SortKey.PROVIDER, SortKey.MODEL, None, SortKey.TOKENS_BEFORE,
             SortKey.TOKENS_AFTER, SortKey.SAVED, SortKey.COST_SAVED, SortKey.LATENCY,
             SortKey.STATUS, SortKey.MODE]
NUMERIC = {COL_BEFORE, COL_AFTER, COL_SAVED, COL_COST_SAVED, COL_LATENCY}
ID_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
PAGE = 200
MAX_PAGES = 60
PROVIDER_NAMES = {"openai_chat": "OpenAI", "openai_responses": "OpenAI resp.",
                  "anthropic_messages": "Anthropic"}

Ix = QModelIndex | QPersistentModelIndex


class TrafficModel(QAbstractTableModel):
    loading_changed = Signal(bool)
    page_loaded = Signal()
    failed = Signal(str)

    def __init__(self, repository: Repository, runner: Runner, parent: Any = None) -> None:
        super().__init__(parent)
        self._repo = repository
        self._runner = runner
        self._filter = ExchangeFilter()
        self._sort, self._descending = SortKey.TIME, True
        self._total = 0
        self._pages: OrderedDict[int, list[ExchangeRow]] = OrderedDict()
        self._pending: set[int] = set()
        self._colors: dict[str, QColor] = {}
        self._italic = QFont()
        self._italic.setItalic(True)
        self._refresh_timer = QTimer(self, singleShot=True, interval=250)
        self._refresh_timer.timeout.connect(self._refresh_count)
        self._wanted: set[int] = set()
        self._fetch_timer = QTimer(self, singleShot=True, interval=0)
        self._fetch_timer.timeout.connect(self._fetch_wanted)

    # --- public API -------------------------------------------------------------------------
    def set_colors(self, good: str, bad: str, muted: str) -> None:
        self._colors = {"good": QColor(good), "bad": QColor(bad), "muted": QColor(muted)}
        if self._total:
            self.dataChanged.emit(self.index(0, 0), self.index(self._total - 1, COL_MODE))

    def set_filter(self, flt: ExchangeFilter) -> None:
        if flt != self._filter:
            self._filter = flt
            self.reload()

    @property
    def filter(self) -> ExchangeFilter:
        return self._filter

    def reload(self) -> None:
        """Recount from scratch (filter or sort changed, or first load)."""
        flt = self._filter
        self.loading_changed.emit(True)
        self._runner.submit("traffic.count", lambda: self._repo.count_exchanges(flt),
                            self._on_reset_count, self._on_failed)

    def notify_new_exchange(self, _exchange_id: str = "") -> None:
        """Called for every recorded exchange; coalesced so a burst costs one query."""
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def row_at(self, row: int) -> ExchangeRow | None:
        if not 0 <= row < self._total:
            return None
        page, slot = divmod(self._stable(row), PAGE)
        rows = self._pages.get(page)
        if rows is None or slot >= len(rows):
            self._request_page(page)
            return None
        return rows[slot]

    def row_of(self, exchange_id: str) -> int | None:
        """The row showing `exchange_id`, if it is loaded."""
        for page, rows in self._pages.items():
            for slot, row in enumerate(rows):
                if row.id == exchange_id:
                    return self._row_from_stable(page * PAGE + slot)
        return None

    # --- Qt model ---------------------------------------------------------------------------
    def rowCount(self, parent: Ix = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: Ix = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Ix) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Ix, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return display(row, index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(row, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(row, index.column())
        if role == Qt.ItemDataRole.FontRole and index.column() == COL_SAVED \
                and shows_would_save(row):
            return self._italic
        if role == ID_ROLE:
            return row.id
        if role == ROW_ROLE:
            return row
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORT_KEYS[column] if 0 <= column < len(SORT_KEYS) else None
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) != (self._sort, self._descending):
            self._sort, self._descending = key, descending
            self.reload()

    # --- internals --------------------------------------------------------------------------
    def _foreground(self, row: ExchangeRow, column: int) -> QColor | None:
        if not self._colors:
            return None
        if row.failed and column == COL_STATUS:
            return self._colors["bad"]
        if column in (COL_SAVED, COL_COST_SAVED) and row.mode != "audit" \
                and row.tokens_after < row.tokens_before:
            return self._colors["good"]
        if row.mode in ("audit", "off"):
            return self._colors["muted"]
        return None

    def _live_inserts(self) -> bool:
        return self._sort is SortKey.TIME and self._descending

    def _stable(self, row: int) -> int:
        return self._total - 1 - row if self._live_inserts() else row

    def _row_from_stable(self, stable: int) -> int:
        return self._total - 1 - stable if self._live_inserts() else stable

    def _request_page(self, page: int) -> None:
        """Pages are fetched after data() returns: emitting from inside data() confuses views."""
        if page not in self._pending:
            self._wanted.add(page)
            self._fetch_timer.start()

    def _fetch_wanted(self) -> None:
        wanted, self._wanted = self._wanted, set()
        for page in sorted(wanted):
            if page not in self._pending and page not in self._pages:
                self._fetch_page(page)

    def _fetch_page(self, page: int) -> None:
        self._pending.add(page)
        start = page * PAGE
        total, flt, sort, desc = self._total, self._filter, self._sort, self._descending
        offset = total - start - PAGE if self._live_inserts() else start
        limit = PAGE + min(0, offset)
        offset = max(0, offset)

        def job() -> tuple[int, list[ExchangeRow]]:
            return self._repo.count_exchanges(flt), self._repo.list_exchanges(
                flt, sort, desc, offset, limit)

        self._runner.submit(f"traffic.page.{page}", job,
                            lambda result: self._on_page(page, total, result), self._on_failed)

    def _on_page(self, page: int, total_then: int, result: tuple[int, list[ExchangeRow]]) -> None:
        self._pending.discard(page)
        count, rows = result
        if total_then != self._total:
            return  # the table moved while we were reading; the view will ask again
        if count != self._total:
            self.notify_new_exchange()
            return
        if self._live_inserts():
            rows = list(reversed(rows))  # stable order = oldest first
        self._pages[page] = rows
        self._pages.move_to_end(page)
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        first = self._row_from_stable(page * PAGE)
        last = self._row_from_stable(page * PAGE + len(rows) - 1)
        lo, hi = min(first, last), max(first, last)
        self.dataChanged.emit(self.index(lo, 0), self.index(hi, len(HEADERS) - 1))
        self.page_loaded.emit()

    def _on_reset_count(self, count: int) -> None:
        self.beginResetModel()
        self._total = count
        self._pages.clear()
        for page in self._pending:
            self._runner.cancel(f"traffic.page.{page}")
        self._pending.clear()
        self.endResetModel()
        self.loading_changed.emit(False)

    def _refresh_count(self) -> None:
        flt = self._filter
        self._runner.submit("traffic.recount", lambda: self._repo.count_exchanges(flt),
                            self._on_recount, self._on_failed)

    def _on_recount(self, count: int) -> None:
        added = count - self._total
        if added == 0:
            return
        if added < 0 or not self._live_inserts():
            self._on_reset_count(count)
            return
        self.beginInsertRows(QModelIndex(), 0, added - 1)
        self._total = count
        self._drop_partial_top_page()
        self.endInsertRows()

    def _drop_partial_top_page(self) -> None:
        """The newest page may have been short; new rows belong to it, so it must be refetched."""
        for page in list(self._pages):
            if len(self._pages[page]) < PAGE:
                del self._pages[page]
        for page in self._pending:
            self._runner.cancel(f"traffic.page.{page}")
        self._pending.clear()

    def _on_failed(self, message: str) -> None:
        self._pending.clear()
        self.loading_changed.emit(False)
        self.failed.emit(message)


def shows_would_save(row: ExchangeRow) -> bool:
    """Audit sent the request unchanged: the Saved cell shows what optimize would have saved."""
    sent = fmt.saved_fraction(row.tokens_before, row.tokens_after)
    return row.would_save_fraction is not None and not sent


def saved_text(row: ExchangeRow) -> str:
    if shows_would_save(row):
        return f"would {fmt.percent(row.would_save_fraction)}"
    saved = fmt.saved_fraction(row.tokens_before, row.tokens_after)
    return fmt.percent(saved) if saved is not None else ""


def tooltip(row: ExchangeRow, column: int) -> str | None:
    if row.error:
        return row.error
    if column == COL_TOOLS:
        return ", ".join(row.tools)
    if column == COL_SAVED and row.would_save_fraction is not None:
        return (f"Audited blocks were sent unchanged; optimize would have removed "
                f"{fmt.count(row.would_save)} more tokens "
                f"({fmt.percent(row.would_save_fraction)} of the request).")
    return None


def display(row: ExchangeRow, column: int) -> str:
    estimated = "~" if row.tokens_estimated else ""
    values = {
        COL_TIME: lambda: fmt.clock(row.started_at),
        COL_PROVIDER: lambda: PROVIDER_NAMES.get(row.provider, row.provider),
        COL_MODEL: lambda: row.model,
        COL_TOOLS: lambda: ", ".join(row.tools),
        COL_BEFORE: lambda: estimated + fmt.count(row.tokens_before),
        COL_AFTER: lambda: estimated + fmt.count(row.tokens_after),
        COL_SAVED: lambda: saved_text(row),
        COL_COST_SAVED: lambda: fmt.dollars(row.cost_saved_usd),
        COL_LATENCY: lambda: fmt.millis(row.total_ms),
        COL_STATUS: lambda: status_text(row),
        COL_MODE: lambda: row.mode,
    }
    return values[column]()


def status_text(row: ExchangeRow) -> str:
    if row.status_code is None:
        return "error" if row.error else ""
    return str(row.status_code)
