from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import SQLModel

from engine.store import Store, models
from engine.store.db import write_engine
from engine.store.migrations import MIGRATIONS, applied, migrate


def schema(engine: Engine) -> list[tuple[str, str, str]]:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name"
        ).all()
    return [(str(t), str(n), " ".join(str(s).split())) for t, n, s in rows]


def test_fresh_and_first_migration_databases_reach_the_same_schema(tmp_path: Path) -> None:
    fresh = write_engine(tmp_path / "fresh.db")
    migrate(fresh)
    old = write_engine(tmp_path / "old.db")
    migrate(old, MIGRATIONS[:1])
    with old.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO exchanges (id, started_at, provider, endpoint) VALUES ('x', 7, 'p', '/')"
        )
        conn.exec_driver_sql(
            "INSERT INTO decisions (exchange_id, message_index, block_index, content_type, mode,"
            " tokens_before, tokens_after, action, reason) VALUES ('x', 0, 0, 'log', 'audit',"
            " 10, 5, 'compressed', 'r')"
        )
    assert migrate(old) == [name for name, _ in MIGRATIONS[1:]]
    assert schema(old) == schema(fresh)
    with old.connect() as conn:
        assert applied(conn) == [name for name, _ in MIGRATIONS]
        assert conn.exec_driver_sql("SELECT id FROM exchanges").scalar() == "x"
        assert conn.exec_driver_sql("SELECT started_at FROM decisions").scalar() == 7
    assert migrate(old) == []
    fresh.dispose()
    old.dispose()


def test_models_match_the_migrated_schema(tmp_path: Path) -> None:
    engine = write_engine(tmp_path / "h.db")
    migrate(engine)
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            if table.name not in {m.__tablename__ for m in _model_classes()}:
                continue
            info = conn.exec_driver_sql(f"PRAGMA table_info({table.name})").all()
            on_disk = {row[1]: (not row[3] or bool(row[5]), bool(row[5])) for row in info}
            declared = {c.name: (bool(c.nullable) or c.primary_key, c.primary_key)
                        for c in table.columns}
            assert on_disk == declared, table.name
    engine.dispose()


def _model_classes() -> list[type[SQLModel]]:
    return [models.ExchangeRow, models.ExchangeToolRow, models.DecisionRow, models.BodyRow,
            models.ToolPolicyRow, models.RetrievalRow]


def test_store_open_uses_wal_and_migrates(data_dir: Path) -> None:
    store = Store.open(data_dir / "nested" / "headroom.db")
    with store.read_engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        names = {row[0] for row in conn.exec_driver_sql("SELECT name FROM _migrations")}
    assert names == {name for name, _ in MIGRATIONS}
    store.close()
