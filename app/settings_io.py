"""Settings for the app's commands: CLI flags beat what the Settings page saved, which beats the
desktop's own defaults (new tools start in audit in the app, unlike the headless proxy)."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from engine.config import Mode, Settings, default_data_dir, load_settings, read_settings_file

DESKTOP_DEFAULTS: dict[str, Any] = {"default_mode": Mode.AUDIT}


def add_proxy_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="address the embedded proxy listens on (127.0.0.1)")
    parser.add_argument("--port", type=int, help="port of the embedded proxy (8787)")
    parser.add_argument("--openai-upstream", metavar="URL",
                        help="where OpenAI requests go, including /v1")
    parser.add_argument("--anthropic-upstream", metavar="URL",
                        help="where Anthropic requests go, without /v1")


def desktop_settings(args: argparse.Namespace, environ: Mapping[str, str]) -> Settings:
    data_dir = Path(args.data_dir).expanduser() if args.data_dir else default_data_dir(environ)
    flags = {"host": args.host, "port": args.port, "openai_upstream": args.openai_upstream,
             "anthropic_upstream": args.anthropic_upstream}
    given = {k: v for k, v in flags.items() if v is not None}
    return load_settings(environ, data_dir, **(DESKTOP_DEFAULTS | read_settings_file(data_dir)
                                               | given))
