"""Conversations whose tool output the pipeline compresses lossily, and clients that ask them
through the proxy with each SDK, streaming or not, returning what the client saw."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from engine.providers import rawjson
from tests.engine.proxy.conftest import RunningProxy

OPENAI_MODEL = "gpt-4o"
ANTHROPIC_MODEL = "claude-sonnet-4-6"
QUESTION = "Which user has a failed status?"


def users_json() -> str:
    items = [{"id": i, "name": f"user{i}", "status": "active", "score": (i * 37) % 100,
              "email": f"user{i}@example.com"} for i in range(400)]
    items[123]["status"] = "error: disk full"
    return orjson.dumps(items).decode()


def openai_history() -> list[dict[str, Any]]:
    return [{"role": "user", "content": QUESTION},
            {"role": "assistant", "content": None, "tool_calls": [
                {"id": "call_users", "type": "function",
                 "function": {"name": "list_users", "arguments": "{}"}}]},
            {"role": "tool", "tool_call_id": "call_users", "content": users_json()}]


def anthropic_history() -> list[dict[str, Any]]:
    return [{"role": "user", "content": QUESTION},
            {"role": "assistant", "content": [
                {"type": "tool_use", "id": "toolu_users", "name": "list_users", "input": {}}]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_users", "content": users_json()}]}]


OPENAI_TOOLS = [{"type": "function", "function": {
    "name": "list_users", "description": "list users",
    "parameters": {"type": "object", "properties": {"page": {"type": "integer"}}}}}]
ANTHROPIC_TOOLS = [{"name": "list_users", "description": "list users",
                    "input_schema": {"type": "object",
                                     "properties": {"page": {"type": "integer"}}}}]


@dataclass
class Seen:
    text: str
    tool_calls: list[tuple[str, str, Any]]  # (id, name, arguments as parsed JSON)


def ask_openai(proxy: RunningProxy, messages: list[dict[str, Any]], stream: bool) -> Seen:
    client = proxy.openai()
    if stream:
        with client.chat.completions.stream(model=OPENAI_MODEL, messages=messages,  # type: ignore[arg-type]
                                            tools=OPENAI_TOOLS,  # type: ignore[arg-type]
                                            stream_options={"include_usage": True}) as events:
            final = events.get_final_completion()
    else:
        final = client.chat.completions.create(model=OPENAI_MODEL, messages=messages,  # type: ignore[arg-type]
                                               tools=OPENAI_TOOLS)  # type: ignore[arg-type]
    message = final.choices[0].message
    calls = [(c.id, c.function.name, orjson.loads(c.function.arguments))
             for c in message.tool_calls or []]  # type: ignore[union-attr]
    return Seen(message.content or "", calls)


def ask_anthropic(proxy: RunningProxy, messages: list[dict[str, Any]], stream: bool) -> Seen:
    client = proxy.anthropic()
    kwargs: dict[str, Any] = {"model": ANTHROPIC_MODEL, "max_tokens": 500,
                              "messages": messages, "tools": ANTHROPIC_TOOLS}
    if stream:
        with client.messages.stream(**kwargs) as events:
            final = events.get_final_message()
    else:
        final = client.messages.create(**kwargs)
    text = "".join(b.text for b in final.content if b.type == "text")
    calls = [(b.id, b.name, b.input) for b in final.content if b.type == "tool_use"]
    return Seen(text, calls)


def messages_text(body: bytes, key: str = "messages") -> tuple[str, list[str]]:
    """The request text up to the end of its last message, and each message's JSON text."""
    text = body.decode()
    start = rawjson.locate(text, [(key,)])[(key,)][0]
    spans = rawjson.items(text, start)
    return text[:spans[-1][1]], [text[a:b] for a, b in spans]
