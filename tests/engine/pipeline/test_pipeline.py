"""Pipeline: stages run in order; a failing stage is rolled back and recorded (fail open)."""

from __future__ import annotations

from engine.conversation import (
    Action,
    Block,
    BlockKind,
    Conversation,
    Decision,
    Exchange,
    Message,
    Provider,
)
from engine.pipeline.pipeline import Pipeline, PipelineContext


def conversation() -> Conversation:
    messages = [
        Message("user", [Block(BlockKind.TEXT, "list users")], 0),
        Message("tool", [Block(BlockKind.TOOL_RESULT, "original output", tool_call_id="c1")], 1),
    ]
    return Conversation(Provider.OPENAI_CHAT, "gpt-4o", messages, raw=b"{}",
                        system=[Block(BlockKind.TEXT, "be brief")], tools=[{"name": "t"}])


def decision(reason: str) -> Decision:
    return Decision(1, 0, None, "text", None, "optimize", 10, 5, Action.COMPRESSED, reason)


class Upper:
    name = "upper"

    def run(self, conv: Conversation, exchange: Exchange, ctx: PipelineContext) -> None:
        for _, block in conv.tool_results():
            block.text = block.text.upper()
        exchange.decisions.append(decision("upper"))


class Wrecker:
    """Edits everything it can reach, then raises."""

    name = "wrecker"

    def run(self, conv: Conversation, exchange: Exchange, ctx: PipelineContext) -> None:
        for _, block in conv.blocks():
            block.text = "garbage"
        conv.system[0].text = "changed"
        conv.system.append(Block(BlockKind.TEXT, "extra"))
        conv.messages[1].blocks.append(Block(BlockKind.TEXT, "added"))
        conv.messages.pop(0)
        conv.tools[0]["name"] = "renamed"
        exchange.decisions.append(decision("wrecker"))
        raise RuntimeError("boom")


def test_failing_stage_is_rolled_back_and_recorded() -> None:
    conv = conversation()
    exchange = Exchange(provider="openai_chat", endpoint="/v1/chat/completions")
    Pipeline([Upper(), Wrecker()]).run(conv, exchange, PipelineContext())
    assert [m.index for m in conv.messages] == [0, 1]
    assert [b.text for _, b in conv.blocks()] == ["list users", "ORIGINAL OUTPUT"]
    assert [b.text for b in conv.system] == ["be brief"]
    assert conv.tools == [{"name": "t"}]
    assert [d.reason for d in exchange.decisions] == ["upper"]
    assert exchange.error == "stage wrecker failed and was skipped: RuntimeError: boom"


def test_later_stages_still_run_after_a_failure() -> None:
    conv = conversation()
    exchange = Exchange(provider="openai_chat", endpoint="/v1/chat/completions")
    Pipeline([Wrecker(), Upper(), Wrecker()]).run(conv, exchange, PipelineContext())
    assert [b.text for _, b in conv.tool_results()] == ["ORIGINAL OUTPUT"]
    assert exchange.error is not None and exchange.error.count("wrecker failed") == 2
