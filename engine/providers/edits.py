"""Provider-independent edits of raw request bytes: render modified blocks, insert array items.

Everything here keeps the bytes it does not have to change: a modified block replaces only its
own JSON value, and an inserted item lands just before the closing bracket of its array, written
in the separators and escaping style the client itself used.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import orjson

from engine.conversation import Block, Conversation, JsonPath
from engine.providers import rawjson
from engine.providers.base import RequestFormatError
from engine.providers.blocks import where


@dataclass(frozen=True)
class JsonStyle:
    item_separator: str
    key_separator: str
    ensure_ascii: bool

    def dumps(self, value: Any) -> bytes:
        text = json.dumps(
            value,
            ensure_ascii=self.ensure_ascii,
            separators=(self.item_separator, self.key_separator),
        )
        return text.encode("utf-8", errors="surrogatepass")


def json_style(raw: bytes) -> JsonStyle:
    """The separators and escaping of the request, read from its first member (json.dumps
    writes ", " with ": ", compact writers "," with ":")."""
    start = rawjson.skip_ws(raw, 0)
    key_start = rawjson.skip_ws(raw, start + 1)
    if raw[key_start : key_start + 1] != b'"':
        return JsonStyle(",", ":", ensure_ascii=raw.isascii())
    key_end = rawjson.string_end(raw, key_start)
    spaced = raw[key_end : key_end + 2] == b": "
    return JsonStyle(", " if spaced else ",", ": " if spaced else ":", raw.isascii())


def render_conversation(conv: Conversation) -> bytes:
    """The original bytes, with the value of every modified block replaced in place."""
    blocks: dict[JsonPath, Block] = {}
    for block in [*conv.system, *(b for _, b in conv.blocks())]:
        if block.modified:
            if not block.path:
                raise ValueError(f"a modified {block.kind} block has no location in the request")
            blocks[block.path] = block
    if not blocks:
        return conv.raw
    style = json_style(conv.raw)
    spans = rawjson.locate(conv.raw, blocks)
    edits = {
        spans[path]: _encode(conv.raw, spans[path], block, style) for path, block in blocks.items()
    }
    return rawjson.splice(conv.raw, edits)


def _encode(raw: bytes, span: rawjson.Span, block: Block, style: JsonStyle) -> bytes:
    if raw[span[0]] == 0x22:  # a JSON string holds the text
        return style.dumps(block.text)
    try:  # the text is itself JSON (e.g. Anthropic tool_use input)
        return style.dumps(json.loads(block.text))
    except json.JSONDecodeError as exc:
        raise ValueError(f"block at {block.path!r} must stay valid JSON: {exc}") from exc


def insert_items(raw: bytes, path: JsonPath, new_items: list[Any]) -> bytes:
    """Append `new_items` to the array at `path`; creates the array under the root object when
    `path` is a missing top-level key."""
    parse_root(raw)
    style = json_style(raw)
    encoded = [style.dumps(item) for item in new_items]
    try:
        start, _ = rawjson.locate(raw, [path])[path]
    except rawjson.JsonLayoutError:
        if len(path) != 1:
            raise
        return _add_root_member(
            raw, str(path[0]), b"[" + style.item_separator.encode().join(encoded) + b"]", style
        )
    if raw[start] != 0x5B:
        raise RequestFormatError(f"{where(path)} is not an array")
    existing = rawjson.items(raw, start)
    if not existing:
        return raw[: start + 1] + style.item_separator.encode().join(encoded) + raw[start + 1 :]
    last_end = existing[-1][1]
    gap = raw[start + 1 : existing[0][0]]  # reuse the indentation the client used
    joiner = b"," + (
        gap if gap.strip() == b"" and b"\n" in gap else style.item_separator[1:].encode()
    )
    return raw[:last_end] + b"".join(joiner + item for item in encoded) + raw[last_end:]


def _add_root_member(raw: bytes, key: str, value: bytes, style: JsonStyle) -> bytes:
    start = rawjson.skip_ws(raw, 0)
    end = rawjson.value_end(raw, start)
    close = end - 1
    body_end = len(raw[:close].rstrip())
    member = style.dumps(key) + style.key_separator.encode() + value
    if raw[body_end - 1] == 0x7B:  # empty object
        return raw[:body_end] + member + raw[body_end:]
    return raw[:body_end] + style.item_separator.encode() + member + raw[body_end:]


def parse_root(raw: bytes) -> dict[str, Any]:
    """The request as a JSON object, or a RequestFormatError that says what is wrong."""
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise RequestFormatError("request body must be bytes")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        data = _lenient_loads(raw, exc)
    if not isinstance(data, dict):
        raise RequestFormatError(f"request body must be a JSON object, not {type(data).__name__}")
    return data


def _lenient_loads(raw: bytes, first_error: Exception) -> Any:
    """orjson refuses lone surrogate escapes that Python's json writes; accept those too."""
    try:
        text = bytes(raw).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RequestFormatError(f"request body is not valid UTF-8 (byte {exc.start})") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RequestFormatError(f"request body is not valid JSON: {exc}") from first_error
