"""SearchCompressor: grep / ripgrep / git-grep output (`path:line:content`, `path-line-context`,
rg's heading mode) regrouped by file.

Grouping alone is lossless and drops the repeated paths; when there are still too many matches,
each file keeps its first match, error lines and the matches most relevant to the query
context (BM25 over the match texts plus exact ids), and the rest are counted per file with
their line ranges and a retrieval key. Tool notes such as "binary file matches" are folded
by template."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from engine.ccr.keys import ccr_key
from engine.compressors.base import CCREntry, Compressed, ContentMeta, ContentType
from engine.compressors.log_lines import Severity, severities, split_lines, strip_ansi
from engine.compressors.log_templates import mask
from engine.compressors.marker import omission_notice
from engine.relevance import match_items, query_context, tokenize

# `path:line:text` (a match) or `path-line-text` (context); not an ISO date (`2024-01-02`).
GREP_HIT = re.compile(r"^(?:\./)?(?!\d{4}-\d\d-\d\d)(?P<path>[^\s:]{1,300}?)"
                  r"(?P<sep>[:-])(?P<line>\d+)(?P=sep)(?P<text>.*)$")
_PATH_ONLY_HIT = re.compile(r"^(?:\./)?(?P<path>[^\s:]{1,300}?\.\w{1,10}):(?P<text>.*)$")
_HEADING_HIT = re.compile(r"^(?P<line>\d+)(?P<sep>[:-])(?P<text>.*)$")
_PATHLIKE = re.compile(r"^(?:\./)?[\w.@+-]*(?:/[\w.@+-]+)+/?$|^[\w@+-]+\.\w{1,10}$")
_MIN_HITS = 5
_MIN_SHARE = 0.6
_LOSSLESS_MAX = 60
_MAX_ERRORS = 30
_MAX_RELEVANT = 20
_MAX_CANDIDATES = 3000
_MAX_FILES_WITH_EXAMPLE = 40
_MAX_LISTED_FILES = 100
_FOLD_NOTES = 3
_PATH_WORD = re.compile(r"\S*/\S*")


@dataclass
class Hit:
    index: int
    line: int | None
    text: str
    context: bool = False


@dataclass
class Parsed:
    files: dict[str, list[Hit]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def hits(self) -> list[tuple[str, Hit]]:
        return [(path, hit) for path, hits in self.files.items() for hit in hits]


def parse(lines: list[str]) -> Parsed:
    """Every line is a hit of some file or a note ("--", "grep: …: binary file matches")."""
    out = Parsed()
    heading: str | None = None
    for i, raw in enumerate(lines):
        line = strip_ansi(raw)
        hit = _parse_hit(line, heading, i)
        if hit is not None:
            path, parsed = hit
            out.files.setdefault(path, []).append(parsed)
        elif _PATHLIKE.match(line.strip()) and i + 1 < len(lines) and _HEADING_HIT.match(
                strip_ansi(lines[i + 1])):
            heading = line.strip()
        elif line.strip() and line.strip() != "--":
            out.notes.append(line)
    return out


def _parse_hit(line: str, heading: str | None, i: int) -> tuple[str, Hit] | None:
    match = GREP_HIT.match(line)
    if match:
        return match["path"], Hit(i, int(match["line"]), match["text"], match["sep"] == "-")
    if heading is not None:
        head = _HEADING_HIT.match(line)
        if head:
            return heading, Hit(i, int(head["line"]), head["text"], head["sep"] == "-")
    match = _PATH_ONLY_HIT.match(line)
    if match:
        return match["path"], Hit(i, None, match["text"])
    return None


class SearchCompressor:
    name = "search"
    version = "1"

    def score(self, content: str, meta: ContentMeta) -> float:
        if meta.detection.content_type == ContentType.SEARCH:
            return 0.9
        if meta.detection.content_type not in (ContentType.TEXT, ContentType.MIXED,
                                               ContentType.LOG):
            return -1.0
        lines = [line for line in split_lines(content[:100_000])[:400] if line.strip()]
        hits = len(parse(lines).hits)
        return 0.7 if hits >= _MIN_HITS and hits >= _MIN_SHARE * len(lines) else -1.0

    def compress(self, content: str, meta: ContentMeta) -> Compressed:
        lines = split_lines(content)
        parsed = parse(lines)
        hits = parsed.hits
        if len(hits) < _MIN_HITS:
            return Compressed(text=content, reason="not search output", lossy=False)
        matches = sum(1 for _, h in hits if not h.context)
        if len(hits) <= _LOSSLESS_MAX and not _foldable(parsed.notes):
            text = _render(parsed, None, matches)
            return Compressed(text=text, reason=f"search: {matches:,} matches grouped by "
                              f"{len(parsed.files):,} files (lossless)", lossy=False)
        keep = _select(parsed, query_context(meta.query, meta.tool_arguments))
        key = ccr_key(content)
        entry = CCREntry(key=key, original=content, items=tuple(lines),
                         content_type=ContentType.SEARCH.value, tool_name=meta.tool_name)
        omitted = len(hits) - len(keep)
        text = _render(parsed, keep, matches) + "\n" + omission_notice(
            omitted, len(hits), "search result lines", key,
            kept={"lines": len(keep)})
        return Compressed(text=text, reason=f"search: kept {len(keep):,} of {len(hits):,} "
                          f"result lines in {len(parsed.files):,} files", lossy=True,
                          omitted=omitted, ccr_entries=(entry,))


def _select(parsed: Parsed, query: str) -> set[int]:
    """Line indices kept: each file's first match, error lines, query-relevant matches."""
    keep: set[int] = set()
    for in_file in list(parsed.files.values())[:_MAX_FILES_WITH_EXAMPLE]:
        first = next((h for h in in_file if not h.context), in_file[0])
        keep.add(first.index)
    hits = parsed.hits
    texts = [h.text for _, h in hits]
    levels = severities(texts, [mask(t) for t in texts])
    errors = [h.index for (_, h), level in zip(hits, levels, strict=True)
              if not h.context and level == Severity.ERROR]
    keep.update(errors[:_MAX_ERRORS])
    keep.update(hits[i][1].index for i in _relevant(query, [f"{p} {h.text}" for p, h in hits]))
    return keep


def _relevant(query: str, texts: list[str]) -> list[int]:
    """BM25 and exact-id matches, scored only over lines holding a selective query word (one
    found in at most a quarter of the lines), so a word every line shares costs nothing."""
    lowered = [t.lower() for t in texts]
    selective = [w for w in dict.fromkeys(tokenize(query))
                 if sum(1 for t in lowered if w in t) <= len(texts) // 4]
    candidates = [i for i, t in enumerate(lowered) if any(w in t for w in selective)]
    candidates = candidates[:_MAX_CANDIDATES]
    if len(candidates) <= _MAX_RELEVANT:
        return candidates
    subset = [texts[i] for i in candidates]
    found = match_items(" ".join(selective), subset, [lowered[i] for i in candidates],
                        max_ranked=_MAX_RELEVANT, max_exact=_MAX_RELEVANT)
    return [candidates[i] for i in found.indices]


def _render(parsed: Parsed, keep: set[int] | None, matches: int) -> str:
    """`keep` None renders every hit (lossless grouping)."""
    out = [f"[search: {matches:,} matches in {len(parsed.files):,} files, grouped by file]"]
    quiet: list[tuple[str, int]] = []
    for path, hits in parsed.files.items():
        shown = hits if keep is None else [h for h in hits if h.index in keep]
        if not shown:
            quiet.append((path, len(hits)))
            continue
        out.append(f"{path} ({_count(hits)})")
        out.extend(f"  {h.line if h.line is not None else ''}{'-' if h.context else ':'} "
                   f"{h.text}" for h in shown)
        shown_at = {h.index for h in shown}
        rest = [h for h in hits if h.index not in shown_at]
        if rest:
            out.append(f"  … {len(rest):,} more in this file{_range(rest)}")
    out.extend(_quiet_files(quiet))
    out.extend(parsed.notes if keep is None else _notes(parsed.notes))
    return "\n".join(out)


def _count(hits: list[Hit]) -> str:
    context = sum(1 for h in hits if h.context)
    found = len(hits) - context
    text = f"{found:,} match{'es' if found != 1 else ''}"
    return text + (f", {context:,} context lines" if context else "")


def _range(hits: list[Hit]) -> str:
    numbers = [h.line for h in hits if h.line is not None]
    return f" (lines {min(numbers)}–{max(numbers)})" if numbers else ""


def _quiet_files(quiet: list[tuple[str, int]]) -> list[str]:
    if not quiet:
        return []
    listed = sorted(quiet, key=lambda item: -item[1])[:_MAX_LISTED_FILES]
    total = sum(n for _, n in quiet)
    head = f"[… {len(quiet):,} more files with {total:,} result lines, none shown:"
    body = ", ".join(f"{path} ({n:,})" for path, n in listed)
    more = len(quiet) - len(listed)
    return [f"{head} {body}{f', and {more:,} more files' if more else ''}]"]


def _note_groups(notes: list[str]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for note in notes:
        groups.setdefault(mask(_PATH_WORD.sub("<path>", note)), []).append(note)
    return groups


def _foldable(notes: list[str]) -> bool:
    return any(len(g) > _FOLD_NOTES for g in _note_groups(notes).values())


def _notes(notes: list[str]) -> list[str]:
    """Tool messages among the results, same-template ones folded with a count."""
    groups = _note_groups(notes)
    out = []
    for members in groups.values():
        out.append(members[0] if len(members) == 1
                   else f"{members[0]}  [+{len(members) - 1:,} more like it]")
    return out
