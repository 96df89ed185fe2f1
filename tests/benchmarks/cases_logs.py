"""Benchmark cases for the log compressor: loghub (per-line ground truth), cidiff-breakages
(labelled failure lines). Each case carries the content and a `check(output) -> failures`
that states, in words, every fact the compressed output lost.

`cases(corpus)` yields them for the harness; `python -m tests.benchmarks.cases_logs [CORPUS]`
runs the sweep and prints savings (o200k tokens), time and failures per case."""

from __future__ import annotations

import csv
import re
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from engine.compressors.base import Compressor, ContentMeta, ContentType, Detection
from engine.compressors.log_lines import strip_ansi
from engine.compressors.logs import LogCompressor
from engine.tokens import count_tokens

LOGHUB_SYSTEMS = ("HDFS", "Hadoop", "Zookeeper", "Apache", "Linux")
ERROR_LEVELS = frozenset({"ERROR", "FATAL"})
WARN_OR_ABOVE = frozenset({"WARN", "WARNING", "ERROR", "FATAL"})
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Case:
    """One input for a compressor and what its output must keep."""

    name: str
    corpus: str
    content: str
    content_type: ContentType
    check: Callable[[str], list[str]]
    min_savings: float | None = None


def visible(needle: str, output: str) -> bool:
    """Verbatim presence, ANSI colour codes aside (the compressor strips them)."""
    return strip_ansi(needle).strip() in output


def loghub_check(structured_csv: Path) -> Callable[[str], list[str]]:
    """Every distinct ERROR/FATAL Content verbatim; every WARN-or-above EventTemplate has a
    verbatim example among its lines."""
    with structured_csv.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))

    def check(output: str) -> list[str]:
        failures = [f"error message missing: {content!r}"
                    for content in sorted({r["Content"] for r in rows
                                           if r["Level"].upper() in ERROR_LEVELS})
                    if not visible(content, output)]
        by_template: dict[str, list[str]] = {}
        for row in rows:
            if row["Level"].upper() in WARN_OR_ABOVE:
                by_template.setdefault(row["EventTemplate"], []).append(row["Content"])
        failures += [f"no verbatim example of template {template!r}"
                     for template, contents in sorted(by_template.items())
                     if not any(visible(c, output) for c in contents)]
        return failures

    return check


def loghub_cases(corpus: Path) -> Iterable[Case]:
    for system in LOGHUB_SYSTEMS:
        folder = corpus / "loghub" / system
        log = folder / f"{system}_2k.log"
        if log.is_file():
            yield Case(f"loghub/{system}", "loghub", log.read_text(encoding="utf-8"),
                       ContentType.LOG, loghub_check(folder / f"{system}_2k.log_structured.csv"),
                       min_savings=0.85)


def labelled_error_lines(groundtruth: Path) -> list[int]:
    """1-based line numbers of the `E a-b` / `E n` intervals."""
    numbers: list[int] = []
    for entry in groundtruth.read_text(encoding="utf-8").splitlines()[1:]:
        if entry.startswith("E "):
            first, _, last = entry[2:].strip().partition("-")
            numbers.extend(range(int(first), int(last or first) + 1))
    return numbers


def cidiff_check(log_text: str, groundtruth: Path) -> Callable[[str], list[str]]:
    lines = _LINE_BREAK.split(log_text)
    wanted = sorted(set(labelled_error_lines(groundtruth)))

    def check(output: str) -> list[str]:
        return [f"labelled line {n} missing: {lines[n - 1][:120]!r}" for n in wanted
                if lines[n - 1].strip() and not visible(lines[n - 1], output)]

    return check


def cidiff_cases(corpus: Path) -> Iterable[Case]:
    for folder in sorted((corpus / "cidiff-breakages" / "data" / "breakages").glob("*/")):
        log = folder / "fail.log"
        if not log.is_file():
            continue
        text = log.read_bytes().decode("utf-8", "replace")
        yield Case(f"cidiff/{folder.name}", "cidiff-breakages", text, ContentType.LOG,
                   cidiff_check(text, folder / "groundtruth"),
                   min_savings=0.60 if len(text.encode()) > 20_000 else None)


def cases(corpus: Path) -> Iterable[Case]:
    yield from loghub_cases(corpus)
    yield from cidiff_cases(corpus)


@dataclass(frozen=True)
class Result:
    case: Case
    tokens_before: int
    tokens_after: int
    millis: float
    failures: list[str]

    @property
    def savings(self) -> float:
        return 1 - self.tokens_after / self.tokens_before if self.tokens_before else 0.0

    @property
    def ok(self) -> bool:
        low = self.case.min_savings is not None and self.savings < self.case.min_savings
        return not self.failures and not low


def run_case(case: Case, compressor: Compressor | None = None) -> Result:
    compressor = compressor or LogCompressor()
    meta = ContentMeta(detection=Detection(case.content_type))
    started = time.perf_counter()
    out = compressor.compress(case.content, meta)
    millis = (time.perf_counter() - started) * 1000
    return Result(case, count_tokens(case.content), count_tokens(out.text), millis,
                  case.check(out.text))


def main(argv: list[str]) -> int:
    corpus = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[3] / \
        "shared" / "corpus"
    results = [run_case(case) for case in cases(corpus)]
    for r in results:
        flag = "ok " if r.ok else "BAD"
        print(f"{flag} {r.case.name:38} {r.tokens_before:8,} → {r.tokens_after:7,} tokens "
              f"{r.savings:6.1%} {r.millis:6.0f} ms  {len(r.failures)} lost")
        for failure in r.failures[:5]:
            print(f"      {failure}")
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
