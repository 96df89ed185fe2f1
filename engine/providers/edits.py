"""Provider-independent edits of raw request bytes: render modified blocks, insert array items.

Everything here keeps the bytes it does not have to change: a modified block replaces only its
own JSON value, and an inserted item lands just after the last item of its array, written in the
separators, indentation and escaping style the client itself used.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import orjson

from engine.conversation import Block, BlockKind, Conversation, JsonPath
from engine.providers import rawjson
from engine.providers.base import RequestFormatError
from engine.providers.blocks import where


@dataclass(frozen=True)
class JsonStyle:
    item_separator: str
    key_separator: str
    ensure_ascii: bool

    def dumps(self, value: Any) -> str:
        separators = (self.item_separator, self.key_separator)
        text = json.dumps(value, ensure_ascii=self.ensure_ascii, separators=separators)
        if not self.ensure_ascii and not _encodable(text):  # lone surrogates: escape them
            text = json.dumps(value, separators=separators)
        return text


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def json_style(raw: bytes, text: str) -> JsonStyle:
    """The separators and escaping of the request, read from its first member (json.dumps
    writes ", " with ": ", compact writers "," with ":")."""
    key_start = rawjson.skip_ws(text, rawjson.skip_ws(text, 0) + 1)
    if not text.startswith('"', key_start):
        return JsonStyle(",", ":", ensure_ascii=raw.isascii())
    key_end = rawjson.value_end(text, key_start)
    spaced = text.startswith(": ", key_end)
    return JsonStyle(", " if spaced else ",", ": " if spaced else ":", raw.isascii())


def decode(raw: bytes) -> str:
    try:
        return bytes(raw).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RequestFormatError(f"request body is not valid UTF-8 (byte {exc.start})") from exc


def render_conversation(conv: Conversation) -> bytes:
    """The original bytes, with the value of every modified block replaced in place."""
    blocks: dict[JsonPath, Block] = {}
    for block in [*conv.system, *(b for _, b in conv.blocks())]:
        if block.modified:
            if not block.path or block.kind is BlockKind.UNKNOWN:
                raise ValueError(f"a modified {block.kind} block has no editable location")
            blocks[block.path] = block
    if not blocks:
        return conv.raw
    text = decode(conv.raw)
    style = json_style(conv.raw, text)
    spans = rawjson.locate(text, blocks)
    edits = {spans[path]: _encode(text, spans[path], b, style) for path, b in blocks.items()}
    return rawjson.splice(text, edits).encode("utf-8")


def _encode(text: str, span: rawjson.Span, block: Block, style: JsonStyle) -> str:
    if text.startswith('"', span[0]):  # a JSON string holds the block's text
        return style.dumps(block.text)
    try:  # the block's text is itself JSON (e.g. Anthropic tool_use input)
        return style.dumps(json.loads(block.text))
    except json.JSONDecodeError as exc:
        raise ValueError(f"block at {where(block.path)} must stay valid JSON: {exc}") from exc


def insert_items(
    raw: bytes, path: JsonPath, new_items: list[Any], before: int | None = None
) -> bytes:
    """Insert `new_items` into the array at `path` before element `before` (default: append);
    creates the array under the root object when `path` is a missing top-level key."""
    parse_root(raw)
    text = decode(raw)
    style = json_style(raw, text)
    encoded = [style.dumps(item) for item in new_items]
    try:
        start, _ = rawjson.locate(text, [path])[path]
    except rawjson.JsonLayoutError:
        if len(path) != 1:
            raise RequestFormatError(f"{where(path)} is missing") from None
        array = "[" + style.item_separator.join(encoded) + "]"
        return _add_root_member(text, str(path[0]), array, style).encode("utf-8")
    if not text.startswith("[", start):
        raise RequestFormatError(f"{where(path)} is not an array")
    existing = rawjson.items(text, start)
    if not existing:
        inserted = style.item_separator.join(encoded)
        return (text[: start + 1] + inserted + text[start + 1 :]).encode("utf-8")
    gap = text[start + 1 : existing[0][0]]  # reuse the indentation the client used
    joiner = "," + (gap if "\n" in gap else style.item_separator[1:])
    if before is not None and 0 <= before < len(existing):
        at = existing[before][0]
        added = "".join(item + joiner for item in encoded)
    else:
        at = existing[-1][1]
        added = "".join(joiner + item for item in encoded)
    return (text[:at] + added + text[at:]).encode("utf-8")


def _add_root_member(text: str, key: str, value: str, style: JsonStyle) -> str:
    start = rawjson.skip_ws(text, 0)
    body_end = len(text[: rawjson.value_end(text, start) - 1].rstrip())
    member = style.dumps(key) + style.key_separator + value
    separator = "" if text[body_end - 1] == "{" else style.item_separator
    return text[:body_end] + separator + member + text[body_end:]


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
    text = decode(raw)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RequestFormatError(f"request body is not valid JSON: {exc}") from first_error
