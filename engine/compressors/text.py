"""TextCompressor: large prose, cut extractively — never rewritten. Repeated paragraphs are
dropped, then the head, the tail and the paragraphs most relevant to the query context (BM25,
engine.relevance) are kept within a budget; each omitted run is marked in place and the notice
names the CCR key, whose items are the paragraphs (so a query brings back the matching ones).

The choice of paragraphs is a `ParagraphSelector`: a different extractive or LLMLingua-style
selector can be injected, as long as it needs no model download at run time.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from engine.ccr.keys import ccr_key
from engine.compressors.base import CCREntry, Compressed, ContentMeta, ContentType
from engine.compressors.marker import omission_notice
from engine.relevance import STOPWORDS, BM25Scorer, query_context, words

_BLANK_LINES = re.compile(r"\n[ \t]*\n+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[])")
_SPACES = re.compile(r"\s+")
_MAX_SCORED = 800


@dataclass(frozen=True)
class TextSettings:
    """`min_tokens` is estimated as characters / 4 (no tokenizer on the scoring path)."""

    min_tokens: int = 2_500
    keep_ratio: float = 0.35
    head: int = 1
    tail: int = 1
    min_paragraphs: int = 8
    chunk_chars: int = 600


class ParagraphSelector(Protocol):
    def select(self, paragraphs: Sequence[str], query: str, budget_chars: int,
               required: set[int]) -> set[int]:
        """Indices to keep: `required` plus whatever fits in `budget_chars`."""
        ...


class RelevanceSelector:
    """Best BM25 matches for the query first; leftover budget extends the head."""

    def select(self, paragraphs: Sequence[str], query: str, budget_chars: int,
               required: set[int]) -> set[int]:
        chosen = set(required)
        used = sum(len(paragraphs[i]) for i in chosen)
        first = self.ranked(paragraphs, query)
        # One round of relevance feedback: the best match's words find the paragraph that a
        # multi-hop question reaches only through it (the "bridge").
        second = self.ranked(paragraphs, f"{query} {paragraphs[first[0]]}") if first else []
        interleaved = [i for pair in zip(first, second, strict=False) for i in pair]
        for i in [*interleaved, *first, *range(len(paragraphs))]:
            if i not in chosen and used + len(paragraphs[i]) <= budget_chars:
                chosen.add(i)
                used += len(paragraphs[i])
        return chosen


    def ranked(self, paragraphs: Sequence[str], query: str) -> list[int]:
        """Paragraphs holding a query word, best BM25 first. Only the `_MAX_SCORED` with the
        most distinct query words are scored, so a 1 MB text stays within the time budget."""
        needles = [w for w in dict.fromkeys(words(query)) if len(w) >= 3 and w not in STOPWORDS]
        if not needles:
            return []
        lowered = (p.lower() for p in paragraphs)
        hits = [sum(1 for n in needles if n in low) for low in lowered]
        candidates = sorted((i for i, h in enumerate(hits) if h), key=lambda i: -hits[i])
        candidates = sorted(candidates[:_MAX_SCORED])
        scores = BM25Scorer().scores(query, [paragraphs[i] for i in candidates],
                                     len(paragraphs))
        order = sorted(range(len(candidates)), key=lambda j: (-scores[j], j))
        return [candidates[j] for j in order if scores[j] > 0]


class TextCompressor:
    name = "text"

    def __init__(self, settings: TextSettings | None = None,
                 selector: ParagraphSelector | None = None) -> None:
        self.settings = settings or TextSettings()
        self.selector = selector or RelevanceSelector()

    def score(self, content: str, meta: ContentMeta) -> float:
        """Low on purpose: prose is the fallback when no structure-aware compressor fits."""
        if meta.detection.content_type not in (ContentType.TEXT, ContentType.MIXED):
            return -1.0
        if len(content) < 4 * self.settings.min_tokens or "\x00" in content[:8192]:
            return -1.0
        return 0.2

    def compress(self, content: str, meta: ContentMeta) -> Compressed:
        if "\x00" in content:
            return Compressed(text=content, reason="binary data", lossy=False)
        paragraphs = split_paragraphs(content, self.settings)
        unique, duplicates = _dedupe(paragraphs)
        if len(unique) < self.settings.min_paragraphs:
            return Compressed(text=content, reason="too few paragraphs to select", lossy=False)
        s = self.settings
        required = set(range(min(s.head, len(unique)))) | set(
            range(len(unique) - s.tail, len(unique)))
        budget = int(s.keep_ratio * sum(len(p) for p in unique))
        query = query_context(meta.query, meta.tool_arguments)
        kept = self.selector.select(unique, query, budget, required)
        if len(kept) >= len(unique) and not duplicates:
            return Compressed(text=content, reason="every paragraph selected", lossy=False)
        return _render(content, unique, kept, duplicates, meta)


def split_paragraphs(content: str, settings: TextSettings) -> list[str]:
    """Blank-line paragraphs; a text with too few of them is cut into sentence chunks."""
    paragraphs = [p.strip("\n") for p in _BLANK_LINES.split(content) if p.strip()]
    if len(paragraphs) >= settings.min_paragraphs:
        return paragraphs
    chunks: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(content.strip()):
        if current and len(current) + len(sentence) > settings.chunk_chars:
            chunks.append(current)
            current = ""
        current = f"{current} {sentence}" if current else sentence
    return [*chunks, current] if current else chunks


def _dedupe(paragraphs: list[str]) -> tuple[list[str], int]:
    seen: set[str] = set()
    unique: list[str] = []
    for paragraph in paragraphs:
        norm = _SPACES.sub(" ", paragraph).strip().lower()
        if norm not in seen:
            seen.add(norm)
            unique.append(paragraph)
    return unique, len(paragraphs) - len(unique)


def _render(content: str, unique: list[str], kept: set[int], duplicates: int,
            meta: ContentMeta) -> Compressed:
    key = ccr_key(content)
    out: list[str] = []
    gap: list[int] = []
    for i, paragraph in enumerate(unique):
        if i in kept:
            out += _gap_marker(gap)
            gap = []
            out.append(paragraph)
        else:
            gap.append(i)
    out += _gap_marker(gap)
    omitted = len(unique) - len(kept)
    notice = omission_notice(omitted, len(unique), "paragraphs", key,
                             {"head, tail and query matches": len(kept)})
    if duplicates:
        notice += f"\n[{duplicates:,} repeated paragraphs removed]"
    items = tuple(f"¶{i + 1}: {p}" for i, p in enumerate(unique))
    entry = CCREntry(key=key, original=content, items=items, content_type=ContentType.TEXT.value,
                     tool_name=meta.tool_name)
    reason = (f"text: kept {len(kept):,} of {len(unique):,} paragraphs, "
              f"{duplicates:,} duplicates removed")
    return Compressed(text="\n\n".join([notice, *out]), reason=reason, lossy=True,
                      omitted=omitted + duplicates, ccr_entries=(entry,))


def _gap_marker(gap: list[int]) -> list[str]:
    if not gap:
        return []
    span = f"¶{gap[0] + 1}" if len(gap) == 1 else f"¶{gap[0] + 1}–{gap[-1] + 1}"
    return [f"[… {len(gap):,} paragraph{'s' if len(gap) > 1 else ''} omitted ({span}) …]"]
