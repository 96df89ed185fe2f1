"""Splitting mixed tool output into sections, each with a content-type hint, so the router can
compress a bash output's command echo, its log, a JSON blob and a diff each on its own.

Structured blocks are found first (JSON values that parse, unified diffs, runs of grep hits);
the text between them is one section each, hinted LOG when enough of its lines look like log
lines, TEXT otherwise. Concatenating the sections' texts gives back the input exactly; short
content and content with a single kind stay one section."""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from engine.compressors.base import ContentType
from engine.compressors.search import GREP_HIT

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_DIFF_START = re.compile(r"^(?:diff --git |--- \S|Index: \S)")
_DIFF_BODY = re.compile(r"^(?:[ +\-\\]|@@ |\+\+\+ |--- |diff |index |new file|deleted file"
                        r"|similarity|rename |old mode|new mode|Binary files)")
_LOG_LINE = re.compile(
    r"\d\d:\d\d:\d\d|\b(?:INFO|DEBUG|WARN(?:ING)?|ERROR|FATAL|TRACE|NOTICE)\b"
    r"|^\s+at \S|^Traceback \(|^\s+File \"|^E\s{2,}|^\[\w+\]"
    r"|^=+ .* =+$|^_{3,} .* _{3,}$|^(?:FAIL|ERROR|FAILED|PASSED)\b|^\S+\.py:\d+: ")
_JSON_START = re.compile(r"^\s*(?:\{\s*(?:$|\")|\[\s*(?:$|[\[{\"\d\-\]]|true|false|null))")
_TAGS_ONLY = re.compile(r"^(?:</?[A-Za-z][\w-]*>(?:[^<>\n]{0,40}</[A-Za-z][\w-]*>)?)+\s*$")
_MIN_CHARS = 2000
_MIN_JSON_CHARS = 200
_MIN_HITS = 5
_MIN_DIFF_LINES = 4
_LOG_SHARE = 0.3
_DECODER = json.JSONDecoder()


@dataclass(frozen=True)
class Section:
    """`text` is a verbatim slice of the input; `start_line` is 0-based."""

    text: str
    content_type: ContentType
    start_line: int


def sections(content: str) -> list[Section]:
    """The router's splitter: consecutive sections whose texts concatenate to `content`."""
    lines = _LINE.findall(content)
    if len(content) < _MIN_CHARS or len(lines) < 2:
        return [Section(content, _hint(lines), 0)]
    blocks = list(_structured_blocks(lines))
    if not blocks:
        return [Section(content, _hint(lines), 0)]
    out: list[Section] = []
    cursor = 0
    for start, end, kind in blocks:
        if start > cursor:
            out.append(_rest(lines, cursor, start))
        out.append(Section("".join(lines[start:end]), kind, start))
        cursor = end
    if cursor < len(lines):
        out.append(_rest(lines, cursor, len(lines)))
    return _merge_blank(out)


def _rest(lines: list[str], start: int, end: int) -> Section:
    return Section("".join(lines[start:end]), _hint(lines[start:end]), start)


def _hint(lines: list[str]) -> ContentType:
    filled = [line for line in lines if line.strip()]
    logged = sum(1 for line in filled if _LOG_LINE.search(line))
    return ContentType.LOG if filled and logged >= _LOG_SHARE * len(filled) else ContentType.TEXT


def _structured_blocks(lines: list[str]) -> Iterator[tuple[int, int, ContentType]]:
    text = "".join(lines)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    wrapped = bool(_TAGS_ONLY.match(lines[0]))
    i = 0
    while i < len(lines):
        found = ((wrapped and _tag_line(lines, i)) or _json_block(text, starts, lines, i)
                 or _diff_block(lines, i) or _search_block(lines, i))
        if found:
            yield found
            i = found[1]
        else:
            i += 1


def _tag_line(lines: list[str], i: int) -> tuple[int, int, ContentType] | None:
    """Wrapper tags an agent framework puts around tool output (`<returncode>1</returncode>`,
    `<output>`): their own section, so the output inside is routed on its own. Only looked
    for when the content starts with such a line (an XML snippet inside a log is not one)."""
    return (i, i + 1, ContentType.TEXT) if _TAGS_ONLY.match(lines[i]) else None


def _json_block(text: str, starts: list[int], lines: list[str],
                i: int) -> tuple[int, int, ContentType] | None:
    """A JSON object or array starting this line and ending at the end of a later line."""
    if not _JSON_START.match(lines[i]):
        return None
    offset = starts[i] + len(lines[i]) - len(lines[i].lstrip())
    try:
        _, end = _DECODER.raw_decode(text, offset)
    except (ValueError, RecursionError):
        return None
    if end - offset < _MIN_JSON_CHARS:
        return None
    j = bisect.bisect_left(starts, end)
    if starts[j] != end and text[end:starts[j]].strip():
        return None
    return (i, j, ContentType.JSON)


def _diff_block(lines: list[str], i: int) -> tuple[int, int, ContentType] | None:
    if not _DIFF_START.match(lines[i]):
        return None
    j = i + 1
    while j < len(lines) and _DIFF_BODY.match(lines[j]):
        j += 1
    has_hunk = any(line.startswith("@@ ") for line in lines[i:j])
    return (i, j, ContentType.DIFF) if has_hunk and j - i >= _MIN_DIFF_LINES else None


def _search_block(lines: list[str], i: int) -> tuple[int, int, ContentType] | None:
    j = i
    while j < len(lines) and (GREP_HIT.match(lines[j]) or lines[j].rstrip() == "--"):
        j += 1
    return (i, j, ContentType.SEARCH) if j - i >= _MIN_HITS else None


def _merge_blank(parts: list[Section]) -> list[Section]:
    """Whitespace-only pieces join the section before them (or after, at the start)."""
    out: list[Section] = []
    for part in parts:
        if out and (not part.text.strip() or not out[-1].text.strip()):
            keep = out[-1] if out[-1].text.strip() else part
            out[-1] = Section(out[-1].text + part.text, keep.content_type, out[-1].start_line)
        else:
            out.append(part)
    return out
