"""Text the model streamed before calling headroom_retrieve is shown to the model once on later
turns (in the re-inserted round), while the upstream prefix stays byte-identical."""

from __future__ import annotations

import itertools
from typing import Any

import orjson
import pytest

from engine.conversation import Provider
from engine.proxy.shown_text import drop_shown_text
from tests.engine.proxy.conftest import RunningProxy
from tests.engine.proxy.fake_upstream import AUTO_KEY, FakeProvider, Turn
from tests.engine.proxy.retrieval_helpers import (
    ANTHROPIC_MODEL,
    ANTHROPIC_TOOLS,
    OPENAI_MODEL,
    OPENAI_TOOLS,
    anthropic_history,
    messages_text,
    openai_history,
)

PREAMBLE = "Let me look that up. "
ANSWER = "user123 has the failed status."


def chat(*messages: dict[str, Any]) -> bytes:
    return orjson.dumps({"model": "m", "messages": list(messages)})


def content_of(raw: bytes, index: int) -> Any:
    return orjson.loads(raw)["messages"][index]["content"]


def test_string_content_loses_the_shown_prefix_only() -> None:
    raw = chat({"role": "user", "content": "q"}, {"role": "assistant", "content": "AB"})
    assert content_of(drop_shown_text(Provider.OPENAI_CHAT, raw, 1, "A"), 1) == "B"
    for shown in ("B", "AB", "ABC"):  # not a prefix, or nothing would remain
        assert drop_shown_text(Provider.OPENAI_CHAT, raw, 1, shown) == raw
    assert drop_shown_text(Provider.OPENAI_CHAT, raw, 0, "q") == raw  # only assistant messages


def test_leading_text_parts_that_spell_it_are_cut_byte_exactly() -> None:
    parts = [{"type": "text", "text": "A"}, {"type": "text", "text": "B"},
             {"type": "text", "text": "C"}]
    raw = chat({"role": "assistant", "content": parts})
    cut = drop_shown_text(Provider.ANTHROPIC_MESSAGES, raw, 0, "AB")
    assert cut == chat({"role": "assistant", "content": parts[2:]})
    assert drop_shown_text(Provider.ANTHROPIC_MESSAGES, raw, 0, "A B") == raw
    assert drop_shown_text(Provider.ANTHROPIC_MESSAGES, raw, 0, "ABC") == raw


def _ask_openai(proxy: RunningProxy, messages: list[dict[str, Any]]) -> dict[str, Any]:
    with proxy.openai().chat.completions.stream(
            model=OPENAI_MODEL, messages=messages, tools=OPENAI_TOOLS) as events:  # type: ignore[arg-type]
        final = events.get_final_completion()
    return {"role": "assistant", "content": final.choices[0].message.content}


def _ask_anthropic(proxy: RunningProxy, messages: list[dict[str, Any]]) -> dict[str, Any]:
    with proxy.anthropic().messages.stream(model=ANTHROPIC_MODEL, max_tokens=100,
                                           messages=messages,  # type: ignore[arg-type]
                                           tools=ANTHROPIC_TOOLS) as events:  # type: ignore[arg-type]
        final = events.get_final_message()
    return {"role": "assistant",
            "content": [{"type": "text", "text": b.text} for b in final.content
                        if b.type == "text"]}


@pytest.mark.parametrize(("ask", "history", "path"), [
    pytest.param(_ask_openai, openai_history, "/v1/chat/completions", id="openai"),
    pytest.param(_ask_anthropic, anthropic_history, "/v1/messages", id="anthropic"),
])
def test_streamed_preamble_is_not_shown_twice(proxy: RunningProxy, fake: FakeProvider, ask: Any,
                                              history: Any, path: str) -> None:
    fake.script(Turn(text=PREAMBLE, calls=[("headroom_retrieve", {"key": AUTO_KEY})]),
                Turn(text=ANSWER), Turn(text="You're welcome."), Turn(text="Bye."))
    messages = history()
    for follow_up in ("Thanks!", "Goodbye."):
        reply = ask(proxy, messages)
        messages = [*messages, reply, {"role": "user", "content": follow_up}]
    assert orjson.dumps(messages).count(PREAMBLE.encode()) == 1  # the client saw it once
    bodies = [r.body for r in fake.llm_requests(path)]
    for earlier, later in itertools.pairwise(bodies):
        prefix, _ = messages_text(earlier)
        assert later.decode().startswith(prefix)
    for body in bodies[1:]:
        _, sent = messages_text(body)
        assert "".join(sent).count(PREAMBLE) == 1
