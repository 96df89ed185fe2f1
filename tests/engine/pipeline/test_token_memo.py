"""TokenMemo: same counts as the counter, remembered per content and counter, bounded."""

from __future__ import annotations

from dataclasses import dataclass

from engine.pipeline.token_memo import TokenMemo
from engine.tokens import TokenCounter, counter_for


@dataclass(frozen=True)
class CountingCounter(TokenCounter):
    calls: list[str] | None = None

    def count(self, text: str) -> int:
        assert self.calls is not None
        self.calls.append(text)
        return super().count(text)


def test_counts_match_and_are_remembered() -> None:
    calls: list[str] = []
    counter = CountingCounter("gpt-4o", "o200k_base", False, calls)
    memo = TokenMemo(max_entries=2)
    texts = [f"{n} " + "word " * 1000 for n in range(3)]
    assert memo.count(counter, texts[0]) == counter_for("gpt-4o").count(texts[0])
    memo.count(counter, texts[0])
    assert len(calls) == 1
    memo.count(counter, texts[1])
    memo.count(counter, texts[2])  # evicts texts[0]
    memo.count(counter, texts[0])
    assert len(calls) == 4
    claude = counter_for("claude-sonnet-4")
    assert memo.count(claude, texts[1]) == claude.count(texts[1])
