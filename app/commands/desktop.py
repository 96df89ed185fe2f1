"""`headroom` / `headroom desktop`: open the desktop app with its embedded proxy.

Qt is imported only when this command runs: `headroom proxy` and the other headless commands
share the CLI module and must work on machines without a display or Qt's system libraries."""

from __future__ import annotations

import argparse
import importlib
import sys

from app.commands.proxy import GIL_SWITCH_INTERVAL_S
from app.demo import run_demo
from app.server import proxy_server
from app.settings_io import add_proxy_arguments, desktop_settings

NAME = "desktop"
HELP = "open the desktop app (the default when no command is given)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_proxy_arguments(parser)
    parser.add_argument("--no-proxy", action="store_true",
                        help="open without starting the proxy (browse recorded traffic)")
    parser.add_argument("--demo", action="store_true",
                        help="send demo traffic through the proxy to a built-in fake provider")


def missing_display(environ: dict[str, str], platform: str = sys.platform) -> str | None:
    """Why a window cannot open here, or None. Qt's own message for this ("reinstalling the
    application may fix this problem") sends users the wrong way."""
    graphical = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    if not platform.startswith("linux") or any(environ.get(name) for name in graphical):
        return None
    return ("no display found (DISPLAY and WAYLAND_DISPLAY are unset); run `headroom proxy` "
            "for the proxy without a window, or start the app inside a desktop session")


def run(args: argparse.Namespace) -> int:
    problem = missing_display(args.environ)
    if problem:
        print(f"headroom: {problem}", file=sys.stderr)
        return 2
    # The window, the proxy's event loop and compression share one interpreter: like the
    # headless proxy, hand the GIL over more often so a compressing worker thread does not hold
    # up pass-through requests (nor the GUI). Set here, when the desktop starts, not at import.
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
    settings = desktop_settings(args, args.environ)
    launch = importlib.import_module("app.launch")
    return int(launch.run(settings, proxy_server, demo=run_demo,
                          start_proxy=not args.no_proxy, demo_at_start=args.demo))
