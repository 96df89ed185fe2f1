"""Template mining for log lines: the Drain algorithm (He et al., ICWS 2017), as in `drain3`.

Variable parts (numbers, hex, ids, IPs, timestamps) are masked first, then lines with the same
token count and leading tokens share a leaf of a fixed-depth prefix tree, where a line joins the
most similar template or starts a new one; positions that differ become `<*>`. Written here
rather than taken from `drain3` because the compressor must handle 1 MB in well under 200 ms:
an exact-match cache on the masked line makes repeated templates a dict lookup. Masks never
match whitespace, so masked tokens stay aligned with the original line's tokens."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

WILDCARD = "<*>"
_NUMBER = re.compile(r"0x[0-9a-fA-F]+|\d[0-9a-fA-F]*")
_JOINED = re.compile(r"<\*>(?:[_:.,/+-]+<\*>)+")
_SIM_THRESHOLD = 0.5
_PREFIX_DEPTH = 3
_MAX_TOKEN_KEY = 40
_MAX_LINE = 2000
_PUNCT_TOKENS = frozenset({"-", "--", ":", "|", "=", "*", "#", ">", "+", "[", "]"})


def mask(line: str) -> str:
    """Replace variable parts by `<*>`; adjacent masked parts joined by punctuation collapse."""
    masked = _NUMBER.sub(WILDCARD, line[:_MAX_LINE])
    return _JOINED.sub(WILDCARD, masked) if "<*>" in masked else masked


@dataclass
class Template:
    """One cluster of lines: its token pattern and the indices of the lines it holds."""

    ident: int
    tokens: list[str]
    members: list[int] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.members)

    def text(self) -> str:
        return _JOINED.sub(WILDCARD, " ".join(self.tokens))


def _similarity(template: list[str], tokens: list[str]) -> float:
    """Share of equal positions, punctuation-only tokens left out of both counts."""
    same = total = 0
    for a, b in zip(template, tokens, strict=True):
        if b in _PUNCT_TOKENS:
            continue
        total += 1
        same += a == b
    return same / total if total else 1.0


def _merge(template: list[str], tokens: list[str]) -> None:
    for i, (a, b) in enumerate(zip(template, tokens, strict=True)):
        if a != b:
            template[i] = WILDCARD


def _leaf_key(tokens: list[str]) -> tuple[object, ...]:
    head = tuple(t if WILDCARD not in t and len(t) <= _MAX_TOKEN_KEY else WILDCARD
                 for t in tokens[:_PREFIX_DEPTH])
    return (len(tokens), *head)


class TemplateMiner:
    """Feed lines in order with `add()`; read the clusters from `templates`."""

    def __init__(self) -> None:
        self.templates: list[Template] = []
        self._exact: dict[str, Template] = {}
        self._leaves: dict[tuple[object, ...], list[Template]] = {}

    def add(self, index: int, line: str) -> Template:
        return self.add_masked(index, mask(line))

    def add_masked(self, index: int, masked: str) -> Template:
        """Like `add` for a line already passed through `mask()`."""
        template = self._exact.get(masked)
        if template is None:
            template = self._place(masked.split())
            self._exact[masked] = template
        template.members.append(index)
        return template

    def _place(self, tokens: list[str]) -> Template:
        leaf = self._leaves.setdefault(_leaf_key(tokens), [])
        best, best_sim = None, _SIM_THRESHOLD
        for candidate in leaf:
            sim = _similarity(candidate.tokens, tokens)
            if sim >= best_sim:
                best, best_sim = candidate, sim
        if best is not None:
            _merge(best.tokens, tokens)
            return best
        created = Template(ident=len(self.templates) + 1, tokens=list(tokens))
        self.templates.append(created)
        leaf.append(created)
        return created
