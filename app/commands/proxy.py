"""`headroom proxy`: the compressing proxy without the desktop app (default mode: optimize)."""

from __future__ import annotations

import argparse
import signal
import sys

from app.engine_parts import EngineParts
from engine.config import Mode, load_settings
from engine.proxy.app import create_app
from engine.proxy.server import ProxyServer

NAME = "proxy"
HELP = "run the local OpenAI/Anthropic-compatible compressing proxy (no window)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=None, help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="port (default 8787)")
    parser.add_argument("--openai-upstream", default=None, metavar="URL",
                        help="OpenAI-compatible base URL, with /v1 (default api.openai.com/v1)")
    parser.add_argument("--anthropic-upstream", default=None, metavar="URL",
                        help="Anthropic base URL, without /v1 (default api.anthropic.com)")
    parser.add_argument("--mode", choices=[Mode.AUDIT.value, Mode.OPTIMIZE.value],
                        default=Mode.OPTIMIZE.value,
                        help="mode for tools without a stored mode (default optimize)")


# Compression runs on worker threads; with CPython's default 5 ms GIL switch interval a busy
# compressor delays the event loop by up to 5 ms at every handoff. 1 ms keeps pass-through
# requests responsive while 30k-token outputs are compressed (see tests/benchmarks/bench_proxy.py).
GIL_SWITCH_INTERVAL_S = 0.001


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
    signal.signal(signal.SIGTERM, _interrupt)  # a service manager's stop ends as cleanly as ^C
    settings = load_settings(args.environ, args.data_dir, host=args.host, port=args.port,
                             openai_upstream=args.openai_upstream,
                             anthropic_upstream=args.anthropic_upstream,
                             default_mode=Mode(args.mode))
    parts = EngineParts.open(settings)
    server = ProxyServer(create_app(settings, parts.store, parts.pipeline, ccr=parts.ccr),
                         settings.host, settings.port, log_level="info")
    try:
        server.start()
        if not server.wait_started(timeout=30):
            print(f"headroom: proxy did not start: {server.error!r}", file=sys.stderr)
            return 1
        print(f"Headroom proxy on {server.url} (mode {settings.default_mode.value}); "
              f"OpenAI base_url={server.url}/v1, Anthropic base_url={server.url}. Ctrl+C stops.",
              flush=True)
        server.wait()
    except KeyboardInterrupt:
        print("stopping", file=sys.stderr)
    finally:
        server.stop()
        parts.close()
    return 0 if server.error is None else 1
