"""`headroom demo`: record demo traffic without a window. It starts a proxy on a free port against
the built-in fake provider, sends realistic agent requests through it, and prints what happened;
`headroom` then shows the exchanges."""

from __future__ import annotations

import argparse

from app.demo import run_demo
from app.engine_parts import EngineParts
from app.settings_io import desktop_settings

NAME = "demo"
HELP = "record demo traffic through the proxy against a built-in fake provider"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults(host=None, port=None, openai_upstream=None, anthropic_upstream=None)


def run(args: argparse.Namespace) -> int:
    parts = EngineParts.open(desktop_settings(args, args.environ))
    try:
        statuses = run_demo(parts, print)
        parts.store.flush(30)
    finally:
        parts.close()
    failed = [s for s in statuses if s >= 400]
    print(f"{len(statuses)} demo requests recorded in {parts.settings.data_dir}"
          + (f"; {len(failed)} failed" if failed else ""))
    return 1 if failed else 0
