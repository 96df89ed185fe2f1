"""List prices (USD per million tokens) for common OpenAI and Anthropic models, and the cost of a
request from its provider-reported usage.

A model matches an entry exactly or as a dated/aliased snapshot of it (`gpt-4o-2024-08-06`,
`claude-sonnet-4-5-20250929`, `claude-3-7-sonnet-latest`); the longest such entry wins, so
`gpt-4o-mini` never gets gpt-4o's price. A model that matches nothing gets None, never a guess.

Usage follows engine.providers' normalization: `input_tokens` counts every prompt token, and
`cached_tokens` / `cache_creation_tokens` are the parts of it billed at the cache-read and
cache-write prices. Prices are public list prices (standard tier, no batch discount) as of late
2025; update the table when providers change them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.conversation import Usage

PER_MILLION = 1_000_000


@dataclass(frozen=True)
class Price:
    input: float
    cached_input: float
    output: float
    cache_write: float | None = None  # Anthropic's 5-minute cache write; None = billed as input


def _anthropic(input_price: float, output: float) -> Price:
    return Price(input_price, input_price * 0.1, output, cache_write=input_price * 1.25)


PRICES: dict[str, Price] = {
    "gpt-4o": Price(2.50, 1.25, 10.00),
    "gpt-4o-2024-05-13": Price(5.00, 5.00, 15.00),
    "gpt-4o-mini": Price(0.15, 0.075, 0.60),
    "gpt-4.1": Price(2.00, 0.50, 8.00),
    "gpt-4.1-mini": Price(0.40, 0.10, 1.60),
    "gpt-4.1-nano": Price(0.10, 0.025, 0.40),
    "gpt-5": Price(1.25, 0.125, 10.00),
    "gpt-5-mini": Price(0.25, 0.025, 2.00),
    "gpt-5-nano": Price(0.05, 0.005, 0.40),
    "gpt-5-chat-latest": Price(1.25, 0.125, 10.00),
    "gpt-5.1": Price(1.25, 0.125, 10.00),
    "gpt-4-turbo": Price(10.00, 10.00, 30.00),
    "gpt-4": Price(30.00, 30.00, 60.00),
    "gpt-3.5-turbo": Price(0.50, 0.50, 1.50),
    "o1": Price(15.00, 7.50, 60.00),
    "o3": Price(2.00, 0.50, 8.00),
    "o3-mini": Price(1.10, 0.55, 4.40),
    "o4-mini": Price(1.10, 0.275, 4.40),
    "claude-opus-4-5": _anthropic(5.00, 25.00),
    "claude-opus-4-1": _anthropic(15.00, 75.00),
    "claude-opus-4": _anthropic(15.00, 75.00),
    "claude-sonnet-4-5": _anthropic(3.00, 15.00),
    "claude-sonnet-4": _anthropic(3.00, 15.00),
    "claude-haiku-4-5": _anthropic(1.00, 5.00),
    "claude-3-7-sonnet": _anthropic(3.00, 15.00),
    "claude-3-5-sonnet": _anthropic(3.00, 15.00),
    "claude-3-5-haiku": _anthropic(0.80, 4.00),
    "claude-3-opus": _anthropic(15.00, 75.00),
    "claude-3-haiku": Price(0.25, 0.03, 1.25, cache_write=0.30),
}

# What may follow an entry's name in a snapshot of the same model: a date or an alias tag.
_SNAPSHOT = re.compile(r"-(\d{4}-\d{2}-\d{2}|\d{8}|\d{4}|latest|v\d+(:\d+)?)$")
_VENDOR_PREFIX = re.compile(r"^(openai|anthropic)[/.]")


def price_for(model: str) -> Price | None:
    name = _VENDOR_PREFIX.sub("", model.strip().lower())
    while name not in PRICES:
        base = _SNAPSHOT.sub("", name)
        if base == name:
            return None
        name = base
    return PRICES[name]


def _dollars(tokens: int, usd_per_million: float) -> float:
    return tokens * usd_per_million / PER_MILLION


def cost(model: str, usage: Usage) -> float | None:
    """What the provider billed for this usage at list price; None for unknown models or when
    the provider reported no token counts."""
    price = price_for(model)
    if price is None or (usage.input_tokens is None and usage.output_tokens is None):
        return None
    cached = usage.cached_tokens or 0
    written = usage.cache_creation_tokens or 0
    uncached = max((usage.input_tokens or 0) - cached - written, 0)
    write_price = price.input if price.cache_write is None else price.cache_write
    return (_dollars(uncached, price.input) + _dollars(cached, price.cached_input)
            + _dollars(written, write_price) + _dollars(usage.output_tokens or 0, price.output))


def cost_saved(model: str, tokens_saved: int) -> float | None:
    """Saved prompt tokens valued at the uncached input price (what they would have cost had
    they been sent without a cache hit)."""
    price = price_for(model)
    return None if price is None else _dollars(max(tokens_saved, 0), price.input)
