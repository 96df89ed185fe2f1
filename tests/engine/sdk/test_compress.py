"""`from engine import compress`: plain message lists in, compressed message lists out."""

from __future__ import annotations

import json
from pathlib import Path

from engine import compress
from engine.ccr.store import CCRStore
from engine.config import Mode, Settings, load_settings
from engine.conversation import Action
from tests.engine.pipeline.fakes import Halver, Raiser, big_output


def settings_for(data_dir: Path) -> Settings:
    return load_settings({}, data_dir)


def openai_messages(output: str) -> list[dict[str, object]]:
    call = {"id": "c1", "type": "function",
            "function": {"name": "search", "arguments": '{"q": "user7"}'}}
    return [{"role": "user", "content": "find user7"},
            {"role": "assistant", "content": None, "tool_calls": [call]},
            {"role": "tool", "tool_call_id": "c1", "content": output}]


def test_openai_messages(data_dir: Path) -> None:
    settings = settings_for(data_dir)
    messages = openai_messages(big_output())
    result = compress(messages, settings=settings, compressors=[Halver()])
    assert result.messages[:2] == messages[:2]
    assert result.messages[2]["tool_call_id"] == "c1"
    assert result.tokens_after < result.tokens_before and result.tokens_saved > 0
    [d] = result.decisions
    assert d.action is Action.COMPRESSED and d.tool_name == "search"
    assert result.messages[2]["content"] == d.compressed_text
    store = CCRStore(settings.ccr_path, 3600, 2 * 1024 * 1024)
    assert store.get(str(d.ccr_key), query="user123").text.endswith("owner user123, size 4551")


def test_anthropic_messages(data_dir: Path) -> None:
    messages = [
        {"role": "user", "content": "list records"},
        {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "db",
                                           "input": {"table": "records"}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1",
                                      "content": big_output()}]},
    ]
    result = compress(messages, model="claude-sonnet-4", provider="anthropic",
                      settings=settings_for(data_dir), compressors=[Halver()])
    [d] = result.decisions
    assert d.tool_name == "db" and d.tokens_estimated and result.tokens_estimated
    assert result.messages[2]["content"][0]["content"] == d.compressed_text


def test_query_reaches_compressors(data_dir: Path) -> None:
    halver = Halver()
    compress(openai_messages(big_output()), query="owner of record 9",
             settings=settings_for(data_dir), compressors=[halver])
    assert halver.queries == ['find user7 owner of record 9 user7']


def test_failures_leave_messages_untouched(data_dir: Path) -> None:
    messages = openai_messages(big_output())
    result = compress(messages, settings=settings_for(data_dir), compressors=[Raiser()])
    assert result.messages == json.loads(json.dumps(messages))
    assert result.tokens_after == result.tokens_before
    assert result.decisions[0].action is Action.FAILED


def test_audit_mode_sends_originals(data_dir: Path) -> None:
    messages = openai_messages(big_output())
    result = compress(messages, settings=settings_for(data_dir), compressors=[Halver()],
                      mode=Mode.AUDIT)
    assert result.messages == messages and result.decisions[0].compressed_text


def test_tau_bench_trajectory(corpus: Path, data_dir: Path) -> None:
    """A real OpenAI tool-calling trajectory: only tool contents change, ids stay paired."""
    runs = json.loads((corpus / "tau-bench/historical_trajectories/gpt-4o-airline.json")
                      .read_text(encoding="utf-8"))
    messages = runs[0]["traj"]
    settings = load_settings({}, data_dir, min_tokens_to_compress=100)
    result = compress(messages, settings=settings)
    assert result.error is None and len(result.messages) == len(messages)
    for before, after in zip(messages, result.messages, strict=True):
        if before["role"] != "tool":
            assert after == before
        else:
            assert after["tool_call_id"] == before["tool_call_id"]
    assert any(d.action is Action.COMPRESSED for d in result.decisions)
    assert result.tokens_after < result.tokens_before


def test_later_turns_get_the_same_bytes(data_dir: Path) -> None:
    """Invariant 5 end to end with the registered compressors: the query moves on, the
    already-compressed tool output does not change."""
    rows = [{"id": i, "login": f"user{i}", "plan": "pro" if i % 7 else "free",
             "bio": f"ships {i % 13} services, on call since {2000 + i % 20}"}
            for i in range(1500)]
    turn1 = openai_messages(json.dumps(rows))
    first = compress(turn1, settings=settings_for(data_dir))
    turn2 = [*turn1, {"role": "assistant", "content": "Found user7."},
             {"role": "user", "content": "and who is user1234?"}]
    second = compress(turn2, settings=settings_for(data_dir))
    assert first.decisions[0].lossy and first.messages[2]["content"] != turn1[2]["content"]
    assert second.messages[2]["content"] == first.messages[2]["content"]
