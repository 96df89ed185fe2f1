"""Fill a store with 100,000 exchanges through the real recorder, then time the queries the GUI
runs: the traffic table's first page and counts (plain and filtered), a deep page, full-text
search, one exchange's detail and the Savings/Tools aggregates.

    .venv/bin/python tests/benchmarks/bench_store.py [--count N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import orjson

from engine.conversation import Action, Decision, Exchange, Usage
from engine.store import Store
from engine.store import queries as q

T0 = 1_760_000_000.0
MODELS = ("gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5", "gpt-4.1", "claude-haiku-4-5")
TOOLS = ("grep", "read_file", "query_db", "fetch_logs", "web_search", "list_dir", "run_tests")
_VOCABULARY = """payment gateway timeout retry checkout order customer invoice latency cache miss
database connection pool error warning deploy rollback kubernetes pod restart function class
import return value config"""
WORDS = tuple(_VOCABULARY.split())


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)) + f" token{rng.randrange(10**6)}"


def _exchange(i: int, rng: random.Random) -> Exchange:
    tools = rng.sample(TOOLS, rng.randint(1, 3))
    decisions = []
    for n, tool in enumerate(tools):
        before = rng.randint(200, 5000)
        after = before if rng.random() < 0.3 else rng.randint(50, before)
        decisions.append(Decision(
            message_index=2 + n, block_index=0, tool_name=tool, content_type="log",
            compressor="logs", mode=rng.choice(("audit", "optimize")), tokens_before=before,
            tokens_after=after, action=Action.COMPRESSED if after < before else Action.KEPT,
            reason="lines omitted", ccr_key=f"b2:{i:016x}{n:08x}" if after < before else None,
            compressed_text=_text(rng, 60)))
    before = sum(d.tokens_before for d in decisions) + 300
    after = sum(d.tokens_after if d.mode == "optimize" else d.tokens_before
                for d in decisions) + 300
    messages = [{"role": "user", "content": _text(rng, 30)}] + [
        {"role": "tool", "tool_call_id": f"call_{n}", "content": _text(rng, 400)}
        for n in range(len(tools))]
    request = orjson.dumps({"model": MODELS[i % 5], "messages": messages})
    return Exchange(
        provider="openai_chat", endpoint="/v1/chat/completions", model=MODELS[i % len(MODELS)],
        started_at=T0 + i * 3.0, status_code=rng.choice((200,) * 30 + (429, 500)), tools=tools,
        tokens_before=before, tokens_after=after, mode="optimize", decisions=decisions,
        usage=Usage(after, rng.randint(10, 500), rng.randint(0, after)),
        proxy_overhead_ms=rng.uniform(0.5, 40), upstream_ttfb_ms=rng.uniform(100, 900),
        total_ms=rng.uniform(200, 5000), original_request=request, sent_request=request,
        response=orjson.dumps({"choices": [{"message": {"content": _text(rng, 50)}}]}))


def fill(store: Store, count: int) -> float:
    rng = random.Random(7)
    started = time.perf_counter()
    for i in range(count):
        while not store.record(_exchange(i, rng)):
            store.flush(60)
    store.flush(600)
    return time.perf_counter() - started


def timed(label: str, call: Callable[[], object], repeat: int = 3) -> None:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        best = min(best, time.perf_counter() - started)
    shown = result if isinstance(result, int) else f"{len(result)} rows" \
        if isinstance(result, list) else type(result).__name__
    print(f"{label:<44} {best * 1000:9.1f} ms   ({shown})")


def measure(store: Store, count: int) -> None:
    last_id = q.list_exchanges(store, limit=1)[0].id
    f = q.ExchangeFilter
    timed("first page (200 rows, newest first)", lambda: q.list_exchanges(store, limit=200))
    timed("count all", lambda: q.count_exchanges(store))
    timed("count model=gpt-4o", lambda: q.count_exchanges(store, f(model="gpt-4o")))
    timed("count tool=grep", lambda: q.count_exchanges(store, f(tool="grep")))
    timed("count status=error", lambda: q.count_exchanges(store, f(status="error")))
    timed("count saved >= 50 %", lambda: q.count_exchanges(store, f(min_saved_pct=50)))
    timed("count text 'kubernetes rollback'",
          lambda: q.count_exchanges(store, f(text="kubernetes rollback")))
    timed("first page tool=grep status=ok",
          lambda: q.list_exchanges(store, f(tool="grep", status="ok"), limit=200))
    timed("first page text 'token12345'", lambda: q.list_exchanges(store, f(text="token12345")))
    timed("first page sorted by saved %",
          lambda: q.list_exchanges(store, order="saved_pct", limit=200))
    timed(f"deep page (offset {count - 200})",
          lambda: q.list_exchanges(store, offset=count - 200, limit=200))
    timed("exchange detail", lambda: q.get_exchange(store, last_id))
    timed("totals today", lambda: q.totals(store, since=T0 + count * 3.0 - 86_400))
    timed("savings series (all, hourly)",
          lambda: q.savings_series(store, since=T0, bucket_seconds=3600))
    timed("per tool stats", lambda: q.per_tool_stats(store))
    timed("per workload stats", lambda: q.per_workload_stats(store))
    timed("cache hit rate", lambda: q.cache_hit_rate(store))
    timed("latency overhead distribution", lambda: q.latency_overhead(store))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="directory to keep the database in")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-store-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "headroom.db"
    store = Store.open(path)
    seconds = fill(store, args.count)
    size = sum(p.stat().st_size for p in folder.glob("headroom.db*")) / 1e6
    print(f"recorded {args.count:,} exchanges in {seconds:.1f} s "
          f"({args.count / seconds:,.0f}/s), dropped {store.dropped}, db {size:,.0f} MB")
    measure(store, args.count)
    store.close()


if __name__ == "__main__":
    main()
