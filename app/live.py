"""Keeps the summary views current without a polling storm: every recorded exchange marks the
summaries dirty, and one debounced timer re-runs only the queries whose page is visible (the
status line's totals always). Results arrive as signals on the GUI thread."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from app.repository import Overhead, Repository, SeriesPoint, Totals, WorkloadRow
from app.tasks import Runner

REFRESH_MS = 1000
DAY = 86_400


@dataclass(frozen=True)
class TimeRange:
    label: str
    seconds: int | None
    bucket: int

    def since(self, now: float | None = None) -> float | None:
        return None if self.seconds is None else (now or time.time()) - self.seconds


RANGES = [TimeRange("Last hour", 3600, 60), TimeRange("24 hours", DAY, 900),
          TimeRange("7 days", 7 * DAY, 3 * 3600), TimeRange("30 days", 30 * DAY, DAY),
          TimeRange("All time", None, DAY)]


@dataclass(frozen=True)
class SavingsData:
    totals: Totals
    series: list[SeriesPoint]
    workloads: list[WorkloadRow]
    overhead: Overhead


RETRIEVALS_SHOWN = 5000


def _start_of_today() -> float:
    now = time.localtime()
    return time.mktime((now.tm_year, now.tm_mon, now.tm_mday, 0, 0, 0, 0, 0, -1))


class LiveData(QObject):
    totals_today = Signal(object)
    savings = Signal(object)
    tools = Signal(object)
    retrievals = Signal(object)
    filter_options = Signal(object)
    failed = Signal(str)

    def __init__(self, repository: Repository, runner: Runner, parent: QObject | None = None):
        super().__init__(parent)
        self._repo = repository
        self._runner = runner
        self.visible: set[str] = set()
        self.range: TimeRange = RANGES[1]
        self._timer = QTimer(self, singleShot=True, interval=REFRESH_MS)
        self._timer.timeout.connect(self.refresh_now)

    def exchange_recorded(self, _exchange_id: str = "") -> None:
        if not self._timer.isActive():
            self._timer.start()

    def set_range(self, time_range: TimeRange) -> None:
        self.range = time_range
        self._refresh_savings()

    def show_page(self, key: str) -> None:
        """A page became visible: refresh what it shows now."""
        self.visible = {key}
        self.refresh_now()

    def refresh_now(self) -> None:
        self._submit("totals", lambda: self._repo.headline(_start_of_today()), self.totals_today)
        self._submit("filters", self._repo.filter_options, self.filter_options)
        if "savings" in self.visible:
            self._refresh_savings()
        if "tools" in self.visible:
            self._submit("tools", self._repo.tools, self.tools)
        if "retrievals" in self.visible:
            self._submit("retrievals", lambda: self._repo.retrievals(RETRIEVALS_SHOWN),
                         self.retrievals)

    def _refresh_savings(self) -> None:
        since, bucket = self.range.since(), self.range.bucket

        def job() -> SavingsData:
            return SavingsData(self._repo.totals(since), self._repo.savings_series(since, bucket),
                               self._repo.workloads(since), self._repo.overhead(since))

        self._submit("savings", job, self.savings)

    def _submit(self, channel: str, job: Callable[[], Any], signal: Any) -> None:
        self._runner.submit(f"live.{channel}", job, signal.emit, self.failed.emit)
