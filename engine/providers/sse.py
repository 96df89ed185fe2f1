"""Incremental Server-Sent Events parsing and encoding (WHATWG event-stream rules).

Upstream chunks arrive split anywhere: inside a line, between `\\r` and `\\n`, or inside a
multi-byte UTF-8 character. `SSEParser.feed()` carries the partial line (and partial character)
over to the next chunk, so the proxy never buffers a whole body to read a stream.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Any

import orjson

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class SSEEvent:
    event: str | None = None
    data: str = ""
    id: str | None = None
    retry: int | None = None


class SSEParser:
    """Feed bytes, get complete events. A comment line (`:` first) is ignored; an event block
    without any `data:` line is not dispatched (as in browsers)."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""
        self._started = False
        self._reset_event()

    def _reset_event(self) -> None:
        self._event: str | None = None
        self._data: list[str] = []
        self._id: str | None = None
        self._retry: int | None = None

    def feed(self, chunk: bytes) -> list[SSEEvent]:
        return self._consume(self._decoder.decode(chunk), final=False)

    def flush(self) -> list[SSEEvent]:
        """End of stream: complete the last line and dispatch an event left without its blank
        line (a truncated stream still shows what it carried)."""
        events = self._consume(self._decoder.decode(b"", final=True), final=True)
        if self._data:
            events.append(self._dispatch_event())
        self._reset_event()
        return events

    def _consume(self, text: str, final: bool) -> list[SSEEvent]:
        if not self._started and (text or final):
            text = self._strip_bom(self._pending + text)
            self._pending = ""
        buffer = self._pending + text
        lines = _LINE_BREAK.split(buffer)
        self._pending = lines.pop()
        # A trailing "\r" may be the first half of "\r\n": keep it until the next chunk.
        if not final and buffer.endswith("\r") and lines:
            self._pending = lines.pop() + "\r"
        if final and self._pending:
            lines.append(self._pending)
            self._pending = ""
        events: list[SSEEvent] = []
        for line in lines:
            event = self._line(line)
            if event is not None:
                events.append(event)
        return events

    def _strip_bom(self, text: str) -> str:
        if not text:
            return text
        self._started = True
        return text[1:] if text.startswith("\ufeff") else text

    def _line(self, line: str) -> SSEEvent | None:
        if not line:
            event = self._dispatch_event() if self._data else None
            self._reset_event()
            return event
        if line.startswith(":"):
            return None
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        self._field(name, value)
        return None

    def _field(self, name: str, value: str) -> None:
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id" and "\0" not in value:
            self._id = value
        elif name == "retry" and value.isascii() and value.isdigit():
            self._retry = int(value)

    def _dispatch_event(self) -> SSEEvent:
        return SSEEvent(self._event or None, "\n".join(self._data), self._id, self._retry)


def encode_event(event: SSEEvent) -> bytes:
    """Serialize one event so that `SSEParser` reads back an equal event."""
    lines: list[str] = []
    if event.event is not None:
        lines.append(f"event: {event.event}")
    if event.id is not None:
        lines.append(f"id: {event.id}")
    if event.retry is not None:
        lines.append(f"retry: {event.retry}")
    lines.extend(f"data: {part}" for part in _LINE_BREAK.split(event.data))
    return ("\n".join(lines) + "\n\n").encode("utf-8")


def event_object(event: SSEEvent) -> dict[str, Any] | None:
    """The event's data as a JSON object; None for `[DONE]`, keep-alives and anything else."""
    try:
        payload = orjson.loads(event.data)
    except orjson.JSONDecodeError:
        return None
    return payload if isinstance(payload, dict) else None
