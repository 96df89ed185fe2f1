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
    """Every changed line of `original` that `output` neither shows (in order, per file) nor
    counts in a keyed lock/generated-file summary."""
    lost: list[str] = []
    sections = _sections(output)
    for path, lines in changed_lines(original).items():
        shown = sections.get(path, "")
        summary = next((_SUMMARY.match(x) for x in shown.split("\n") if _SUMMARY.match(x)), None)
        if summary is not None:
            added = int(summary.group(1).replace(",", ""))
            removed = int(summary.group(2).replace(",", ""))
            if (added, removed) != _counts(lines):
                lost.append(f"{path}: summary counts {added}/{removed} != {_counts(lines)}")
            continue
        lost += [f"{path}: {line[:80]}" for line in _missing_in_order(lines, shown.split("\n"))]
    return lost


def _sections(diff: str) -> dict[str, str]:
    out: dict[str, list[str]] = {}
    path = ""
    for line in diff.split("\n"):
        found = _GIT.match(line)
        if found:
            path = found.group(2)
        out.setdefault(path, []).append(line)
    return {p: "\n".join(lines) for p, lines in out.items()}


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
