"""What the user can do, as small command objects run behind one error boundary (`run`): a
failing action becomes a message in the window, never a crash and never a silent no-op. Widgets
build commands and hand them to `run`; the commands hold the logic and are testable headless."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from PySide6.QtGui import QGuiApplication

from engine.config import Mode, Settings, write_settings_file

log = logging.getLogger(__name__)
Report = Callable[[str], None]


class Command(Protocol):
    title: str

    def do(self) -> None: ...


class ModeStore(Protocol):
    def set_tool_mode(self, tool: str, mode: Mode | None) -> None: ...


def run(command: Command, report: Report) -> bool:
    """The one error boundary for user actions."""
    try:
        command.do()
    except Exception as err:
        log.exception("%s failed", command.title)
        report(f"{command.title} failed: {err}")
        return False
    return True


@dataclass
class SetToolMode:
    """Takes effect on the next request: the proxy's policy reads the store's in-memory modes.
    `mode` None forgets the tool's choice, so the default mode for new tools applies again."""

    store: ModeStore
    tool: str
    mode: Mode | None
    title: str = "Changing the tool's mode"

    def do(self) -> None:
        self.store.set_tool_mode(self.tool, Mode(self.mode) if self.mode is not None else None)


@dataclass
class SaveSettings:
    """Validate the edited values against the current settings and save them; `result` holds
    the new Settings and `restart_proxy` says whether the running proxy must pick them up."""

    current: Settings
    changes: dict[str, Any]
    title: str = "Saving settings"
    result: Settings | None = field(default=None, init=False)
    restart_proxy: bool = field(default=False, init=False)

    def do(self) -> None:
        new = self.current.replace(**self.changes)
        write_settings_file(new)
        self.result = new
        self.restart_proxy = new != self.current


@dataclass
class CopyText:
    text: str
    title: str = "Copying"

    def do(self) -> None:
        QGuiApplication.clipboard().setText(self.text)


@dataclass
class StartDemo:
    start: Callable[[], object]
    title: str = "Starting the demo"

    def do(self) -> None:
        self.start()
