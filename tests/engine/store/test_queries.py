from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.config import Mode
from engine.conversation import Exchange, Usage
from engine.store import Store, stats
from engine.store import queries as q
from engine.store.stats import local_midnight
from engine.store.workloads import Workload
from tests.engine.store.factories import decision, exchange, retrieval

T0 = 1_700_000_000.0
MODELS = ("gpt-4o", "claude-sonnet-4-5", "gpt-4o-mini")
N = 300


def generated(i: int) -> Exchange:
    """Even: grep (optimize, 1000→200, lossy key every 4th). Odd: read_file (audit, 500→100)
    and query_db (optimize, kept 300). Every 25th fails with 500."""
    if i % 2 == 0:
        key = f"b2:{i:024x}" if i % 4 == 0 else None
        decisions = [decision("grep", "optimize", 1000, 200, "search", key)]
    else:
        decisions = [decision("read_file", "audit", 500, 100, "code", block=0),
                     decision("query_db", "optimize", 300, 300, "json", block=1)]
    before = sum(d.tokens_before for d in decisions)
    after = sum(d.tokens_after if d.mode == "optimize" else d.tokens_before for d in decisions)
    ex = exchange(model=MODELS[i % 3], started_at=T0 + i * 60, before=before, after=after,
                  status=500 if i % 25 == 0 else 200, decisions=decisions,
                  tools=tuple(sorted({d.tool_name or "" for d in decisions})))
    ex.usage = Usage(input_tokens=after, output_tokens=10, cached_tokens=after // 4)
    ex.proxy_overhead_ms = float(i % 10 + 1)
    if i % 2 == 0:
        ex.sent_request = (ex.original_request or b"").replace(b"timeout", b"[compressed]")
    ex.response = f'{{"content":"answer number {i} {"zebra" if i == 7 else ""}"}}'.encode()
    return ex


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, list[Exchange]]]:
    store = Store.open(tmp_path_factory.mktemp("q") / "h.db")
    made = [generated(i) for i in range(N)]
    for ex in made:
        store.record(ex)
    store.record_retrieval(retrieval("b2:" + "0" * 24, made[2].id, at=T0 + 500))
    store.record_retrieval(retrieval("b2:" + f"{4:024x}", made[5].id, at=T0 + 600))
    store.record_retrieval(retrieval("b2:unknown", None, hit=False, at=T0 + 700, tool=None))
    store.set_tool_mode("read_file", Mode.AUDIT)
    store.set_tool_mode("never_called", Mode.OFF)
    assert store.flush(30)
    yield store, made
    store.close()


def test_counts_with_each_filter(filled: tuple[Store, list[Exchange]]) -> None:
    store, made = filled
    count = q.count_exchanges
    assert count(store) == N
    assert count(store, q.ExchangeFilter(model="gpt-4o")) == N // 3
    assert count(store, q.ExchangeFilter(tool="grep")) == N // 2
    assert count(store, q.ExchangeFilter(tool="query_db")) == N // 2
    assert count(store, q.ExchangeFilter(status="error")) == N // 25
    assert count(store, q.ExchangeFilter(status="5xx")) == N // 25
    assert count(store, q.ExchangeFilter(status="500")) == N // 25
    assert count(store, q.ExchangeFilter(status="ok")) == N - N // 25
    assert count(store, q.ExchangeFilter(min_saved_pct=50)) == N // 2  # grep: 80 %, odd: 0 %
    assert count(store, q.ExchangeFilter(since=T0 + 60 * 100, until=T0 + 60 * 200)) == 100
    both = q.ExchangeFilter(model="gpt-4o", tool="grep", status="ok")
    expected = [e for e in made
                if e.model == "gpt-4o" and "grep" in e.tools and e.status_code == 200]
    assert count(store, both) == len(expected)
    with pytest.raises(ValueError):
        count(store, q.ExchangeFilter(status="weird"))


def test_text_search_over_bodies_and_metadata(filled: tuple[Store, list[Exchange]]) -> None:
    store, made = filled
    hits = q.list_exchanges(store, q.ExchangeFilter(text="zebra"))
    assert [h.id for h in hits] == [made[7].id]
    assert q.count_exchanges(store, q.ExchangeFilter(text="ANSWER numb")) == N
    assert q.count_exchanges(store, q.ExchangeFilter(text="query_db", model="gpt-4o")) == N // 6
    assert q.count_exchanges(store, q.ExchangeFilter(text='"; DROP')) == 0
    assert q.count_exchanges(store, q.ExchangeFilter(text="  ")) == N


def test_paging_and_ordering(filled: tuple[Store, list[Exchange]]) -> None:
    store, made = filled
    first = q.list_exchanges(store, limit=50)
    assert [r.id for r in first] == [e.id for e in reversed(made)][:50]
    pages = [r.id for off in range(0, N, 70) for r in q.list_exchanges(store, offset=off, limit=70)]
    assert pages == [e.id for e in reversed(made)]
    by_saving = q.list_exchanges(store, order="saved_pct", descending=False, limit=N)
    assert [r.saved_pct for r in by_saving] == sorted(r.saved_pct for r in by_saving)
    row = next(r for r in first if r.id == made[298].id)
    assert row.tools == ("grep",) and row.saved_pct == pytest.approx(80.0)
    assert row.model == "claude-sonnet-4-5"
    assert row.cost_saved_usd == pytest.approx(800 * 3.00 / 1e6)
    with pytest.raises(ValueError):
        q.list_exchanges(store, order="id; DROP TABLE exchanges")


@pytest.mark.parametrize("order", ["started_at", "tokens_before"])
def test_filtered_pages_match_the_filter(filled: tuple[Store, list[Exchange]], order: str) -> None:
    store, made = filled
    flt = q.ExchangeFilter(model="gpt-4o", tool="grep", status="ok", since=T0 + 600)
    rows = q.list_exchanges(store, flt, order=order, limit=N)
    expected = {e.id for e in made if e.model == "gpt-4o" and "grep" in e.tools
                and e.status_code == 200 and e.started_at >= T0 + 600}
    assert {r.id for r in rows} == expected and len(rows) == len(expected)
    assert q.count_exchanges(store, flt) == len(expected)


def test_queries_run_from_many_threads_while_recording(filled: tuple[Store, list[Exchange]],
                                                       data_dir: Path) -> None:
    store = Store.open(data_dir / "busy.db")
    errors: list[BaseException] = []

    def read() -> None:
        try:
            for _ in range(30):
                q.list_exchanges(store, q.ExchangeFilter(tool="grep"), limit=20)
                q.count_exchanges(store)
                q.per_tool_stats(store)
        except BaseException as err:  # collected and asserted below
            errors.append(err)

    readers = [threading.Thread(target=read) for _ in range(4)]
    for reader in readers:
        reader.start()
    for i in range(200):
        store.record(generated(i))
    for reader in readers:
        reader.join()
    assert store.flush(10)
    assert errors == [] and q.count_exchanges(store) == 200
    store.close()


def test_exchange_detail(filled: tuple[Store, list[Exchange]]) -> None:
    store, made = filled
    detail = q.get_exchange(store, made[0].id)
    assert detail is not None and detail.body_storage == "full"
    ex = detail.exchange
    assert ex.response == made[0].response and ex.original_request == made[0].original_request
    assert ex.sent_request == made[0].sent_request != ex.original_request
    assert [d.ccr_key for d in ex.decisions] == ["b2:" + "0" * 24]
    assert ex.decisions[0].compressed_text == made[0].decisions[0].compressed_text
    assert ex.usage == made[0].usage and ex.status_code == 500
    assert [(r.exchange_id, r.source_exchange_id) for r in detail.redemptions] == [
        (made[2].id, made[0].id)]
    asker = q.get_exchange(store, made[2].id)
    assert asker is not None and [r.key for r in asker.exchange.retrievals] == ["b2:" + "0" * 24]
    unchanged = q.get_exchange(store, made[1].id)
    assert unchanged is not None
    assert unchanged.exchange.sent_request == unchanged.exchange.original_request is not None
    assert q.get_exchange(store, "no-such-id") is None


def test_totals_series_and_today(filled: tuple[Store, list[Exchange]]) -> None:
    store, made = filled
    totals = q.totals(store)
    saved = sum(e.tokens_before - e.tokens_after for e in made)
    assert (totals.requests, totals.errors, totals.tokens_saved) == (N, N // 25, saved)
    series = q.savings_series(store, since=T0, bucket_seconds=3600)
    assert len(series) == 5 and [p.requests for p in series] == [60] * 5
    assert sum(p.tokens_saved for p in series) == saved
    assert sum(p.cost_saved_usd for p in series) == pytest.approx(totals.cost_saved_usd)
    padded = q.savings_series(store, since=T0, bucket_seconds=3600, until=T0 + 8 * 3600)
    assert len(padded) == 8 and padded[-1].requests == 0
    today = q.totals_today(store, now=T0 + N * 60)
    midnight = local_midnight(T0 + N * 60)
    assert today.requests == sum(1 for e in made if e.started_at >= midnight)
    assert q.totals_today(store, now=T0 + 3 * 86_400).requests == 0


def test_per_tool_stats(filled: tuple[Store, list[Exchange]]) -> None:
    store, _ = filled
    tools = {t.tool: t for t in q.per_tool_stats(store)}
    grep, read, sql = tools["grep"], tools["read_file"], tools["query_db"]
    assert (grep.blocks, grep.tokens_saved, grep.audit_potential_saved) == (150, 150 * 800, 0)
    assert grep.keys_issued == 75 and grep.keys_retrieved == 2
    assert grep.retrieval_rate == pytest.approx(2 / 75)
    assert grep.avg_saved_per_block == pytest.approx(800)
    assert (read.mode, read.tokens_saved, read.audit_potential_saved) == ("audit", 0, 150 * 400)
    assert read.compression_pct == pytest.approx(80.0) and read.retrieval_rate is None
    assert sql.tokens_saved == 0 and sql.compression_pct == 0
    assert tools["never_called"].mode == "off" and tools["never_called"].blocks == 0
    recent = {t.tool: t for t in q.per_tool_stats(store, since=T0 + 60 * 200)}
    assert recent["grep"].blocks == 50


def test_tool_medians_and_last_seen(filled: tuple[Store, list[Exchange]]) -> None:
    store, _ = filled
    tools = {t.tool: t for t in q.per_tool_stats(store)}
    grep, read, sql = tools["grep"], tools["read_file"], tools["query_db"]
    assert (grep.median_saved_pct, grep.median_would_save_pct, grep.median_calls) == (80, 80, 150)
    assert (read.median_saved_pct, read.median_would_save_pct) == (0, 80)  # audit: sent as is
    assert (sql.median_saved_pct, sql.median_would_save_pct) == (0, 0)
    assert grep.last_seen == T0 + 298 * 60 and read.last_seen == T0 + 299 * 60
    assert tools["never_called"].last_seen is None
    assert tools["never_called"].median_saved_pct is None
    assert stats.tool_medians(store, "grep", window=10)[2] == 10
    assert stats.tool_medians(store, "grep", since=T0 + 60 * 290)[2] == 5


def test_request_median_covers_a_recent_window(filled: tuple[Store, list[Exchange]]) -> None:
    store, _ = filled
    assert q.median_saved_pct(store) == (pytest.approx(40.0), N)  # half 80 %, half 0 %
    assert q.median_saved_pct(store, window=3) == (0.0, 3)  # newest: odd, even, odd
    assert q.median_saved_pct(store, since=T0 + N * 60) == (None, 0)


def test_audited_blocks_carry_what_optimize_would_save(
        filled: tuple[Store, list[Exchange]]) -> None:
    store, made = filled
    newest = q.list_exchanges(store, limit=2)
    assert [r.id for r in newest] == [made[N - 1].id, made[N - 2].id]
    assert [r.audit_potential_saved for r in newest] == [400, 0]  # read_file audit: 500 -> 100
    assert newest[0].tokens_after == newest[0].tokens_before  # what was sent stays honest
    by_saved = q.list_exchanges(store, order="saved_pct", descending=False, limit=1)
    assert by_saved[0].audit_potential_saved == 400


def test_retrievals_name_the_tool_whose_output_was_stored(tmp_path: Path) -> None:
    key = "b2:" + "a" * 24
    with Store.open(tmp_path / "h.db") as store:
        store.record(exchange(decisions=[decision("grep", key=key)]))
        store.record_retrieval(retrieval(key, None, tool="headroom_retrieve"))
        assert store.flush(10)
        assert q.retrieval_events(store)[0].tool_name == "grep"
        assert {t.tool: t.keys_retrieved for t in q.per_tool_stats(store)} == {"grep": 1}


def test_per_workload_stats(filled: tuple[Store, list[Exchange]]) -> None:
    store, _ = filled
    rows = {w.workload: w for w in q.per_workload_stats(store)}
    assert set(rows) == {Workload.CODE_SEARCH, Workload.FILE_READS, Workload.DATABASE}
    code = rows[Workload.CODE_SEARCH]
    assert (code.blocks, code.tokens_before, code.tokens_after) == (150, 150_000, 30_000)
    assert code.saved_pct == pytest.approx(80.0)
    assert rows[Workload.FILE_READS].audit_potential_saved == 150 * 400
    assert rows[Workload.DATABASE].tokens_saved == 0


def test_retrievals_cache_and_latency(filled: tuple[Store, list[Exchange]]) -> None:
    store, made = filled
    events = q.retrieval_events(store)
    assert [e.key for e in events] == ["b2:unknown", f"b2:{4:024x}", "b2:" + "0" * 24]
    assert events[0].hit is False and events[0].source_exchange_id is None
    assert events[1].source_exchange_id == made[4].id and events[1].exchange_id == made[5].id
    assert len(q.retrieval_events(store, since=T0 + 550)) == 2
    cache = q.cache_hit_rate(store)
    inputs = sum(e.usage.input_tokens or 0 for e in made)
    assert cache.input_tokens == inputs
    assert cache.hit_rate == pytest.approx(sum(e.usage.cached_tokens or 0 for e in made) / inputs)
    latency = q.latency_overhead(store)
    assert (latency.count, latency.p50, latency.max) == (N, 5.0, 10.0)
    assert sum(c for _, c in latency.histogram) == N
    assert dict(latency.histogram)[1.0] == N // 10


def test_reader_opens_an_existing_file_read_only(filled: tuple[Store, list[Exchange]],
                                                 tmp_path: Path) -> None:
    store, _ = filled
    reader = q.Reader(store.path)
    assert q.count_exchanges(reader) == N
    assert q.distinct_models(reader) == sorted(MODELS)
    assert q.distinct_tools(reader) == ["grep", "query_db", "read_file"]
    reader.close()
    with pytest.raises(RuntimeError):
        q.Reader(tmp_path / "missing.db")
