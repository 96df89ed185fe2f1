"""`headroom` entry point. No argument opens the desktop app; subcommands run headless and never
start Qt. Each command lives in `app/commands/<name>.py` with `add_parser()` and `run()`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from app.commands import compress, demo, desktop, proxy, retrieve, tokens
from engine.config import SettingsError

# Order is the order shown in --help. Each module: NAME, HELP, add_arguments(parser), run(args).
COMMANDS: list[ModuleType] = [tokens, compress, retrieve, proxy, desktop, demo]
DEFAULT_COMMAND: str | None = "desktop"

DESCRIPTION = ("Context optimization for LLM agents: a compressing local proxy and a desktop app "
               "that shows what it did. With no command, opens the desktop app.")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="headroom", description=DESCRIPTION)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS:
        command = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        command.add_argument("--data-dir", metavar="DIR",
                             help="where Headroom keeps its data (also $HEADROOM_DATA_DIR)")
        module.add_arguments(command)
        command.set_defaults(handler=module.run)
    return parser


def with_default_command(args: list[str]) -> list[str]:
    """No command, or only options (`headroom --data-dir X`), means the default command."""
    starts_with_option = bool(args) and args[0].startswith("-") and args[0] not in ("-h", "--help")
    if DEFAULT_COMMAND and (not args or starts_with_option):
        return [DEFAULT_COMMAND, *args]
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args_list = with_default_command(list(sys.argv[1:] if argv is None else argv))
    parser = build_parser()
    args = parser.parse_args(args_list)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    args.environ = dict(os.environ)
    try:
        return int(args.handler(args) or 0)
    except SettingsError as err:
        print(f"headroom: {err}", file=sys.stderr)
        return 2
    except OSError as err:  # unreadable input file, unwritable data dir: say so, no traceback
        print(f"headroom: {err.strerror or err}: {err.filename or ''}".rstrip(": "),
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
