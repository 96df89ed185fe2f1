"""Benchmark cases for the diff compressor: the real commit diffs of diffs-cobra and diffs-httpx,
as a `git show` tool output would carry them. No savings target (every changed line must stay);
savings are reported.

Ground truth straight from the diff text (tests/engine/compressors/diff_truth.py): every `+`/`-`
line visible in order per file, or counted in a keyed lock/generated-file summary; every hunk
header kept. Metrics: `changed_lines_present`, `hunk_headers_present`, `file_recoverable`
(retrieving a file's path returns its full diff).

    python -m tests.benchmarks.compression --kind diffs
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from tests.benchmarks.case import Case, Retrieve
from tests.engine.compressors.diff_truth import (
    changed_lines,
    diff_files,
    hunk_headers,
    lost_changes,
)

_KEY = re.compile(r'headroom_retrieve\(key="(b2:[0-9a-f]{24})"')


def _check(original: str) -> Callable[[str], list[str]]:
    headers = hunk_headers(original)

    def check(output: str) -> list[str]:
        shown = set(output.split("\n"))
        lost = lost_changes(original, output)
        return lost + [f"hunk header missing: {h}" for h in headers if h not in shown]
    return check


def _metrics(original: str) -> Callable[[str, Retrieve], dict[str, float]]:
    changes = changed_lines(original)
    total = sum(len(lines) for lines in changes.values())

    def measure(output: str, retrieve: Retrieve) -> dict[str, float]:
        lost = len(lost_changes(original, output))
        headers = hunk_headers(original)
        shown = set(output.split("\n"))
        found = _KEY.search(output)
        recoverable = 1.0
        if found is not None:
            probes = [(path, lines[0]) for path, lines in changes.items() if lines][:5]
            recoverable = sum(1 for path, line in probes if line in retrieve(
                found.group(1), path)) / max(len(probes), 1)
        return {"changed_lines_present": 1 - lost / total if total else 1.0,
                "hunk_headers_present": sum(1 for h in headers if h in shown) / max(
                    len(headers), 1),
                "file_recoverable": recoverable}
    return measure


def cases(corpus: Path) -> Iterable[Case]:
    for path in diff_files(corpus):
        text = path.read_text()
        sha = path.stem
        yield Case(name=f"{path.parent.name}/{sha[:12]}", content=text, check=_check(text),
                   corpus=path.parent.name, tool_name="bash",
                   tool_arguments=json.dumps({"command": f"git show {sha}"}),
                   metrics=_metrics(text))
