"""Relevance of items (JSON array items, log lines, cached CCR items) to the query context.

The query context is what the model is working on: the latest user text plus the values of the
arguments of the tool call that produced the output. Items are scored on their values, never on
their keys (every item of an array shares its keys, so keys carry no signal). BM25 (rank-bm25)
gives real IDF over the items; an exact-value boost lifts items holding an id, login or flight
number that appears verbatim in the query. A semantic scorer (hashed character n-grams, no model
download) can be mixed in behind the same `ItemScorer` interface; it is off by default.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import orjson
from rank_bm25 import BM25Okapi

_STOPWORD_TEXT = (
    "a about above after again against all am an and any are as at be because been before being "
    "below between both but by can could did do does doing down during each few for from further "
    "had has have having he her here hers him his how i if in into is it its itself just me more "
    "most my no nor not now of off on once only or other our out over own same she should so some "
    "such than that the their them then there these they this those through to too under until up "
    "very was we were what when where which while who whom why will with would you your yours "
    "please show find get list give tell me let want need see"
)
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_WORD = re.compile(r"[^\W_][\w.\-/:@#+]*", re.UNICODE)
_PART = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+|[^\W\d_]+", re.UNICODE)
_SEPARATORS = ".-/:@#+"
# Path and address segments stay whole (`refs/tags/v0.4.5` yields `v0.4.5`, which the letter/digit
# split alone would shred into one-character parts that are dropped).
_SEGMENT_BREAK = re.compile(r"[/:@#+]")


def words(text: str) -> list[str]:
    """Whitespace/punctuation-delimited words, keeping identifier characters (`refs/heads/x`,
    `user_id`, `HAT123`, `a.b@c.d`) together; lowercased."""
    return [w.strip(_SEPARATORS).lower() for w in _WORD.findall(text)]


def tokenize(text: str) -> list[str]:
    """Search tokens: every whole identifier plus its parts split at snake_case, camelCase,
    dots, slashes and letter/digit boundaries; stopwords and one-letter parts dropped."""
    out: list[str] = []
    for raw in _WORD.findall(text):
        word = raw.strip(_SEPARATORS)
        lowered = word.lower()
        if lowered not in STOPWORDS:
            out.append(lowered)
        if lowered.isalpha() and (word == lowered or word[1:] == lowered[1:]):
            continue
        parts = (p.strip(_SEPARATORS).lower()
                 for p in [*_SEGMENT_BREAK.split(word), *_PART.findall(word)])
        out.extend(low for low in dict.fromkeys(parts)
                   if len(low) > 1 and low != lowered and low not in STOPWORDS)
    return out


def scalar_values(value: Any, limit: int = 400) -> list[str]:
    """The scalar values of a JSON value as text (keys excluded), depth-first, at most `limit`."""
    out: list[str] = []
    stack = [value]
    while stack and len(out) < limit:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, str):
            out.append(node)
        elif node is not None and not isinstance(node, bool):
            out.append(str(node))
    return out


def query_context(query: str, tool_arguments: str | None) -> str:
    """Latest user text plus the values (not keys) of the tool call's JSON arguments."""
    if not tool_arguments:
        return query
    try:
        args = orjson.loads(tool_arguments)
    except orjson.JSONDecodeError:
        return f"{query} {tool_arguments}".strip()
    return " ".join([query, *scalar_values(args, limit=100)]).strip()


class ItemScorer(Protocol):
    """Scores each document (an item's value text) against a query; higher is more relevant.
    `corpus_size` > len(docs) says the docs are the only candidates out of that many items
    (the others share no term with the query), so IDF can still be computed over all items."""

    def scores(self, query: str, docs: Sequence[str], corpus_size: int | None = None,
               doc_freq: Mapping[str, int] | None = None) -> list[float]: ...


class BM25Scorer:
    """Okapi BM25 with IDF computed over the items themselves (or over `corpus_size` items with
    the given `doc_freq` of query terms, when `docs` are only the candidates)."""

    def scores(self, query: str, docs: Sequence[str], corpus_size: int | None = None,
               doc_freq: Mapping[str, int] | None = None) -> list[float]:
        q_tokens = list(dict.fromkeys(tokenize(query)))
        if not docs or not q_tokens:
            return [0.0] * len(docs)
        corpus = [tokenize(d) or ["\x00"] for d in docs]
        bm25 = BM25Okapi(corpus)
        if corpus_size and corpus_size > len(docs):
            _reweight_idf(bm25, corpus_size, doc_freq or {})
        return [float(s) for s in bm25.get_scores(q_tokens)]


def _reweight_idf(bm25: BM25Okapi, corpus_size: int, known: Mapping[str, int]) -> None:
    """Recompute IDF (rank-bm25's formula and epsilon floor) as if the corpus had
    `corpus_size` documents; the missing ones contain no query term, so document frequencies
    are unchanged. Only the IDF table changes: scoring still runs over the given docs."""
    df: dict[str, int] = {}
    for freqs in bm25.doc_freqs:
        for word in freqs:
            df[word] = df.get(word, 0) + 1
    df.update((w, max(f, df.get(w, 0))) for w, f in known.items() if w in df)
    idf = {w: math.log(corpus_size - f + 0.5) - math.log(f + 0.5) for w, f in df.items()}
    floor = bm25.epsilon * sum(idf.values()) / len(idf)
    bm25.idf = {w: v if v >= 0 else floor for w, v in idf.items()}


class NgramScorer:
    """Cosine similarity of hashed character-trigram vectors: a dependency-free 'semantic'
    signal that tolerates inflections and typos (auth ~ authentication). Deterministic: uses
    a fixed polynomial hash, not Python's salted `hash()`."""

    def __init__(self, dims: int = 512) -> None:
        self.dims = dims

    def embed(self, text: str) -> np.ndarray[Any, np.dtype[np.float64]]:
        vec = np.zeros(self.dims)
        for word in tokenize(text):
            padded = f" {word} "
            for i in range(len(padded) - 2):
                vec[_fnv(padded[i:i + 3]) % self.dims] += 1.0
        norm = float(np.linalg.norm(vec))
        return vec / norm if norm else vec

    def scores(self, query: str, docs: Sequence[str], corpus_size: int | None = None,
               doc_freq: Mapping[str, int] | None = None) -> list[float]:
        q = self.embed(query)
        if not docs or not q.any():
            return [0.0] * len(docs)
        matrix = np.stack([self.embed(d) for d in docs])
        return [float(s) for s in matrix @ q]


def _fnv(text: str) -> int:
    h = 2166136261
    for byte in text.encode("utf-8", "surrogatepass"):
        h = ((h ^ byte) * 16777619) & 0xFFFFFFFF
    return h


class HybridScorer:
    """Weighted sum of scorers, each normalised to its maximum so the weights mean something."""

    def __init__(self, parts: Sequence[tuple[ItemScorer, float]]) -> None:
        self.parts = list(parts)

    def scores(self, query: str, docs: Sequence[str], corpus_size: int | None = None,
               doc_freq: Mapping[str, int] | None = None) -> list[float]:
        total = np.zeros(len(docs))
        for scorer, weight in self.parts:
            s = np.array(scorer.scores(query, docs, corpus_size, doc_freq), dtype=float)
            top = float(s.max()) if len(s) else 0.0
            if top > 0:
                total += weight * s / top
        return [float(x) for x in total]


def default_scorer(semantic: bool = False) -> ItemScorer:
    if semantic:
        return HybridScorer([(BM25Scorer(), 0.7), (NgramScorer(), 0.3)])
    return BM25Scorer()


@dataclass(frozen=True)
class Match:
    """Items judged relevant: `exact` hold a query value verbatim; `ranked` scored near the top."""

    exact: tuple[int, ...]
    ranked: tuple[int, ...]
    label: str

    @property
    def indices(self) -> tuple[int, ...]:
        return tuple(sorted(set(self.exact) | set(self.ranked)))


def exact_matches(query: str, item_values: Sequence[Iterable[str]],
                  corpus_size: int | None = None) -> list[int]:
    """Positions (in `item_values`) of items with a value equal to a selective query word, one
    held by at most half of the `corpus_size` items. Catches ids, logins, ref names and flight
    numbers that BM25's identifier splitting would dilute."""
    q_words = {w for w in words(query) if len(w) >= 2 and w not in STOPWORDS}
    if not q_words:
        return []
    hits: dict[str, list[int]] = {}
    for i, values in enumerate(item_values):
        for v in values:
            low = v.lower()
            if low in q_words or low.rsplit("/", 1)[-1].strip(_SEPARATORS) in q_words:
                hits.setdefault(low, []).append(i)
    selective = max(1, (corpus_size or len(item_values)) // 2)
    found = {i for idx in hits.values() if len(idx) <= selective for i in idx}
    return sorted(found)


def match_items(query: str, items: Sequence[Any], texts: Sequence[str],
                scorer: ItemScorer | None = None, *, relative: float = 0.6,
                max_ranked: int = 20, max_exact: int = 50) -> Match:
    """Exact-value matches (at most `max_exact`, best scored first) plus the best BM25 (or
    hybrid) items scoring within `relative` of the top score (at most `max_ranked`).

    `texts` are the items' serialized forms; with plain BM25 only items whose text contains a
    query token are tokenized and scored (the rest score zero), which keeps this linear and
    cheap for thousands of items."""
    label = " ".join(dict.fromkeys(w for w in words(query) if w not in STOPWORDS))[:40]
    scorer = scorer or BM25Scorer()
    if not label:
        return Match((), (), "")
    if isinstance(scorer, BM25Scorer):
        cand, doc_freq = _candidates(query, texts)
    else:
        cand, doc_freq = list(range(len(items))), {}
    values = [scalar_values(items[i]) for i in cand]
    scores = scorer.scores(query, [" ".join(v) for v in values], len(items), doc_freq)
    order = sorted(range(len(cand)), key=lambda j: (-scores[j], j))
    exact = set(exact_matches(query, values, len(items)))
    exact_kept = [cand[j] for j in order if j in exact][:max_exact]
    top = scores[order[0]] if order else 0.0
    ranked = [cand[j] for j in order[:max_ranked] if top > 0 and scores[j] >= relative * top]
    return Match(tuple(sorted(exact_kept)), tuple(sorted(ranked)), label)


def _candidates(query: str, texts: Sequence[str]) -> tuple[list[int], dict[str, int]]:
    """Items worth scoring, and the document frequency (by substring, an upper bound) of each
    query token over all items. Candidates hold a selective whole query word (one in at most
    half of the items); failing that any whole query word; failing that any query token.
    Items outside hold no selective term, so they could not score near the top anyway."""
    lowered = [t.lower() for t in texts]
    tokens = list(dict.fromkeys(tokenize(query)))
    doc_freq = {t: sum(1 for low in lowered if t in low) for t in tokens}
    whole = [w for w in dict.fromkeys(words(query)) if len(w) >= 2 and w not in STOPWORDS]
    selective = [w for w in whole if doc_freq.get(w, 0) <= len(texts) // 2]
    for needles in (selective, whole, tokens):
        found = [i for i, low in enumerate(lowered) if any(n in low for n in needles)]
        if found:
            return found, doc_freq
    return [], doc_freq


def rank(query: str, docs: Sequence[str], limit: int,
         scorer: ItemScorer | None = None) -> list[int]:
    """Indices of the `limit` best documents with a positive score, best first (for retrieval)."""
    scores = (scorer or BM25Scorer()).scores(query, docs)
    order = sorted(range(len(docs)), key=lambda i: (-scores[i], i))
    return [i for i in order[:limit] if scores[i] > 0]
