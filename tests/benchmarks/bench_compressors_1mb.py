"""Time the code, diff and text compressors on about 1 MB of input each (the issue's target:
≤ 200 ms on a 2-core machine). Inputs are corpus files repeated to 1 MB; the compressor alone
is timed (no detection, no token counting), best and median of `--repeat` runs.

    python -m tests.benchmarks.bench_compressors_1mb [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from engine.compressors.base import Compressor, ContentMeta, ContentType, Detection
from engine.compressors.code import CodeCompressor
from engine.compressors.diff import DiffCompressor
from engine.compressors.text import TextCompressor
from tests.benchmarks.cases_prose import SAMPLE
from tests.engine.compressors.code_signatures import code_files
from tests.engine.compressors.diff_truth import diff_files

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
MEGABYTE = 1_000_000


def to_megabyte(text: str, joiner: str = "\n") -> str:
    return joiner.join([text] * (MEGABYTE // len(text) + 1))


def inputs(corpus: Path) -> Iterator[tuple[str, Compressor, str, ContentMeta]]:
    for path in code_files(corpus):
        meta = ContentMeta(Detection(ContentType.CODE),
                           tool_arguments=json.dumps({"path": path.name}))
        yield path.name, CodeCompressor(), to_megabyte(path.read_text()), meta
    biggest = max(diff_files(corpus), key=lambda p: p.stat().st_size)
    yield (biggest.name[:12] + ".diff", DiffCompressor(), to_megabyte(biggest.read_text()),
           ContentMeta(Detection(ContentType.DIFF)))
    items = json.loads((corpus / SAMPLE).read_text())
    prose = "\n\n".join(f"{title}: {' '.join(sentences)}" for item in items
                        for title, sentences, *_ in item["distractors"])
    yield ("hotpotqa prose", TextCompressor(), to_megabyte(prose, "\n\n"),
           ContentMeta(Detection(ContentType.TEXT), query=items[0]["question"]))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args(argv)
    for name, compressor, text, meta in inputs(args.corpus):
        times = []
        for _ in range(max(args.repeat, 1)):
            start = time.perf_counter()
            out = compressor.compress(text, meta)
            times.append((time.perf_counter() - start) * 1000)
        print(f"{compressor.name:5} {name:28} {len(text.encode()) / 1e6:5.2f} MB  "
              f"best {min(times):6.1f} ms  median {statistics.median(times):6.1f} ms  "
              f"{out.reason[:50]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
