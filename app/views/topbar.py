"""The one status line at the top: is the proxy up, what has it saved today, and the two actions
people need most (Connect agent, stop/start). When the port is taken it says so and offers a
free port."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from app import format as fmt
from app.proxy_thread import ProxyState, ProxyStatus
from app.repository import Totals
from app.theme import Colors


class TopBar(QFrame):
    connect_clicked = Signal()
    toggle_clicked = Signal()
    use_port_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("topBar")
        self.dot = QLabel("●", objectName="statusDot")
        self.address = QLabel()
        self.address.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.stats = QLabel(objectName="muted")
        self.use_port = QPushButton()
        self.use_port.hide()
        self.use_port.clicked.connect(self._use_port)
        self.connect_button = QPushButton("Connect agent")
        self.connect_button.clicked.connect(self.connect_clicked)
        self.toggle = QPushButton("Stop")
        self.toggle.setToolTip("Stop or start the proxy (Ctrl+P)")
        self.toggle.clicked.connect(self.toggle_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(8)
        for widget in (self.dot, self.address, self.stats):
            layout.addWidget(widget)
        layout.addStretch(1)
        for widget in (self.use_port, self.connect_button, self.toggle):
            layout.addWidget(widget)
        self._colors: Colors | None = None
        self._status: ProxyStatus | None = None
        self._suggested: int | None = None

    def set_colors(self, colors: Colors) -> None:
        self._colors = colors
        if self._status:
            self.set_status(self._status)

    def set_status(self, status: ProxyStatus) -> None:
        self._status = status
        self.address.setText(_describe(status))
        self.toggle.setText("Stop" if status.state in (ProxyState.RUNNING, ProxyState.STARTING)
                            else "Start")
        self._suggested = status.suggested_port
        self.use_port.setVisible(status.port_in_use and status.suggested_port is not None)
        self.use_port.setText(f"Use port {status.suggested_port}")
        if self._colors:
            color = {ProxyState.RUNNING: self._colors.good, ProxyState.FAILED: self._colors.bad,
                     ProxyState.STARTING: self._colors.audit}.get(status.state, self._colors.muted)
            self.dot.setStyleSheet(f"color: {color};")

    def set_totals(self, totals: Totals) -> None:
        parts = [f"{fmt.count(totals.requests)} requests",
                 f"{fmt.compact(totals.tokens_saved)} tokens saved today"]
        if totals.cost_saved_usd:
            parts.append(fmt.dollars(totals.cost_saved_usd))
        self.stats.setText(" · ".join(parts))

    def _use_port(self) -> None:
        if self._suggested is not None:
            self.use_port_clicked.emit(self._suggested)


def _describe(status: ProxyStatus) -> str:
    if status.state is ProxyState.RUNNING:
        return f"Proxy on {status.base_url}/v1"
    if status.state is ProxyState.STARTING:
        return f"Starting proxy on {status.base_url}…"
    if status.state is ProxyState.FAILED:
        return f"Proxy not running — {status.message}"
    return "Proxy stopped"
