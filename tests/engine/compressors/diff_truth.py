"""Ground truth of a unified diff, read straight from its text (independent of the compressor's
parser): per file path, the changed lines in order; plus the hunk headers. Shared by the unit
tests and tests/benchmarks/cases_diffs.py."""

from __future__ import annotations

import re
from pathlib import Path

_GIT = re.compile(r"^diff --git a/(.*?) b/(.*)$")
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@")
_SUMMARY = re.compile(r"^⋮ (?:lock|generated) file: \+([\d,]+) −([\d,]+) lines .*"
                      r"headroom_retrieve\(key=\"b2:[0-9a-f]{24}\"")


def diff_files(corpus: Path) -> list[Path]:
    return sorted(corpus.glob("diffs-*/*.diff"))


def changed_lines(diff: str) -> dict[str, list[str]]:
    """Path -> its +/- lines (file headers `---`/`+++` excluded), in order."""
    out: dict[str, list[str]] = {}
    path = ""
    in_hunk = False
    for line in diff.split("\n"):
        found = _GIT.match(line)
        if found:
            path, in_hunk = found.group(2), False
            out.setdefault(path, [])
        elif _HUNK.match(line):
            in_hunk = True
        elif in_hunk and line[:1] in ("+", "-"):
            out.setdefault(path, []).append(line)
    return out


def hunk_headers(diff: str) -> list[str]:
    return [line for line in diff.split("\n") if _HUNK.match(line)]


def lost_changes(original: str, output: str) -> list[str]:
    """Every changed line of `original` that `output` neither shows (in order, in the same
    file section) nor counts in a keyed lock/generated-file summary. Sections are compared by
    position, so a path that occurs twice (`git log -p`) is checked per occurrence."""
    lost: list[str] = []
    for before, after in zip(_sections(original), _sections(output), strict=False):
        wanted = _changes(before)
        shown = after.split("\n")
        summary = next((m for m in map(_SUMMARY.match, shown) if m), None)
        missing = _missing_in_order(wanted, shown)
        if summary is None:
            lost += [f"{_path(before)}: {line[:80]}" for line in missing]
            continue
        counted = (int(summary.group(1).replace(",", "")),
                   int(summary.group(2).replace(",", "")))
        hidden, total = _counts(missing), _counts(wanted)
        if not (hidden[0] <= counted[0] <= total[0] and hidden[1] <= counted[1] <= total[1]):
            lost.append(f"{_path(before)}: summary counts {counted}, hidden {hidden}")
    return lost


def _sections(diff: str) -> list[str]:
    """The text before the first `diff --git`, then one string per file section."""
    out: list[list[str]] = [[]]
    for line in diff.split("\n"):
        if _GIT.match(line):
            out.append([])
        out[-1].append(line)
    return ["\n".join(lines) for lines in out]


def _changes(section: str) -> list[str]:
    in_hunk = False
    changes = []
    for line in section.split("\n"):
        if _HUNK.match(line):
            in_hunk = True
        elif in_hunk and line[:1] in ("+", "-"):
            changes.append(line)
    return changes


def _path(section: str) -> str:
    found = _GIT.match(section.split("\n", 1)[0])
    return found.group(2) if found else "(preamble)"


def _counts(lines: list[str]) -> tuple[int, int]:
    return (sum(1 for x in lines if x.startswith("+")), sum(1 for x in lines if x.startswith("-")))


def _missing_in_order(wanted: list[str], shown: list[str]) -> list[str]:
    position = 0
    missing = []
    for line in wanted:
        try:
            position = shown.index(line, position) + 1
        except ValueError:
            missing.append(line)
    return missing
