from __future__ import annotations

import pytest

from engine.conversation import Usage
from engine.pricing import PRICES, cost, cost_saved, price_for


@pytest.mark.parametrize("model, entry", [
    ("gpt-4o", "gpt-4o"),
    ("gpt-4o-2024-08-06", "gpt-4o"),
    ("gpt-4o-2024-05-13", "gpt-4o-2024-05-13"),
    ("gpt-4o-mini-2024-07-18", "gpt-4o-mini"),
    ("gpt-4.1-nano", "gpt-4.1-nano"),
    ("gpt-5-mini-2025-08-07", "gpt-5-mini"),
    ("o4-mini-2025-04-16", "o4-mini"),
    ("o3", "o3"),
    ("claude-opus-4-1-20250805", "claude-opus-4-1"),
    ("claude-opus-4-20250514", "claude-opus-4"),
    ("claude-sonnet-4-5", "claude-sonnet-4-5"),
    ("claude-3-7-sonnet-latest", "claude-3-7-sonnet"),
    ("claude-3-5-haiku-20241022", "claude-3-5-haiku"),
    ("anthropic.claude-3-5-sonnet-20241022-v2:0", "claude-3-5-sonnet"),
    ("openai/GPT-4o", "gpt-4o"),
])
def test_snapshots_and_aliases_match_their_family(model: str, entry: str) -> None:
    assert price_for(model) is PRICES[entry]


@pytest.mark.parametrize("model", ["llama-3.1-8b", "gpt-4o-audio-preview", "claude-2", "",
                                   "gpt-5.1-codex-mini", "my-gpt-4o"])
def test_unknown_models_get_no_price(model: str) -> None:
    assert price_for(model) is None
    assert cost(model, Usage(1000, 100)) is None
    assert cost_saved(model, 1000) is None


def test_openai_cost_bills_cached_part_at_cached_price() -> None:
    usage = Usage(input_tokens=1_000_000, output_tokens=100_000, cached_tokens=400_000)
    assert cost("gpt-4o", usage) == pytest.approx(0.6 * 2.50 + 0.4 * 1.25 + 0.1 * 10.00)


def test_anthropic_cost_bills_cache_reads_and_writes() -> None:
    usage = Usage(input_tokens=1_000_000, output_tokens=0, cached_tokens=500_000,
                  cache_creation_tokens=100_000)
    expected = 0.4 * 3.00 + 0.5 * 0.30 + 0.1 * 3.75
    assert cost("claude-sonnet-4-5-20250929", usage) == pytest.approx(expected)


def test_no_usage_means_no_cost_and_savings_use_input_price() -> None:
    assert cost("gpt-4o", Usage()) is None
    assert cost_saved("gpt-4o-mini", 2_000_000) == pytest.approx(0.30)
    assert cost_saved("gpt-4o", -5) == 0.0
