"""What a benchmark case is, for `cases_<kind>.py` modules and the compression harness.

A cases module exposes `cases(corpus: Path) -> Iterable[case]`. A case needs `name`, `content`
and `check(output) -> list[str]` (every fact the output lost, in words; empty = all survived).
Optional attributes the harness reads when present: `corpus` (folder name), `query`,
`tool_name`, `tool_arguments`, `min_savings` (0..1, a target), and
`metrics(output, retrieve) -> dict[str, float]` for survival figures beyond the failure list
(e.g. {"query_items_visible": 1.0, "recoverable": 1.0}); `retrieve(key, query)` returns the
CCR store's text for a key, so a case can check that omitted items come back.
Modules may define their own dataclass with these names; `Case` below is a ready one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

Retrieve = Callable[[str, str | None], str]


class BenchCase(Protocol):
    name: str
    content: str

    def check(self, output: str) -> list[str]: ...


@dataclass(frozen=True)
class Case:
    name: str
    content: str
    check: Callable[[str], list[str]]
    corpus: str = ""
    query: str = ""
    tool_name: str | None = None
    tool_arguments: str | None = None
    min_savings: float | None = None
    metrics: Callable[[str, Retrieve], dict[str, float]] | None = None
