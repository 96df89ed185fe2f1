"""The real anthropic SDK through the proxy, sync and async, streaming and not, tool use."""

from __future__ import annotations

import asyncio

from tests.engine.proxy.conftest import API_KEY, RunningProxy
from tests.engine.proxy.fake_upstream import FakeProvider, Turn

MESSAGES = [{"role": "user", "content": "Say hello"}]
MODEL = "claude-sonnet-4-6"


def test_sync_message(proxy: RunningProxy, fake: FakeProvider) -> None:
    fake.script(Turn(text="hi from claude"))
    message = proxy.anthropic().messages.create(model=MODEL, max_tokens=100,
                                                messages=MESSAGES)  # type: ignore[arg-type]
    assert message.content[0].text == "hi from claude"  # type: ignore[union-attr]
    (received,) = fake.llm_requests("/v1/messages")
    assert received.json == {"model": MODEL, "max_tokens": 100, "messages": MESSAGES}
    assert API_KEY in (received.headers.get("x-api-key") or received.headers["authorization"])
    assert "anthropic-version" in received.headers


def test_sync_stream(proxy: RunningProxy, fake: FakeProvider) -> None:
    fake.script(Turn(text="streaming words arrive"))
    with proxy.anthropic().messages.stream(model=MODEL, max_tokens=100,
                                           messages=MESSAGES) as stream:  # type: ignore[arg-type]
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == "streaming words arrive"
    assert final.usage.output_tokens == 9


def test_async_message_and_stream(proxy: RunningProxy, fake: FakeProvider) -> None:
    fake.script(Turn(text="plain"), Turn(text="streamed"))

    async def both() -> tuple[str, str]:
        client = proxy.async_anthropic()
        plain = await client.messages.create(model=MODEL, max_tokens=50,
                                             messages=MESSAGES)  # type: ignore[arg-type]
        async with client.messages.stream(model=MODEL, max_tokens=50,
                                          messages=MESSAGES) as stream:  # type: ignore[arg-type]
            streamed = "".join([t async for t in stream.text_stream])
        await client.close()
        return plain.content[0].text, streamed  # type: ignore[union-attr]

    assert asyncio.run(both()) == ("plain", "streamed")


def test_parallel_tool_use_streamed(proxy: RunningProxy, fake: FakeProvider) -> None:
    fake.script(Turn(text="", calls=[("read", {"path": "a.py"}), ("read", {"path": "b.py"})]))
    tools = [{"name": "read", "description": "read a file", "input_schema": {"type": "object"}}]
    with proxy.anthropic().messages.stream(model=MODEL, max_tokens=100, messages=MESSAGES,  # type: ignore[arg-type]
                                           tools=tools) as stream:  # type: ignore[arg-type]
        final = stream.get_final_message()
    assert final.stop_reason == "tool_use"
    assert [b.input for b in final.content] == [{"path": "a.py"}, {"path": "b.py"}]  # type: ignore[union-attr]


def test_count_tokens_passes_through(proxy: RunningProxy, fake: FakeProvider) -> None:
    counted = proxy.anthropic().messages.count_tokens(model=MODEL,
                                                      messages=MESSAGES)  # type: ignore[arg-type]
    assert counted.input_tokens > 0
    (received,) = fake.llm_requests("/v1/messages/count_tokens")
    assert received.json["messages"] == MESSAGES
