"""Everything the exchange detail shows, computed off the GUI thread from one recorded Exchange:
block diffs, the request as received and as sent (pretty JSON), the response (reconstructed when
it was streamed), timing and usage rows, and copy-ready JSON and curl."""

from __future__ import annotations

import dataclasses
import json
import shlex
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

from app import format as fmt
from app.models.blocks import BlockDiff, build_block_diffs
from app.repository import Repository
from app.tasks import Runner
from engine.conversation import Exchange, Provider
from engine.providers import adapter_for
from engine.providers.sse import SSEParser

MAX_PRETTY_BYTES = 4 * 1024 * 1024
ENDPOINT_PATHS = {"openai_chat": "/v1/chat/completions", "anthropic_messages": "/v1/messages",
                  "openai_responses": "/v1/responses"}


@dataclass(frozen=True)
class DetailView:
    exchange: Exchange
    diffs: list[BlockDiff]
    received: str
    sent: str
    response: str
    timing: list[tuple[str, str]]


def build_detail(exchange: Exchange) -> DetailView:
    return DetailView(exchange, build_block_diffs(exchange), pretty(exchange.original_request),
                      pretty(exchange.sent_request), response_text(exchange),
                      timing_rows(exchange))


def pretty(body: bytes | None) -> str:
    if body is None:
        return "(not recorded)"
    if len(body) > MAX_PRETTY_BYTES:
        return body.decode("utf-8", errors="replace")
    try:
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except ValueError:
        return body.decode("utf-8", errors="replace")


def response_text(exchange: Exchange) -> str:
    body = exchange.response
    if body is None:
        return "(not recorded)"
    if not exchange.stream:
        return pretty(body)
    try:
        adapter = adapter_for(Provider(exchange.provider))
        rebuilt = adapter.new_stream_reconstructor()
        parser = SSEParser()
        for event in [*parser.feed(body), *parser.flush()]:
            rebuilt.feed(event)
        turn = rebuilt.turn()
    except ValueError:
        return body.decode("utf-8", errors="replace")
    lines = ["(reconstructed from the stream)", "", turn.text]
    lines += [f"tool call {c.name}({c.arguments})  id={c.id}" for c in turn.tool_calls]
    if turn.stop_reason:
        lines += ["", f"stop: {turn.stop_reason}"]
    return "\n".join(lines)


def timing_rows(ex: Exchange) -> list[tuple[str, str]]:
    saved = fmt.saved_fraction(ex.tokens_before, ex.tokens_after)
    est = " (estimated)" if ex.tokens_estimated else ""
    rows = [
        ("Status", str(ex.status_code or "") + (f" — {ex.error}" if ex.error else "")),
        ("Provider / model", f"{ex.provider} / {ex.model}"),
        ("Mode", ex.mode), ("Stream", "yes" if ex.stream else "no"),
        ("Proxy overhead", _ms(ex.proxy_overhead_ms)),
        ("Upstream first byte", _ms(ex.upstream_ttfb_ms)), ("Total", _ms(ex.total_ms)),
        ("Tokens before → after" + est,
         f"{fmt.count(ex.tokens_before)} → {fmt.count(ex.tokens_after)} ({fmt.percent(saved)})"),
        ("Billed input", fmt.count(ex.usage.input_tokens)),
        ("Billed cached input", fmt.count(ex.usage.cached_tokens)),
        ("Cache writes", fmt.count(ex.usage.cache_creation_tokens)),
        ("Billed output", fmt.count(ex.usage.output_tokens)),
        ("Cost", fmt.dollars(ex.cost_usd)), ("Cost saved", fmt.dollars(ex.cost_saved_usd)),
        ("Retrieval rounds", str(ex.retrieval_rounds)),
    ]
    return [(k, v) for k, v in rows if v]


def _ms(value: float | None) -> str:
    return "" if value is None else f"{value:,.1f} ms"


def exchange_json(ex: Exchange) -> str:
    """The exchange as JSON for the clipboard: metadata and decisions; bodies as text."""
    data = dataclasses.asdict(ex)
    for key in ("original_request", "sent_request", "response"):
        body = data.get(key)
        data[key] = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    return json.dumps(data, indent=2, default=_plain, ensure_ascii=False)


def _plain(value: Any) -> Any:
    return str(value)


def curl_command(ex: Exchange, base_url: str) -> str:
    """Replays the request as received, through the proxy. The API key stays a variable."""
    body = (ex.original_request or b"{}").decode("utf-8", errors="replace")
    path = ENDPOINT_PATHS.get(ex.provider, ex.endpoint or "/v1/chat/completions")
    if ex.provider == "anthropic_messages":
        auth = ['-H "x-api-key: $ANTHROPIC_API_KEY"', '-H "anthropic-version: 2023-06-01"']
    else:
        auth = ['-H "Authorization: Bearer $OPENAI_API_KEY"']
    lines = [f"curl {base_url}{path}", *auth, '-H "Content-Type: application/json"',
             f"--data-raw {shlex.quote(body)}"]
    return " \\\n  ".join(lines)


class DetailLoader(QObject):
    """Loads the selected exchange in the background; a newer selection drops an older load."""

    loaded = Signal(object)  # DetailView | None

    def __init__(self, repository: Repository, runner: Runner, parent: QObject | None = None):
        super().__init__(parent)
        self._repo = repository
        self._runner = runner
        self.current_id: str | None = None

    def load(self, exchange_id: str | None) -> None:
        self.current_id = exchange_id
        if exchange_id is None:
            self._runner.cancel("detail")
            self.loaded.emit(None)
            return

        def job() -> DetailView | None:
            exchange = self._repo.exchange_detail(exchange_id)
            return build_detail(exchange) if exchange else None

        self._runner.submit("detail", job, self.loaded.emit)
