"""Parse and render timings of the provider adapters on multi-megabyte requests.

Run: .venv/bin/python -m tests.benchmarks.bench_providers  (prints ms per MB per operation).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from engine.providers import adapter_for
from tests.conftest import CORPUS
from tests.engine.providers.corpus_requests import (
    STYLES,
    anthropic_request,
    openai_request,
    responses_request,
    trajectories,
)

BUILDERS = {
    "openai_chat": openai_request,
    "anthropic_messages": anthropic_request,
    "openai_responses": responses_request,
}


def big_trajectory(corpus: Path, copies: int) -> list[dict[str, Any]]:
    """One long conversation: every tau-bench trajectory after the other, `copies` times."""
    trajs = trajectories(corpus)
    merged = [trajs[0][0]]
    for _ in range(copies):
        for traj in trajs:
            merged += traj[1:]
    return merged


def best_ms(action: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main() -> None:
    traj = big_trajectory(CORPUS, copies=4)
    for provider, build in BUILDERS.items():
        adapter = adapter_for(provider)
        for style, dumps in STYLES.items():
            raw = dumps(build(traj, len(traj))).encode()
            mb = len(raw) / 1e6
            conv = adapter.parse_request(raw)
            parse = best_ms(partial(adapter.parse_request, raw))
            results = [b for _, b in conv.tool_results()]
            results[len(results) // 2].text = "one edit"
            one = best_ms(partial(adapter.render_request, conv))
            for block in results:
                block.text = "edited"
            every = best_ms(partial(adapter.render_request, conv))
            assert json.loads(adapter.render_request(conv))
            print(
                f"{provider:19} {style:8} {mb:5.2f} MB  parse {parse / mb:5.1f} ms/MB  "
                f"render 1 edit {one / mb:5.1f} ms/MB  render {len(results)} edits "
                f"{every / mb:5.1f} ms/MB"
            )


if __name__ == "__main__":
    main()
