"""The app's commands: `headroom` opens the desktop; headless commands never import Qt;
`headroom demo` records real exchanges through the proxy against the fake provider."""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

import pytest

from app import cli
from app.commands import desktop
from app.commands.proxy import GIL_SWITCH_INTERVAL_S
from app.demo import TURNS
from app.settings_io import desktop_settings
from engine.config import Mode, Settings, write_settings_file
from engine.store import queries
from engine.store.reading import Reader


def test_no_argument_means_desktop() -> None:
    assert cli.DEFAULT_COMMAND == "desktop"
    args = cli.build_parser().parse_args(["desktop", "--port", "9999", "--no-proxy"])
    assert args.handler.__module__ == "app.commands.desktop"


def test_desktop_start_shortens_the_gil_switch_interval(data_dir: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[float] = []
    launcher = types.SimpleNamespace(run=lambda *a, **k: seen.append(sys.getswitchinterval()) or 0)
    monkeypatch.setattr(desktop.importlib, "import_module", lambda name: launcher)
    default = sys.getswitchinterval()
    try:
        assert cli.main(["desktop", "--data-dir", str(data_dir), "--no-proxy"]) == 0
    finally:
        sys.setswitchinterval(default)
    assert seen == [pytest.approx(GIL_SWITCH_INTERVAL_S)]


def test_cli_import_does_not_load_qt() -> None:
    code = "import sys, app.cli; sys.exit('PySide6' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_desktop_defaults_new_tools_to_audit_unless_saved(data_dir: Path) -> None:
    args = cli.build_parser().parse_args(["desktop", "--data-dir", str(data_dir)])
    assert desktop_settings(args, {}).default_mode is Mode.AUDIT
    write_settings_file(Settings(data_dir=data_dir, default_mode=Mode.OPTIMIZE, port=9000))
    settings = desktop_settings(args, {})
    assert settings.default_mode is Mode.OPTIMIZE and settings.port == 9000
    flagged = cli.build_parser().parse_args(["desktop", "--data-dir", str(data_dir),
                                             "--port", "9100"])
    assert desktop_settings(flagged, {}).port == 9100


def test_demo_command_records_exchanges_and_a_retrieval(data_dir: Path, capsys: object) -> None:
    assert cli.main(["demo", "--data-dir", str(data_dir)]) == 0
    reader = Reader(data_dir / "headroom.db")
    try:
        count = queries.count_exchanges(reader)
        rows = queries.list_exchanges(reader, limit=50)
        retrievals = queries.retrieval_events(reader)
    finally:
        reader.close()
    assert count == 2 * len(TURNS)
    assert {r.provider for r in rows} == {"openai_chat", "anthropic_messages"}
    assert any(r.tokens_after < r.tokens_before for r in rows)  # the optimize round saved
    assert retrievals and retrievals[0].hit
