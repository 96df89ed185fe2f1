"""Benchmark: the desktop app on a store with 100,000 recorded exchanges.

    .venv/bin/python tests/benchmarks/bench_gui.py [--rows 100000] [--keep DIR]

Builds the store once (cached in DIR between runs), then starts the real app in a fresh process
(offscreen) and reports: time from process start until the window is shown with the first page of
the traffic table filled; time to jump to the oldest row; time to re-sort by savings and to run a
full-text search; peak RSS. Targets: usable in < 2 s, < 500 MB RSS."""

from __future__ import annotations

import time

T0 = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def build_store(data_dir: Path, rows: int) -> None:
    from engine.conversation import Action, Decision, Exchange, Usage
    from engine.store.store import Store

    rng = random.Random(1)
    tools = ["read_log", "search_code", "query_db", "list_issues", "read_file", "web_fetch"]
    start = time.time() - rows * 6
    with Store.open(data_dir / "headroom.db") as store:
        for n in range(rows):
            tool = tools[n % len(tools)]
            before = rng.randrange(2_000, 60_000)
            after = before if n % 4 == 0 else int(before * rng.uniform(0.05, 0.5))
            request = json.dumps({"model": "gpt-4o", "messages": [
                {"role": "user", "content": f"question {n} about {tool}"}]}).encode()
            store.record(Exchange(
                provider="openai_chat", endpoint="/v1/chat/completions",
                model=rng.choice(["gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5"]),
                started_at=start + n * 6, mode="optimize" if n % 4 else "audit",
                status_code=200 if n % 50 else 500, tools=[tool], tokens_before=before,
                tokens_after=after, usage=Usage(after, 200, after // 3),
                proxy_overhead_ms=rng.uniform(1, 40), total_ms=rng.uniform(300, 4000),
                decisions=[Decision(1, 0, tool, "json", "smartcrusher", "optimize", before,
                                    after, Action.COMPRESSED, "kept 12 of 400 items")],
                original_request=request, sent_request=request, response=b"{}"))
            if n % 5000 == 4999:
                store.flush(60)
        store.flush(120)


def measure(data_dir: Path) -> dict[str, float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, Qt

    from app.launch import EngineParts, application, build_context
    from app.main_window import MainWindow
    from app.models.traffic import COL_SAVED, ID_ROLE
    from engine.config import load_settings

    def wait(condition: object, limit: float = 30.0) -> float:
        began = time.perf_counter()
        while not condition():  # type: ignore[operator]
            QCoreApplication.processEvents()
            time.sleep(0.002)
            if time.perf_counter() - began > limit:
                raise TimeoutError("condition not met")
        return time.perf_counter() - began

    app = application(["bench"])
    settings = load_settings({}, data_dir=data_dir)
    parts = EngineParts.open(settings)
    ctx = build_context(app, parts, lambda *_: (_ for _ in ()).throw(RuntimeError("no proxy")))
    window = MainWindow(ctx)
    window.show()
    model, table = window.traffic_model, window.traffic.table
    wait(lambda: model.rowCount() > 0 and model.data(model.index(0, 0), ID_ROLE) is not None)
    figures = {"open_to_first_page_s": time.perf_counter() - T0, "rows": model.rowCount()}
    table.scrollToBottom()
    last = model.rowCount() - 1
    figures["jump_to_oldest_s"] = wait(lambda: model.data(model.index(last, 0), ID_ROLE))
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    began = time.perf_counter()
    table.sortByColumn(COL_SAVED, Qt.SortOrder.DescendingOrder)
    wait(lambda: resets and model.data(model.index(0, 0), ID_ROLE) is not None)
    figures["sort_by_saved_s"] = time.perf_counter() - began
    began = time.perf_counter()
    window.traffic.filters.search.setText("question 4242")
    wait(lambda: model.rowCount() < 1000 and model.data(model.index(0, 0), ID_ROLE))
    figures["search_s"] = time.perf_counter() - began
    figures["search_hits"] = model.rowCount()
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    window.close()
    ctx.runner.wait(5000)
    parts.close()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, default=Path(tempfile.gettempdir()) / "headroom-bench")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0
    data_dir = args.keep / f"rows-{args.rows}"
    if not (data_dir / "headroom.db").exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        began = time.perf_counter()
        build_store(data_dir, args.rows)
        print(f"built {args.rows:,} exchanges in {time.perf_counter() - began:.1f} s")
    out = subprocess.run([sys.executable, __file__, "--measure", str(data_dir)], check=True,
                         capture_output=True, text=True, cwd=ROOT)
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    for name, value in figures.items():
        print(f"{name:24} {value:,.3f}" if isinstance(value, float) else f"{name:24} {value:,}")
    ok = figures["open_to_first_page_s"] < 2.0 and figures["peak_rss_mb"] < 500
    print("PASS" if ok else "FAIL", "(targets: usable < 2 s, RSS < 500 MB)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
