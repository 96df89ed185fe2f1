"""Benchmark cases for the code compressor: every source file of the code-* corpus folders, read
through a `read_file` tool call naming its path (as an agent would), plus query cases where the
user names a symbol whose body must stay whole.

Ground truth is derived independently of the compressor (tests/engine/compressors/
code_signatures.py: `ast` for Python, tree-sitter queries for the rest). Files over 20 KB carry
the 70% savings target. Metrics: `signatures_present` (share of signatures in the output) and
`symbol_recoverable` (retrieving a few symbols by name returns their full source).

    python -m tests.benchmarks.compression --kind code
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from tests.benchmarks.case import Case, Retrieve
from tests.engine.compressors.code_signatures import (
    CODE_SUFFIXES,
    code_files,
    long_functions,
    python_signatures,
    squash,
    tree_sitter_signatures,
)

TARGET_BYTES = 20_000
_KEY = re.compile(r'headroom_retrieve\(key="(b2:[0-9a-f]{24})"')
# (corpus file, query naming a symbol, a line of that symbol's body that must stay visible)
QUERY_CASES = (
    ("code-httpx/httpx/_client.py", "Why does Client.send not follow redirects?",
     "follow_redirects = ("),
    ("code-cobra/command.go", "Explain what ExecuteC does with the args",
     "// Regardless of what command execute is called on, run on Root only"),
    ("code-json/src/de.rs", "How is parse_whitespace implemented?",
     "b' ' | b'\\n' | b'\\t' | b'\\r'"),
)


def _missing_signatures(original: str, language: str) -> Callable[[str], list[str]]:
    def check(output: str) -> list[str]:
        if language == "python":
            try:
                got = set(python_signatures(output))
            except SyntaxError as err:
                return [f"output no longer parses as Python: {err}"]
            return [f"signature {name}{args} missing" for name, args in
                    python_signatures(original) if (name, args) not in got]
        squashed = squash(output)
        return [f"signature missing: {s[:80]}" for s in tree_sitter_signatures(original, language)
                if s not in squashed]
    return check


def _metrics(original: str, language: str) -> Callable[[str, Retrieve], dict[str, float]]:
    def measure(output: str, retrieve: Retrieve) -> dict[str, float]:
        failures = _missing_signatures(original, language)(output)
        total = _signature_count(original, language)
        found = _KEY.search(output)
        probes = long_functions(original, language)[:5]
        metrics = {"signatures_present": 1 - len(failures) / total if total else 1.0}
        if found is not None and probes:
            metrics["symbol_recoverable"] = sum(
                1 for name, last in probes if last in retrieve(found.group(1), name)) / len(
                probes)
        return metrics
    return measure


def _signature_count(original: str, language: str) -> int:
    if language == "python":
        return len(python_signatures(original))
    return len(tree_sitter_signatures(original, language))


def file_case(corpus: Path, path: Path) -> Case:
    text = path.read_text()
    language = CODE_SUFFIXES[path.suffix]
    rel = path.relative_to(corpus)
    big = path.stat().st_size > TARGET_BYTES
    return Case(name=f"{rel.parts[0]}/{path.name}", content=text,
                check=_missing_signatures(text, language), corpus=rel.parts[0],
                tool_name="read_file", tool_arguments=json.dumps({"path": str(rel)}),
                min_savings=0.70 if big else None, metrics=_metrics(text, language))


def query_case(corpus: Path, rel: str, query: str, must_show: str) -> Case:
    path = corpus / rel
    text = path.read_text()
    signatures = _missing_signatures(text, CODE_SUFFIXES[path.suffix])

    def check(output: str) -> list[str]:
        lost = signatures(output)
        return lost + ([] if must_show in output else [f"queried body line missing: {must_show}"])

    return Case(name=f"query:{path.name}", content=text, check=check, corpus=rel.split("/")[0],
                query=query, tool_name="read_file",
                tool_arguments=json.dumps({"path": rel.split("/", 1)[1]}))


def cases(corpus: Path) -> Iterable[Case]:
    for path in code_files(corpus):
        yield file_case(corpus, path)
    for rel, query, must_show in QUERY_CASES:
        if (corpus / rel).is_file():
            yield query_case(corpus, rel, query, must_show)
