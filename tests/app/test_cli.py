"""The `headroom` argument line: no command, or only options, opens the default command."""

from __future__ import annotations

from app.cli import build_parser, with_default_command
from app.commands.desktop import missing_display


def test_options_without_a_command_go_to_the_desktop() -> None:
    assert with_default_command([]) == ["desktop"]
    assert with_default_command(["--data-dir", "/x"]) == ["desktop", "--data-dir", "/x"]
    args = build_parser().parse_args(with_default_command(["--data-dir", "/x", "--no-proxy"]))
    assert args.data_dir == "/x" and args.handler.__module__ == "app.commands.desktop"


def test_commands_and_help_are_left_alone() -> None:
    assert with_default_command(["proxy", "--port", "1"]) == ["proxy", "--port", "1"]
    assert with_default_command(["--help"]) == ["--help"]


def test_a_machine_without_a_display_gets_a_useful_message() -> None:
    message = missing_display({}, platform="linux")
    assert message is not None and "headroom proxy" in message
    assert missing_display({"DISPLAY": ":0"}, platform="linux") is None
    assert missing_display({"QT_QPA_PLATFORM": "offscreen"}, platform="linux") is None
    assert missing_display({}, platform="darwin") is None
