"""Append-only, named schema migrations, run on every open.

Each migration runs once, inside a transaction, and its name is then written to `_migrations`.
Never edit or reorder a migration that has shipped: add a new one at the end. The tables in
`models.py` must match the result (tests/engine/store/test_schema.py checks both)."""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import Connection, Engine

Migration = tuple[str, Callable[[Connection], None]]


def _run(conn: Connection, *statements: str) -> None:
    for statement in statements:
        conn.exec_driver_sql(statement)


_M001_SQL = (
    """CREATE TABLE exchanges (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        started_at REAL NOT NULL,
        provider TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        model TEXT NOT NULL DEFAULT '',
        stream BOOLEAN NOT NULL DEFAULT 0,
        mode TEXT NOT NULL DEFAULT '',
        session TEXT,
        status_code INTEGER,
        error TEXT,
        tools TEXT NOT NULL DEFAULT '[]',
        tokens_before INTEGER NOT NULL DEFAULT 0,
        tokens_after INTEGER NOT NULL DEFAULT 0,
        saved_pct REAL NOT NULL DEFAULT 0,
        tokens_estimated BOOLEAN NOT NULL DEFAULT 0,
        input_tokens INTEGER,
        output_tokens INTEGER,
        cached_tokens INTEGER,
        cache_creation_tokens INTEGER,
        cost_usd REAL,
        cost_saved_usd REAL,
        proxy_overhead_ms REAL,
        upstream_ttfb_ms REAL,
        total_ms REAL,
        retrieval_rounds INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX ix_exchanges_started_at ON exchanges (started_at)",
    "CREATE INDEX ix_exchanges_model ON exchanges (model)",
    "CREATE INDEX ix_exchanges_session ON exchanges (session)",
    "CREATE INDEX ix_exchanges_status_code ON exchanges (status_code)",
    """CREATE TABLE exchange_tools (
        tool TEXT NOT NULL,
        exchange_id TEXT NOT NULL,
        PRIMARY KEY (tool, exchange_id)
    )""",
    "CREATE INDEX ix_exchange_tools_exchange_id ON exchange_tools (exchange_id)",
    """CREATE TABLE decisions (
        id INTEGER PRIMARY KEY,
        exchange_id TEXT NOT NULL,
        message_index INTEGER NOT NULL,
        block_index INTEGER NOT NULL,
        tool_name TEXT,
        content_type TEXT NOT NULL,
        compressor TEXT,
        mode TEXT NOT NULL,
        tokens_before INTEGER NOT NULL,
        tokens_after INTEGER NOT NULL,
        tokens_estimated BOOLEAN NOT NULL DEFAULT 0,
        action TEXT NOT NULL,
        reason TEXT NOT NULL,
        ccr_key TEXT,
        lossy BOOLEAN NOT NULL DEFAULT 0,
        compressed_text BLOB
    )""",
    "CREATE INDEX ix_decisions_exchange_id ON decisions (exchange_id)",
    "CREATE INDEX ix_decisions_tool_name ON decisions (tool_name)",
    "CREATE INDEX ix_decisions_ccr_key ON decisions (ccr_key)",
    """CREATE TABLE bodies (
        exchange_id TEXT NOT NULL PRIMARY KEY,
        storage TEXT NOT NULL,
        original_request BLOB,
        sent_request BLOB,
        response BLOB
    )""",
)


def m001_exchanges(conn: Connection) -> None:
    _run(conn, *_M001_SQL)


def m002_tool_policies_and_retrievals(conn: Connection) -> None:
    _run(
        conn,
        """CREATE TABLE tool_policies (
            tool_name TEXT NOT NULL PRIMARY KEY,
            mode TEXT NOT NULL,
            updated_at REAL NOT NULL
        )""",
        """CREATE TABLE retrievals (
            id INTEGER PRIMARY KEY,
            created_at REAL NOT NULL,
            key TEXT NOT NULL,
            query TEXT,
            hit BOOLEAN NOT NULL,
            items_returned INTEGER NOT NULL DEFAULT 0,
            exchange_id TEXT,
            tool_name TEXT
        )""",
        "CREATE INDEX ix_retrievals_created_at ON retrievals (created_at)",
        "CREATE INDEX ix_retrievals_exchange_id ON retrievals (exchange_id)",
        # One event may arrive twice (the CCR store's on_event and Exchange.retrievals): merge.
        "CREATE UNIQUE INDEX ux_retrievals_key_created ON retrievals (key, created_at)",
    )


def m003_body_search(conn: Connection) -> None:
    """Contentless FTS5 index over body text (rowid = exchanges.seq): the bodies are already
    stored compressed, so the index holds only terms, not a second copy of the text."""
    _run(
        conn,
        "CREATE VIRTUAL TABLE body_search USING fts5("
        "text, content='', tokenize='unicode61 remove_diacritics 2')",
    )


def m004_decision_stats(conn: Connection) -> None:
    """Per-tool and per-workload stats read only this covering index, never the wide decision
    rows (compressed text); `started_at` is copied from the exchange so a time range needs no
    join. The covering index starts with tool_name, so the plain tool_name index goes."""
    _run(
        conn,
        "ALTER TABLE decisions ADD COLUMN started_at REAL",
        "UPDATE decisions SET started_at ="
        " (SELECT e.started_at FROM exchanges AS e WHERE e.id = decisions.exchange_id)",
        "DROP INDEX ix_decisions_tool_name",
        "CREATE INDEX ix_decisions_stats ON decisions (tool_name, started_at, content_type, mode,"
        " action, ccr_key, tokens_before, tokens_after)",
    )


MIGRATIONS: list[Migration] = [
    ("m001_exchanges", m001_exchanges),
    ("m002_tool_policies_and_retrievals", m002_tool_policies_and_retrievals),
    ("m003_body_search", m003_body_search),
    ("m004_decision_stats", m004_decision_stats),
]


def applied(conn: Connection) -> list[str]:
    conn.exec_driver_sql(
        "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at REAL NOT NULL)"
    )
    rows = conn.exec_driver_sql("SELECT name FROM _migrations ORDER BY applied_at, rowid")
    return [str(row[0]) for row in rows]


def migrate(engine: Engine, migrations: list[Migration] | None = None) -> list[str]:
    """Apply every migration not yet applied, in order; returns the names applied now."""
    todo = MIGRATIONS if migrations is None else migrations
    done_now: list[str] = []
    with engine.begin() as conn:
        done = set(applied(conn))
    for name, function in todo:
        if name in done:
            continue
        with engine.begin() as conn:
            function(conn)
            conn.exec_driver_sql(
                "INSERT INTO _migrations (name, applied_at) VALUES (?, ?)", (name, time.time())
            )
        done_now.append(name)
    return done_now
