"""Settings: upstream URLs, address, default mode for new tools, body storage, CCR retention and
appearance. Values are validated by engine.config when saved (errors shown inline) and persisted
to <data_dir>/settings.json; the proxy restarts to pick them up."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.theme import Scheme
from engine.config import BodyStorage, Mode, Settings

DAY = 86_400
MIB = 1024 * 1024
FORM_WIDTH = 1200
FIELD_WIDTH = 380


class SettingsPage(QWidget):
    save_requested = Signal(dict)
    scheme_changed = Signal(str)

    def __init__(self, settings: Settings, scheme: Scheme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.openai = QLineEdit()
        self.anthropic = QLineEdit()
        self.host = QLineEdit()
        self.port = QSpinBox(minimum=1, maximum=65535)
        self.default_mode = _combo([m.value for m in Mode])
        self.body_storage = _combo([b.value for b in BodyStorage])
        self.ccr_days = QSpinBox(minimum=1, maximum=365, suffix=" days")
        self.ccr_mib = QSpinBox(minimum=1, maximum=1024 * 1024, suffix=" MiB", singleStep=64)
        self.data_dir = QLabel()
        self.scheme = _combo([s.value for s in Scheme])
        self.scheme.setCurrentText(scheme.value)
        self.scheme.currentTextChanged.connect(self.scheme_changed)
        self.message = QLabel(wordWrap=True)
        save, revert = QPushButton("Save"), QPushButton("Revert")
        save.clicked.connect(lambda: self.save_requested.emit(self.values()))
        revert.clicked.connect(lambda: self.load(self._settings))
        self._settings = settings
        self.load(settings)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addWidget(QLabel("Settings", objectName="pageTitle"))
        form = QWidget(maximumWidth=FORM_WIDTH)
        form.setLayout(self._form())
        layout.addWidget(form)
        buttons = QHBoxLayout()
        buttons.addWidget(save)
        buttons.addWidget(revert)
        buttons.addWidget(self.message, 1)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def _form(self) -> QFormLayout:
        form = QFormLayout()
        rows: list[tuple[str, QWidget, str]] = [
            ("OpenAI upstream", self.openai, "includes /v1, e.g. http://127.0.0.1:8080/v1 for "
                                             "a local llama.cpp server"),
            ("Anthropic upstream", self.anthropic, "without /v1"),
            ("Listen on host", self.host, "127.0.0.1 keeps the proxy private to this machine"),
            ("Port", self.port, "agents connect to http://host:port/v1"),
            ("Default mode for new tools", self.default_mode,
             "audit records what would be saved and sends the original"),
            ("Recorded bodies", self.body_storage, "redacted masks keys and secrets; none keeps "
                                                   "metadata only (no diffs)"),
            ("Keep originals for retrieval", self.ccr_days,
             "how long the model can still ask for omitted content"),
            ("Retrieval store size limit", self.ccr_mib, "oldest entries are evicted first"),
            ("Data directory", self.data_dir, "set with --data-dir or HEADROOM_DATA_DIR"),
            ("Appearance", self.scheme, "system follows the desktop's light or dark setting"),
        ]
        for label, widget, hint in rows:
            form.addRow(label, _with_hint(widget, hint))
        return form

    def load(self, settings: Settings) -> None:
        self._settings = settings
        self.openai.setText(settings.openai_upstream)
        self.anthropic.setText(settings.anthropic_upstream)
        self.host.setText(settings.host)
        self.port.setValue(settings.port)
        self.default_mode.setCurrentText(str(settings.default_mode))
        self.body_storage.setCurrentText(str(settings.body_storage))
        self.ccr_days.setValue(max(1, round(settings.ccr_ttl_seconds / DAY)))
        self.ccr_mib.setValue(max(1, settings.ccr_max_bytes // MIB))
        self.data_dir.setText(str(settings.data_dir))

    def values(self) -> dict[str, Any]:
        return {"openai_upstream": self.openai.text().strip(),
                "anthropic_upstream": self.anthropic.text().strip(),
                "host": self.host.text().strip(), "port": self.port.value(),
                "default_mode": Mode(self.default_mode.currentText()),
                "body_storage": BodyStorage(self.body_storage.currentText()),
                "ccr_ttl_seconds": self.ccr_days.value() * DAY,
                "ccr_max_bytes": self.ccr_mib.value() * MIB}

    def show_result(self, ok: bool, text: str) -> None:
        self.message.setObjectName("goodText" if ok else "errorText")
        self.message.setText(text)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)


def _combo(values: list[str]) -> QComboBox:
    combo = QComboBox()
    combo.addItems(values)
    return combo


def _with_hint(widget: QWidget, hint: str) -> QWidget:
    """Every field the same width, its hint beside it, so the form reads as one column."""
    widget.setFixedWidth(FIELD_WIDTH)
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(widget)
    layout.addWidget(QLabel(hint, objectName="muted"), 1)
    return box
