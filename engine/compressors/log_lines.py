"""Reading a log line by line: splitting (Jenkins writes bare `\\r`), ANSI colour removal,
severity, and the leading timestamp that makes identical messages look different.

Severity comes from the logger's own level token when the line has one (so an INFO line that
mentions "exception" stays INFO and a WARN template stays grouped); lines without a level are
judged by error and warning words, minus the zero counts that test runners print."""

from __future__ import annotations

import re
from enum import IntEnum

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_ANSI = re.compile(r"\x1b(?:\[[0-9;?]*[A-Za-z]|[()][A-Z0-9]|[=>])")


class Severity(IntEnum):
    INFO = 0
    WARN = 1
    ERROR = 2


_LEVELS = {
    "TRACE": Severity.INFO, "DEBUG": Severity.INFO, "FINE": Severity.INFO,
    "FINER": Severity.INFO, "FINEST": Severity.INFO, "INFO": Severity.INFO,
    "NOTICE": Severity.INFO, "CONFIG": Severity.INFO,
    "WARN": Severity.WARN, "WARNING": Severity.WARN,
    "ERROR": Severity.ERROR, "ERR": Severity.ERROR, "FATAL": Severity.ERROR,
    "CRITICAL": Severity.ERROR, "CRIT": Severity.ERROR, "SEVERE": Severity.ERROR,
    "EMERG": Severity.ERROR, "ALERT": Severity.ERROR, "PANIC": Severity.ERROR,
}
_LEVEL_NAMES = "|".join(sorted(_LEVELS, key=len, reverse=True))
# An upper-case level token standing alone, or any-case inside brackets ("[error]", "<warn>").
_LEVEL = re.compile(
    rf"(?<![\w.$/-])(?:({_LEVEL_NAMES})(?=[\s:\]>|,-]|$)"
    rf"|[\[<]\s*((?i:{_LEVEL_NAMES}))\s*[\]>])")
_GLOG = re.compile(r"^([IWEF])\d{4} \d\d:\d\d:\d\d")
_GLOG_LEVEL = {"I": Severity.INFO, "W": Severity.WARN, "E": Severity.ERROR, "F": Severity.ERROR}
# pytest's `E   assert …` lines and its `____ test_name ____` failure section headers.
_PYTEST_E = re.compile(r"^E {2,}\S|^E\s*$|^_{3,} \S.* _{3,}$")
# Matched against the lower-cased line; `IOException`, `ValueError` end in the bare words.
_ERROR_WORDS = re.compile(
    r"(?:error|exception)s?\b|\b(?:fatal|failed|failures?|fail|panic(?:ked)?|traceback"
    r"|critical|severe|segmentation fault|core dumped|abort(?:ed)?|denied|refused|timed out"
    r"|unable to|cannot|could not|not found|no such file|out of memory|killed)\b")
# Substrings one of which every error word contains: a cheap test before the regex.
_ERROR_HINTS = ("err", "exception", "fail", "fatal", "panic", "traceback", "critical", "severe",
                "segmentation", "core dumped", "abort", "denied", "refused", "timed out",
                "unable", "cannot", "could not", "not found", "no such", "out of memory",
                "killed")
_ZERO_COUNTS = re.compile(
    r"(?i)\b(?:0|no|zero|without)\s+(?:errors?|failures?|failed|exceptions?)\b"
    r"|\b(?:errors?|failures?|failed|exceptions?)\s*[:=]\s*0\b")
_SHOUTED_FAILURE = re.compile(r"\b(?:FAILURE|FAILED|FAIL|ERRORS?)\b")
_COUNTED = re.compile(r"(?i)(?:error|failure|failed|exception)s?\s*[:=]\s*<\*>"
                      r"|<\*>\s+(?:error|failure|failed|exception)")
_WARN_WORDS = re.compile(r"\b(?:warn(?:ing)?s?|deprecat(?:ed|ion))\b")
_LEVEL_SCAN = 160

# Date and time spellings found at the head of log lines; none spans a line break.
_TIMESTAMP = re.compile(
    r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?"
    r"|\d{4}[-/]\d\d[-/]\d\d|\d\d:\d\d:\d\d(?:[.,]\d+)?"
    r"|\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\w* (?:\w{3}) +\d+ \d\d:\d\d:\d\d(?: \d{4})?"
    r"|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d+ \d\d:\d\d:\d\d"
    r"|\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d(?: [+-]\d{4})?"
    r"|^\d{6} \d{6}\b")
_HEAD = 64
# A timestamp prefix (GitHub Actions, CI step names) hiding the line's real first character.
_TS_PREFIX = re.compile(
    r"^(?:[^\t\n]{0,80}\t){0,3}"
    r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)? ?")
_PID = re.compile(r"\[\d+\]|\(\d+\)|\bpid[=: ]\d+")


def split_lines(text: str) -> list[str]:
    """Split on \\r\\n, \\r or \\n: a trailing break does not make an extra empty line."""
    lines = _LINE_BREAK.split(text)
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return lines


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text) if "\x1b" in text else text


def body(line: str) -> str:
    """The line without a leading ISO timestamp prefix (GitHub Actions style)."""
    if not (line[:1].isdigit() or "\t" in line[:_HEAD]):
        return line
    match = _TS_PREFIX.match(line)
    return line[match.end():] if match else line


def severity(line: str) -> Severity:
    head = line[:_LEVEL_SCAN]
    match = _LEVEL.search(head)
    if match:
        level = _LEVELS[(match.group(1) or match.group(2)).upper()]
        if level == Severity.INFO and _SHOUTED_FAILURE.search(line):
            return Severity.ERROR
        return level
    glog = _GLOG.match(line)
    if glog:
        return _GLOG_LEVEL[glog.group(1)]
    text = body(line)
    if _PYTEST_E.match(text):
        return Severity.ERROR
    low = text.lower()
    if any(hint in low for hint in _ERROR_HINTS) and _ERROR_WORDS.search(
            _ZERO_COUNTS.sub("", low)):
        return Severity.ERROR
    if ("warn" in low or "deprecat" in low) and _WARN_WORDS.search(low):
        return Severity.WARN
    return Severity.INFO


def severities(lines: list[str], forms: list[str]) -> list[Severity]:
    """Severity per line, computed once per masked form (`log_templates.mask`): masking only
    touches numbers, so lines of one form share a severity, except where a count decides
    ("Errors: 0")."""
    cache: dict[str, Severity] = {}
    out = []
    for line, form in zip(lines, forms, strict=True):
        level = cache.get(form)
        if level is None:
            level = severity(line)
            if not _COUNTED.search(form):
                cache[form] = level
        out.append(level)
    return out


def timestamp(line: str) -> str | None:
    """The first date/time spelled near the start of the line, as written."""
    match = _TIMESTAMP.search(line[:_HEAD])
    return match.group(0) if match else None


def message_key(line: str) -> str:
    """The line with its leading timestamps and process ids blanked: two lines with the same
    key say the same thing at different times. Thread names and client addresses stay: they
    may be what tells two failures apart."""
    head, tail = line[:_HEAD], line[_HEAD:]
    return _PID.sub("[]", _TIMESTAMP.sub("", head)) + tail
