"""Acceptance: the real app, the real proxy thread, a fake provider on loopback and the real
`openai` SDK. A request appears in the table; its diff shows the compressed block; flipping the
tool from audit to optimize changes what the next request sends upstream."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openai import OpenAI
from PySide6.QtWidgets import QApplication

from app import demo_data
from app.context import AppContext
from app.engine_parts import EngineParts
from app.fake_upstream import FakeProvider, UpstreamThread
from app.launch import build_context
from app.main_window import MainWindow
from app.models.tools import COL_MODE
from app.models.traffic import COL_TOOLS, ID_ROLE
from app.proxy_thread import ProxyState
from app.server import proxy_server
from engine.config import Mode, load_settings

LOG = demo_data.service_log(1200)
# A new tool output: blocks already sent keep their bytes (prompt caches), new ones follow the mode.
NEXT_LOG = demo_data.service_log(1200, seed=8)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def provider() -> Iterator[UpstreamThread]:
    thread = UpstreamThread(FakeProvider()).start()
    yield thread
    thread.stop()


@pytest.fixture
def running(qtbot: Any, data_dir: Path, provider: UpstreamThread
            ) -> Iterator[tuple[MainWindow, AppContext, EngineParts]]:
    settings = load_settings({}, data_dir=data_dir, port=free_port(), default_mode=Mode.AUDIT,
                             openai_upstream=provider.openai_url,
                             anthropic_upstream=provider.anthropic_url)
    parts = EngineParts.open(settings)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    ctx = build_context(app, parts, proxy_server)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    ctx.proxy.start()
    qtbot.waitUntil(lambda: ctx.proxy.status.state is ProxyState.RUNNING, timeout=15_000)
    yield window, ctx, parts
    window.close()
    ctx.proxy.stop_blocking()
    ctx.runner.wait(5000)
    parts.close()


def sent_tool_output(provider: UpstreamThread) -> str:
    body = json.loads(provider.app.received[-1])
    return str(body["messages"][-1]["content"])


def ask(port: int, log: str = LOG) -> str:
    client = OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="sk-test", max_retries=0)
    reply = client.chat.completions.create(model="gpt-4o", messages=[
        {"role": "user", "content": "Why does checkout fail?"},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_1", "type": "function",
             "function": {"name": "read_log", "arguments": '{"path": "app.log"}'}}]},
        {"role": "tool", "tool_call_id": "call_1", "content": log},
    ])
    return reply.choices[0].message.content or ""


def test_request_appears_diff_shows_and_mode_flip_changes_upstream(
        running: tuple[MainWindow, AppContext, EngineParts], provider: UpstreamThread,
        qtbot: Any) -> None:
    window, ctx, parts = running
    port = ctx.proxy.status.port
    assert "error markers" in ask(port)
    model = window.traffic_model
    qtbot.waitUntil(lambda: model.rowCount() == 1 and model.data(model.index(0, 0), ID_ROLE),
                    timeout=10_000)
    qtbot.waitUntil(lambda: model.data(model.index(0, COL_TOOLS)) is not None, timeout=5000)
    assert model.data(model.index(0, COL_TOOLS)) == "read_log"
    assert sent_tool_output(provider) == LOG  # audit: the original went upstream

    window.traffic.table.selectRow(0)
    diff = window.traffic.detail.diff
    qtbot.waitUntil(lambda: diff.model.rowCount() > 0, timeout=10_000)
    block = diff.model.row_at(0)
    assert block is not None and block.changed and block.decision.tool_name == "read_log"
    assert block.decision.mode == "audit"
    assert len(block.after) < len(block.before) and block.before.strip() == LOG.strip()
    assert diff.after.toPlainText() == block.after and block.removed_lines

    window.show_page("tools")
    qtbot.waitUntil(lambda: window.tools_model.row_for_tool("read_log") is not None)
    row = window.tools_model.row_for_tool("read_log")
    assert row is not None
    assert window.tools_model.setData(window.tools_model.index(row, COL_MODE), "optimize")
    assert parts.store.tool_mode("read_log") is Mode.OPTIMIZE

    ask(port, NEXT_LOG)
    sent = sent_tool_output(provider)
    assert sent != NEXT_LOG and len(sent) < len(NEXT_LOG) // 2  # optimize: compressed went up
    assert "payment authorization failed" in sent  # errors kept verbatim
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=10_000)
