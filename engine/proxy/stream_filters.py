"""Hide the proxy's `headroom_retrieve` calls from a client's stream, per provider.

Each filter sees the upstream's SSE events of one round at a time and returns what the client
may see now: retrieve-call pieces are dropped, the client's own tool calls and content blocks are
renumbered so indexes stay contiguous across rounds, and the end of a round (finish reason,
usage, `[DONE]`, `message_delta`/`message_stop`) is held back until the proxy knows whether it
continues upstream (then the held events are dropped) or the answer is final (then released).
"""

from __future__ import annotations

from typing import Any, Protocol

import orjson

from engine.compressors.marker import RETRIEVE_TOOL
from engine.conversation import Provider
from engine.providers import SSEEvent


class StreamFilter(Protocol):
    def feed(self, event: SSEEvent) -> list[SSEEvent]: ...

    def next_round(self) -> None: ...

    def release(self, calls_removed: bool) -> list[SSEEvent]: ...


def _load(data: str) -> dict[str, Any] | None:
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def _dump(event: SSEEvent, payload: dict[str, Any]) -> SSEEvent:
    return SSEEvent(event.event, orjson.dumps(payload).decode(), event.id, event.retry)


class ChatFilter:
    """OpenAI Chat Completions chunks."""

    def __init__(self) -> None:
        self._index: dict[int, int | None] = {}
        self._next_index = 0
        self._held: list[SSEEvent] = []
        self._ending = False

    def next_round(self) -> None:
        self._index, self._held, self._ending = {}, [], False

    def feed(self, event: SSEEvent) -> list[SSEEvent]:
        chunk = None if self._ending else _load(event.data)
        if chunk is None or not isinstance(chunk.get("choices"), list):
            return self._hold(event) if self._ending or event.data.strip() == "[DONE]" else [event]
        changed = any([self._filter_calls(c) for c in chunk["choices"] if isinstance(c, dict)])
        if any(isinstance(c, dict) and c.get("finish_reason") for c in chunk["choices"]):
            return self._hold_finish(event, chunk)
        if changed and not any(_has_delta(c) for c in chunk["choices"]):
            return []
        return [_dump(event, chunk)] if changed else [event]

    def _hold(self, event: SSEEvent) -> list[SSEEvent]:
        self._held.append(event)
        self._ending = True
        return []

    def _hold_finish(self, event: SSEEvent, chunk: dict[str, Any]) -> list[SSEEvent]:
        """The finish chunk is held; content riding on it (some servers do that) goes now."""
        early = [_dump(event, {**chunk, "choices": [{**c, "finish_reason": None}
                                                     for c in chunk["choices"]]})]
        self._hold(_dump(event, {**chunk, "choices": [{**c, "delta": {}}
                                                       for c in chunk["choices"]]}))
        return early if any(_has_delta(c) for c in chunk["choices"]) else []

    def _filter_calls(self, choice: dict[str, Any]) -> bool:
        delta = choice.get("delta")
        calls = delta.get("tool_calls") if isinstance(delta, dict) else None
        if not isinstance(delta, dict) or not isinstance(calls, list):
            return False
        kept = []
        for call in calls:
            target = self._target(call)
            if target is not None:
                kept.append({**call, "index": target})
        if kept == calls:
            return False
        if kept:
            delta["tool_calls"] = kept
        else:
            del delta["tool_calls"]
        return True

    def _target(self, call: dict[str, Any]) -> int | None:
        index = call.get("index", 0)
        if index not in self._index:
            name = (call.get("function") or {}).get("name")
            if name == RETRIEVE_TOOL:
                self._index[index] = None
            else:
                self._index[index] = self._next_index
                self._next_index += 1
        return self._index[index]

    def release(self, calls_removed: bool) -> list[SSEEvent]:
        held, self._held = self._held, []
        if not calls_removed or self._next_index:
            return held
        out = []
        for event in held:
            chunk = _load(event.data)
            if chunk is None or not isinstance(chunk.get("choices"), list):
                out.append(event)
                continue
            for choice in chunk["choices"]:
                if isinstance(choice, dict) and choice.get("finish_reason") == "tool_calls":
                    choice["finish_reason"] = "stop"
            out.append(_dump(event, chunk))
        return out


def _has_delta(choice: Any) -> bool:
    delta = choice.get("delta") if isinstance(choice, dict) else None
    return isinstance(delta, dict) and any(v not in (None, "", [], {}) for v in delta.values())


class AnthropicFilter:
    """Anthropic Messages events: one client message spans all rounds."""

    def __init__(self) -> None:
        self._index: dict[int, int | None] = {}
        self._next_index = 0
        self._client_calls = 0
        self._started = False
        self._held: list[SSEEvent] = []

    def next_round(self) -> None:
        self._index, self._held = {}, []

    def feed(self, event: SSEEvent) -> list[SSEEvent]:
        payload = _load(event.data)
        kind = event.event or (payload or {}).get("type")
        if payload is None:
            return [event]
        if kind == "message_start":
            already, self._started = self._started, True
            return [] if already else [event]
        if kind in ("message_delta", "message_stop"):
            self._held.append(event)
            return []
        if kind == "content_block_start":
            self._open_block(payload)
        if kind in ("content_block_start", "content_block_delta", "content_block_stop"):
            return self._renumber(event, payload)
        return [event]

    def _open_block(self, payload: dict[str, Any]) -> None:
        block = payload.get("content_block") or {}
        index = payload.get("index", 0)
        if block.get("type") == "tool_use" and block.get("name") == RETRIEVE_TOOL:
            self._index[index] = None
            return
        self._client_calls += block.get("type") == "tool_use"
        self._index[index] = self._next_index
        self._next_index += 1

    def _renumber(self, event: SSEEvent, payload: dict[str, Any]) -> list[SSEEvent]:
        index = payload.get("index", 0)
        target = self._index.get(index, index)
        if target is None:
            return []
        return [event] if target == index else [_dump(event, {**payload, "index": target})]

    def release(self, calls_removed: bool) -> list[SSEEvent]:
        held, self._held = self._held, []
        if not calls_removed or self._client_calls:
            return held
        out = []
        for event in held:
            payload = _load(event.data) or {}
            delta = payload.get("delta")
            if isinstance(delta, dict) and delta.get("stop_reason") == "tool_use":
                out.append(_dump(event, {**payload, "delta": {**delta, "stop_reason": "end_turn"}}))
            else:
                out.append(event)
        return out


_TERMINAL = ("response.completed", "response.incomplete", "response.failed")
_OPENING = ("response.created", "response.in_progress", "response.queued")


class ResponsesFilter:
    """OpenAI Responses events: output items renumbered across rounds, sequence numbers kept
    increasing, and the final `response.completed` carrying every item the client saw."""

    def __init__(self) -> None:
        self._index: dict[int, int | None] = {}
        self._next_index = 0
        self._sequence = 0
        self._rounds = 0
        self._items: dict[int, Any] = {}
        self._held: list[tuple[SSEEvent, dict[str, Any]]] = []

    def next_round(self) -> None:
        self._index, self._held = {}, []
        self._rounds += 1

    def feed(self, event: SSEEvent) -> list[SSEEvent]:
        payload = _load(event.data)
        kind = (payload or {}).get("type")
        if payload is None or not isinstance(kind, str):
            return [event]
        if kind in _TERMINAL:
            self._held.append((event, payload))
            return []
        if kind in _OPENING and self._rounds:
            return []
        if kind == "response.output_item.added":
            self._open_item(payload)
        return self._renumber(event, payload)

    def _open_item(self, payload: dict[str, Any]) -> None:
        item = payload.get("item") or {}
        index = payload.get("output_index", 0)
        if item.get("type") == "function_call" and item.get("name") == RETRIEVE_TOOL:
            self._index[index] = None
            return
        self._index[index] = self._next_index
        self._next_index += 1

    def _renumber(self, event: SSEEvent, payload: dict[str, Any]) -> list[SSEEvent]:
        if "output_index" in payload:
            target = self._index.get(payload["output_index"], payload["output_index"])
            if target is None:
                return []
            payload = {**payload, "output_index": target}
            if payload.get("type") == "response.output_item.done":
                self._items[target] = payload.get("item")
        return [self._numbered(event, payload)]

    def _numbered(self, event: SSEEvent, payload: dict[str, Any]) -> SSEEvent:
        if "sequence_number" in payload:
            payload = {**payload, "sequence_number": self._sequence}
            self._sequence += 1
        return _dump(event, payload)

    def release(self, calls_removed: bool) -> list[SSEEvent]:
        held, self._held = self._held, []
        out = []
        for event, payload in held:
            response = payload.get("response")
            if isinstance(response, dict) and (calls_removed or self._rounds):
                output = [self._items[i] for i in sorted(self._items)]
                payload = {**payload, "response": {**response, "output": output}}
            out.append(self._numbered(event, payload))
        return out


def filter_for(provider: Provider) -> StreamFilter:
    if provider is Provider.OPENAI_CHAT:
        return ChatFilter()
    if provider is Provider.ANTHROPIC_MESSAGES:
        return AnthropicFilter()
    return ResponsesFilter()
