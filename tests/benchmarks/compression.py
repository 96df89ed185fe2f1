"""Compression benchmark over ../shared/corpus: savings, time and survival per file and kind.

    python -m tests.benchmarks.compression [--kind logs] [--case HDFS] [--out results.json]

Every `tests/benchmarks/cases_<kind>.py` module is a kind (see case.py for what a case is).
Each case goes through the same routing the proxy uses (detect → best compressor → CCR store,
with a throwaway store), `--repeat` times: the median time is reported and the outputs must be
identical (determinism). Tokens are counted for `--model` (gpt-4o → o200k_base).
"""

from __future__ import annotations

import argparse
import importlib
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from engine.ccr.store import CCRStore
from engine.compressors.detect import MagikaDetector
from engine.pipeline.build import build_router
from engine.pipeline.routing import Routed, RouteInput, TextRouter
from engine.tokens import counter_for

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parents[1].parent / "shared" / "corpus"


@dataclass
class Row:
    kind: str
    name: str
    corpus: str
    content_type: str
    compressor: str | None
    action: str
    tokens_before: int
    tokens_after: int
    savings_pct: float
    ms_median: float
    deterministic: bool
    never_larger: bool
    failures: list[str] = field(default_factory=list)
    min_savings_pct: float | None = None
    metrics: dict[str, float] = field(default_factory=dict)
    reason: str = ""

    @property
    def meets_target(self) -> bool:
        return self.min_savings_pct is None or self.savings_pct >= self.min_savings_pct


def kinds() -> list[str]:
    return sorted(p.stem.removeprefix("cases_") for p in HERE.glob("cases_*.py"))


def load_cases(kind: str, corpus: Path) -> Iterable[Any]:
    module = importlib.import_module(f"tests.benchmarks.cases_{kind}")
    return module.cases(corpus)  # type: ignore[no-any-return]


def run_case(kind: str, case: Any, router: TextRouter, model: str, repeat: int) -> Row:
    given = RouteInput(tool_name=getattr(case, "tool_name", None),
                       tool_arguments=getattr(case, "tool_arguments", None),
                       query=getattr(case, "query", "") or "", model=model)
    outputs: list[Routed] = []
    times: list[float] = []
    for _ in range(max(repeat, 1)):
        start = time.perf_counter()
        outputs.append(router.route(case.content, given))
        times.append((time.perf_counter() - start) * 1000)
    routed = outputs[0]
    text = routed.text if routed.text is not None else case.content
    counter = counter_for(model)
    before, after = counter.count(case.content), counter.count(text)
    target = getattr(case, "min_savings", None)
    return Row(kind=kind, name=case.name, corpus=getattr(case, "corpus", ""),
               content_type=routed.content_type, compressor=routed.compressor,
               action=routed.action.value, tokens_before=before, tokens_after=after,
               savings_pct=round(100.0 * (before - after) / before, 1) if before else 0.0,
               ms_median=round(statistics.median(times), 2),
               deterministic=all(o.text == routed.text for o in outputs),
               never_larger=after <= before, failures=list(case.check(text)),
               min_savings_pct=None if target is None else round(100.0 * target, 1),
               metrics=_metrics(case, text, router.ccr), reason=routed.reason[:200])


def _metrics(case: Any, text: str, ccr: CCRStore) -> dict[str, float]:
    measure = getattr(case, "metrics", None)
    if measure is None:
        return {}

    def retrieve(key: str, query: str | None = None) -> str:
        return ccr.get(key, query=query, limit=1_000_000).text

    return dict(measure(text, retrieve))


def summarize(rows: Sequence[Row]) -> dict[str, dict[str, Any]]:
    summary: dict[str, dict[str, Any]] = {}
    for kind in sorted({r.kind for r in rows}):
        mine = [r for r in rows if r.kind == kind]
        before = sum(r.tokens_before for r in mine)
        after = sum(r.tokens_after for r in mine)
        summary[kind] = {
            "cases": len(mine),
            "tokens_before": before, "tokens_after": after,
            "savings_pct": round(100.0 * (before - after) / before, 1) if before else 0.0,
            "median_case_savings_pct": statistics.median(r.savings_pct for r in mine),
            "median_ms": statistics.median(r.ms_median for r in mine),
            "cases_with_failures": sum(1 for r in mine if r.failures),
            "failures": sum(len(r.failures) for r in mine),
            "below_target": [r.name for r in mine if not r.meets_target],
            "nondeterministic": [r.name for r in mine if not r.deterministic],
            "larger_than_input": [r.name for r in mine if not r.never_larger],
        }
    return summary


def print_table(rows: Sequence[Row], summary: dict[str, dict[str, Any]]) -> None:
    header = (f"{'kind':8} {'case':44} {'type':7} {'compressor':14} {'before':>8} {'after':>7} "
              f"{'saved':>6} {'target':>6} {'ms':>8} {'lost':>5}")
    print(header)
    print("-" * len(header))
    for r in rows:
        target = "" if r.min_savings_pct is None else f"{r.min_savings_pct:.0f}%"
        flag = "" if r.meets_target and r.deterministic and r.never_larger else " !"
        print(f"{r.kind:8} {r.name[:44]:44} {r.content_type:7} {(r.compressor or '-')[:14]:14} "
              f"{r.tokens_before:>8,} {r.tokens_after:>7,} {r.savings_pct:>5.1f}% {target:>6} "
              f"{r.ms_median:>8.1f} {len(r.failures):>5}{flag}")
    print()
    for kind, s in summary.items():
        print(f"{kind}: {s['cases']} cases, {s['tokens_before']:,} → {s['tokens_after']:,} "
              f"tokens ({s['savings_pct']}% saved), median {s['median_ms']:.1f} ms, "
              f"{s['failures']} survival failures in {s['cases_with_failures']} cases, "
              f"below target: {len(s['below_target'])}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.compression",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--kind", action="append", choices=kinds(),
                        help="only this kind (repeatable); default: all")
    parser.add_argument("--case", default=None, help="only cases whose name contains this")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--model", default="gpt-4o")
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (median time)")
    parser.add_argument("--out", type=Path, default=None, help="write results as JSON here")
    parser.add_argument("--show-failures", action="store_true")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    rows = run_all(args.kind or kinds(), args.corpus, args.case, args.model, args.repeat)
    summary = summarize(rows)
    print_table(rows, summary)
    if args.show_failures:
        for r in rows:
            for failure in r.failures:
                print(f"{r.name}: {failure}")
    if args.out:
        args.out.write_text(json.dumps({"model": args.model, "summary": summary,
                                        "cases": [asdict(r) for r in rows]}, indent=2))
        print(f"\nwrote {args.out}")
    return 0


def run_all(selected: Sequence[str], corpus: Path, name_filter: str | None, model: str,
            repeat: int) -> list[Row]:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="headroom-bench-") as tmp:
        ccr = CCRStore(Path(tmp) / "ccr.db", ttl_seconds=86_400, max_bytes=4 * 1024 ** 3)
        ml = MagikaDetector()
        router = build_router(ccr, ml=ml)
        ml.detect("warm up: load the model before anything is timed")
        counter_for(model).count("warm up: load the encoding")
        for kind in selected:
            for case in load_cases(kind, corpus):
                if name_filter is None or name_filter in case.name:
                    rows.append(run_case(kind, case, router, model, repeat))
        ccr.close()
    return rows


if __name__ == "__main__":
    sys.exit(main())
