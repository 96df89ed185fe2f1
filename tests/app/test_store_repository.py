"""StoreRepository over a real Store: the GUI's rows come out of engine.store.queries right."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.repository import ExchangeFilter, SortKey
from app.store_repository import StoreRepository
from engine.config import Mode
from engine.conversation import Action, Decision, Exchange, RetrievalEvent, Usage
from engine.store.store import Store


def exchange(n: int, tool: str = "read_log", mode: str = "optimize") -> Exchange:
    before, after = 10_000 + n, 1_000
    key = f"b2:{n:024x}"
    return Exchange(
        provider="openai_chat", endpoint="/v1/chat/completions", model="gpt-4o",
        started_at=time.time() - 100 + n, mode=mode, status_code=200 if n % 5 else 500,
        tools=[tool], tokens_before=before, tokens_after=after, usage=Usage(9_000, 50, 4_000),
        proxy_overhead_ms=3.0 + n, total_ms=400.0,
        decisions=[Decision(1, 0, tool, "logs", "logs", mode, before - 100, after - 100,
                            Action.COMPRESSED, "kept errors", key, compressed_text="short")],
        original_request=b'{"model":"gpt-4o","messages":[]}')


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    with Store.open(data_dir / "headroom.db") as opened:
        for n in range(10):
            opened.record(exchange(n, tool="read_log" if n % 2 else "search_files"))
        opened.record_retrieval(RetrievalEvent(f"b2:{3:024x}", "ERROR", True, 4, "x", "read_log"))
        assert opened.flush(10)
        yield opened


def test_traffic_rows_filters_and_sorting(store: Store) -> None:
    repo = StoreRepository(store, Mode.AUDIT)
    assert repo.count_exchanges(ExchangeFilter()) == 10
    assert repo.count_exchanges(ExchangeFilter(tool="read_log")) == 5
    assert repo.count_exchanges(ExchangeFilter(status="error")) == 2
    assert repo.count_exchanges(ExchangeFilter(min_saved=0.95)) == 0
    rows = repo.list_exchanges(ExchangeFilter(), SortKey.TOKENS_BEFORE, True, 0, 3)
    assert [r.tokens_before for r in rows] == [10_009, 10_008, 10_007]
    assert rows[0].tools == ("read_log",)
    detail = repo.exchange_detail(rows[0].id)
    assert detail is not None and detail.decisions[0].compressed_text == "short"


def test_summaries(store: Store) -> None:
    repo = StoreRepository(store, Mode.AUDIT)
    totals = repo.totals(None)
    assert totals.requests == 10
    assert totals.tokens_saved == sum(9_000 + n for n in range(10))
    assert totals.median_saved is not None and 0.89 < totals.median_saved < 0.91
    assert totals.median_covers == 10
    assert totals.keys_issued == 10 and totals.keys_retrieved == 1
    assert totals.cache_hit_rate == pytest.approx(4 / 9)
    series = repo.savings_series(None, 60)
    assert sum(p.requests for p in series) == 10
    assert repo.workloads(None)
    assert sum(count for _, count in repo.overhead(None).histogram) == 10
    tools = {t.name: t for t in repo.tools()}
    assert tools["read_log"].mode == "audit" and tools["read_log"].mode_is_default
    assert tools["read_log"].retrieval_rate == pytest.approx(0.2)
    assert tools["read_log"].median_saved == pytest.approx(tools["read_log"].median_would_save)
    assert 0.9 < (tools["read_log"].median_saved or 0) < 0.92
    assert tools["read_log"].last_seen == pytest.approx(time.time() - 91, abs=5)
    retrieval = repo.retrievals(10)[0]
    assert retrieval.origin_exchange_id is not None
    assert set(repo.filter_options().tools) == {"read_log", "search_files"}


def test_audit_rows_carry_what_optimize_would_save(store: Store) -> None:
    store.record(exchange(20, mode="audit"))
    assert store.flush(10)
    repo = StoreRepository(store, Mode.AUDIT)
    newest = repo.list_exchanges(ExchangeFilter(), SortKey.TIME, True, 0, 2)
    assert [r.mode for r in newest] == ["audit", "optimize"]
    assert newest[0].would_save == (10_020 - 100) - (1_000 - 100)
    assert newest[1].would_save == 0


def test_reset_tool_mode_follows_the_default(store: Store) -> None:
    repo = StoreRepository(store, Mode.OPTIMIZE)
    store.set_tool_mode("read_log", Mode.OFF)
    assert {t.name: t.mode for t in repo.tools()}["read_log"] == "off"
    store.set_tool_mode("read_log", None)
    row = {t.name: t for t in repo.tools()}["read_log"]
    assert (row.mode, row.mode_is_default) == ("optimize", True)
