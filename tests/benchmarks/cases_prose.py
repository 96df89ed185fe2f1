"""Benchmark cases for the text compressor: HotpotQA long contexts. Each case is one question's
two gold paragraphs plus the distractor paragraphs of that question and of the next two (about
26 paragraphs, 3-4k tokens), shuffled with a fixed seed, as a retrieval tool would return them;
the query is the question.

Check: every supporting sentence survives verbatim (a failure per lost one). Metrics:
`answer_visible`, `supporting_sentences_visible`, `distractors_dropped` (share of distractor
paragraphs left out) and `recoverable` (a lost gold paragraph comes back by querying its title).

    python -m tests.benchmarks.compression --kind prose
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from tests.benchmarks.case import Case, Retrieve

SAMPLE = Path("hotpotqa-sample") / "docs" / "js" / "camera_ready_nd8_dev_sample100.json"
_KEY = re.compile(r'headroom_retrieve\(key="(b2:[0-9a-f]{24})"')


def _paragraph(title: str, sentences: list[str]) -> str:
    return f"{title}: {' '.join(sentences)}"


def _facts(item: dict[str, Any]) -> list[str]:
    return [item["para_a"][i].strip() for i in item["supporting_facts"][0]] + [
        item["para_b"][j].strip() for j in item["supporting_facts"][1]]


def _metrics(item: dict[str, Any], gold: list[str],
             distractors: list[str]) -> Callable[[str, Retrieve], dict[str, float]]:
    def measure(output: str, retrieve: Retrieve) -> dict[str, float]:
        facts = _facts(item)
        found = _KEY.search(output)
        lost_gold = [g for g in gold if g not in output]
        recovered = 1.0
        if found is not None and lost_gold:
            recovered = sum(1 for g in lost_gold if g in retrieve(
                found.group(1), g.split(":", 1)[0])) / len(lost_gold)
        return {"answer_visible": float(item["answer"] in output),
                "supporting_sentences_visible": sum(f in output for f in facts) / len(facts),
                "distractors_dropped": sum(d not in output for d in distractors) / len(
                    distractors),
                "recoverable": recovered}
    return measure


def hotpot_case(items: list[dict[str, Any]], k: int) -> Case:
    item = items[k]
    gold = [_paragraph(item["title_a"], item["para_a"]),
            _paragraph(item["title_b"], item["para_b"])]
    distractors = [_paragraph(title, sentences)
                   for other in (item, items[(k + 1) % len(items)], items[(k + 2) % len(items)])
                   for title, sentences, *_ in other["distractors"]]
    paragraphs = gold + distractors
    random.Random(k).shuffle(paragraphs)

    def check(output: str) -> list[str]:
        return [f"supporting sentence lost: {f[:80]}" for f in _facts(item) if f not in output]

    return Case(name=f"hotpotqa/{item['_id'][:12]}", content="\n\n".join(paragraphs),
                check=check, corpus="hotpotqa-sample", query=item["question"],
                tool_name="search_documents",
                tool_arguments=json.dumps({"query": item["question"]}),
                metrics=_metrics(item, gold, distractors))


def cases(corpus: Path) -> Iterable[Case]:
    path = corpus / SAMPLE
    if not path.is_file():
        return
    items = json.loads(path.read_text())
    for k in range(len(items)):
        yield hotpot_case(items, k)
