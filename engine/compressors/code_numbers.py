"""Numbered file views (`cat -n`, `nl -ba`, an editor tool's `   12→code`): agents read files
this way, and the numbers break any parser. The numbers are split off before parsing and put
back on every kept line afterwards; markers and CCR items name the file's real line numbers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from engine.compressors.code_edits import Edit
from engine.compressors.code_outline import LineMap

_NUMBERED = re.compile(r"^( {0,10}(\d{1,7}))(\t|→|│| \| )")
_MIN_SHARE = 0.9
_MIN_LINES = 5


@dataclass(frozen=True)
class Numbered:
    plain: str
    prefixes: tuple[str, ...]
    lines: LineMap


def strip_numbers(content: str) -> Numbered | None:
    """The code without its line-number prefixes, when nearly every line carries one."""
    sample = [line for line in content[:4000].split("\n")[:60] if line.strip()]
    if sum(1 for line in sample if _NUMBERED.match(line)) < _MIN_SHARE * len(sample):
        return None  # cheap early answer for the usual un-numbered file
    plain: list[str] = []
    prefixes: list[str] = []
    numbers: list[int] = []
    for line in content.split("\n"):
        found = _NUMBERED.match(line)
        prefixes.append(found.group(0) if found else "")
        numbers.append(int(found.group(2)) if found else 0)
        plain.append(line[found.end():] if found else line)
    matched = sum(1 for p in prefixes if p)
    filled = sum(1 for line in content.split("\n") if line.strip())
    if matched < _MIN_LINES or matched < _MIN_SHARE * filled:
        return None
    return Numbered("\n".join(plain), tuple(prefixes), LineMap(tuple(numbers)))


def apply_numbered(source: bytes, edits: Sequence[Edit], prefixes: Sequence[str]) -> bytes:
    """Like `code_edits.apply`, with each output line given the prefix of the source line it
    starts on; lines a marker introduces get blank padding of the same width."""
    pieces: list[tuple[bytes, int | None]] = []
    pos = row = 0
    for edit in sorted(edits, key=lambda e: e.start):
        if edit.start < pos:
            continue
        pieces += [(source[pos:edit.start], row), (edit.text, None)]
        row += source.count(b"\n", pos, edit.end)
        pos = edit.end
    pieces.append((source[pos:], row))
    return _prefixed(pieces, prefixes)


def _prefixed(pieces: list[tuple[bytes, int | None]], prefixes: Sequence[str]) -> bytes:
    out: list[bytes] = []
    at_line_start = True
    width = max((len(p) for p in prefixes), default=0)
    for text, row in pieces:
        for i, part in enumerate(text.split(b"\n")):
            if i > 0:
                out.append(b"\n")
                at_line_start = True
                row = row + 1 if row is not None else None
            if at_line_start and (part or (i == 0 and text)):
                prefix = prefixes[row] if row is not None and row < len(prefixes) else ""
                out.append((prefix or " " * width).encode())
                at_line_start = False
            out.append(part)
    return b"".join(out)
