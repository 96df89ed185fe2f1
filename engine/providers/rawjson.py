"""Byte spans of JSON values, found by path, so edits can be spliced into the original bytes.

Values themselves are parsed with orjson; this module only answers "where in the bytes does the
value at ("messages", 3, "content") start and end?". It walks only the branches that lead to the
requested paths and hops over everything else container by container, using `bytes.find` to
jump across strings, so a multi-megabyte request is located in a few milliseconds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from engine.conversation import JsonPath

Span = tuple[int, int]
_WS = re.compile(rb"[ \t\n\r]*")
_STRUCT = re.compile(rb'["\[\]{}]')
_SCALAR_END = re.compile(rb"[,\]} \t\n\r]")
_Trie = dict[str | int, "_Trie"]


class JsonLayoutError(ValueError):
    """The bytes are not the JSON the caller expected at this position."""


def skip_ws(buf: bytes, pos: int) -> int:
    match = _WS.match(buf, pos)
    return match.end() if match else pos


def string_end(buf: bytes, pos: int) -> int:
    """End (exclusive) of the JSON string whose opening quote is at `pos`."""
    quote = pos
    while True:
        quote = buf.find(b'"', quote + 1)
        if quote < 0:
            raise JsonLayoutError(f"unterminated string at byte {pos}")
        backslashes = 0
        while buf[quote - 1 - backslashes] == 0x5C:
            backslashes += 1
        if backslashes % 2 == 0:
            return quote + 1


def value_end(buf: bytes, pos: int) -> int:
    """End (exclusive) of the JSON value starting at `pos` (no leading whitespace)."""
    first = buf[pos : pos + 1]
    if first == b'"':
        return string_end(buf, pos)
    if first in (b"{", b"["):
        return _container_end(buf, pos)
    match = _SCALAR_END.search(buf, pos)
    return match.start() if match else len(buf)


def _container_end(buf: bytes, pos: int) -> int:
    depth = 0
    while True:
        match = _STRUCT.search(buf, pos)
        if match is None:
            raise JsonLayoutError(f"unterminated container at byte {pos}")
        char = buf[match.start()]
        if char == 0x22:
            pos = string_end(buf, match.start())
            continue
        pos = match.end()
        depth += 1 if char in (0x7B, 0x5B) else -1
        if depth == 0:
            return pos


def members(buf: bytes, start: int) -> dict[str, Span]:
    """Value spans of the object at `start`, by key (a repeated key: the last one wins)."""
    if buf[start : start + 1] != b"{":
        raise JsonLayoutError(f"expected an object at byte {start}")
    found: dict[str, Span] = {}
    pos = skip_ws(buf, start + 1)
    if buf[pos : pos + 1] == b"}":
        return found
    while True:
        key_end = string_end(buf, pos)
        key = _key(buf[pos:key_end])
        pos = skip_ws(buf, key_end)
        pos = skip_ws(buf, pos + 1)  # the colon
        end = value_end(buf, pos)
        found[key] = (pos, end)
        pos = skip_ws(buf, end)
        if buf[pos : pos + 1] != b",":
            return found
        pos = skip_ws(buf, pos + 1)


def items(buf: bytes, start: int) -> list[Span]:
    """Spans of the elements of the array at `start`."""
    if buf[start : start + 1] != b"[":
        raise JsonLayoutError(f"expected an array at byte {start}")
    found: list[Span] = []
    pos = skip_ws(buf, start + 1)
    if buf[pos : pos + 1] == b"]":
        return found
    while True:
        end = value_end(buf, pos)
        found.append((pos, end))
        pos = skip_ws(buf, end)
        if buf[pos : pos + 1] != b",":
            return found
        pos = skip_ws(buf, pos + 1)


def _key(raw_key: bytes) -> str:
    if b"\\" in raw_key:
        decoded: str = json.loads(raw_key)
        return decoded
    return raw_key[1:-1].decode("utf-8", errors="surrogateescape")


def locate(buf: bytes, paths: Iterable[JsonPath]) -> dict[JsonPath, Span]:
    """Spans of the values at `paths`, found in one walk over the branches leading to them."""
    trie: _Trie = {}
    wanted = list(paths)
    for path in wanted:
        node = trie
        for step in path:
            node = node.setdefault(step, {})
    spans: dict[JsonPath, Span] = {}
    root = skip_ws(buf, 0)
    _walk(buf, (root, value_end(buf, root)), trie, (), spans)
    missing = [p for p in wanted if p not in spans]
    if missing:
        raise JsonLayoutError(f"no value at {missing[0]!r}")
    return spans


def _walk(buf: bytes, span: Span, trie: _Trie, path: JsonPath, out: dict[JsonPath, Span]) -> None:
    out[path] = span
    if not trie:
        return
    children: dict[str | int, Span] = {}
    if buf[span[0]] == 0x7B:
        children.update(members(buf, span[0]))
    elif buf[span[0]] == 0x5B:
        children.update(enumerate(items(buf, span[0])))
    is_object = buf[span[0]] == 0x7B
    for step, subtrie in trie.items():
        if step in children and isinstance(step, str) == is_object:
            _walk(buf, children[step], subtrie, (*path, step), out)


def splice(buf: bytes, replacements: dict[Span, bytes]) -> bytes:
    """Replace non-overlapping spans; every byte outside them is kept."""
    parts: list[bytes] = []
    pos = 0
    for (start, end), new in sorted(replacements.items()):
        if start < pos:
            raise JsonLayoutError(f"overlapping edits at byte {start}")
        parts.append(buf[pos:start])
        parts.append(new)
        pos = end
    parts.append(buf[pos:])
    return b"".join(parts)
