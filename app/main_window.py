"""The main window: status line on top, a narrow page list on the left, pages on the right.
Pages are registered in one list (`add_page`), so later pages (Insights, Memory) slot in with one
call and get their Ctrl+<n> shortcut; all wiring between pages, data and actions lives here,
the pages themselves stay thin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressBar,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app import actions
from app.context import AppContext
from app.live import LiveData
from app.models.detail import DetailLoader, curl_command, exchange_json
from app.models.retrievals import RetrievalsModel
from app.models.tools import ToolsModel
from app.models.traffic import TrafficModel
from app.proxy_thread import ProxyState, ProxyStatus
from app.theme import RESOURCES, Scheme
from app.views.connect import ConnectDialog
from app.views.retrievals import RetrievalsPage
from app.views.settings import SettingsPage
from app.views.tools import ToolsPage
from app.views.topbar import TopBar
from app.views.traffic import TrafficPage
from engine.config import Mode

ICONS = RESOURCES / "icons"
STARTUP_GRACE_MS = 400
NAV_ROW_HEIGHT = 30


class LazyPage(QWidget):
    """Holds a page's place in the stack and builds the page the first time it is shown."""

    def __init__(self, factory: Callable[[], QWidget]) -> None:
        super().__init__()
        self._factory = factory
        self.page: Any = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def materialize(self) -> QWidget:
        if self.page is None:
            self.page = self._factory()
            self._layout.addWidget(self.page)
        return self.page  # type: ignore[no-any-return]


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle("Headroom")
        self.setWindowIcon(QIcon(str(ICONS / "headroom.svg")))
        self.live = LiveData(ctx.repository, ctx.runner, self)
        self.traffic_model = TrafficModel(ctx.repository, ctx.runner, self)
        self.tools_model = ToolsModel(self._set_tool_mode, lambda: self.ctx.settings.default_mode,
                                      self)
        self.retrievals_model = RetrievalsModel(self)
        self.detail_loader = DetailLoader(ctx.repository, ctx.runner, self)
        self._build()
        self._wire()
        self._restore_state()
        self.apply_theme()
        self.traffic_model.reload()
        # Summaries wait until the table's first page had the pool to itself.
        QTimer.singleShot(STARTUP_GRACE_MS, self.live.refresh_now)

    # --- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        s = self.ctx.settings
        self.topbar = TopBar()
        self.nav = QListWidget(objectName="nav")
        self.nav.setIconSize(QSize(16, 16))
        self.nav.setFixedWidth(150)
        self.stack = QStackedWidget()
        self.page_keys: list[str] = []
        self.traffic = TrafficPage(self.traffic_model, self.detail_loader, s.host, s.port)
        self.savings = LazyPage(self._build_savings)
        self.tools = ToolsPage(self.tools_model)
        self.retrievals = RetrievalsPage(self.retrievals_model)
        self.settings_page = SettingsPage(s, self.ctx.theme.scheme)
        for key, title, widget in (("traffic", "Traffic", self.traffic),
                                   ("savings", "Savings", self.savings),
                                   ("tools", "Tools", self.tools),
                                   ("retrievals", "Retrievals", self.retrievals),
                                   ("settings", "Settings", self.settings_page)):
            self.add_page(key, title, widget)
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addWidget(self.nav)
        body.addWidget(self.stack, 1)
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.topbar)
        outer.addLayout(body, 1)
        self.setCentralWidget(central)
        self.busy = QProgressBar(maximum=0, maximumWidth=80, maximumHeight=10, textVisible=False)
        self.busy.hide()
        self.statusBar().addPermanentWidget(self.busy)
        self.statusBar().setSizeGripEnabled(False)

    def add_page(self, key: str, title: str, widget: QWidget, position: int | None = None) -> None:
        """Register a page; its Ctrl+<n> follows its place in the list."""
        position = len(self.page_keys) if position is None else position
        item = QListWidgetItem(QIcon(str(ICONS / f"{key}.svg")), title)
        item.setData(Qt.ItemDataRole.UserRole, key)
        item.setSizeHint(QSize(0, NAV_ROW_HEIGHT))
        self.nav.insertItem(position, item)
        self.stack.insertWidget(position, widget)
        self.page_keys.insert(position, key)
        self._bind_page_shortcuts()

    def _bind_page_shortcuts(self) -> None:
        for shortcut in getattr(self, "_page_shortcuts", []):
            shortcut.setParent(None)
        self._page_shortcuts = []
        for n, key in enumerate(self.page_keys[:9], start=1):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{n}"), self)
            shortcut.activated.connect(lambda k=key: self.show_page(k))
            self._page_shortcuts.append(shortcut)

    def show_page(self, key: str) -> None:
        self.nav.setCurrentRow(self.page_keys.index(key))

    def current_page(self) -> str:
        return self.page_keys[max(0, self.nav.currentRow())]

    # --- wiring -------------------------------------------------------------------------------
    def _wire(self) -> None:
        ctx = self.ctx
        self.nav.currentRowChanged.connect(self._on_page)
        self.topbar.connect_clicked.connect(self.open_connect)
        self.topbar.toggle_clicked.connect(self.toggle_proxy)
        self.topbar.use_port_clicked.connect(self._use_port)
        ctx.proxy.state_changed.connect(self._on_proxy)
        self.topbar.set_status(ctx.proxy.status)
        if ctx.bridge is not None:
            ctx.bridge.exchange_recorded.connect(self.traffic_model.notify_new_exchange)
            ctx.bridge.exchange_recorded.connect(self.live.exchange_recorded)
        self.live.totals_today.connect(self.topbar.set_totals)
        self.live.tools.connect(self.tools_model.set_rows)
        self.live.retrievals.connect(self.retrievals_model.set_rows)
        self.live.filter_options.connect(self.traffic.filters.set_options)
        self.live.failed.connect(self.report)
        self.traffic_model.failed.connect(self.report)
        self.traffic.run_demo.connect(self.run_demo)
        self.traffic.detail.copy_json.connect(self.copy_json)
        self.traffic.detail.copy_curl.connect(self.copy_curl)
        self.retrievals.open_exchange.connect(self.open_exchange)
        self.settings_page.save_requested.connect(self.save_settings)
        self.settings_page.scheme_changed.connect(self._set_scheme)
        ctx.theme.changed.connect(self.apply_theme)
        self._shortcuts()
        self._busy_timer = QTimer(self, interval=150)
        self._busy_timer.timeout.connect(lambda: self.busy.setVisible(ctx.runner.busy()))
        self._busy_timer.start()

    def _shortcuts(self) -> None:
        bindings = [("Ctrl+F", self._focus_search), ("Ctrl+P", self.toggle_proxy),
                    ("Ctrl+K", self.open_connect)]
        for keys, slot in bindings:
            QShortcut(QKeySequence(keys), self).activated.connect(slot)
        copy = QShortcut(QKeySequence.StandardKey.Copy, self.traffic.table)
        copy.setContext(Qt.ShortcutContext.WidgetShortcut)
        copy.activated.connect(self.copy_json)

    def apply_theme(self) -> None:
        colors = self.ctx.theme.colors
        for page in (self.traffic, self.savings.page, self.tools, self.retrievals):
            if page is not None:
                page.set_colors(colors)
        self.topbar.set_colors(colors)

    def _build_savings(self) -> QWidget:
        """Imported on first visit: pyqtgraph alone costs most of a second at start-up, and the
        window must open (with the traffic table filled) in well under two seconds."""
        from app.views.savings import SavingsPage

        page = SavingsPage()
        page.set_colors(self.ctx.theme.colors)
        self.live.savings.connect(page.show_data)
        page.range_changed.connect(self.live.set_range)
        return page

    # --- slots --------------------------------------------------------------------------------
    def _on_page(self, row: int) -> None:
        if 0 <= row < len(self.page_keys):
            widget = self.stack.widget(row)
            if isinstance(widget, LazyPage):
                widget.materialize()
            self.stack.setCurrentIndex(row)
            self.live.show_page(self.page_keys[row])

    def _on_proxy(self, status: ProxyStatus) -> None:
        self.topbar.set_status(status)
        if status.state is ProxyState.FAILED and status.port_in_use:
            self.statusBar().showMessage(
                f"Port {status.port} is taken. Use the suggested port, or pick one in Settings.")

    def _focus_search(self) -> None:
        self.show_page("traffic")
        self.traffic.focus_search()

    def toggle_proxy(self) -> None:
        if self.ctx.proxy.status.state in (ProxyState.RUNNING, ProxyState.STARTING):
            self.ctx.proxy.stop()
        else:
            self.ctx.proxy.start()

    def _use_port(self, port: int) -> None:
        self.settings_page.port.setValue(port)
        self.save_settings(self.settings_page.values())

    def open_connect(self) -> None:
        status = self.ctx.proxy.status
        ConnectDialog(status.host, status.port, self).exec()

    def open_exchange(self, exchange_id: str) -> None:
        self.show_page("traffic")
        self.detail_loader.load(exchange_id)

    def run_demo(self) -> None:
        if self.ctx.start_demo is not None:
            actions.run(actions.StartDemo(self.ctx.start_demo), self.report)
            self.statusBar().showMessage("Demo running: requests go through the proxy to a "
                                         "built-in fake provider.", 8000)

    def copy_json(self) -> None:
        view = self.traffic.detail.view
        if view is not None:
            actions.run(actions.CopyText(exchange_json(view.exchange)), self.report)
            self.statusBar().showMessage("Exchange copied as JSON", 3000)

    def copy_curl(self) -> None:
        view = self.traffic.detail.view
        if view is not None:
            command = curl_command(view.exchange, self.ctx.proxy.status.base_url)
            actions.run(actions.CopyText(command), self.report)
            self.statusBar().showMessage("curl command copied", 3000)

    def _set_tool_mode(self, tool: str, mode: Mode | None) -> bool:
        """`mode` None: the tool follows the default mode for new tools again."""
        ok = actions.run(actions.SetToolMode(self.ctx.modes, tool, mode), self.report)
        if ok:
            default = self.ctx.settings.default_mode.value
            chosen = mode.value if mode else f"default mode ({default})"
            self.statusBar().showMessage(f"{tool}: {chosen} from the next request", 5000)
        return ok

    def save_settings(self, values: dict[str, object]) -> None:
        command = actions.SaveSettings(self.ctx.settings, values)
        if not actions.run(command, lambda text: self.settings_page.show_result(False, text)):
            return
        assert command.result is not None
        self.ctx.settings = command.result
        self.settings_page.load(command.result)
        self.settings_page.show_result(True, "Saved.")
        for callback in self.ctx.on_settings_saved:
            callback(command.result)
        if command.restart_proxy:
            self.ctx.proxy.set_address(command.result.host, command.result.port)
            self.traffic.snippets.set_address(command.result.host, command.result.port)

    def _set_scheme(self, scheme: str) -> None:
        self.ctx.theme.set_scheme(Scheme(scheme))
        self.ctx.prefs.setValue("scheme", scheme)

    def report(self, message: str) -> None:
        self.statusBar().showMessage(message, 10000)

    # --- state --------------------------------------------------------------------------------
    def _restore_state(self) -> None:
        prefs = self.ctx.prefs
        geometry = prefs.value("geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        split = prefs.value("traffic_split")
        if isinstance(split, QByteArray):
            self.traffic.split.restoreState(split)
        page = str(prefs.value("page", "traffic"))
        self.show_page(page if page in self.page_keys else "traffic")

    def closeEvent(self, event: QCloseEvent) -> None:
        prefs = self.ctx.prefs
        prefs.setValue("geometry", self.saveGeometry())
        prefs.setValue("traffic_split", self.traffic.split.saveState())
        prefs.setValue("page", self.current_page())
        prefs.sync()
        if self.ctx.bridge is not None:
            self.ctx.bridge.detach()
        super().closeEvent(event)
