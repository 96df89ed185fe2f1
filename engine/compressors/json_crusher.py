"""SmartCrusher: compresses JSON tool outputs by finding the large arrays anywhere in the document
and re-encoding them as tables (lossless), then, only when that is still too big, keeping the
items that matter under a token budget (lossy, with a retrievable original).

Bad input never raises out of here: text that is not strict JSON (malformed, truncated, NaN,
Infinity, duplicate keys, lone surrogates, nesting deeper than the parser allows) scores below
zero, and anything over the size limit is passed through unchanged so memory stays bounded.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine.ccr.keys import ccr_key
from engine.compressors.base import CCREntry, Compressed, ContentMeta
from engine.compressors.json_render import Section, find_sections, render_document
from engine.compressors.json_select import Budget, Selection, select
from engine.compressors.json_table import minify
from engine.compressors.marker import omission_notice
from engine.relevance import ItemScorer, query_context
from engine.tokens import counter_for

_OPENING = re.compile(r"\s{0,4096}[\[{]")


class NotJSON(ValueError):
    """The text is not strict JSON we can re-encode without changing its meaning."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise NotJSON("duplicate keys")
    return obj


def _constant(name: str) -> Any:
    raise NotJSON(f"non-standard constant {name}")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise NotJSON(f"number out of range: {text[:20]}")
    return value


def parse_strict(content: str) -> Any:
    """Parse strict JSON; raise NotJSON for anything a lossless re-encoding could alter."""
    if not content.isascii():
        try:
            content.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise NotJSON("text is not valid UTF-8") from exc
    try:
        return json.loads(content, object_pairs_hook=_pairs, parse_constant=_constant,
                          parse_float=_float)
    except (ValueError, RecursionError) as exc:
        raise NotJSON(str(exc)[:200]) from exc


@dataclass(frozen=True)
class CrushSettings:
    max_input_chars: int = 8_000_000
    min_lossy_tokens: int = 1_500
    budget_ratio: float = 0.12
    budget_floor: int = 600
    budget_cap: int = 4_000
    min_lossy_items: int = 8


class SmartCrusher:
    """The JSON compressor (`name = "json"`)."""

    name = "json"

    def __init__(self, settings: CrushSettings | None = None,
                 scorer: ItemScorer | None = None) -> None:
        self.settings = settings or CrushSettings()
        self.scorer = scorer
        self._last: tuple[str, Any] | None = None

    def score(self, content: str, meta: ContentMeta) -> float:
        if not _OPENING.match(content):
            return -1.0
        if len(content) > self.settings.max_input_chars:
            return 0.1
        try:
            doc = self._parse(content)
        except NotJSON:
            return -1.0
        return 0.9 if isinstance(doc, dict | list) else -1.0

    def compress(self, content: str, meta: ContentMeta) -> Compressed:
        if len(content) > self.settings.max_input_chars:
            return Compressed(content, f"passed through: over {self.settings.max_input_chars:,} "
                                       "characters")
        try:
            doc = self._parse(content)
            return self._crush(content, doc, meta)
        except (NotJSON, RecursionError, UnicodeError) as exc:
            return Compressed(content, f"passed through: not strict JSON ({exc})"[:200])

    def _parse(self, content: str) -> Any:
        last = self._last
        if last is not None and last[0] is content:
            return last[1]
        doc = parse_strict(content)
        self._last = (content, doc)
        return doc

    def _crush(self, content: str, doc: Any, meta: ContentMeta) -> Compressed:
        counter = counter_for(meta.model)
        sections = find_sections(doc, counter)
        total = sum(s.est_tokens for s in sections)
        budget = self._budget(content, sections, meta)
        lossy = [s for s in sections if s.est_tokens > 0]
        query = query_context(meta.query, meta.tool_arguments)
        entries: list[CCREntry] = []
        omitted = 0
        threshold = max(budget, self.settings.min_lossy_tokens)
        for section in sorted(lossy, key=lambda s: -s.est_tokens):
            if total <= threshold:
                break
            if len(section.items) < self.settings.min_lossy_items:
                continue
            other = total - section.est_tokens
            selection = select(section.items, section.minified, section.records, section.costs,
                               Budget(int(max(budget - other, budget // 4))), query, self.scorer)
            if len(selection.keep) >= len(section.items):
                continue
            entry = self._entry(content, section, meta, first=not entries)
            entries.append(entry)
            omitted += len(section.items) - len(selection.keep)
            self._apply(section, selection, entry.key)
            total = other + section.est_tokens
        text = render_document(doc, sections)
        return self._finish(content, text, counter.count, entries, omitted, sections,
                            meta.tokens)

    def _budget(self, content: str, sections: list[Section], meta: ContentMeta) -> int:
        if meta.token_budget:
            return meta.token_budget
        chars_per_token = sections[0].json_chars_per_token if sections else 3.5
        original = len(content) / chars_per_token
        s = self.settings
        return int(min(s.budget_cap, max(s.budget_floor, s.budget_ratio * original)))

    @staticmethod
    def _entry(content: str, section: Section, meta: ContentMeta, first: bool) -> CCREntry:
        original = content if first else minify(section.items)
        return CCREntry(key=ccr_key(original), original=original, items=tuple(section.minified),
                        content_type="json", tool_name=meta.tool_name)

    @staticmethod
    def _apply(section: Section, selection: Selection, key: str) -> None:
        dropped = len(section.items) - len(selection.keep)
        section.keep = selection.keep
        section.notice = omission_notice(dropped, len(section.items), "items", key,
                                         selection.kept)
        section.est_tokens = sum(section.costs[i] for i in selection.keep)

    @staticmethod
    def _finish(content: str, text: str, count: Callable[[str], int], entries: list[CCREntry],
                omitted: int, sections: list[Section], before: int | None) -> Compressed:
        """`before`: the content's token count when the router has it (else counted here)."""
        # A lone surrogate (from a \ud800-style escape) cannot be sent: raising UnicodeError
        # here makes compress() pass the input through.
        text.encode("utf-8")
        if len(text) >= len(content) or (2 * len(text) > len(content) and count(text) >= (
                before if before is not None else count(content))):
            return Compressed(content, "kept: re-encoding did not reduce tokens")
        tables = sum(1 for s in sections if s.spec is not None)
        if entries:
            kept = sum(len(s.keep) for s in sections if s.keep is not None)
            reason = f"lossy: {omitted:,} items omitted, {kept:,} kept; {tables} table(s)"
            return Compressed(text, reason, lossy=True, omitted=omitted,
                              ccr_entries=tuple(entries))
        reason = f"lossless: minified, {tables} table(s)" if tables else "lossless: minified"
        return Compressed(text, reason)
