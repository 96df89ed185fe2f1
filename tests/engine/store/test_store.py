from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine

from engine.config import Mode
from engine.policy import ToolPolicy
from engine.store import Store
from tests.engine.store.factories import decision, exchange, retrieval


def scalar(engine: Engine, sql: str, *params: object) -> object:
    with engine.connect() as conn:
        return conn.exec_driver_sql(sql, params).scalar()


def test_recorded_exchange_is_readable_and_listener_sees_it_committed(store: Store) -> None:
    seen: list[tuple[str, object]] = []
    store.add_listener(lambda i: seen.append(
        (i, scalar(store.read_engine, "SELECT model FROM exchanges WHERE id = ?", i))))
    ex = exchange(model="gpt-4o-mini")
    assert store.record(ex) is True
    assert store.flush(5)
    assert seen == [(ex.id, "gpt-4o-mini")]
    assert scalar(store.read_engine, "SELECT COUNT(*) FROM decisions") == 1


def test_ten_thousand_exchanges_from_eight_threads_are_all_readable(data_dir: Path) -> None:
    store = Store.open(data_dir / "h.db", queue_size=20_000)
    ids: list[list[str]] = [[] for _ in range(8)]

    def produce(n: int) -> None:
        for i in range(1250):
            ex = exchange(started_at=1_700_000_000 + i, decisions=[decision(block=0)])
            ids[n].append(ex.id)
            assert store.record(ex)

    threads = [threading.Thread(target=produce, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.flush(60)
    store.close()
    reopened = Store.open(data_dir / "h.db")
    with reopened.read_engine.connect() as conn:
        stored = {row[0] for row in conn.exec_driver_sql("SELECT id FROM exchanges")}
        decisions = conn.exec_driver_sql("SELECT COUNT(*) FROM decisions").scalar()
    reopened.close()
    assert stored == {i for chunk in ids for i in chunk}
    assert len(stored) == 10_000 and decisions == 10_000
    assert store.dropped == 0 and store.write_errors == 0


def test_full_queue_drops_and_counts_instead_of_blocking(data_dir: Path) -> None:
    store = Store.open(data_dir / "h.db", queue_size=1, batch_size=1)
    release, entered = threading.Event(), threading.Event()
    store.add_listener(lambda _id: (entered.set(), release.wait(10)))
    first, second, third = exchange(), exchange(), exchange()
    assert store.record(first)
    assert entered.wait(5)  # the writer is now busy inside the listener
    assert store.record(second)  # fills the one free slot
    started = time.perf_counter()
    assert store.record(third) is False
    assert time.perf_counter() - started < 0.1
    assert store.dropped == 1
    release.set()
    assert store.flush(5)
    assert scalar(store.read_engine, "SELECT COUNT(*) FROM exchanges") == 2
    store.close()


def test_a_failing_listener_does_not_stop_recording(store: Store) -> None:
    calls: list[str] = []

    def broken(exchange_id: str) -> None:
        calls.append(exchange_id)
        raise RuntimeError("listener bug")

    store.add_listener(broken)
    store.record(exchange())
    store.record(exchange())
    assert store.flush(5)
    assert len(calls) == 2
    assert scalar(store.read_engine, "SELECT COUNT(*) FROM exchanges") == 2


def test_recording_the_same_id_again_replaces_it(store: Store) -> None:
    ex = exchange(status=None)
    store.record(ex)
    store.flush(5)
    again = exchange(status=502, decisions=[decision(block=0), decision(block=1)])
    again.id = ex.id
    store.record(again)
    store.flush(5)
    assert scalar(store.read_engine, "SELECT status_code FROM exchanges") == 502
    assert scalar(store.read_engine, "SELECT COUNT(*) FROM decisions") == 2
    assert scalar(store.read_engine, "SELECT COUNT(*) FROM bodies") == 1


def test_tool_modes_are_cached_persisted_and_usable_as_policy(data_dir: Path) -> None:
    store = Store.open(data_dir / "h.db")
    assert store.tool_mode("grep") is None
    store.set_tool_mode("grep", Mode.AUDIT)
    store.set_tool_mode("sql", "off")
    store.set_tool_mode("sql", None)
    assert ToolPolicy(Mode.OPTIMIZE, modes=store).mode_for("grep") is Mode.AUDIT
    with pytest.raises(ValueError):
        store.set_tool_mode("grep", "turbo")
    store.close()
    reopened = Store.open(data_dir / "h.db")
    assert reopened.tool_modes() == {"grep": Mode.AUDIT}
    reopened.close()


def test_a_retrieval_reported_twice_is_stored_once_with_merged_fields(store: Store) -> None:
    event = retrieval("b2:" + "a" * 24, exchange_id=None, tool=None)
    store.record_retrieval(event)
    store.flush(5)
    ex = exchange()
    ex.retrievals = [retrieval(event.key, exchange_id=None, at=event.created_at)]
    store.record(ex)
    store.flush(5)
    with store.read_engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT exchange_id, tool_name FROM retrievals").all()
    assert rows == [(ex.id, "grep")]


def test_costs_come_from_the_price_table_unless_given(store: Store) -> None:
    known, unknown = exchange(model="gpt-4o"), exchange(model="my-local-llama")
    store.record(known)
    store.record(unknown)
    store.flush(5)
    saved = scalar(store.read_engine, "SELECT cost_saved_usd FROM exchanges WHERE id = ?", known.id)
    assert saved == pytest.approx(600 * 2.50 / 1e6)
    assert scalar(store.read_engine,
                  "SELECT cost_usd FROM exchanges WHERE id = ?", unknown.id) is None


def test_recording_after_close_is_dropped_not_raised(data_dir: Path) -> None:
    store = Store.open(data_dir / "h.db")
    store.close()
    assert store.record(exchange()) is False
    assert store.dropped == 1
