"""The real openai SDK through the proxy: what the client gets and what the upstream received."""

from __future__ import annotations

import asyncio

import orjson

from tests.engine.proxy.conftest import API_KEY, RunningProxy
from tests.engine.proxy.fake_upstream import FakeProvider, Turn

MESSAGES = [{"role": "user", "content": "Say hello"}]


def test_sync_chat_is_forwarded_byte_for_byte(proxy: RunningProxy, fake: FakeProvider) -> None:
    fake.script(Turn(text="hello there"))
    completion = proxy.openai().chat.completions.create(model="gpt-4o", messages=MESSAGES)
    assert completion.choices[0].message.content == "hello there"
    (received,) = fake.llm_requests("/v1/chat/completions")
    assert received.json == {"model": "gpt-4o", "messages": MESSAGES}
    assert received.headers["authorization"] == f"Bearer {API_KEY}"
    assert not any(k.startswith("x-headroom") for k in received.headers)


def test_sync_stream_delivers_every_chunk(proxy: RunningProxy, fake: FakeProvider) -> None:
    fake.script(Turn(text="one two three four"))
    stream = proxy.openai().chat.completions.create(
        model="gpt-4o", messages=MESSAGES, stream=True, stream_options={"include_usage": True})
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "one two three four"
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens == 7
    (received,) = fake.llm_requests("/v1/chat/completions")
    assert received.json["stream"] is True


def test_async_chat_and_stream(proxy: RunningProxy, fake: FakeProvider) -> None:
    fake.script(Turn(text="async plain"), Turn(text="async streamed"))

    async def both() -> tuple[str, str]:
        client = proxy.async_openai()
        plain = await client.chat.completions.create(model="gpt-4o", messages=MESSAGES)
        stream = await client.chat.completions.create(model="gpt-4o", messages=MESSAGES,
                                                      stream=True)
        parts = [c.choices[0].delta.content or "" async for c in stream if c.choices]
        await client.close()
        return plain.choices[0].message.content or "", "".join(parts)

    assert asyncio.run(both()) == ("async plain", "async streamed")


def test_parallel_tool_calls_reach_the_client(proxy: RunningProxy, fake: FakeProvider) -> None:
    fake.script(Turn(calls=[("get_weather", {"city": "Paris"}), ("get_time", {"tz": "CET"})]))
    tools = [{"type": "function", "function": {"name": n, "parameters": {"type": "object"}}}
             for n in ("get_weather", "get_time")]
    completion = proxy.openai().chat.completions.create(model="gpt-4o", messages=MESSAGES,
                                                        tools=tools)
    calls = completion.choices[0].message.tool_calls or []
    assert [c.function.name for c in calls] == ["get_weather", "get_time"]
    assert orjson.loads(calls[0].function.arguments) == {"city": "Paris"}
    (received,) = fake.llm_requests("/v1/chat/completions")
    assert [t["function"]["name"] for t in received.json["tools"]] == ["get_weather", "get_time"]


def test_streamed_parallel_tool_calls(proxy: RunningProxy, fake: FakeProvider) -> None:
    fake.script(Turn(calls=[("a", {"x": 1}), ("b", {"y": 2})]))
    with proxy.openai().chat.completions.stream(model="gpt-4o", messages=MESSAGES) as stream:
        final = stream.get_final_completion()
    calls = final.choices[0].message.tool_calls or []
    assert [(c.function.name, c.function.arguments) for c in calls] == [
        ("a", '{"x":1}'), ("b", '{"y":2}')]


def test_tool_results_round_trip(proxy: RunningProxy, fake: FakeProvider) -> None:
    history = [*MESSAGES,
               {"role": "assistant", "content": None, "tool_calls": [
                   {"id": "call_9", "type": "function",
                    "function": {"name": "ls", "arguments": "{}"}}]},
               {"role": "tool", "tool_call_id": "call_9", "content": "a.txt\nb.txt"}]
    proxy.openai().chat.completions.create(model="gpt-4o", messages=history)  # type: ignore[arg-type]
    (received,) = fake.llm_requests("/v1/chat/completions")
    assert received.json["messages"] == history
