from __future__ import annotations

import json
import random
import time
from collections.abc import Sequence
from pathlib import Path

from engine.compressors.base import ContentMeta, ContentType, Detection
from engine.compressors.text import TextCompressor, TextSettings
from engine.tokens import count_tokens

TOPICS = ["weather", "harbour", "railway", "orchard", "library", "mountain", "festival",
          "bakery", "observatory", "vineyard", "lighthouse", "museum"]


def paragraph(i: int) -> str:
    topic = TOPICS[i % len(TOPICS)]
    return (f"Paragraph {i} is about the {topic} of town {i}. " * 3
            + f"Its {topic} opened in year {1800 + i} and draws {i * 7} visitors a day.")


def meta(query: str = "") -> ContentMeta:
    return ContentMeta(Detection(ContentType.TEXT), tool_name="fetch", query=query)


def document(n: int = 60) -> str:
    return "\n\n".join(paragraph(i) for i in range(n))


def test_keeps_head_tail_and_query_matches_and_marks_gaps() -> None:
    text = document()
    out = TextCompressor().compress(text, meta("when did the observatory open?"))
    assert out.lossy and out.ccr_entries
    assert paragraph(0) in out.text and paragraph(59) in out.text
    assert paragraph(8) in out.text  # 8 % 12 == observatory
    assert "paragraphs omitted (¶" in out.text and "headroom_retrieve" in out.text
    assert count_tokens(out.text) < 0.5 * count_tokens(text)


def test_items_are_paragraphs_for_retrieval() -> None:
    text = document()
    out = TextCompressor().compress(text, meta())
    items = out.ccr_entries[0].items
    assert len(items) == 60 and items[5] == f"¶6: {paragraph(5)}"
    assert out.ccr_entries[0].original == text


def test_duplicate_paragraphs_removed_and_counted() -> None:
    text = "\n\n".join([document(30), paragraph(3), paragraph(4), paragraph(3)])
    out = TextCompressor().compress(text, meta())
    assert "[3 repeated paragraphs removed]" in out.text


def test_small_or_structured_input_is_not_ours() -> None:
    compressor = TextCompressor()
    assert compressor.score("short text", meta()) < 0
    assert compressor.score(document(), ContentMeta(Detection(ContentType.LOG))) < 0
    assert compressor.score(document(), meta()) > 0


def test_binary_and_unsplittable_text_pass_through() -> None:
    compressor = TextCompressor()
    binary = "\x00\x01abc" * 5000
    assert compressor.compress(binary, meta()).text == binary
    blob = "x" * 20_000
    assert compressor.compress(blob, meta()).text == blob


def test_one_blob_without_blank_lines_is_cut_into_sentence_chunks() -> None:
    text = " ".join(paragraph(i) for i in range(60))
    out = TextCompressor().compress(text, meta("vineyard"))
    assert out.lossy and "omitted" in out.text


class FirstOnly:
    def select(self, paragraphs: Sequence[str], query: str, budget_chars: int,
               required: set[int]) -> set[int]:
        return required | {1}


def test_selector_is_pluggable() -> None:
    out = TextCompressor(TextSettings(), FirstOnly()).compress(document(), meta())
    assert paragraph(1) in out.text and paragraph(2) not in out.text


def test_hotpotqa_supporting_sentences_mostly_survive(corpus: Path) -> None:
    path = corpus / "hotpotqa-sample" / "docs" / "js" / "camera_ready_nd8_dev_sample100.json"
    items = json.loads(path.read_text())[:20]
    survived = 0
    for k, item in enumerate(items):
        paras = [f"{item['title_a']}: {' '.join(item['para_a'])}",
                 f"{item['title_b']}: {' '.join(item['para_b'])}"]
        for other in (item, items[(k + 1) % len(items)], items[(k + 2) % len(items)]):
            paras += [f"{title}: {' '.join(sents)}" for title, sents, *_ in other["distractors"]]
        random.Random(k).shuffle(paras)
        out = TextCompressor(TextSettings(min_tokens=500)).compress(
            "\n\n".join(paras), meta(item["question"]))
        facts = [item["para_a"][i] for i in item["supporting_facts"][0]] + [
            item["para_b"][j] for j in item["supporting_facts"][1]]
        survived += all(f.strip() in out.text for f in facts)
    assert survived >= 16


def test_one_megabyte_stays_fast() -> None:
    text = "\n\n".join(paragraph(i) for i in range(4500))
    start = time.perf_counter()
    out = TextCompressor().compress(text, meta("observatory visitors"))
    assert time.perf_counter() - start < 1.5
    assert out.lossy
