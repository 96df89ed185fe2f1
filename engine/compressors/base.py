"""The compressor interface: the router asks every compressor for a `score()` and lets the
highest one `compress()`. Compressors are pure: they return text plus the CCR entries that must
be stored before that text may be sent; the router stores them and records the decision."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class ContentType(StrEnum):
    JSON = "json"
    LOG = "log"
    CODE = "code"
    DIFF = "diff"
    SEARCH = "search"
    HTML = "html"
    TEXT = "text"
    BINARY = "binary"
    MIXED = "mixed"


@dataclass(frozen=True)
class Detection:
    content_type: ContentType
    language: str | None = None
    confidence: float = 1.0
    method: str = "structural"


@dataclass(frozen=True)
class ContentMeta:
    """`tokens`: the router's count of the content for `model`, so a compressor that compares
    token counts need not count the input again."""

    detection: Detection
    tool_name: str | None = None
    tool_arguments: str | None = None
    query: str = ""
    model: str = "gpt-4o"
    token_budget: int | None = None
    tokens: int | None = None


@dataclass(frozen=True)
class CCREntry:
    """An original to store before lossy output is emitted. `items` lets retrieval return a
    page or just the matching items (JSON array items, log lines, code symbols...)."""

    key: str
    original: str
    items: tuple[str, ...]
    content_type: str
    tool_name: str | None = None


@dataclass(frozen=True)
class Compressed:
    text: str
    reason: str
    lossy: bool = False
    omitted: int = 0
    ccr_entries: tuple[CCREntry, ...] = ()


class Compressor(Protocol):
    name: str

    def score(self, content: str, meta: ContentMeta) -> float:
        """Below 0: not mine. Higher wins."""
        ...

    def compress(self, content: str, meta: ContentMeta) -> Compressed: ...
