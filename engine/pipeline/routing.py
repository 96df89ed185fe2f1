"""Routing one text: detect its type, let the best-scoring compressor compress it, store the
CCR entries, and accept the result only if it is safe and smaller.

Separated from the ContentRouter stage so the SDK, the CLI and the benchmark harness run exactly
the same routing on a bare string. Every compressor call sits behind one boundary: a compressor
that raises (in score or compress) is skipped, the next best one tries, and the failure is
named in the reason. Lossy output is used only after its originals are in the CCR store.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from engine.ccr.store import CCRStore
from engine.compressors.base import (
    Compressed,
    Compressor,
    ContentMeta,
    ContentType,
    Detection,
)
from engine.compressors.detect import MLDetector, detect
from engine.conversation import Action
from engine.tokens import counter_for


class Piece(Protocol):
    """A section of mixed content and the type its splitter saw (engine.compressors.sections)."""

    @property
    def text(self) -> str: ...

    @property
    def content_type(self) -> ContentType: ...


_ML_MIN_CHARS = 2000

Splitter = Callable[[str], Sequence[Piece]]
"""Splits mixed content into consecutive pieces whose concatenation is the input."""


@dataclass(frozen=True)
class RouteInput:
    tool_name: str | None = None
    tool_arguments: str | None = None
    query: str = ""
    model: str = "gpt-4o"


@dataclass(frozen=True)
class Routed:
    """`text` is None when the original must be kept; `action` is the outcome."""

    content_type: str
    compressor: str | None
    reason: str
    text: str | None
    action: Action
    lossy: bool = False
    ccr_keys: tuple[str, ...] = ()
    tokens_before: int = 0
    tokens_after: int = 0


@dataclass
class _Attempt:
    failures: list[str] = field(default_factory=list)

    def note(self, name: str, stage: str, err: Exception) -> None:
        self.failures.append(f"{name}.{stage} raised {type(err).__name__}: {err}")

    def suffix(self) -> str:
        return f" [skipped: {'; '.join(self.failures)}]" if self.failures else ""


class TextRouter:
    """Stateless apart from its injected collaborators (each thread-safe): safe to share."""

    def __init__(self, compressors: Sequence[Compressor], ccr: CCRStore,
                 ml: MLDetector | None = None, splitter: Splitter | None = None):
        self.compressors = list(compressors)
        self.ccr = ccr
        self.ml = ml
        self.splitter = splitter

    def route(self, content: str, given: RouteInput, tokens: int | None = None) -> Routed:
        """`tokens`: the caller's count of `content` for `given.model`, when it has one."""
        before = counter_for(given.model).count(content) if tokens is None else tokens
        detection = detect(content, self.ml)
        if detection.content_type is ContentType.BINARY:
            return Routed("binary", None, "binary content is never compressed", None,
                          Action.KEPT, tokens_before=before, tokens_after=before)
        if self.splitter is not None and detection.content_type in (
                ContentType.MIXED, ContentType.TEXT, ContentType.LOG):
            sections = [s for s in self.splitter(content) if s.text]
            if len(sections) > 1:
                return self._route_sections(sections, given, before)
        return self._route_one(content, detection, given, before)

    def _route_sections(self, sections: list[Piece], given: RouteInput, before: int) -> Routed:
        """Route each section's core; the whitespace around it is kept as it was, so the
        separators between sections survive whatever a compressor does to its section."""
        counter = counter_for(given.model)
        cores = [s.text.strip() for s in sections]
        parts = [self._route_one(core, self._section_type(core, s.content_type), given,
                                 counter.count(core)) if core else None
                 for core, s in zip(cores, sections, strict=True)]
        used = [p for p in parts if p is not None and p.text is not None]
        if not used:
            kinds = ", ".join(p.content_type for p in parts if p is not None)
            return Routed("mixed", None, f"mixed ({kinds}): no section got smaller", None,
                          Action.KEPT, tokens_before=before, tokens_after=before)
        text = "".join(_rejoin(s.text, core, part)
                       for s, core, part in zip(sections, cores, parts, strict=True))
        names = "+".join(dict.fromkeys(p.compressor for p in used if p.compressor))
        reason = f"mixed, {len(sections)} sections: " + "; ".join(
            f"{p.content_type}: {p.reason}" for p in parts if p is not None)
        keys = tuple(k for p in used for k in p.ccr_keys)
        routed = Routed("mixed", names, reason, text, Action.COMPRESSED,
                        any(p.lossy for p in used), keys, before)
        return self._check_gain(routed, given.model, sum(len(s.text) for s in sections))

    def _section_type(self, core: str, hint: ContentType) -> Detection:
        """The splitter found JSON, diffs, grep runs and logs structurally; trust it there,
        and let detection decide the rest (code, HTML, prose...). Short sections skip the ML
        model (~5-15 ms a call): no compressor gains much on them."""
        if hint is not ContentType.TEXT:
            return Detection(hint, method="sections")
        return detect(core, self.ml if len(core) >= _ML_MIN_CHARS else None)

    def _route_one(self, content: str, detection: Detection, given: RouteInput,
                   before: int) -> Routed:
        kind = detection.content_type.value
        meta = ContentMeta(detection=detection, tool_name=given.tool_name,
                           tool_arguments=given.tool_arguments, query=given.query,
                           model=given.model, tokens=before)
        attempt = _Attempt()
        for compressor in self._ranked(content, meta, attempt):
            try:
                out = compressor.compress(content, meta)
            except Exception as err:  # boundary: a failing compressor is skipped, recorded
                attempt.note(compressor.name, "compress", err)
                continue
            return self._accept(kind, compressor.name, out, attempt, given.model,
                                (before, len(content)))
        if attempt.failures:
            return Routed(kind, None, "every compressor failed" + attempt.suffix(), None,
                          Action.FAILED, tokens_before=before, tokens_after=before)
        return Routed(kind, None, f"no compressor for {kind}", None, Action.KEPT,
                      tokens_before=before, tokens_after=before)

    def _ranked(self, content: str, meta: ContentMeta, attempt: _Attempt) -> list[Compressor]:
        scored: list[tuple[float, int, Compressor]] = []
        for order, compressor in enumerate(self.compressors):
            try:
                score = float(compressor.score(content, meta))
            except Exception as err:  # boundary: same as compress()
                attempt.note(compressor.name, "score", err)
                continue
            if score >= 0:
                scored.append((-score, order, compressor))
        return [c for _, _, c in sorted(scored, key=lambda t: (t[0], t[1]))]

    def _accept(self, kind: str, name: str, out: Compressed, attempt: _Attempt, model: str,
                size: tuple[int, int]) -> Routed:
        """`size` is the input's (tokens, characters)."""
        routed = Routed(kind, name, out.reason + attempt.suffix(), out.text, Action.COMPRESSED,
                        out.lossy, tuple(e.key for e in out.ccr_entries), size[0])
        routed = self._check_gain(routed, model, size[1])
        if routed.text is None or not out.ccr_entries:
            if routed.text is not None and out.lossy:
                return _kept(routed, "lossy output without a CCR entry discarded")
            return routed
        try:
            for entry in out.ccr_entries:
                self.ccr.put(entry)
        except Exception as err:  # boundary: never emit a marker that cannot be redeemed
            note = f"CCR store failed ({type(err).__name__}: {err})"
            if out.lossy:
                return _kept(routed, f"{note}; lossy output discarded")
            return replace(routed, reason=f"{routed.reason}; {note}", ccr_keys=())
        return routed

    def _check_gain(self, routed: Routed, model: str, original_length: int) -> Routed:
        """Longer output never saves tokens in practice, and counting it can be slow."""
        text = routed.text or ""
        if len(text) >= original_length:
            return _kept(routed, "no gain (output not shorter than the input); original kept")
        after = counter_for(model).count(text)
        if after >= routed.tokens_before:
            return _kept(routed, f"no gain ({routed.tokens_before:,} → {after:,} tokens); "
                                 "original kept")
        return replace(routed, tokens_after=after)


def _rejoin(section: str, core: str, part: Routed | None) -> str:
    if part is None or part.text is None or not core:
        return section
    start = section.index(core)
    return section[:start] + part.text + section[start + len(core):]


def _kept(routed: Routed, reason: str) -> Routed:
    return Routed(routed.content_type, routed.compressor, reason, None, Action.KEPT,
                  tokens_before=routed.tokens_before, tokens_after=routed.tokens_before)

