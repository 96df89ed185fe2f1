"""Requests an agent would have sent at each step of the tau-bench trajectories, in OpenAI
Chat Completions and Anthropic Messages format, serialized in several json.dumps styles."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

TRAJECTORIES = "tau-bench/historical_trajectories/gpt-4o-airline.json"

STYLES: dict[str, Callable[[Any], str]] = {
    "default": json.dumps,
    "indent": lambda v: json.dumps(v, indent=2),
    "unicode": lambda v: json.dumps(v, ensure_ascii=False),
    "compact": lambda v: json.dumps(v, separators=(",", ":")),
}


def trajectories(corpus: Path) -> list[list[dict[str, Any]]]:
    records = json.loads((corpus / TRAJECTORIES).read_text(encoding="utf-8"))
    return [record["traj"] for record in records]


def tool_specs(traj: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Tool definitions for the tools this trajectory calls, with their argument names."""
    params: dict[str, set[str]] = {}
    for message in traj:
        for call in message.get("tool_calls") or []:
            args = json.loads(call["function"]["arguments"] or "{}")
            params.setdefault(call["function"]["name"], set()).update(args)
    return [
        {"name": name, "description": f"The {name} tool.", "properties": sorted(keys)}
        for name, keys in sorted(params.items())
    ]


def openai_request(traj: list[dict[str, Any]], upto: int) -> dict[str, Any]:
    tools = [
        {
            "type": "function",
            "function": {
                "name": t["name"],
                "description": t["description"],
                "parameters": {
                    "type": "object",
                    "properties": {k: {"type": "string"} for k in t["properties"]},
                },
            },
        }
        for t in tool_specs(traj)
    ]
    return {"model": "gpt-4o", "messages": traj[:upto], "tools": tools, "temperature": 0.0}


def anthropic_request(traj: list[dict[str, Any]], upto: int) -> dict[str, Any]:
    messages: list[dict[str, Any]] = []
    system = ""
    for message in traj[:upto]:
        if message["role"] == "system":
            system = message["content"]
        elif message["role"] == "tool":
            result = {
                "type": "tool_result",
                "tool_use_id": message["tool_call_id"],
                "content": message["content"],
            }
            if (
                messages
                and messages[-1]["role"] == "user"
                and isinstance(messages[-1]["content"], list)
            ):
                messages[-1]["content"].append(result)
            else:
                messages.append({"role": "user", "content": [result]})
        elif message["role"] == "assistant":
            messages.append({"role": "assistant", "content": _assistant_blocks(message)})
        else:
            messages.append({"role": message["role"], "content": message["content"]})
    tools = [
        {
            "name": t["name"],
            "description": t["description"],
            "input_schema": {"type": "object", "properties": {k: {} for k in t["properties"]}},
        }
        for t in tool_specs(traj)
    ]
    return {
        "model": "claude-sonnet-4-5",
        "max_tokens": 1024,
        "system": system,
        "messages": messages,
        "tools": tools,
    }


def _assistant_blocks(message: dict[str, Any]) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    if message.get("content"):
        blocks.append({"type": "text", "text": message["content"]})
    for call in message.get("tool_calls") or []:
        blocks.append(
            {
                "type": "tool_use",
                "id": call["id"],
                "name": call["function"]["name"],
                "input": json.loads(call["function"]["arguments"] or "{}"),
            }
        )
    return blocks


def steps(traj: list[dict[str, Any]]) -> Iterator[int]:
    """Each point where the agent called the model: just before every assistant message."""
    return (i for i, message in enumerate(traj) if message["role"] == "assistant")


def requests(
    corpus: Path, build: Callable[[list[dict[str, Any]], int], dict[str, Any]]
) -> Iterator[bytes]:
    for traj in trajectories(corpus):
        for upto in steps(traj):
            request = build(traj, upto)
            for dumps in STYLES.values():
                yield dumps(request).encode("utf-8")


def responses_request(traj: list[dict[str, Any]], upto: int) -> dict[str, Any]:
    """The same step as an OpenAI Responses API request (`instructions` + `input` items)."""
    items: list[dict[str, Any]] = []
    instructions = ""
    for message in traj[:upto]:
        if message["role"] == "system":
            instructions = message["content"]
        elif message["role"] == "tool":
            items.append(
                {
                    "type": "function_call_output",
                    "call_id": message["tool_call_id"],
                    "output": message["content"],
                }
            )
        elif message["role"] == "assistant":
            items += _assistant_items(message)
        else:
            part = {"type": "input_text", "text": message["content"]}
            items.append({"type": "message", "role": message["role"], "content": [part]})
    tools = [
        {
            "type": "function",
            "name": t["name"],
            "description": t["description"],
            "parameters": {"type": "object", "properties": {k: {} for k in t["properties"]}},
        }
        for t in tool_specs(traj)
    ]
    return {"model": "gpt-4.1", "instructions": instructions, "input": items, "tools": tools}


def _assistant_items(message: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    if message.get("content"):
        part = {"type": "output_text", "text": message["content"], "annotations": []}
        items.append({"type": "message", "role": "assistant", "content": [part]})
    for call in message.get("tool_calls") or []:
        items.append(
            {
                "type": "function_call",
                "call_id": call["id"],
                "name": call["function"]["name"],
                "arguments": call["function"]["arguments"],
            }
        )
    return items
