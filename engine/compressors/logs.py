"""LogCompressor: build, CI and application logs folded into templates, with every error,
stack trace and warning kind kept verbatim and every omission stated and retrievable.

The plan (what to keep) lives in log_plan.py, template mining in log_templates.py, the output
format in log_render.py; this module decides whether content is a log and wires them up."""

from __future__ import annotations

import re

from engine.ccr.keys import ccr_key
from engine.compressors.base import CCREntry, Compressed, ContentMeta, ContentType
from engine.compressors.log_lines import split_lines, strip_ansi
from engine.compressors.log_plan import build_plan
from engine.compressors.log_render import render

_MIN_LINES = 12
_SAMPLE_LINES = 400
_LOG_SHAPE = re.compile(
    r"\d\d:\d\d:\d\d|\b(?:INFO|DEBUG|WARN(?:ING)?|ERROR|FATAL|TRACE|NOTICE)\b"
    r"|^\[[\w ./:-]+\]|^\s+at \S|^(?:\+ |> |\$ )")
# Test-runner output (pytest, unittest/Django, Go, cargo) is a log of failures and tracebacks.
_TEST_RUN = re.compile(
    r"^=+ (?:test session starts|FAILURES|ERRORS|short test summary info) =+$"
    r"|^Ran \d+ tests? in |^(?:FAIL|ERROR): \w+ \(|^--- FAIL: |^test result: ", re.M)
_QUERY_TERM = re.compile(r"[A-Za-z_][\w.$/:-]*[\d_./$:][\w.$/:-]*")
_MIN_TERM = 5


class LogCompressor:
    name = "log"
    version = "1"

    def score(self, content: str, meta: ContentMeta) -> float:
        """0.9 when detection says log; otherwise 0.5 for text whose lines look like a log."""
        if "\x00" in content[:4096]:
            return -1.0
        if meta.detection.content_type == ContentType.LOG:
            return 0.9
        if meta.detection.content_type not in (ContentType.TEXT, ContentType.MIXED):
            return -1.0
        lines = split_lines(content[:200_000])[:_SAMPLE_LINES]
        if len(lines) < _MIN_LINES:
            return -1.0
        if _TEST_RUN.search(content[:200_000]):
            return 0.6
        shaped = sum(1 for line in lines if _LOG_SHAPE.search(line))
        return 0.5 if shaped >= 0.3 * len(lines) else -1.0

    def compress(self, content: str, meta: ContentMeta) -> Compressed:
        raw_lines = split_lines(content)
        if len(raw_lines) < _MIN_LINES or "\x00" in content:
            return Compressed(text=content, reason="too few lines to fold", lossy=False)
        plan = build_plan(split_lines(strip_ansi(content)), _query_terms(meta.query))
        if plan.kept == len(plan.lines):
            return Compressed(text=content, reason="every line is significant", lossy=False)
        key = ccr_key(content)
        entry = CCREntry(key=key, original=content, items=tuple(raw_lines),
                         content_type=ContentType.LOG.value, tool_name=meta.tool_name)
        omitted = len(plan.lines) - plan.kept
        reason = (f"log: {omitted:,} of {len(plan.lines):,} lines folded into "
                  f"{len(plan.templates):,} templates; {plan.distinct_errors:,} distinct errors, "
                  f"{plan.trace_count:,} stack traces, {plan.warn_examples:,} warning kinds kept")
        return Compressed(text=render(plan, key), reason=reason, lossy=True, omitted=omitted,
                          ccr_entries=(entry,))


def _query_terms(query: str) -> tuple[str, ...]:
    """Identifier-like words of the query (ids, file names, dotted names) worth finding."""
    terms = {t.strip(".:/") for t in _QUERY_TERM.findall(query)}
    return tuple(sorted(t for t in terms if len(t) >= _MIN_TERM))
