"""Content-type detection for the router: cheap structural checks first, ML only when they are
inconclusive.

Structural checks look at the whole shape (does it parse as JSON, do most lines look like
`path:line:content`, like timestamped log lines, like a unified diff...) and are right far more
often than a byte classifier on tool output. Magika, whose model ships inside its wheel (no
download), settles what the checks leave open; it is injected, and its model is built once on
first use and reused (import ~0.2 s, model load ~0.04 s, ~1-7 ms per call).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from typing import Any, Protocol

from magika import Magika

from engine.compressors.base import ContentType, Detection

_SAMPLE_LINES = 400
_SAMPLE_CHARS = 256 * 1024
_SAMPLE_LINE_CHARS = 1000
_PARSE_LIMIT = 1024 * 1024
_ML_SAMPLE_BYTES = 16 * 1024

_GREP = re.compile(r"^(?=[^\s:]*[A-Za-z_./])(?!\d{4}-\d\d-\d\d)(?:\./)?[^\s:]{1,300}:\d+[:-]")
_JSON_START = re.compile(r'^(?:\{\s*(?:"|\})|\[\s*(?:[\[{"\]\d-]|true|false|null))')
_TIMESTAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}|\d{2}/\w{3}/\d{4}:\d{2}:\d{2}|\b\d{2}:\d{2}:\d{2}\b"
    r"|^\w{3} [ \d]\d \d{2}:\d{2}|^\d{6} \d{6}|^\[\d+(?:\.\d+)?\]")
_LEVEL = re.compile(r"\b(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|FATAL|CRITICAL|SEVERE)\b"
                    r"|\[(?:trace|debug|info|notice|warn|warning|error|crit|alert|emerg)\]")
_HTML_START = re.compile(r"^\s*(?:<!doctype html|<html\b|<\?xml|<head\b|<body\b)", re.I)
_TAG = re.compile(r"</?(?:html|head|body|div|span|p|a|table|thead|tbody|tr|td|th|ul|ol|li|"
                  r"script|style|meta|link|img|h[1-6]|br|hr|form|input|button|section|"
                  r"article|nav|header|footer|main|pre|code|label|select|option|svg|iframe)"
                  r"(?:\s[^<>]*)?/?>", re.I)
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

# (language, line-start pattern) — the language whose patterns hit most lines wins.
_CODE_HINTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("python", re.compile(r"^\s*(?:def \w+\(|class \w+[:(]|import [\w.]+(?: as \w+)?\s*$|"
                          r"from [\w.]+ import |async def |if __name__)")),
    ("go", re.compile(r"^(?:package \w+|func |import \(|type \w+ (?:struct|interface))")),
    ("rust", re.compile(r"^\s*(?:fn |pub (?:fn|struct|enum|mod|use|trait)|use \w+::|impl\b|"
                        r"#\[|mod \w+;|let mut )")),
    ("java", re.compile(r"^\s*(?:public |private |protected )?(?:static )?(?:final )?"
                        r"(?:class|interface|enum) \w+|^package [\w.]+;|^import [\w.]+;")),
    ("typescript", re.compile(r"^\s*(?:export )?(?:interface|type) \w+|:\s*(?:string|number|"
                              r"boolean)\b")),
    ("javascript", re.compile(r"^\s*(?:export |const \w+ = |let \w+ = |function\*? \w+|"
                              r"import .* from ['\"]|module\.exports|require\()")),
    ("ruby", re.compile(r"^\s*(?:def \w+[?!]?|module \w+|require ['\"]|end$|class \w+ <)")),
    ("c", re.compile(r"^\s*(?:#include\s*[<\"]|#define |(?:static )?(?:int|void|char) \w+\()")),
)
_MAGIKA_TYPES = {"json": ContentType.JSON, "jsonl": ContentType.JSON, "diff": ContentType.DIFF,
                 "html": ContentType.HTML, "xml": ContentType.HTML}


class MLDetector(Protocol):
    def detect(self, content: str) -> Detection | None:
        """A detection, or None when the model has no useful opinion."""
        ...


class MagikaDetector:
    """Magika behind a lock: loaded on first use and reused; safe to call from worker threads."""

    def __init__(self, factory: Callable[[], Any] = Magika, min_score: float = 0.5):
        self._factory = factory
        self._model: Any = None
        self._lock = threading.Lock()
        self.min_score = min_score

    def _load(self) -> Any:
        if self._model is None:
            self._model = self._factory()
        return self._model

    def detect(self, content: str) -> Detection | None:
        sample = content[:_ML_SAMPLE_BYTES].encode("utf-8", "replace")[:_ML_SAMPLE_BYTES]
        with self._lock:
            result = self._load().identify_bytes(sample)
        label, group, score = str(result.output.label), str(result.output.group), result.score
        if score < self.min_score:
            return None
        found = _from_magika(label, group, float(score))
        if found is not None and found.content_type is ContentType.HTML and not _TAG.search(
                content[:_SAMPLE_CHARS]):
            # Tool wrappers such as <returncode>/<output> look like markup, but are not HTML.
            return Detection(ContentType.TEXT, confidence=score, method="magika")
        return found


def _from_magika(label: str, group: str, score: float) -> Detection | None:
    if label in _MAGIKA_TYPES:
        return Detection(_MAGIKA_TYPES[label], confidence=score, method="magika")
    if group == "code" and label not in ("csv", "tsv", "ini", "yaml", "toml"):
        return Detection(ContentType.CODE, language=label, confidence=score, method="magika")
    if group in ("text", "code", "document"):
        return Detection(ContentType.TEXT, confidence=score, method="magika")
    return None


def detect(content: str, ml: MLDetector | None = None) -> Detection:
    """Structural checks; then `ml` if given and the checks were inconclusive; else TEXT."""
    if is_binary(content):
        return Detection(ContentType.BINARY)
    structural = detect_structural(content)
    if structural is not None:
        return structural
    if ml is not None:
        found = ml.detect(content)
        if found is not None:
            return found
    return Detection(ContentType.TEXT, confidence=0.5, method="fallback")


def is_binary(content: str) -> bool:
    """NULs or a high share of control characters / U+FFFD in the first 8 KB."""
    head = content[:8192]
    if not head:
        return False
    if "\x00" in head:
        return True
    bad = sum(1 for c in head if (c < " " and c not in "\n\r\t\x1b\f\b") or c == "\ufffd")
    return bad / len(head) > 0.1


def detect_structural(content: str) -> Detection | None:
    stripped = content.strip()
    if not stripped:
        return Detection(ContentType.TEXT)
    found = _json(stripped)
    if found is not None:
        return found
    head = stripped[:_SAMPLE_CHARS]
    lines = [_ANSI.sub("", line[:_SAMPLE_LINE_CHARS])
             for line in head.splitlines()[:_SAMPLE_LINES]]
    lines = [line for line in lines if line.strip()]
    for check in (_diff, _search, _html, _log, _code):
        found = check(head, lines)
        if found is not None:
            return found
    return None


def _json(stripped: str) -> Detection | None:
    if not _JSON_START.match(stripped):
        return None
    if len(stripped) > _PARSE_LIMIT and stripped[-1] in "]}":
        return Detection(ContentType.JSON, confidence=0.9)  # the compressor parses it anyway
    try:
        json.loads(stripped)
        return Detection(ContentType.JSON)
    except (ValueError, RecursionError):
        pass
    lines = stripped[:_SAMPLE_CHARS].splitlines()[:50]
    if len(lines) > 1 and all(_parses(line) for line in lines if line.strip()):
        return Detection(ContentType.JSON, language="jsonl")
    try:
        _, end = json.JSONDecoder().raw_decode(stripped)
    except (ValueError, RecursionError):
        return Detection(ContentType.JSON, confidence=0.6) if len(stripped) > 2000 else None
    return Detection(ContentType.MIXED, confidence=0.7) if end < len(stripped) else None


def _parses(line: str) -> bool:
    text = line.strip()
    if not text.startswith(("{", "[")):
        return False
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


def _share(lines: list[str], pattern: re.Pattern[str], search: bool = False) -> float:
    if not lines:
        return 0.0
    hits = sum(1 for line in lines if (pattern.search(line) if search else pattern.match(line)))
    return hits / len(lines)


def _diff(stripped: str, lines: list[str]) -> Detection | None:
    if stripped.startswith("diff --git") or re.search(r"^diff --git ", stripped, re.M):
        return Detection(ContentType.DIFF)
    if re.search(r"^--- \S.*\n\+\+\+ \S.*\n@@ -\d", stripped, re.M):
        return Detection(ContentType.DIFF)
    return None


def _search(stripped: str, lines: list[str]) -> Detection | None:
    share = _share(lines, _GREP)
    return Detection(ContentType.SEARCH, confidence=share) if share >= 0.6 else None


def _html(stripped: str, lines: list[str]) -> Detection | None:
    if _HTML_START.match(stripped):
        return Detection(ContentType.HTML)
    tags = len(_TAG.findall(stripped[:20000]))
    if stripped.startswith("<") and tags >= 5 and tags * 40 > min(len(stripped), 20000):
        return Detection(ContentType.HTML, confidence=0.7)
    return None


def _log(stripped: str, lines: list[str]) -> Detection | None:
    stamped = _share(lines, _TIMESTAMP, search=True)
    levels = _share(lines, _LEVEL, search=True)
    if stamped >= 0.5 or levels >= 0.5 or (stamped + levels >= 0.6 and len(lines) >= 5):
        return Detection(ContentType.LOG, confidence=max(stamped, levels))
    # Build/CI output: many short lines, some of them levelled or stamped, no prose paragraphs.
    short = sum(len(line) for line in lines) / len(lines) < 160 if lines else False
    if len(lines) >= 50 and short and stamped + levels >= 0.1:
        return Detection(ContentType.LOG, confidence=0.6)
    return None


def _code(stripped: str, lines: list[str]) -> Detection | None:
    if len(lines) < 3:
        return None
    hits = {lang: sum(1 for line in lines if pattern.search(line)) for lang, pattern in _CODE_HINTS}
    best = max(hits, key=lambda lang: hits[lang])
    best_hits = hits[best]
    if best == "javascript" and hits["typescript"] >= 2:
        best = "typescript"  # TypeScript is JavaScript plus types: any type syntax decides
    punctuation = sum(1 for line in lines if line.rstrip().endswith(("{", "}", ";", ":", ")")))
    if best_hits >= 2 and (best_hits / len(lines) >= 0.05 or punctuation / len(lines) >= 0.3):
        return Detection(ContentType.CODE, language=best, confidence=0.8)
    return None
