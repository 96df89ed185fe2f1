"""Demo traffic: a handful of realistic agent turns (read a log, search code, query a database,
list issues, read a module), sent as real OpenAI and Anthropic requests through the proxy to the
built-in fake provider. A new user sees genuine diffs, savings and a retrieval, made by the same
code path their own agent will take. Tagged with session "demo"."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from app import demo_data

SESSION = "demo"


@dataclass(frozen=True)
class Turn:
    question: str
    tool: str
    arguments: dict[str, Any]
    output: Callable[[], str]
    anthropic: bool = False
    stream: bool = False


TURNS = [
    Turn("Why is checkout failing in production? Show me the full list of errors.", "read_log",
         {"path": "/var/log/shop/app.log"}, demo_data.service_log),
    Turn("Where do we validate coupon codes?", "search_code", {"query": "coupon"},
         demo_data.search_hits, stream=True),
    Turn("Which payments failed yesterday, and why?", "query_db",
         {"sql": "SELECT * FROM payments WHERE created_at >= now() - interval '1 day'"},
         demo_data.db_rows, anthropic=True),
    Turn("Summarize the open bugs for the v3.2 milestone.", "list_issues",
         {"label": "bug", "state": "open"}, demo_data.issue_list),
    Turn("Explain the pricing rules module.", "read_file", {"path": "src/pricing/rules.py"},
         demo_data.python_module, anthropic=True, stream=True),
]


def openai_body(turn: Turn, model: str = "gpt-4o") -> dict[str, Any]:
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
            {"role": "tool", "tool_call_id": call_id, "content": turn.output()},
        ],
        "tools": [_openai_tool(turn.tool)],
    }


def anthropic_body(turn: Turn, model: str = "claude-sonnet-4-5") -> dict[str, Any]:
    call_id = f"toolu_{turn.tool}"
    return {
        "model": model, "max_tokens": 1024, "stream": turn.stream,
        "system": "You are a careful engineering assistant.",
        "messages": [
            {"role": "user", "content": turn.question},
            {"role": "assistant", "content": [
                {"type": "tool_use", "id": call_id, "name": turn.tool, "input": turn.arguments}]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": call_id, "content": turn.output()}]},
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


def send(client: httpx.Client, base_url: str, turn: Turn, mode: str | None = None) -> int:
    headers = {"x-headroom-session": SESSION, "authorization": "Bearer demo-key",
               "x-api-key": "demo-key", "anthropic-version": "2023-06-01"}
    if mode:
        headers["x-headroom-mode"] = mode
    if turn.anthropic:
        url, body = f"{base_url}/v1/messages", anthropic_body(turn)
    else:
        url, body = f"{base_url}/v1/chat/completions", openai_body(turn)
    response = client.post(url, json=body, headers=headers, timeout=60)
    return response.status_code


def send_all(base_url: str, on_progress: Callable[[str], None] | None = None) -> list[int]:
    """Each turn twice: once as new tools arrive (the default mode, audit in the app) and once
    with `x-headroom-mode: optimize`, so both the shadow numbers and real savings show."""
    statuses = []
    with httpx.Client() as client:
        for mode in (None, "optimize"):
            for turn in TURNS:
                statuses.append(send(client, base_url, turn, mode))
                if on_progress:
                    on_progress(f"{turn.tool}: {statuses[-1]}")
    return statuses
