"""Demo traffic: a handful of realistic agent turns (read a log, search code, query a database,
list issues, read a module), sent as real OpenAI and Anthropic requests through the proxy to the
built-in fake provider. A new user sees genuine diffs, savings and a retrieval, made by the same
code path their own agent will take. Tagged with session "demo"."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from app import demo_data
from app.engine_parts import EngineParts
from app.fake_upstream import FakeProvider, UpstreamThread
from app.server import proxy_server

SESSION = "demo"


@dataclass(frozen=True)
class Turn:
    question: str
    tool: str
    arguments: dict[str, Any]
    output: Callable[[int], str]  # round number -> the tool's output in that round
    anthropic: bool = False
    stream: bool = False


TURNS = [
    Turn("Why is checkout failing in production? Show me the full list of errors.", "read_log",
         {"path": "/var/log/shop/app.log"}, lambda n: demo_data.service_log(seed=7 + n)),
    Turn("Where do we validate coupon codes?", "search_code", {"query": "coupon"},
         lambda n: demo_data.search_hits(seed=11 + n), stream=True),
    Turn("Which payments failed yesterday, and why?", "query_db",
         {"sql": "SELECT * FROM payments WHERE created_at >= now() - interval '1 day'"},
         lambda n: demo_data.db_rows(seed=5 + n), anthropic=True),
    Turn("Summarize the open bugs for the v3.2 milestone.", "list_issues",
         {"label": "bug", "state": "open"}, lambda n: demo_data.issue_list(seed=3 + n)),
    Turn("Explain the pricing rules module.", "read_file", {"path": "src/pricing/rules.py"},
         lambda n: demo_data.python_module(60 + n), anthropic=True, stream=True),
]


def openai_body(turn: Turn, round_no: int, model: str = "gpt-4o") -> dict[str, Any]:
    call_id = f"call_{turn.tool}"
    return {
        "model": model, "stream": turn.stream,
        **({"stream_options": {"include_usage": True}} if turn.stream else {}),
        "messages": [
            {"role": "system", "content": "You are a careful engineering assistant."},
            {"role": "user", "content": turn.question},
            {"role": "assistant", "content": None, "tool_calls": [
                {"id": call_id, "type": "function",
                 "function": {"name": turn.tool, "arguments": json.dumps(turn.arguments)}}]},
            {"role": "tool", "tool_call_id": call_id, "content": turn.output(round_no)},
        ],
        "tools": [_openai_tool(turn.tool)],
    }


def anthropic_body(turn: Turn, round_no: int,
                   model: str = "claude-sonnet-4-5") -> dict[str, Any]:
    call_id = f"toolu_{turn.tool}"
    return {
        "model": model, "max_tokens": 1024, "stream": turn.stream,
        "system": "You are a careful engineering assistant.",
        "messages": [
            {"role": "user", "content": turn.question},
            {"role": "assistant", "content": [
                {"type": "tool_use", "id": call_id, "name": turn.tool, "input": turn.arguments}]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": call_id,
                 "content": turn.output(round_no)}]},
        ],
        "tools": [{"name": turn.tool, "description": f"The agent's {turn.tool} tool",
                   "input_schema": {"type": "object", "properties": {}}}],
    }


def _openai_tool(name: str) -> dict[str, Any]:
    return {"type": "function", "function": {
        "name": name, "description": f"The agent's {name} tool",
        "parameters": {"type": "object", "properties": {}}}}


def wants_retrieval(body: dict[str, Any]) -> bool:
    """The fake provider asks for an original back when the user asked for "the full list"."""
    return "full list" in json.dumps(body.get("messages", [])[:2])


def send(client: httpx.Client, base_url: str, turn: Turn, round_no: int,
         mode: str | None = None) -> int:
    headers = {"x-headroom-session": SESSION, "authorization": "Bearer demo-key",
               "x-api-key": "demo-key", "anthropic-version": "2023-06-01"}
    if mode:
        headers["x-headroom-mode"] = mode
    if turn.anthropic:
        url, body = f"{base_url}/v1/messages", anthropic_body(turn, round_no)
    else:
        url, body = f"{base_url}/v1/chat/completions", openai_body(turn, round_no)
    response = client.post(url, json=body, headers=headers, timeout=60)
    return response.status_code


def send_all(base_url: str, on_progress: Callable[[str], None] | None = None) -> list[int]:
    """Two rounds: the first as new tools arrive (the default mode: audit in the app), the second
    with fresh tool output and `x-headroom-mode: optimize`, so both the shadow numbers and real
    savings show. (A block already sent keeps its bytes, so the second round needs new output.)"""
    statuses = []
    with httpx.Client() as client:
        for round_no, mode in enumerate((None, "optimize")):
            for turn in TURNS:
                statuses.append(send(client, base_url, turn, round_no, mode))
                if on_progress:
                    on_progress(f"{turn.tool}: {statuses[-1]}")
    return statuses


def run_demo(parts: EngineParts, on_progress: Callable[[str], None] | None = None) -> list[int]:
    """Fake provider + a second proxy on a free port sharing the app's store, CCR store and
    pipeline (so demo exchanges land in the same tables), then every turn through it."""
    provider = UpstreamThread(FakeProvider(retrieve_when=wants_retrieval)).start()
    settings = parts.settings.replace(openai_upstream=provider.openai_url,
                                      anthropic_upstream=provider.anthropic_url, port=0)
    server = proxy_server(parts, "127.0.0.1", free_port(), settings)
    try:
        server.start()
        if not server.wait_started(10):
            raise RuntimeError(f"the demo proxy did not start: {server.error}")
        return send_all(server.url, on_progress)
    finally:
        server.stop()
        provider.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
