"""detect(): structural checks first, ML only when they are inconclusive, binary never passes."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from magika import Magika

from engine.compressors.base import ContentType, Detection
from engine.compressors.detect import MagikaDetector, detect


class CountingML:
    def __init__(self, answer: Detection | None = None) -> None:
        self.calls = 0
        self.answer = answer

    def detect(self, content: str) -> Detection | None:
        self.calls += 1
        return self.answer


PY = ("import os\n\n\nclass Thing:\n    def run(self, x):\n        return x\n\n\n"
      "def main():\n    pass\n")
GO = 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("hi")\n}\n\nfunc f() {\n}\n'
JAVA = ("package a.b;\n\nimport java.util.List;\n\npublic class Foo {\n    @Override\n"
        "    public String toString() {\n        return \"x\";\n    }\n}\n")
TS = ("import { x } from './x';\n\nexport interface User {\n  name: string;\n  age: number;\n}\n"
      "export const f = (u: User): string => u.name;\n")
DIFF = "diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -1,2 +1,2 @@\n-a = 1\n+a = 2\n b\n"
GREP = "\n".join(f"src/app/m{i}.py:{i * 3}:    token = auth(user)" for i in range(20))
LOG = "\n".join(f"2024-05-01 12:00:{i:02d},123 INFO server: request {i} ok" for i in range(30))
APACHE = "\n".join(f"[Sun Dec 04 04:47:{i:02d} 2005] [notice] env.init() ok" for i in range(9))
HTML = "<!DOCTYPE html><html><head><title>x</title></head><body><p>hi</p></body></html>"


@pytest.mark.parametrize(("content", "kind", "language"), [
    (json.dumps({"items": [{"id": i} for i in range(5)]}), ContentType.JSON, None),
    ('{"a": 1}\n{"a": 2}\n{"a": 3}\n', ContentType.JSON, "jsonl"),
    ('{"result": [1, 2]}\n\nexit code 0: done, and some more trailing words', ContentType.MIXED,
     None),
    (DIFF, ContentType.DIFF, None),
    (GREP, ContentType.SEARCH, None),
    (LOG, ContentType.LOG, None),
    (APACHE, ContentType.LOG, None),
    (HTML, ContentType.HTML, None),
    (PY, ContentType.CODE, "python"),
    (GO, ContentType.CODE, "go"),
    (JAVA, ContentType.CODE, "java"),
    (TS, ContentType.CODE, "typescript"),
    ("PK\x03\x04\x00\x00binary", ContentType.BINARY, None),
])
def test_structural(content: str, kind: ContentType, language: str | None) -> None:
    ml = CountingML()
    found = detect(content, ml)
    assert (found.content_type, found.language) == (kind, language)
    assert ml.calls == 0


def test_ml_settles_inconclusive_content() -> None:
    ml = CountingML(Detection(ContentType.CODE, language="ruby", method="magika"))
    assert detect("something ambiguous\nwith two lines", ml).language == "ruby"
    assert ml.calls == 1
    assert detect("something ambiguous", None).method == "fallback"


def test_truncated_json_is_still_json() -> None:
    text = json.dumps([{"id": i, "name": f"n{i}"} for i in range(200)])[:-30]
    assert detect(text).content_type is ContentType.JSON


def test_magika_offline_and_loaded_once() -> None:
    made: list[int] = []

    def factory() -> object:
        made.append(1)
        return Magika()

    ml = MagikaDetector(factory=factory)
    assert made == []
    prose = "The quick brown fox jumps over the lazy dog. " * 20
    assert detect(prose, ml).content_type is ContentType.TEXT
    found = ml.detect("x = {'a': 1}\nprint(x)\nfor k in x:\n    print(k)\n" * 3)
    assert found is not None
    assert made == [1]


def test_corpus_logs_and_diffs(corpus: Path) -> None:
    for path in sorted(corpus.glob("loghub/*/*_2k.log")):
        assert detect(path.read_text(errors="replace")).content_type is ContentType.LOG, path
    for path in sorted(corpus.glob("diffs-*/*.diff"))[:4]:
        assert detect(path.read_text(errors="replace")).content_type is ContentType.DIFF, path


class FakeMagika:
    """Answers like magika: an `output` with label and group, and a score."""

    def __init__(self, label: str, group: str, score: float = 0.9) -> None:
        self.answer = SimpleNamespace(output=SimpleNamespace(label=label, group=group),
                                      score=score)

    def identify_bytes(self, sample: bytes) -> SimpleNamespace:
        return self.answer


def test_markup_wrappers_are_not_html() -> None:
    wrapped = "<returncode>0</returncode>\n<output>\ntotal 172\n-rw-r--r-- 1 AUTHORS\n</output>"
    ml = MagikaDetector(factory=lambda: FakeMagika("html", "code"))
    assert ml.detect(wrapped) == Detection(ContentType.TEXT, confidence=0.9, method="magika")
    page = "<div><p>hello</p></div>"
    assert ml.detect(page) == Detection(ContentType.HTML, confidence=0.9, method="magika")
    low = MagikaDetector(factory=lambda: FakeMagika("python", "code", score=0.2))
    assert low.detect("x = 1") is None
