"""Screenshot driver (run by packaging/screenshots.sh under Xvfb): opens the real app on a
fresh data dir, runs the demo through the embedded proxy to the built-in fake provider, switches
one tool to optimize, then shows each page and captures the screen with ImageMagick's `import`."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QCoreApplication

from app.demo import run_demo
from app.engine_parts import EngineParts
from app.launch import application, build_context, shutdown, start_demo
from app.main_window import MainWindow
from app.server import proxy_server
from engine.config import Mode, load_settings

PAGES = ["traffic", "savings", "tools", "retrievals", "settings"]


def free_port() -> int:
    """A real port (not 0), so the Settings page shows the address agents would use."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pump(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QCoreApplication.processEvents()
        time.sleep(0.01)


def capture(path: Path) -> None:
    tool = os.environ.get("HEADROOM_SCREENSHOT_IMPORT") or "import"
    subprocess.run([tool, "-window", "root", str(path)], check=True)


def select_best_saving(window: MainWindow) -> None:
    """Open the exchange with the largest saving, so the Traffic shot shows a real diff."""
    model = window.traffic_model
    rows = [(model.row_at(n), n) for n in range(model.rowCount())]
    best = max((r.tokens_before - r.tokens_after, n) for r, n in rows if r is not None)
    window.traffic.table.selectRow(best[1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--scheme", default="light")
    args = parser.parse_args()
    app = application(["headroom"])
    settings = load_settings({}, data_dir=args.data_dir, port=free_port(),
                             default_mode=Mode.AUDIT)
    parts = EngineParts.open(settings)
    ctx = build_context(app, parts, proxy_server)
    ctx.prefs.setValue("scheme", args.scheme)
    window = MainWindow(ctx)
    window.setGeometry(0, 0, 1440, 900)
    window.show()
    ctx.proxy.start()
    done = start_demo(parts, run_demo)
    while not done.is_set():
        pump(0.1)
    parts.store.set_tool_mode("read_log", Mode.OPTIMIZE)
    pump(2.0)
    select_best_saving(window)
    pump(1.5)
    for page in PAGES:
        window.show_page(page)
        pump(1.5)
        capture(args.out / f"{page}.png")
    window.show_page("traffic")
    window.traffic.detail.setCurrentIndex(0)
    pump(0.5)
    shutdown(window, ctx, parts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
