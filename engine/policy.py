"""Per-tool mode: audit (compress and record, send the original), optimize (send compressed),
off (leave alone). Modes are looked up per tool result; a request header may override them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from engine.config import Mode


class ToolModes(Protocol):
    """Where per-tool modes live (the store, so the GUI can flip them)."""

    def tool_mode(self, tool_name: str) -> Mode | None: ...


@dataclass(frozen=True)
class ToolPolicy:
    default_mode: Mode
    modes: ToolModes | None = None
    override: Mode | None = None

    def mode_for(self, tool_name: str | None) -> Mode:
        if self.override is not None:
            return self.override
        if tool_name is None:
            return self.default_mode
        stored = self.modes.tool_mode(tool_name) if self.modes else None
        return stored if stored is not None else self.default_mode


def parse_mode_header(value: str | None) -> Mode | None:
    """`x-headroom-mode: audit|optimize|off`; raises ValueError with the allowed values."""
    if value is None or not value.strip():
        return None
    try:
        return Mode(value.strip().lower())
    except ValueError:
        allowed = ", ".join(m.value for m in Mode)
        raise ValueError(f"x-headroom-mode must be one of {allowed}, got {value!r}") from None
