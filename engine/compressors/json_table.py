"""Lossless table encoding of an array of JSON objects.

Repeating every key in every item is what makes API responses large. This module states the
keys once as a header and each item as one CSV-like row, and removes two more redundancies:
fields whose value is the same in every item are stated once ("constant factoring"), and string
fields that are a fixed template around another field (GitHub's `url`, `html_url`,
`followers_url`... around `login`) are stated once as a template. Fields present in only a few
items go into a trailing `+` cell as a compact JSON object rather than a mostly-empty column, so a
heterogeneous array never costs more per item than its minified JSON.

Cell syntax: an unquoted cell is the literal string; a cell starting with `"`, `[` or `{`, or
spelling a number, `true`, `false` or `null`, is JSON; an empty cell means the field is absent
(trailing empty cells are trimmed).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

ABSENT: Any = object()
EXTRA = "+"
MAX_FLATTEN_DEPTH = 4
COLUMN_MIN_SHARE = 0.2
_UNSAFE = re.compile(r'[,\n\r\t\x00-\x1f\u2028\u2029]|^[\s"\[{]|\s$')
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")
_WORDS = frozenset({"true", "false", "null"})
_SIMPLE_NAME = re.compile(r"[A-Za-z_$@#][\w.$@#\-]*")


def minify(value: Any) -> str:
    """Compact JSON; falls back to the stdlib for what orjson refuses (ints over 64 bits,
    lone surrogates), escaping non-ASCII there so the text stays encodable."""
    try:
        return orjson.dumps(value).decode()
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=True)


def cell(value: Any) -> str:
    if value is ABSENT:
        return ""
    if isinstance(value, str):
        if value and not _UNSAFE.search(value) and value not in _WORDS \
                and not _NUMBER.fullmatch(value):
            return value
        return minify(value)
    return minify(value)


def flatten(item: dict[str, Any], nested: bool) -> dict[str, Any] | None:
    """Dotted keys for nested objects (`commit.author.name`); None when a key would be
    ambiguous (contains a dot or collides), in which case the caller keeps nested cells."""
    if nested:
        return item
    out: dict[str, Any] = {}
    if not _flatten_into(out, "", item, 0):
        return None
    return out


def _flatten_into(out: dict[str, Any], prefix: str, obj: dict[str, Any], depth: int) -> bool:
    for key, value in obj.items():
        if "." in key or not key:
            return False
        name = prefix + key
        if isinstance(value, dict) and value and depth < MAX_FLATTEN_DEPTH:
            if not _flatten_into(out, name + ".", value, depth + 1):
                return False
        elif name in out:
            return False
        else:
            out[name] = value
    return True


@dataclass(frozen=True)
class Template:
    """`literals[0] {sources[0]} literals[1] ... {sources[-1]} literals[-1]`."""

    literals: tuple[str, ...]
    sources: tuple[str, ...]

    def render(self) -> str:
        out = self.literals[0]
        for src, lit in zip(self.sources, self.literals[1:], strict=True):
            out += "{" + src + "}" + lit
        return minify(out)

    def expand(self, record: dict[str, Any]) -> str | None:
        out = self.literals[0]
        for src, lit in zip(self.sources, self.literals[1:], strict=True):
            text = _source_text(record.get(src))
            if text is None:
                return None
            out += text + lit
        return out


@dataclass
class TableSpec:
    """What the header says once: columns, constant fields and templated fields."""

    columns: list[str]
    constants: dict[str, Any]
    templates: dict[str, Template]
    nested: bool
    has_extra: bool = False
    dropped: frozenset[str] = frozenset()
    column_set: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        self.column_set = frozenset(self.columns)

    def header_lines(self) -> list[str]:
        lines = []
        if self.constants:
            lines.append("same in every item: " + minify(self.constants))
        if self.templates:
            parts = [f"{_name(k)}={t.render()}" for k, t in self.templates.items()]
            lines.append("derived in every item: " + ", ".join(parts))
        names = [*map(_name, self.columns), *([EXTRA] if self.has_extra else [])]
        lines.append(",".join(names))
        return lines

    def row(self, record: dict[str, Any]) -> str:
        cells = [cell(record.get(c, ABSENT)) for c in self.columns]
        if self.has_extra:
            extra = {k: v for k, v in record.items()
                     if k not in self.dropped and k not in self.column_set}
            cells.append(minify(extra) if extra else "")
        while cells and not cells[-1]:
            cells.pop()
        return ",".join(cells)


def _name(column: str) -> str:
    return column if _SIMPLE_NAME.fullmatch(column) else minify(column)


def build_spec(records: Sequence[dict[str, Any]], nested: bool) -> TableSpec:
    """Analyse all records (flattened items) once; linear in the number of cells."""
    counts: dict[str, int] = {}
    for rec in records:
        for key in rec:
            counts[key] = counts.get(key, 0) + 1
    n = len(records)
    constants = _constants(records, counts, n)
    templates = _templates(records, counts, constants)
    dropped = frozenset(constants) | frozenset(templates)
    columns = [k for k, c in counts.items() if k not in dropped and c >= COLUMN_MIN_SHARE * n]
    spec = TableSpec(columns, constants, templates, nested, dropped=dropped)
    spec.has_extra = any(k not in dropped and k not in spec.column_set for k in counts)
    return spec


def _constants(records: Sequence[dict[str, Any]], counts: dict[str, int],
               n: int) -> dict[str, Any]:
    if n < 2:
        return {}
    first = records[0]
    out: dict[str, Any] = {}
    for key, c in counts.items():
        if c != n:
            continue
        value = first[key]
        if all(_same(rec[key], value) for rec in records):
            out[key] = value
    return out


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def _templates(records: Sequence[dict[str, Any]], counts: dict[str, int],
               constants: dict[str, Any]) -> dict[str, Template]:
    """String fields equal to a fixed text around one or more other fields in every record
    that has them (and present exactly where their sources are present)."""
    if len(records) < 2:
        return {}
    first = records[0]
    sources = [k for k, v in first.items() if k not in constants and _source_text(v)]
    sources.sort(key=lambda k: -len(_source_text(first[k]) or ""))
    out: dict[str, Template] = {}
    used: set[str] = set()
    for key, value in first.items():
        if key in constants or key in used or not isinstance(value, str):
            continue
        usable = [s for s in sources if s != key and s not in out and counts[s] == counts[key]
                  and (_source_text(first[s]) or "\x00") in value]
        for tpl in _candidates(value, first, usable):
            if all(_fits(rec, key, tpl) for rec in records):
                out[key] = tpl
                used.update(tpl.sources)
                break
    return out


def _candidates(value: str, first: dict[str, Any], sources: list[str]) -> list[Template]:
    """Single-field templates (longest source value first), then a multi-field one."""
    out = [t for t in (_split(value, first, [src]) for src in sources[:8]) if t is not None]
    multi = _split(value, first, [s for s in sources if len(_source_text(first[s]) or "") >= 3])
    if multi is not None and len(multi.sources) > 1:
        out.append(multi)
    return out


def _split(value: str, first: dict[str, Any], sources: list[str]) -> Template | None:
    segments: list[str | tuple[str]] = [value]
    for src in sources:
        text = _source_text(first[src]) or ""
        for j, seg in enumerate(segments):
            if isinstance(seg, str) and text and text in seg:
                at = seg.find(text)
                segments[j:j + 1] = [seg[:at], (src,), seg[at + len(text):]]
                break
    srcs = tuple(seg[0] for seg in segments if isinstance(seg, tuple))
    if not srcs:
        return None
    literals, current = [], ""
    for seg in segments:
        if isinstance(seg, tuple):
            literals.append(current)
            current = ""
        else:
            current += seg
    literals.append(current)
    return Template(tuple(literals), srcs)


def _source_text(value: Any) -> str | None:
    if isinstance(value, str) and len(value) >= 2:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _fits(rec: dict[str, Any], key: str, tpl: Template) -> bool:
    value = rec.get(key, ABSENT)
    if value is ABSENT:
        return all(rec.get(s, ABSENT) is ABSENT for s in tpl.sources)
    return bool(value == tpl.expand(rec))
