"""A reader for SmartCrusher's table sections, used by the tests to prove the encoding lossless:
decoding the rows, constants and templates must give back exactly the original items."""

from __future__ import annotations

import json
import re
from typing import Any

_DECODER = json.JSONDecoder()
_LITERAL = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null")
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


def split_cells(row: str) -> list[Any]:
    """Cells of one row; `_ABSENT` for empty cells."""
    cells: list[Any] = []
    pos = 0
    while pos <= len(row):
        if pos < len(row) and row[pos] in '"[{':
            value, end = _DECODER.raw_decode(row, pos)
            cells.append(value)
        else:
            end = row.find(",", pos)
            end = len(row) if end < 0 else end
            text = row[pos:end]
            if not text:
                cells.append(ABSENT)
            elif _LITERAL.fullmatch(text):
                cells.append(json.loads(text))
            else:
                cells.append(text)
        pos = end + 1
    return cells


class _Absent:
    pass


ABSENT = _Absent()


def _split_header(line: str) -> list[str]:
    return [c if isinstance(c, str) else str(c) for c in split_cells(line)]


def _templates(line: str) -> dict[str, str]:
    text = line.removeprefix("derived in every item: ")
    out: dict[str, str] = {}
    while text:
        name, _, rest = text.partition("=")
        value, end = _DECODER.raw_decode(rest)
        out[json.loads(name) if name.startswith('"') else name] = value
        text = rest[end:].removeprefix(", ")
    return out


def decode_table(lines: list[str], nested: bool) -> list[dict[str, Any]]:
    """Lines from a section's header (after the title) to its last row; `nested` when the
    title does not announce dotted columns."""
    constants: dict[str, Any] = {}
    templates: dict[str, str] = {}
    i = 0
    if lines[i].startswith("same in every item: "):
        constants = json.loads(lines[i].removeprefix("same in every item: "))
        i += 1
    if lines[i].startswith("derived in every item: "):
        templates = _templates(lines[i])
        i += 1
    columns = _split_header(lines[i])
    items = []
    for row in lines[i + 1:]:
        flat = dict(constants)
        for column, value in zip(columns, split_cells(row), strict=False):
            if value is ABSENT:
                continue
            if column == "+":
                flat.update(value)
            else:
                flat[column] = value
        for key, template in templates.items():
            if any(s in flat for s in _PLACEHOLDER.findall(template)):
                flat[key] = _expand(template, flat)
        items.append(flat if nested else unflatten(flat))
    return items


def _expand(template: str, flat: dict[str, Any]) -> str:
    return _PLACEHOLDER.sub(
        lambda m: _text(flat[m.group(1)]) if m.group(1) in flat else m.group(0), template)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def unflatten(flat: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in flat.items():
        node = out
        *parents, last = key.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[last] = value
    return out
