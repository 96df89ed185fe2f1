""""Connect your agent": the snippets that point an SDK, a shell or curl at the proxy, each with a
Copy button. Shown as a dialog from the top bar and inline on the empty Traffic page."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.snippets import Snippet, snippets
from app.theme import mono_font


class SnippetTabs(QTabWidget):
    def __init__(self, host: str, port: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDocumentMode(True)
        self.set_address(host, port)

    def set_address(self, host: str, port: int) -> None:
        current = self.currentIndex()
        self.clear()
        for snippet in snippets(host, port):
            self.addTab(_SnippetPane(snippet), snippet.title)
        self.setCurrentIndex(max(0, current))

    def code(self, index: int) -> str:
        pane = self.widget(index)
        return pane.snippet.code if isinstance(pane, _SnippetPane) else ""


class _SnippetPane(QWidget):
    def __init__(self, snippet: Snippet) -> None:
        super().__init__()
        self.snippet = snippet
        text = QPlainTextEdit(snippet.code, readOnly=True)
        text.setFont(mono_font())
        text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        text.setMaximumHeight(text.fontMetrics().lineSpacing() * 8 + 16)
        copy = QPushButton("Copy")
        copy.clicked.connect(self._copy)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(copy)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(text)
        layout.addLayout(row)

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.snippet.code)


class ConnectDialog(QDialog):
    def __init__(self, host: str, port: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Connect your agent")
        self.resize(640, 320)
        intro = QLabel(f"Point your agent's client at the proxy on <b>{host}:{port}</b>. "
                       "Requests pass through to the real provider with your own API key; "
                       "new tools start in <i>audit</i> mode, so nothing changes until you "
                       "switch a tool to <i>optimize</i>.", wordWrap=True)
        self.tabs = SnippetTabs(host, port)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
