"""The `headroom` argument line: no command, or only options, opens the default command."""

from __future__ import annotations

from app.cli import build_parser, with_default_command


def test_options_without_a_command_go_to_the_desktop() -> None:
    assert with_default_command([]) == ["desktop"]
    assert with_default_command(["--data-dir", "/x"]) == ["desktop", "--data-dir", "/x"]
    args = build_parser().parse_args(with_default_command(["--data-dir", "/x", "--no-proxy"]))
    assert args.data_dir == "/x" and args.handler.__module__ == "app.commands.desktop"


def test_commands_and_help_are_left_alone() -> None:
    assert with_default_command(["proxy", "--port", "1"]) == ["proxy", "--port", "1"]
    assert with_default_command(["--help"]) == ["--help"]
