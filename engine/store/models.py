"""SQLModel tables of the store. They mirror the schema that `migrations.py` builds (a test checks
that both agree); the migrations, not these classes, are what create tables on disk.

Bodies and decision texts are stored compressed (`bodies.encode`); an exchange's tools are kept
both as a JSON list (for display) and as rows of `exchange_tools` (for the GUI's tool filter)."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class ExchangeRow(SQLModel, table=True):
    __tablename__ = "exchanges"

    seq: int | None = Field(default=None, primary_key=True)
    id: str = Field(unique=True)
    started_at: float = Field(index=True)
    provider: str
    endpoint: str
    model: str = Field(default="", index=True)
    stream: bool = False
    mode: str = ""
    session: str | None = Field(default=None, index=True)
    status_code: int | None = Field(default=None, index=True)
    error: str | None = None
    tools: str = "[]"
    tokens_before: int = 0
    tokens_after: int = 0
    saved_pct: float = 0.0
    tokens_estimated: bool = False
    input_tokens: int | None = None
    output_tokens: int | None = None
    cached_tokens: int | None = None
    cache_creation_tokens: int | None = None
    cost_usd: float | None = None
    cost_saved_usd: float | None = None
    proxy_overhead_ms: float | None = None
    upstream_ttfb_ms: float | None = None
    total_ms: float | None = None
    retrieval_rounds: int = 0


class ExchangeToolRow(SQLModel, table=True):
    __tablename__ = "exchange_tools"

    tool: str = Field(primary_key=True)
    exchange_id: str = Field(primary_key=True, index=True)


class DecisionRow(SQLModel, table=True):
    __tablename__ = "decisions"

    id: int | None = Field(default=None, primary_key=True)
    exchange_id: str = Field(index=True)
    message_index: int
    block_index: int
    tool_name: str | None = None  # leads the covering index ix_decisions_stats (migration 4)
    content_type: str
    compressor: str | None = None
    mode: str
    tokens_before: int
    tokens_after: int
    tokens_estimated: bool = False
    action: str
    reason: str
    ccr_key: str | None = Field(default=None, index=True)
    lossy: bool = False
    compressed_text: bytes | None = None
    started_at: float | None = None  # the exchange's, so stats over a time range need no join


class BodyRow(SQLModel, table=True):
    __tablename__ = "bodies"

    exchange_id: str = Field(primary_key=True)
    storage: str
    original_request: bytes | None = None
    sent_request: bytes | None = None
    response: bytes | None = None


class ToolPolicyRow(SQLModel, table=True):
    __tablename__ = "tool_policies"

    tool_name: str = Field(primary_key=True)
    mode: str
    updated_at: float


class RetrievalRow(SQLModel, table=True):
    __tablename__ = "retrievals"

    id: int | None = Field(default=None, primary_key=True)
    created_at: float = Field(index=True)
    key: str
    query: str | None = None
    hit: bool
    items_returned: int = 0
    exchange_id: str | None = Field(default=None, index=True)
    tool_name: str | None = None
