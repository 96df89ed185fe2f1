from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import Qt

from app.models.blocks import BlockDiff, BlocksModel, line_changes
from app.models.retrievals import COL_RESULT, RetrievalsModel
from app.models.tools import (
    COL_CALLS,
    COL_LAST_SEEN,
    COL_MEDIAN,
    COL_MODE,
    COL_WOULD_SAVE,
    IS_DEFAULT_ROLE,
    ToolsModel,
)
from app.models.workloads import COL_SAVINGS, WorkloadsModel
from app.repository import RetrievalRow, ToolRow, WorkloadRow
from engine.config import Mode
from engine.conversation import Action, Decision


def _tools() -> list[ToolRow]:
    return [ToolRow("search_files", 12, 90_000, 0, 81_000, 0.9, 0.1, "audit",
                    mode_is_default=True, median_saved=0.0, median_would_save=0.87,
                    last_seen=time.time() - 300),
            ToolRow("read_log", 3, 40_000, 30_000, 30_000, 0.75, None, "optimize")]


def test_tools_model(qtmodeltester: Any) -> None:
    calls: list[tuple[str, Mode | None]] = []
    model = ToolsModel(lambda tool, mode: calls.append((tool, mode)) is None)
    model.set_rows(_tools())
    qtmodeltester.check(model, force_py=True)
    assert [model.data(model.index(0, c)) for c in (COL_MEDIAN, COL_WOULD_SAVE, COL_LAST_SEEN)] \
        == ["0%", "87%", "5 min ago"]
    tip = model.data(model.index(0, COL_WOULD_SAVE), Qt.ItemDataRole.ToolTipRole)
    assert "81,000 tokens" in tip
    assert model.data(model.index(0, COL_MODE)) == "audit (default)"
    assert model.data(model.index(0, COL_MODE), IS_DEFAULT_ROLE) is True
    assert model.flags(model.index(0, COL_MODE)) & Qt.ItemFlag.ItemIsEditable
    assert not model.setData(model.index(0, COL_MODE), "sideways")
    assert model.setData(model.index(0, COL_MODE), "audit")  # pinning the default mode is a choice
    assert model.data(model.index(0, COL_MODE), IS_DEFAULT_ROLE) is False
    assert model.setData(model.index(0, COL_MODE), "optimize")
    assert calls == [("search_files", Mode.AUDIT), ("search_files", Mode.OPTIMIZE)]
    model.sort(COL_CALLS, Qt.SortOrder.AscendingOrder)
    assert model.data(model.index(0, 0)) == "read_log"


def test_tools_model_resets_to_the_default_mode() -> None:
    calls: list[tuple[str, Mode | None]] = []
    model = ToolsModel(lambda tool, mode: calls.append((tool, mode)) is None,
                       default_mode=lambda: Mode.OFF)
    model.set_rows(_tools())
    assert model.setData(model.index(1, COL_MODE), "default")
    assert calls == [("read_log", None)]
    assert model.data(model.index(1, COL_MODE)) == "off (default)"
    assert model.setData(model.index(1, COL_MODE), "default")  # already there: no second call
    assert len(calls) == 1


def test_tools_model_keeps_mode_when_action_fails() -> None:
    model = ToolsModel(lambda tool, mode: False)
    model.set_rows(_tools())
    assert not model.setData(model.index(0, COL_MODE), "off")
    assert model.data(model.index(0, COL_MODE)) == "audit (default)"
    assert not model.setData(model.index(1, COL_MODE), "default")
    assert model.data(model.index(1, COL_MODE)) == "optimize"


def test_retrievals_model(qtmodeltester: Any) -> None:
    model = RetrievalsModel()
    model.set_rows([RetrievalRow(1_700_000_000.0, "b2:abc", "read_log", "ERROR", True, 12,
                                 "ex1", "ex0"),
                    RetrievalRow(1_700_000_100.0, "b2:def", None, None, False, 0, "ex2")])
    qtmodeltester.check(model, force_py=True)
    assert model.data(model.index(1, COL_RESULT)) == "miss"


def test_workloads_model(qtmodeltester: Any) -> None:
    model = WorkloadsModel()
    model.set_rows([WorkloadRow("log analysis", 4, 40_000, 4_000, 36_000),
                    WorkloadRow("code search", 2, 0, 0, 0)])
    qtmodeltester.check(model, force_py=True)
    assert model.data(model.index(0, COL_SAVINGS)) == "90%"
    assert model.data(model.index(1, COL_SAVINGS)) == ""


def test_blocks_model_and_line_changes(qtmodeltester: Any) -> None:
    decision = Decision(3, 0, "read_log", "logs", "logs", "optimize", 2_000, 200,
                        Action.COMPRESSED, "kept 2 errors", "b2:" + "0" * 24,
                        compressed_text="a\nERROR x\n[...]")
    removed, added = line_changes("a\nb\nc\nERROR x", "a\nERROR x\n[...]")
    assert removed == {1, 2} and added == {2}
    model = BlocksModel()
    model.set_rows([BlockDiff(decision, "a\nb\nc\nERROR x", "a\nERROR x\n[...]",
                              frozenset(removed), frozenset(added))])
    qtmodeltester.check(model, force_py=True)
    assert model.data(model.index(0, 0)) == "#3.0"
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole) == "kept 2 errors"
