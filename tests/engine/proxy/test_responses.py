"""/v1/responses: function_call_output items are compressed, every other byte is faithful, and
retrieval stays invisible through the real SDK, streaming and not."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest

from tests.engine.proxy.conftest import API_KEY, RunningProxy
from tests.engine.proxy.fake_upstream import AUTO_KEY, FakeProvider, Turn
from tests.engine.proxy.retrieval_helpers import QUESTION, messages_text, users_json

TOOLS = [{"type": "function", "name": "list_users", "description": "list users",
          "parameters": {"type": "object", "properties": {}}}]


def history() -> list[dict[str, Any]]:
    return [{"role": "user", "content": QUESTION},
            {"type": "function_call", "call_id": "call_u", "name": "list_users",
             "arguments": "{}"},
            {"type": "function_call_output", "call_id": "call_u", "output": users_json()}]


def test_only_function_call_output_changes(proxy: RunningProxy, fake: FakeProvider) -> None:
    items = [*history(), {"type": "item_reference", "id": "msg_old", "x_unknown": [1, 2.50]}]
    raw = orjson.dumps({"model": "gpt-4o", "input": items, "store": False,
                        "metadata": {"k": "v"}, "tools": TOOLS})
    response = httpx.post(proxy.url + "/v1/responses", content=raw,
                          headers={"authorization": f"Bearer {API_KEY}",
                                   "content-type": "application/json"})
    assert response.status_code == 200
    (received,) = fake.llm_requests("/v1/responses")
    _, sent_items = messages_text(raw, "input")
    _, got_items = messages_text(received.body, "input")
    assert got_items[:2] == sent_items[:2] and got_items[3] == sent_items[3]
    assert "headroom_retrieve(key=" in orjson.loads(got_items[2])["output"]
    assert len(got_items[2]) < len(sent_items[2]) / 3
    head = raw[:raw.index(b'"input"')]
    assert received.body.startswith(head)  # bytes before the input list untouched
    assert b'"store":false,"metadata":{"k":"v"},"tools":[' in received.body
    assert received.json["tools"][0] == TOOLS[0]  # the client's tool first, then ours


@pytest.mark.parametrize("stream", [False, True], ids=["buffered", "streamed"])
def test_retrieval_is_invisible(proxy: RunningProxy, fake: FakeProvider, stream: bool) -> None:
    fake.script(Turn(text="", calls=[("headroom_retrieve", {"key": AUTO_KEY, "query": "error"})]),
                Turn(text="user123 failed"))
    client = proxy.openai()
    if stream:
        with client.responses.stream(model="gpt-4o", input=history(),  # type: ignore[arg-type]
                                     tools=TOOLS) as events:  # type: ignore[arg-type]
            final = events.get_final_response()
    else:
        final = client.responses.create(model="gpt-4o", input=history(),  # type: ignore[arg-type]
                                        tools=TOOLS)  # type: ignore[arg-type]
    assert final.output_text == "user123 failed"
    assert [item.type for item in final.output] == ["message"]
    first, second = fake.llm_requests("/v1/responses")
    assert [t["name"] for t in first.json["tools"]] == ["list_users", "headroom_retrieve"]
    assert b"disk full" in second.body
