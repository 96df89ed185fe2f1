"""The window with an in-memory repository and a fake server: navigation, shortcuts, theme,
empty state, tool modes and settings, without a proxy or a database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.context import AppContext, prefs_for
from app.main_window import MainWindow
from app.models.tools import COL_MODE
from app.proxy_thread import ProxyController, ProxyState
from app.repository import ToolRow
from app.tasks import Runner
from app.theme import Scheme, ThemeManager
from engine.config import Mode, load_settings, read_settings_file
from tests.app.fakes import FakeModes, FakeRepository, row


class FakeServer:
    def __init__(self, host: str, port: int) -> None:
        self.url = f"http://{host}:{port}"
        self.error: BaseException | None = None
        self.running = False

    def start(self) -> None:
        self.running = True

    def stop(self) -> None:
        self.running = False

    def wait_started(self, timeout: float | None = None) -> bool:
        return True


@pytest.fixture
def window(qtbot: Any, data_dir: Path) -> MainWindow:
    return _window(qtbot, data_dir, FakeRepository([row(n) for n in range(40)], tool_rows=[
        ToolRow("search_files", 12, 90_000, 0, 81_000, 0.9, 0.1, "audit")]))


def _window(qtbot: Any, data_dir: Path, repo: FakeRepository) -> MainWindow:
    settings = load_settings({}, data_dir=data_dir, port=0)
    runner = Runner()
    ctx = AppContext(settings, repo, FakeModes(),
                     ProxyController(FakeServer, Runner(max_threads=1), "127.0.0.1", 18787),
                     ThemeManager(QApplication.instance(), Scheme.LIGHT),  # type: ignore[arg-type]
                     prefs_for(settings), runner)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.traffic_model.rowCount() == len(repo.rows)
                    and not runner.busy())
    return win


def test_pages_and_shortcuts(window: MainWindow, qtbot: Any) -> None:
    assert window.page_keys == ["traffic", "savings", "tools", "retrievals", "settings"]
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() == "tools"
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() == "traffic"
    assert window.traffic.filters.search.hasFocus()


def test_tool_mode_flip_goes_through_the_action(window: MainWindow, qtbot: Any) -> None:
    window.show_page("tools")
    qtbot.waitUntil(lambda: window.tools_model.rowCount() == 1)
    index = window.tools_model.index(0, COL_MODE)
    assert window.tools_model.setData(index, "optimize")
    assert window.ctx.modes.modes == {"search_files": Mode.OPTIMIZE}  # type: ignore[attr-defined]
    assert index.data() == "optimize"
    assert window.tools_model.setData(index, "default")
    assert window.ctx.modes.modes == {}  # type: ignore[attr-defined]
    assert index.data() == f"{window.ctx.settings.default_mode.value} (default)"
    assert "default mode" in window.statusBar().currentMessage()


def test_settings_validate_and_persist(window: MainWindow, data_dir: Path) -> None:
    page = window.settings_page
    page.openai.setText("not a url")
    window.save_settings(page.values())
    assert "openai_upstream" in page.message.text()
    page.openai.setText("http://127.0.0.1:8080/v1")
    page.default_mode.setCurrentText("audit")
    window.save_settings(page.values())
    saved = read_settings_file(data_dir)
    assert saved["openai_upstream"] == "http://127.0.0.1:8080/v1"
    assert saved["default_mode"] == "audit"
    assert load_settings({}, data_dir=data_dir).openai_upstream == "http://127.0.0.1:8080/v1"


def test_empty_state_teaches(qtbot: Any, data_dir: Path) -> None:
    win = _window(qtbot, data_dir, FakeRepository())
    assert win.traffic.stack.currentIndex() == 1
    assert "8787" in win.traffic.snippets.code(0) or "base_url" in win.traffic.snippets.code(0)


def test_proxy_toggle_and_state_restore(window: MainWindow, qtbot: Any) -> None:
    window.ctx.proxy.start()
    qtbot.waitUntil(lambda: window.ctx.proxy.status.state is ProxyState.RUNNING)
    assert "Proxy on http://127.0.0.1:18787/v1" in window.topbar.address.text()
    window.toggle_proxy()
    qtbot.waitUntil(lambda: window.ctx.proxy.status.state is ProxyState.STOPPED)
    window.show_page("savings")
    window.close()
    assert window.ctx.prefs.value("page") == "savings"
