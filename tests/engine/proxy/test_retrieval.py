"""Transparent retrieval through the real SDKs: the model calls headroom_retrieve, the proxy
answers from the CCR store and continues upstream; the client sees only its own tools and a
normal final answer, streaming and not, OpenAI and Anthropic."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from engine.conversation import RetrievalEvent
from engine.proxy.retrieval import LIMIT_TEXT
from tests.engine.proxy.conftest import API_KEY, RunningProxy, proxy_settings, serve
from tests.engine.proxy.fake_upstream import AUTO_KEY, FakeProvider, Turn
from tests.engine.proxy.retrieval_helpers import (
    ANTHROPIC_MODEL,
    OPENAI_MODEL,
    Seen,
    anthropic_history,
    ask_anthropic,
    ask_openai,
    messages_text,
    openai_history,
)

RETRIEVE = ("headroom_retrieve", {"key": AUTO_KEY, "query": "failed error"})
ANSWER = "user123 has the failed status (disk full)."

Asker = Callable[[RunningProxy, list[dict[str, Any]], bool], Seen]
CASES = [
    pytest.param(ask_openai, openai_history, "/v1/chat/completions", id="openai"),
    pytest.param(ask_anthropic, anthropic_history, "/v1/messages", id="anthropic"),
]


def tool_names(body: dict[str, Any]) -> list[str]:
    return [t.get("name") or t["function"]["name"] for t in body.get("tools", [])]


@pytest.mark.parametrize("stream", [False, True], ids=["buffered", "streamed"])
@pytest.mark.parametrize(("ask", "history", "path"), CASES)
def test_round_trip_is_invisible_to_the_client(
        proxy: RunningProxy, fake: FakeProvider, ask: Asker,
        history: Callable[[], list[dict[str, Any]]], path: str, stream: bool) -> None:
    store_events: list[RetrievalEvent] = []
    proxy.ccr.on_event = store_events.append
    fake.script(Turn(text="", calls=[RETRIEVE]), Turn(text=ANSWER))
    seen = ask(proxy, history(), stream)
    assert seen == Seen(ANSWER, [])
    first, second = fake.llm_requests(path)
    assert tool_names(first.json) == ["list_users", "headroom_retrieve"]
    assert b'headroom_retrieve(key=\\"b2:' in first.body  # the omission marker went upstream
    assert b"disk full" in second.body and second.body.count(b"b2:") > first.body.count(b"b2:")
    (exchange,) = proxy.exchanges()
    assert exchange.retrieval_rounds == 1
    assert [(r.hit, r.query) for r in exchange.retrievals] == [(True, "failed error")]
    # Labelled with the tool whose output was stored (per-tool retrieval rates count it).
    assert [(r.tool_name, r.exchange_id) for r in exchange.retrievals] == [
        ("list_users", exchange.id)]
    assert [(e.tool_name, e.exchange_id) for e in store_events] == [("list_users", exchange.id)]
    billed = sum(len(r.body) // 4 for r in (first, second))
    assert exchange.usage.input_tokens == billed  # usage summed over both rounds


RAW_CASES = [
    pytest.param("/v1/chat/completions", OPENAI_MODEL, openai_history, id="openai"),
    pytest.param("/v1/messages", ANTHROPIC_MODEL, anthropic_history, id="anthropic"),
]


@pytest.mark.parametrize("stream", [False, True], ids=["buffered", "streamed"])
@pytest.mark.parametrize(("path", "model", "history"), RAW_CASES)
def test_raw_client_bytes_never_mention_the_tool(
        proxy: RunningProxy, fake: FakeProvider, path: str, model: str,
        history: Callable[[], list[dict[str, Any]]], stream: bool) -> None:
    fake.script(Turn(text="Let me look.", calls=[RETRIEVE]), Turn(text=ANSWER))
    body = {"model": model, "max_tokens": 100, "messages": history(), "stream": stream}
    response = httpx.post(proxy.url + path, json=body,
                          headers={"authorization": f"Bearer {API_KEY}",
                                   "x-headroom-session": "s-42"})
    assert response.status_code == 200
    assert b"headroom_retrieve" not in response.content
    assert b"user123" in response.content
    if stream:
        assert b": headroom is retrieving" in response.content
    (exchange,) = proxy.exchanges()
    assert exchange.session == "s-42" and exchange.retrieval_rounds == 1


@pytest.mark.parametrize("stream", [False, True], ids=["buffered", "streamed"])
@pytest.mark.parametrize(("ask", "history", "path"), CASES)
def test_mixed_calls_give_the_client_only_its_own(
        proxy: RunningProxy, fake: FakeProvider, ask: Asker,
        history: Callable[[], list[dict[str, Any]]], path: str, stream: bool) -> None:
    fake.script(Turn(text="", calls=[RETRIEVE, ("list_users", {"page": 2})]), Turn(text=ANSWER))
    seen = ask(proxy, history(), stream)
    assert [(name, args) for _, name, args in seen.tool_calls] == [("list_users", {"page": 2})]
    call_id = seen.tool_calls[0][0]
    messages = [*history(), *_client_tool_round(path, call_id)]
    assert ask(proxy, messages, stream).text == ANSWER
    first, second = fake.llm_requests(path)
    prefix, _ = messages_text(first.body)
    assert second.body.decode().startswith(prefix)
    _, later = messages_text(second.body)
    inserted = later[len(history())]
    assert "headroom_retrieve" in inserted and "list_users" not in inserted
    assert "disk full" in later[len(history()) + 1]


def _client_tool_round(path: str, call_id: str) -> list[dict[str, Any]]:
    if path == "/v1/messages":
        return [{"role": "assistant", "content": [
                    {"type": "tool_use", "id": call_id, "name": "list_users",
                     "input": {"page": 2}}]},
                {"role": "user", "content": [
                    {"type": "tool_result", "tool_use_id": call_id, "content": "[]"}]}]
    return [{"role": "assistant", "content": None, "tool_calls": [
                {"id": call_id, "type": "function",
                 "function": {"name": "list_users", "arguments": '{"page":2}'}}]},
            {"role": "tool", "tool_call_id": call_id, "content": "[]"}]


@pytest.fixture
def one_round_proxy(fake: FakeProvider, data_dir: Path) -> Iterator[RunningProxy]:
    yield from serve(proxy_settings(fake, data_dir, max_retrieval_rounds=1))


@pytest.mark.parametrize("stream", [False, True], ids=["buffered", "streamed"])
@pytest.mark.parametrize(("ask", "history", "path"), CASES)
def test_exhausted_rounds_still_end_in_a_real_answer(
        one_round_proxy: RunningProxy, fake: FakeProvider, ask: Asker,
        history: Callable[[], list[dict[str, Any]]], path: str, stream: bool) -> None:
    fake.script(Turn(text="", calls=[RETRIEVE]), Turn(text="", calls=[RETRIEVE]),
                Turn(text=ANSWER))
    seen = ask(one_round_proxy, history(), stream)
    assert seen == Seen(ANSWER, [])
    _, second, third = fake.llm_requests(path)
    assert LIMIT_TEXT.encode() not in second.body
    assert third.body.count(b"retrieval limit reached for this request") == 1
    (exchange,) = one_round_proxy.exchanges()
    assert exchange.retrieval_rounds == 2
    assert len(exchange.retrievals) == 1  # the refused call looked nothing up


@pytest.mark.parametrize("stream", [False, True], ids=["buffered", "streamed"])
@pytest.mark.parametrize(("ask", "history", "path"), CASES)
def test_rounds_are_bounded(one_round_proxy: RunningProxy, fake: FakeProvider, ask: Asker,
                            history: Callable[[], list[dict[str, Any]]], path: str,
                            stream: bool) -> None:
    fake.script(Turn(text="", calls=[RETRIEVE]), Turn(text="", calls=[RETRIEVE]),
                Turn(text="still looking", calls=[RETRIEVE]))
    seen = ask(one_round_proxy, history(), stream)
    assert seen.tool_calls == []
    assert "still looking" in seen.text
    assert len(fake.llm_requests(path)) == 3


@pytest.mark.parametrize("stream", [False, True], ids=["buffered", "streamed"])
@pytest.mark.parametrize(("ask", "history", "path"), CASES)
def test_later_turns_keep_the_upstream_prefix(
        proxy: RunningProxy, fake: FakeProvider, ask: Asker,
        history: Callable[[], list[dict[str, Any]]], path: str, stream: bool) -> None:
    fake.script(Turn(text="", calls=[RETRIEVE]), Turn(text=ANSWER), Turn(text="You're welcome."),
                Turn(text="Bye."))
    messages = history()
    for follow_up in ("Thanks!", "Goodbye."):
        seen = ask(proxy, messages, stream)
        messages = [*messages, _assistant_text(path, seen.text),
                    {"role": "user", "content": follow_up}]
    ask(proxy, messages, stream)
    bodies = [r.body for r in fake.llm_requests(path)]
    assert len(bodies) == 4
    for earlier, later in itertools.pairwise(bodies):
        prefix, _ = messages_text(earlier)
        assert later.decode().startswith(prefix)
    _, last = messages_text(bodies[-1])
    assert len(last) == len(messages) + 2  # the retrieval round, re-inserted exactly once
    assert tool_names(orjson.loads(bodies[-1]))[-1] == "headroom_retrieve"


def _assistant_text(path: str, text: str) -> dict[str, Any]:
    if path == "/v1/messages":
        return {"role": "assistant", "content": [{"type": "text", "text": text}]}
    return {"role": "assistant", "content": text}
