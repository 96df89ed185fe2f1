from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from app.models.traffic import (
    COL_AFTER,
    COL_BEFORE,
    COL_COST_SAVED,
    COL_MODEL,
    COL_SAVED,
    ID_ROLE,
    PAGE,
    TrafficModel,
)
from app.repository import ExchangeFilter
from app.tasks import Runner
from tests.app.fakes import FakeRepository, row


def _loaded(qtbot: Any, model: TrafficModel, rows: int) -> None:
    for n in range(rows):
        model.data(model.index(n, 0))
    qtbot.waitUntil(lambda: all(model.data(model.index(n, 0), ID_ROLE) for n in range(rows)))


def _model(qtbot: Any, count: int) -> tuple[TrafficModel, FakeRepository]:
    repo = FakeRepository([row(n) for n in range(count)])
    model = TrafficModel(repo, Runner(synchronous=True))
    model.reload()
    return model, repo


def test_passes_qtmodeltester(qtmodeltester: Any, qtbot: Any) -> None:
    model, _ = _model(qtbot, 450)
    _loaded(qtbot, model, 450)
    qtmodeltester.check(model, force_py=True)


def test_newest_first_and_formatted(qtbot: Any) -> None:
    model, _ = _model(qtbot, 10)
    _loaded(qtbot, model, 10)
    assert model.data(model.index(0, 0), ID_ROLE) == "ex000009"
    assert model.data(model.index(0, COL_BEFORE)) == "10,009"
    assert model.data(model.index(0, COL_SAVED)) == "90%"
    assert model.data(model.index(0, COL_SAVED), Qt.ItemDataRole.TextAlignmentRole)


def test_live_insert_keeps_loaded_rows(qtbot: Any) -> None:
    model, repo = _model(qtbot, PAGE + 5)
    _loaded(qtbot, model, 20)
    before = repo.calls
    repo.rows += [row(1000), row(1001)]
    with qtbot.waitSignal(model.rowsInserted, timeout=2000):
        model.notify_new_exchange("ex001001")
    assert model.rowCount() == PAGE + 7
    # rows of the full (older) page keep their data and move down by 2 without a refetch
    assert model.data(model.index(7, 0), ID_ROLE) == "ex000199"
    assert repo.calls == before + 1
    _loaded(qtbot, model, 2)
    assert model.data(model.index(0, 0), ID_ROLE) == "ex001001"


def test_filter_and_sort_reload(qtbot: Any) -> None:
    model, _ = _model(qtbot, 30)
    with qtbot.waitSignal(model.modelReset):
        model.set_filter(ExchangeFilter(model="gpt-4o"))
    assert model.rowCount() == 15
    with qtbot.waitSignal(model.modelReset):
        model.sort(COL_MODEL, Qt.SortOrder.AscendingOrder)
    _loaded(qtbot, model, 15)
    assert {model.data(model.index(n, COL_MODEL)) for n in range(15)} == {"gpt-4o"}


def test_audit_rows_show_what_optimize_would_save(qtbot: Any) -> None:
    repo = FakeRepository([row(0, mode="audit", tokens_before=10_000, tokens_after=10_000,
                               would_save=8_700),
                           row(1, tokens_before=10_000, tokens_after=1_000, would_save=500)])
    model = TrafficModel(repo, Runner(synchronous=True))
    model.reload()
    _loaded(qtbot, model, 2)
    audit, optimized = model.index(1, COL_SAVED), model.index(0, COL_SAVED)
    assert model.data(audit) == "would 87%"  # muted and italic, never counted as saved
    assert model.data(audit, Qt.ItemDataRole.FontRole).italic()
    assert "8,700 more tokens" in model.data(audit, Qt.ItemDataRole.ToolTipRole)
    assert model.data(model.index(1, COL_AFTER)) == "10,000"  # what was sent stays honest
    assert model.data(model.index(1, COL_COST_SAVED)) == "$0.02"
    assert model.data(optimized) == "90%"  # something was saved: the sent figure wins
    assert model.data(optimized, Qt.ItemDataRole.FontRole) is None
    assert "500 more tokens" in model.data(optimized, Qt.ItemDataRole.ToolTipRole)
