"""Stack traces inside logs (Python, Java/Kotlin, JavaScript, Go, Rust, Ruby): where they are,
which ones repeat, and which frame cycles repeat inside one (deep recursion).

Traces are kept whole; only exact repeats are folded, each fold stated in place, so every
distinct frame line stays visible."""

from __future__ import annotations

import re
from dataclasses import dataclass

_FRAME = re.compile(
    r"""^(?:
      \s+at\s+\S                                     # Java, Kotlin, JavaScript, C#
    | \s*\.\.\.\s*\d+\s+(?:more|common\ frames\ omitted)
    | \s*(?:Caused\ by|Suppressed):\s
    | Traceback\ \(most\ recent\ call\ last\):
    | \s+File\ "[^"]*",\ line\ \d+
    | During\ handling\ of\ the\ above\ exception
    | The\ above\ exception\ was\ the\ direct\ cause
    | goroutine\ \d+\ \[
    | panic:\s | \s+\S+\.go:\d+
    | stack\ backtrace: | thread\ '[^']*'\ panicked\ at
    | \s+\d+:\s+(?:0x[0-9a-f]+\ -\ )?[\w<]\S*
    | \S+\.py:\d+:\ in\ \S
    | \s+from\ \S+:\d+:in\ `
    )""",
    re.VERBOSE,
)
_STARTERS = re.compile(r"^(?:Traceback \(most recent|thread '[^']*' panicked|goroutine \d+ \[)")
_CONTEXT_BEFORE = 3
_CONTEXT_AFTER = 3
_MAX_PERIOD = 12
_MIN_REPEATS = 3


@dataclass(frozen=True)
class Trace:
    """Lines [start, end) are frames; [context_start, context_end) adds the lines around."""

    start: int
    end: int
    context_start: int
    context_end: int


def is_frame(line: str) -> bool:
    return _FRAME.match(line) is not None


def find_traces(bodies: list[str]) -> list[Trace]:
    """Runs of frame lines (one non-frame line may sit between two frames: Python's source
    line, Go's function line), at least two frames long or opened by a trace header."""
    frames = [is_frame(b) for b in bodies]
    traces: list[Trace] = []
    i, n = 0, len(bodies)
    while i < n:
        if not frames[i]:
            i += 1
            continue
        start, count, j = i, 0, i
        while j < n and (frames[j] or (j + 1 < n and frames[j + 1] and j > start)):
            count += frames[j]
            j += 1
        if count >= 2 or _STARTERS.match(bodies[start]):
            traces.append(Trace(start, j, max(0, start - _CONTEXT_BEFORE),
                                min(n, j + _CONTEXT_AFTER)))
        i = j
    return traces


@dataclass(frozen=True)
class Fold:
    """Lines [start, end) repeat the `period` lines just before them."""

    start: int
    end: int
    period: int

    @property
    def repeats(self) -> int:
        return (self.end - self.start) // self.period


def _repeats_at(lines: list[str], i: int, period: int, stop: int) -> int:
    block = lines[i:i + period]
    count = 1
    while i + (count + 1) * period <= stop and lines[i + count * period:
                                                    i + (count + 1) * period] == block:
        count += 1
    return count


def find_folds(lines: list[str], start: int, stop: int) -> list[Fold]:
    """Cycles of up to 12 lines repeated 3+ times in a row within [start, stop)."""
    folds: list[Fold] = []
    i = start
    while i < stop:
        fold = _fold_at(lines, i, stop)
        if fold is None:
            i += 1
        else:
            folds.append(fold)
            i = fold.end
    return folds


def _fold_at(lines: list[str], i: int, stop: int) -> Fold | None:
    for period in range(1, _MAX_PERIOD + 1):
        if i + period * _MIN_REPEATS > stop:
            return None
        count = _repeats_at(lines, i, period, stop)
        if count >= _MIN_REPEATS:
            return Fold(i + period, i + count * period, period)
    return None
