"""Honest usage for streamed OpenAI chat completions the client asked without usage.

A chat completion stream carries usage only when the request says
`stream_options: {"include_usage": true}`; without it the exchange would be recorded with no
tokens billed. The proxy adds that option upstream (a splice: every other byte stays), reads the
usage from its copy of the stream, and gives the client exactly the stream it asked for: the
final usage-only chunk is dropped and the `"usage": null` member OpenAI then adds to every other
chunk is cut out of the event's bytes.
"""

from __future__ import annotations

import re
from typing import Any

import orjson
from starlette.types import Message, Send

from engine.providers import rawjson
from engine.providers.edits import decode, json_style

_NULL_USAGE = re.compile(rb'\s*,\s*"usage"\s*:\s*null(?=\s*[,}])|"usage"\s*:\s*null\s*,\s*')
_BOUNDARY = re.compile(rb"\r\n\r\n|\n\n|\r\r")


def ask_for_usage(raw: bytes) -> bytes | None:
    """`raw` (a streamed chat request) with `stream_options.include_usage: true` added; None
    when the client already says either way."""
    text = decode(raw)
    style = json_style(raw, text)
    member = style.dumps("include_usage") + style.key_separator + "true"
    if b'"stream_options"' in raw:
        try:
            start, end = rawjson.locate(text, [("stream_options",)])[("stream_options",)]
        except rawjson.JsonLayoutError:
            start, end = 0, 0
        options: Any = orjson.loads(text[start:end]) if end else None
        if isinstance(options, dict):
            return None if "include_usage" in options else _with_member(text, start, end, member,
                                                                        style.item_separator)
        if end:  # "stream_options": null
            return (text[:start] + "{" + member + "}" + text[end:]).encode("utf-8")
    root = rawjson.skip_ws(text, 0)
    value = "{" + member + "}"
    return _with_member(text, root, rawjson.value_end(text, root),
                        style.dumps("stream_options") + style.key_separator + value,
                        style.item_separator)


def _with_member(text: str, start: int, end: int, member: str, item_separator: str) -> bytes:
    """The object at text[start:end] with `member` added last."""
    body_end = len(text[:end - 1].rstrip())
    separator = "" if body_end <= start + 1 else item_separator
    return (text[:body_end] + separator + member + text[body_end:]).encode("utf-8")


def hide_usage(events: bytes) -> bytes:
    """Complete SSE events as the client would have had them without `include_usage`."""
    if b'"usage"' not in events:
        return events
    out, pos = [], 0
    for boundary in _BOUNDARY.finditer(events):
        event = events[pos:boundary.end()]
        out.append(_hide_in_event(event) if b'"usage"' in event else event)
        pos = boundary.end()
    out.append(events[pos:])
    return b"".join(out)


def _hide_in_event(event: bytes) -> bytes:
    lines = event.split(b"\n")
    data = [i for i, line in enumerate(lines) if line.startswith(b"data:")]
    if len(data) != 1:
        return event
    line = lines[data[0]]
    payload = line[5:].strip(b" \r")
    try:
        chunk = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return event
    if not isinstance(chunk, dict) or "usage" not in chunk:
        return event
    if chunk["usage"] is not None:
        return b"" if chunk.get("choices") == [] else event  # the usage-only chunk
    expected = {k: v for k, v in chunk.items() if k != "usage"}
    cut = _NULL_USAGE.sub(b"", payload, count=1)
    if _loads(cut) != expected:
        cut = orjson.dumps(expected)
    lines[data[0]] = line[:line.index(payload)] + cut + line[line.index(payload) + len(payload):]
    return b"\n".join(lines)


def _loads(data: bytes) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return None


def last_boundary(data: bytes) -> int:
    """Where the last complete SSE event in `data` ends (0: none yet)."""
    ends = [i + len(sep) for sep in (b"\n\n", b"\r\n\r\n", b"\r\r") if (i := data.rfind(sep)) >= 0]
    return max(ends, default=0)


class UsageHidingSend:
    """Wraps a streamed response's `send`: body bytes go out whole events at a time, with the
    usage the client did not ask for taken out."""

    def __init__(self, send: Send):
        self._send = send
        self._pending = b""

    async def __call__(self, message: Message) -> None:
        if message["type"] != "http.response.body":
            await self._send(message)
            return
        data = self._pending + message.get("body", b"")
        more = bool(message.get("more_body", False))
        cut = last_boundary(data) if more else len(data)
        ready, self._pending = data[:cut], data[cut:]
        out = hide_usage(ready)
        if out or not more:
            await self._send({**message, "body": out})
