"""Relevance: identifier-aware tokens, BM25 over values, exact-value boost, query context."""

from __future__ import annotations

import json

from engine.relevance import (
    BM25Scorer,
    HybridScorer,
    NgramScorer,
    default_scorer,
    exact_matches,
    match_items,
    query_context,
    rank,
    scalar_values,
    tokenize,
)


def test_tokenize_splits_identifiers_and_drops_stopwords() -> None:
    tokens = tokenize("Show the userId of refs/heads/feature_auth and HAT123")
    assert "show" not in tokens and "the" not in tokens
    assert {"userid", "user", "refs/heads/feature_auth", "feature", "auth", "hat123", "hat",
            "123"} <= set(tokens)


def test_scalar_values_ignore_keys() -> None:
    assert scalar_values({"login": "octocat", "nested": {"n": 3, "ok": True, "x": None}}) == [
        "octocat", "3"]


def test_query_context_adds_tool_argument_values() -> None:
    ctx = query_context("which flight?", json.dumps({"origin": "JFK", "date": "2024-05-20"}))
    assert ctx == "which flight? JFK 2024-05-20"
    assert query_context("q", "not json") == "q not json"


def test_bm25_prefers_rare_terms() -> None:
    docs = ["login fix", "login page", "auth token expired", "login fix again"]
    scores = BM25Scorer().scores("auth login", docs)
    assert max(range(4), key=lambda i: scores[i]) == 2


def test_exact_values_match_only_when_selective() -> None:
    values = [["open", f"user{i}"] for i in range(10)]
    assert exact_matches("user7 open", values) == [7]


def flights(n: int) -> list[dict[str, object]]:
    return [{"flight_number": f"HAT{100 + i}", "origin": "JFK", "destination": "SEA",
             "status": "available"} for i in range(n)]


def test_match_items_combines_exact_and_ranked() -> None:
    items = flights(30)
    match = match_items("book HAT117 please", items, [json.dumps(i) for i in items])
    assert match.indices == (17,)
    assert "hat117" in match.label


def test_match_items_keeps_idf_over_all_items() -> None:
    items = flights(200)
    items[5]["origin"] = "EWR"
    texts = [json.dumps(i) for i in items]
    assert match_items("from EWR", items, texts).indices == (5,)
    semantic = match_items("from EWR", items, texts, default_scorer(semantic=True))
    assert 5 in semantic.indices


def test_exact_matches_are_capped() -> None:
    items = [{"state": "closed" if i % 3 == 0 else "open", "n": i} for i in range(600)]
    match = match_items("closed", items, [json.dumps(i) for i in items], max_exact=10)
    assert len(match.exact) == 10


def test_rank_returns_best_first_and_skips_zero() -> None:
    assert rank("timeout", ["ok", "db timeout", "timeout timeout error"], limit=5) == [2, 1]


def test_semantic_scorer_is_optional_and_deterministic() -> None:
    docs = ["authentication failed for user", "disk full", "weather report"]
    ngram = NgramScorer().scores("auth failure", docs)
    assert ngram == NgramScorer().scores("auth failure", docs)
    assert max(range(3), key=lambda i: ngram[i]) == 0
    hybrid = default_scorer(semantic=True)
    assert isinstance(hybrid, HybridScorer)
    assert max(range(3), key=lambda i: hybrid.scores("auth failure", docs)[i]) == 0
    assert isinstance(default_scorer(), BM25Scorer)


def test_empty_inputs() -> None:
    assert BM25Scorer().scores("", ["a"]) == [0.0]
    assert BM25Scorer().scores("x", []) == []
    assert match_items("the of", ["a"], ["a"]).indices == ()


def test_versions_and_path_segments_are_searchable_whole() -> None:
    tokens = tokenize("refs/tags/v0.4.5")
    assert "v0.4.5" in tokens and tokens.count("refs") == 1
    assert "example.com" in tokenize("user.name@example.com")
