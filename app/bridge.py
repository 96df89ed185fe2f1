"""From the store's writer thread to the GUI thread: the store calls `on_recorded(exchange_id)`
after each commit; the bridge re-emits it as one Qt signal, which Qt queues onto the GUI thread
because the bridge lives there. One signal per exchange, no polling."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject, Signal


class Listenable(Protocol):
    def add_listener(self, callback: object) -> None: ...


class StoreBridge(QObject):
    exchange_recorded = Signal(str)

    def __init__(self, store: Listenable, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._attached = True
        store.add_listener(self.on_recorded)

    def detach(self) -> None:
        """Before the window goes away: the store may still call us from its thread."""
        self._attached = False

    def on_recorded(self, exchange_id: str) -> None:
        """Called on the store's writer thread; only emits (emitting is thread-safe)."""
        if self._attached:
            self.exchange_recorded.emit(exchange_id)
