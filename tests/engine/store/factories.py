"""Factories for exchanges as the proxy would record them."""

from __future__ import annotations

from engine.conversation import Action, Decision, Exchange, RetrievalEvent, Usage

REQUEST = (b'{"model":"gpt-4o","messages":[{"role":"user","content":"why does checkout fail?"},'
           b'{"role":"tool","tool_call_id":"call_1","content":"ERROR payment gateway timeout"}]}')
RESPONSE = b'{"id":"r1","choices":[{"message":{"role":"assistant","content":"The gateway."}}]}'


def decision(tool: str = "grep", mode: str = "optimize", before: int = 800, after: int = 200,
             content_type: str = "log", key: str | None = None, block: int = 0) -> Decision:
    action = Action.COMPRESSED if after < before else Action.KEPT
    return Decision(message_index=1, block_index=block, tool_name=tool,
                    content_type=content_type, compressor="logs", mode=mode,
                    tokens_before=before, tokens_after=after, action=action,
                    reason="412 of 2,000 log lines omitted", ccr_key=key, lossy=key is not None,
                    compressed_text="ERROR payment gateway timeout\n[412 lines omitted]")


def exchange(model: str = "gpt-4o", started_at: float = 1_700_000_000.0, before: int = 1000,
             after: int = 400, status: int | None = 200, tools: tuple[str, ...] = ("grep",),
             decisions: list[Decision] | None = None, **fields: object) -> Exchange:
    ex = Exchange(provider="openai_chat", endpoint="/v1/chat/completions", model=model,
                  started_at=started_at, status_code=status, tools=list(tools),
                  tokens_before=before, tokens_after=after, mode="optimize",
                  usage=Usage(input_tokens=after, output_tokens=50, cached_tokens=after // 2),
                  proxy_overhead_ms=3.0, upstream_ttfb_ms=200.0, total_ms=450.0,
                  original_request=REQUEST, sent_request=REQUEST, response=RESPONSE)
    ex.decisions = decisions if decisions is not None else [decision(tools[0])] if tools else []
    for name, value in fields.items():
        setattr(ex, name, value)
    return ex


def retrieval(key: str, exchange_id: str | None, hit: bool = True, at: float = 1_700_000_100.0,
              tool: str | None = "grep") -> RetrievalEvent:
    return RetrievalEvent(key=key, query="timeout", hit=hit, items_returned=3 if hit else 0,
                          exchange_id=exchange_id, tool_name=tool, created_at=at)
