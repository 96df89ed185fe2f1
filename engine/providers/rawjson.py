"""Spans of JSON values, found by path, so edits can be spliced into the original text.

Values themselves are parsed with orjson; this module only answers "where in the text does the
value at ("messages", 3, "content") start and end?". It walks only the branches that lead to the
requested paths and lets the C scanner of the standard `json` module hop over every other value,
so a multi-megabyte request is located in a few milliseconds. Offsets index the decoded `str`
(callers decode UTF-8 once, splice, and encode: bytes outside the edits come back identical).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any, cast

from engine.conversation import JsonPath

Span = tuple[int, int]
_WS = re.compile(r"[ \t\n\r]*")
_Trie = dict[str | int, "_Trie"]
# The standard library's C scanners (not in typeshed): scanstring(text, after_quote) -> (value,
# end) and scan_once(text, start) -> (value, end).
scanstring = cast(Callable[[str, int], tuple[str, int]], vars(json.decoder)["scanstring"])
_SCAN = cast(Callable[[str, int], tuple[Any, int]], vars(json.JSONDecoder())["scan_once"])


class JsonLayoutError(ValueError):
    """The text is not the JSON the caller expected at this position."""


def skip_ws(text: str, pos: int) -> int:
    match = _WS.match(text, pos)
    return match.end() if match else pos


def value_end(text: str, pos: int) -> int:
    """End (exclusive) of the JSON value starting at `pos` (no leading whitespace)."""
    try:
        if text.startswith('"', pos):
            return scanstring(text, pos + 1)[1]
        return _SCAN(text, pos)[1]
    except (StopIteration, ValueError) as exc:
        raise JsonLayoutError(f"no JSON value at offset {pos}") from exc


def items(text: str, start: int) -> list[Span]:
    """Spans of the elements of the array at `start`."""
    if not text.startswith("[", start):
        raise JsonLayoutError(f"expected an array at offset {start}")
    found: list[Span] = []
    pos = skip_ws(text, start + 1)
    while not text.startswith("]", pos):
        end = value_end(text, pos)
        found.append((pos, end))
        pos = skip_ws(text, end)
        if text.startswith(",", pos):
            pos = skip_ws(text, pos + 1)
    return found


def locate(text: str, paths: Iterable[JsonPath]) -> dict[JsonPath, Span]:
    """Spans of the values at `paths`, found in one walk over the branches leading to them."""
    trie: _Trie = {}
    wanted = list(paths)
    for path in wanted:
        node = trie
        for step in path:
            node = node.setdefault(step, {})
    spans: dict[JsonPath, Span] = {}
    root = skip_ws(text, 0)
    _walk(text, root, trie, (), spans)
    missing = [p for p in wanted if p not in spans]
    if missing:
        raise JsonLayoutError(f"no value at {missing[0]!r}")
    return spans


def _walk(text: str, start: int, trie: _Trie, path: JsonPath, out: dict[JsonPath, Span]) -> int:
    """Record the spans under `start` that `trie` asks for; returns the value's end."""
    if trie and text.startswith(("{", "["), start):
        end = _walk_container(text, start, trie, path, out)
    else:
        end = value_end(text, start)
    out[path] = (start, end)
    return end


def _walk_container(
    text: str, start: int, trie: _Trie, path: JsonPath, out: dict[JsonPath, Span]
) -> int:
    """Walk an object or array: wanted children recursively, others skipped by the C scanner.
    A repeated key is walked again, so the last occurrence wins (as in every JSON parser)."""
    is_object = text.startswith("{", start)
    close = "}" if is_object else "]"
    pos = skip_ws(text, start + 1)
    index = 0
    while not text.startswith(close, pos):
        step: str | int = index
        if is_object:
            step, pos = _key(text, pos)
        subtrie = trie.get(step)
        if subtrie is None:
            end = value_end(text, pos)
        else:
            end = _walk(text, pos, subtrie, (*path, step), out)
        pos = skip_ws(text, end)
        if text.startswith(",", pos):
            pos = skip_ws(text, pos + 1)
        index += 1
    return pos + 1


def _key(text: str, pos: int) -> tuple[str, int]:
    """A member's key and the start of its value."""
    if not text.startswith('"', pos):
        raise JsonLayoutError(f"expected a key at offset {pos}")
    key, end = scanstring(text, pos + 1)
    colon = skip_ws(text, end)
    if not text.startswith(":", colon):
        raise JsonLayoutError(f"expected ':' at offset {colon}")
    return key, skip_ws(text, colon + 1)


def splice(text: str, replacements: dict[Span, str]) -> str:
    """Replace non-overlapping spans; every character outside them is kept."""
    parts: list[str] = []
    pos = 0
    for (start, end), new in sorted(replacements.items()):
        if start < pos:
            raise JsonLayoutError(f"overlapping edits at offset {start}")
        parts.append(text[pos:start])
        parts.append(new)
        pos = end
    parts.append(text[pos:])
    return "".join(parts)
