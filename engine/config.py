"""One typed Settings object: built once at start (CLI flags > environment > defaults),
validated, and passed down explicitly. No module reads os.environ on its own."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import platformdirs

DATA_DIR_ENV = "HEADROOM_DATA_DIR"
SETTINGS_FILE = "settings.json"
# What the desktop's Settings page may change and save to <data_dir>/settings.json.
PERSISTED_FIELDS = ("host", "port", "openai_upstream", "anthropic_upstream", "default_mode",
                    "body_storage", "ccr_ttl_seconds", "ccr_max_bytes")


class Mode(StrEnum):
    AUDIT = "audit"
    OPTIMIZE = "optimize"
    OFF = "off"


class BodyStorage(StrEnum):
    FULL = "full"
    REDACTED = "redacted"
    NONE = "none"


class SettingsError(ValueError):
    """A setting has a value that cannot work; the message says which and why."""


def default_data_dir(environ: Mapping[str, str]) -> Path:
    if environ.get(DATA_DIR_ENV):
        return Path(environ[DATA_DIR_ENV]).expanduser()
    return Path(platformdirs.user_data_dir("headroom", appauthor=False))


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8787
    openai_upstream: str = "https://api.openai.com/v1"
    anthropic_upstream: str = "https://api.anthropic.com"
    default_mode: Mode = Mode.OPTIMIZE
    body_storage: BodyStorage = BodyStorage.FULL
    ccr_ttl_seconds: int = 7 * 24 * 3600
    ccr_max_bytes: int = 512 * 1024 * 1024
    min_tokens_to_compress: int = 500
    max_body_bytes: int = 64 * 1024 * 1024
    max_retrieval_rounds: int = 3
    upstream_timeout_seconds: float = 600.0
    compress_non_tool_blocks: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def db_path(self) -> Path:
        return self.data_dir / "headroom.db"

    @property
    def ccr_path(self) -> Path:
        return self.data_dir / "ccr.db"

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes).validated()

    def validated(self) -> Settings:
        _check_port(self.port)
        for name in ("openai_upstream", "anthropic_upstream"):
            _check_url(name, getattr(self, name))
        if self.ccr_ttl_seconds < 60:
            raise SettingsError("ccr_ttl_seconds must be at least 60 seconds")
        if self.ccr_max_bytes < 1024 * 1024:
            raise SettingsError("ccr_max_bytes must be at least 1 MiB")
        if self.min_tokens_to_compress < 0:
            raise SettingsError("min_tokens_to_compress must not be negative")
        if self.max_body_bytes < 1024:
            raise SettingsError("max_body_bytes must be at least 1 KiB")
        if not 0 <= self.max_retrieval_rounds <= 20:
            raise SettingsError("max_retrieval_rounds must be between 0 and 20")
        return dataclasses.replace(self, default_mode=Mode(self.default_mode),
                                   body_storage=BodyStorage(self.body_storage))


def _check_port(port: int) -> None:
    if not 0 <= port <= 65535:
        raise SettingsError(f"port {port} is outside 0-65535")


def _check_url(name: str, url: str) -> None:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise SettingsError(f"{name} must be an http(s) URL, got {url!r}")


def load_settings(environ: Mapping[str, str], data_dir: str | Path | None = None,
                  **overrides: Any) -> Settings:
    """Build and validate Settings. `data_dir` (the --data-dir flag) beats HEADROOM_DATA_DIR.
    Overrides that are None are ignored, so CLI parsers can pass every flag through; they beat
    what the Settings page saved in <data_dir>/settings.json, which beats the defaults."""
    path = Path(data_dir).expanduser() if data_dir else default_data_dir(environ)
    given = read_settings_file(path) | {k: v for k, v in overrides.items() if v is not None}
    try:
        settings = Settings(data_dir=path, **given)
    except TypeError as err:
        raise SettingsError(str(err)) from err
    try:
        return settings.validated()
    except ValueError as err:
        raise SettingsError(str(err)) from err


def read_settings_file(data_dir: Path) -> dict[str, Any]:
    """The saved subset of settings (PERSISTED_FIELDS) from <data_dir>/settings.json, or {}."""
    path = data_dir / SETTINGS_FILE
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise SettingsError(f"{path} is not readable JSON: {err}") from err
    if not isinstance(data, dict):
        raise SettingsError(f"{path} must hold a JSON object")
    return {k: v for k, v in data.items() if k in PERSISTED_FIELDS}


def write_settings_file(settings: Settings) -> Path:
    """Save the persisted fields of already validated settings; atomic replace."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = settings.data_dir / SETTINGS_FILE
    data = {name: getattr(settings, name) for name in PERSISTED_FIELDS}
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path
