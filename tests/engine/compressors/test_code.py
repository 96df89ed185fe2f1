from __future__ import annotations

import ast
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.compressors.base import Compressed, ContentMeta, ContentType, Detection
from engine.compressors.code import CodeCompressor, CodeSettings
from engine.relevance import query_context
from engine.tokens import count_tokens
from tests.engine.compressors.code_signatures import (
    CODE_SUFFIXES,
    code_files,
    python_signatures,
    squash,
    tree_sitter_signatures,
)

PY_SAMPLE = '''"""Module doc.

More text.
"""
import os
from typing import (
    Any,
    Optional,
)


def short(x):
    return x


@decorator(arg=1)
def long_one(a: int, b: "str" = 'x', *args: Any, **kw: Any) -> dict[str, int]:
    """Compute things.

    Long explanation with "quotes" and 'single' ones.
    """
    total = 0
    for i in range(a):
        total += i
        if total > 10:
            break
    return {"total": total, "b": len(b)}


class Thing(Base, metaclass=Meta):
    r"""A thing.\\n

    Details.
    """

    CONSTANT = [
        1, 2, 3,
        4, 5, 6,
        7, 8, 9,
        10, 11, 12,
        13, 14, 15,
        16, 17, 18,
        19, 20, 21,
        22, 23, 24,
    ]

    def method(self, value):
        """One line."""
        result = []
        for v in value:
            result.append(v * 2)
            result.append(v * 3)
        return result

    async def amethod(self): return await self.method([1])

    class Inner:
        def deep(self):
            x = 1
            y = 2
            z = x + y
            return z * 1000 + x * 100 + y * 10
'''


def meta(path: str = "x.py", query: str = "", kind: ContentType = ContentType.CODE,
         language: str | None = None) -> ContentMeta:
    return ContentMeta(Detection(kind, language=language), tool_name="read_file",
                       tool_arguments=f'{{"path": "{path}"}}', query=query)


def big_files(corpus: Path) -> list[Path]:
    return [p for p in code_files(corpus) if p.stat().st_size > 20_000]


def compress(text: str, m: ContentMeta, target: float = 0.24) -> Compressed:
    return CodeCompressor(CodeSettings(target_ratio=target)).compress(text, m)


def test_python_outline_parses_and_keeps_every_signature() -> None:
    out = compress(PY_SAMPLE * 3, meta(), target=1.0)
    assert out.lossy and out.ccr_entries
    assert python_signatures(out.text) == python_signatures(PY_SAMPLE * 3)
    assert '"""Compute things."""' in out.text
    assert 'r"""A thing.' in out.text
    assert "long_one: lines" in out.text and "a: int" in out.text
    assert "total += i" not in out.text and "7, 8, 9" not in out.text
    assert "from typing import (Any, Optional)" in out.text


def test_over_budget_cuts_docs_and_annotations_but_never_signatures() -> None:
    out = compress(PY_SAMPLE * 3, meta(), target=0.01)
    assert python_signatures(out.text) == python_signatures(PY_SAMPLE * 3)
    assert "Compute things" not in out.text and "a: int" not in out.text
    assert "# lines " in out.text


def test_items_hold_each_symbol_in_full_headed_by_its_name() -> None:
    out = compress(PY_SAMPLE * 3, meta())
    entry = out.ccr_entries[0]
    assert entry.original == PY_SAMPLE * 3
    item = next(i for i in entry.items if i.startswith("Thing.method (lines "))
    assert "result.append(v * 3)" in item
    assert any(i.startswith("Thing.Inner.deep (lines ") for i in entry.items)
    assert entry.key in out.text and "headroom_retrieve" in out.text


def test_query_keeps_the_named_symbol_whole() -> None:
    out = compress(PY_SAMPLE * 3, meta(query="why does Thing.method double values?"))
    assert "result.append(v * 3)" in out.text
    assert "total += i" not in out.text
    ast.parse(out.text)


def test_query_context_includes_tool_arguments() -> None:
    ctx = query_context("", '{"symbol": "long_one"}')
    out = CodeCompressor().compress(PY_SAMPLE * 3, ContentMeta(
        Detection(ContentType.CODE, language="python"), tool_arguments='{"symbol": "long_one"}',
        query=ctx))
    assert "total += i" in out.text


@pytest.mark.parametrize("content", [
    "\x00\x01\x02binary" * 500,
    "just some prose. " * 300,
])
def test_not_code_is_not_ours_and_passes_through(content: str) -> None:
    m = ContentMeta(Detection(ContentType.TEXT))
    assert CodeCompressor().score(content, m) < 0
    out = CodeCompressor().compress(content, m)
    assert out.text == content and not out.lossy


def test_broken_code_never_raises() -> None:
    broken = PY_SAMPLE.replace("def method(self, value):", "def method(self, value:") * 3
    out = compress(broken, meta())
    assert out.text
    garbage = "def (((( class ]]] {{{ \n" * 500
    assert compress(garbage, meta()).text


def test_score_prefers_detected_code_and_file_extensions() -> None:
    code = PY_SAMPLE * 3
    assert CodeCompressor().score(code, meta()) == 0.8
    assert CodeCompressor().score(code, meta(kind=ContentType.TEXT)) == 0.6
    assert CodeCompressor().score(code, meta(kind=ContentType.JSON)) < 0


@pytest.mark.parametrize("language,path,sample", [
    ("go", "x.go", "package x\n\n// Doc.\n// More.\nfunc (c *Cmd) Run(a int,\n\tb string) error {\n"
                   "\tx := 1\n\ty := 2\n\treturn fmt.Errorf(\"%d %d %s\", x, y, b)\n}\n"),
    ("rust", "x.rs", "/// Doc.\n/// More.\n#[inline]\npub fn run(a: i32) -> i32\nwhere\n"
                     "    T: X,\n{\n    let x = 1;\n    let y = 2;\n    x + y + a * 1000\n}\n"),
    ("java", "X.java", "class X {\n  /** Doc.\n   * More. */\n  public int run(int a) {\n"
                       "    int x = 1;\n    int y = 2;\n    return x + y + a * 1000;\n  }\n}\n"),
    ("typescript", "x.ts", "export function run(a: number): number {\n  const x = 1;\n"
                           "  const y = 2;\n  return x + y + a * 1000;\n}\n"),
    ("ruby", "x.rb", "class X\n  # Doc.\n  # More.\n  def run(a)\n    x = 1\n    y = 2\n"
                     "    x + y + a * 1000\n  end\nend\n"),
])
def test_other_languages_keep_signatures_and_reparse(language: str, path: str,
                                                      sample: str) -> None:
    text = sample * 20
    out = compress(text, meta(path=path))
    assert out.lossy, out.reason
    squashed = squash(out.text)
    for signature in tree_sitter_signatures(text, language):
        assert signature in squashed
    assert "x + y + a * 1000" not in out.text
    assert "lines " in out.text


def test_corpus_files_over_20kb_meet_the_targets(corpus: Path) -> None:
    files = big_files(corpus)
    assert len(files) >= 4
    for path in files:
        text = path.read_text()
        out = compress(text, meta(path=str(path)))
        before, after = count_tokens(text), count_tokens(out.text)
        assert 1 - after / before >= 0.70, (path.name, before, after)
        language = CODE_SUFFIXES[path.suffix]
        if language == "python":
            assert python_signatures(out.text) == python_signatures(text)
        else:
            squashed = squash(out.text)
            missing = [s for s in tree_sitter_signatures(text, language) if s not in squashed]
            assert not missing, (path.name, missing[:3])


def test_one_megabyte_stays_fast(corpus: Path) -> None:
    """The 200 ms target is measured by the benchmark; this guards against blow-ups."""
    text = (corpus / "code-httpx" / "httpx" / "_client.py").read_text()
    big = (text + "\n") * (1_000_000 // len(text) + 1)
    compressor = CodeCompressor()
    start = time.perf_counter()
    out = compressor.compress(big, meta())
    assert time.perf_counter() - start < 2.0
    assert out.lossy


def test_numbered_file_views_keep_their_numbers(corpus: Path) -> None:
    rows = (corpus / "code-httpx" / "httpx" / "_models.py").read_text().split("\n")
    view = "\n".join(f"{i + 1:6}\t{line}" for i, line in enumerate(rows))
    m = ContentMeta(Detection(ContentType.TEXT),
                    tool_arguments='{"command": "cat -n httpx/_models.py"}')
    out = CodeCompressor().compress(view, m)
    assert out.lossy and 1 - count_tokens(out.text) / count_tokens(view) >= 0.7
    assert "   382\tclass Request:" in out.text
    assert any(item.startswith("Request.read (lines ") and "468\t    def read(self)" in item
               for item in out.ccr_entries[0].items)


def test_numbered_view_of_a_fragment_is_sniffed_and_never_raises() -> None:
    rows = PY_SAMPLE.split("\n")[14:]
    view = "\n".join(f"{i + 15:6}\t{line}" for i, line in enumerate(rows * 4))
    out = CodeCompressor().compress(view, ContentMeta(Detection(ContentType.TEXT)))
    assert out.text


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([
    "def f(a,", "    return a", "class A:", '    """doc', '"""', "}", "{", "fn x() {",
    "func (c *C) X() {", "end", "def x", "  # comment", "// comment", "/* open", "*/", "",
    "\tx := 1", "    1\tdef g():", "@decorator", "import os", "x = [", "]", "\x00"]),
    min_size=50, max_size=300), st.sampled_from(["x.py", "x.go", "x.rs", "x.rb", "x.ts",
                                                 "X.java", "x.tsx", "x.js"]))
def test_arbitrary_fragments_never_raise(lines: list[str], path: str) -> None:
    text = "\n".join(lines) * 3
    out = CodeCompressor().compress(text, meta(path=path))
    assert isinstance(out.text, str) and out.text


def test_prose_that_merely_looks_like_code_is_left_alone() -> None:
    doc = ("# Guide\n\nInstall it, then:\n\n```python\nimport os\nimport sys\n\n"
           "def main(argv):\n    for a in argv:\n        print(a)\n        print(a * 2)\n"
           "    return 0\n```\n\nThat's all, folks: it's simple.\n") * 20
    out = CodeCompressor().compress(doc, ContentMeta(Detection(ContentType.TEXT)))
    assert out.text == doc and not out.lossy
