"""Unified diffs parsed into file sections and hunks, by the counts in each hunk header (so a
removed line that starts with `--` is never mistaken for a file header).

Whatever does not parse (a malformed `@@` header, a hunk whose lines run out or do not fit its
counts) is kept as `raw` lines of its section, to be passed through verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

HUNK_HEADER = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_GIT_PATH = re.compile(r"^diff --git a/(.*?) b/(.*)$")


@dataclass
class Hunk:
    header: str
    lines: list[str] = field(default_factory=list)  # with their prefix, without line ends

    @property
    def added(self) -> int:
        return sum(1 for line in self.lines if line.startswith("+"))

    @property
    def removed(self) -> int:
        return sum(1 for line in self.lines if line.startswith("-"))


@dataclass
class FileDiff:
    headers: list[str] = field(default_factory=list)
    hunks: list[Hunk] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)  # unparsed tail, passed through verbatim

    @property
    def path(self) -> str:
        for line in self.headers:
            if line.startswith("+++ ") and not line.endswith("/dev/null"):
                return _strip_prefix(line[4:])
            if line.startswith("--- ") and not line.endswith("/dev/null"):
                return _strip_prefix(line[4:])
        found = _GIT_PATH.match(self.headers[0]) if self.headers else None
        return found.group(2) if found else ""

    def text(self) -> str:
        lines = list(self.headers)
        for hunk in self.hunks:
            lines += [hunk.header, *hunk.lines]
        return "\n".join(lines + self.raw)


@dataclass
class ParsedDiff:
    preamble: list[str]
    files: list[FileDiff]


def parse_diff(lines: list[str]) -> ParsedDiff:
    preamble: list[str] = []
    files: list[FileDiff] = []
    i = 0
    while i < len(lines):
        if _starts_file(lines, i):
            current = FileDiff()
            files.append(current)
            i = _parse_file(lines, i, current)
        elif files:
            files[-1].raw.append(lines[i])
            i += 1
        else:
            preamble.append(lines[i])
            i += 1
    return ParsedDiff(preamble, files)


def _starts_file(lines: list[str], i: int) -> bool:
    line = lines[i]
    if line.startswith("diff --git ") or line.startswith("diff -"):
        return True
    return line.startswith("--- ") and i + 1 < len(lines) and lines[i + 1].startswith("+++ ")


def _parse_file(lines: list[str], i: int, current: FileDiff) -> int:
    """Headers up to the first hunk, then hunks; returns the index after this file."""
    current.headers.append(lines[i])
    i += 1
    while i < len(lines) and not lines[i].startswith(("@@", "diff ")) and not (
            lines[i].startswith("--- ") and _has_old_path(current)):
        current.headers.append(lines[i])
        i += 1
    while i < len(lines) and lines[i].startswith("@@"):
        hunk, i = _parse_hunk(lines, i)
        if hunk is None:
            return _raw_until_next_file(lines, i, current)
        current.hunks.append(hunk)
    return i


def _has_old_path(current: FileDiff) -> bool:
    return any(line.startswith("--- ") for line in current.headers)


def _parse_hunk(lines: list[str], i: int) -> tuple[Hunk | None, int]:
    found = HUNK_HEADER.match(lines[i])
    if found is None:
        return None, i
    old = int(found.group(2) if found.group(2) is not None else 1)
    new = int(found.group(4) if found.group(4) is not None else 1)
    hunk = Hunk(lines[i])
    j = i + 1
    while (old > 0 or new > 0) and j < len(lines):
        line = lines[j]
        tag = line[:1]
        if tag in (" ", "") and old > 0 and new > 0:
            old, new = old - 1, new - 1
        elif tag == "-" and old > 0:
            old -= 1
        elif tag == "+" and new > 0:
            new -= 1
        elif tag != "\\":
            return None, i
        hunk.lines.append(line)
        j += 1
    while j < len(lines) and lines[j].startswith("\\"):
        hunk.lines.append(lines[j])
        j += 1
    if old > 0 or new > 0:
        return None, i
    return hunk, j


def _raw_until_next_file(lines: list[str], i: int, current: FileDiff) -> int:
    while i < len(lines) and not (lines[i].startswith("diff --git ") or (
            current.raw and _starts_file(lines, i))):
        current.raw.append(lines[i])
        i += 1
    return i


def _strip_prefix(path: str) -> str:
    path = path.split("\t", 1)[0].strip()
    return path[2:] if path[:2] in ("a/", "b/") else path
