"""ContentRouter: decisions per block, fail-open compressors, modes, CCR before emit."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.ccr.store import CCRStore
from engine.compressors.base import CCREntry, Compressor
from engine.config import Mode, Settings, load_settings
from engine.conversation import Action, Block, BlockKind, Conversation, Exchange, Message
from engine.pipeline import Pipeline, PipelineContext, build_pipeline
from engine.policy import ToolPolicy
from tests.engine.pipeline.fakes import Grower, Halver, NoML, Raiser, big_output, conversation


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    return load_settings({}, data_dir)


@pytest.fixture
def ccr(settings: Settings) -> CCRStore:
    return CCRStore(settings.ccr_path, settings.ccr_ttl_seconds, settings.ccr_max_bytes)


def run(pipeline: Pipeline, conv: Conversation, mode: Mode = Mode.OPTIMIZE) -> Exchange:
    exchange = Exchange(provider="openai_chat", endpoint="/v1/chat/completions")
    pipeline.run(conv, exchange, PipelineContext(policy=ToolPolicy(default_mode=mode)))
    return exchange


def make(settings: Settings, ccr: CCRStore, *compressors: Compressor) -> Pipeline:
    return build_pipeline(settings, ccr, compressors=list(compressors), ml=NoML())


def result_text(conv: Conversation) -> str:
    return next(b.text for _, b in conv.tool_results())


def test_small_blocks_are_skipped(settings: Settings, ccr: CCRStore) -> None:
    halver = Halver()
    conv = conversation(big_output(5))
    [decision] = run(make(settings, ccr, halver), conv).decisions
    assert decision.action is Action.SKIPPED and decision.reason == "under 500 tokens"
    assert halver.calls == 0 and not conv.modified


def test_optimize_applies_and_stores_original_first(settings: Settings, ccr: CCRStore) -> None:
    conv = conversation(big_output())
    [d] = run(make(settings, ccr, Halver()), conv).decisions
    assert d.action is Action.COMPRESSED and d.mode == "optimize" and d.lossy
    assert (d.message_index, d.block_index, d.tool_name, d.compressor) == (2, 0, "search", "halver")
    assert d.tokens_after < d.tokens_before and d.compressed_text == result_text(conv)
    assert d.ccr_key is not None and ccr.get(d.ccr_key).total_items == 400


def test_query_context_is_user_text_plus_tool_arguments(settings: Settings,
                                                        ccr: CCRStore) -> None:
    halver = Halver()
    run(make(settings, ccr, halver), conversation(big_output(), user_text="who owns it"))
    assert halver.queries == ["who owns it user7"]


def test_raising_compressor_is_skipped_and_recorded(settings: Settings, ccr: CCRStore) -> None:
    conv = conversation(big_output())
    [d] = run(make(settings, ccr, Raiser(), Halver()), conv).decisions
    assert d.action is Action.COMPRESSED and d.compressor == "halver"
    assert "raiser.compress raised ValueError: cannot cope" in d.reason


def test_all_compressors_failing_is_recorded(settings: Settings, ccr: CCRStore) -> None:
    conv = conversation(big_output())
    [d] = run(make(settings, ccr, Raiser()), conv).decisions
    assert d.action is Action.FAILED and "cannot cope" in d.reason and not conv.modified


def test_no_gain_is_discarded(settings: Settings, ccr: CCRStore) -> None:
    conv = conversation(big_output())
    [d] = run(make(settings, ccr, Grower()), conv).decisions
    assert d.action is Action.KEPT and d.reason.startswith("no gain")
    assert d.tokens_after == d.tokens_before and not conv.modified


def test_audit_records_but_sends_original(settings: Settings, ccr: CCRStore) -> None:
    conv = conversation(big_output())
    [d] = run(make(settings, ccr, Halver()), conv, Mode.AUDIT).decisions
    assert d.action is Action.COMPRESSED and d.mode == "audit" and not conv.modified
    assert d.compressed_text is not None and d.tokens_after < d.tokens_before
    assert d.reason.startswith("audit: original sent")


def test_off_computes_nothing(settings: Settings, ccr: CCRStore) -> None:
    halver = Halver()
    conv = conversation(big_output())
    [d] = run(make(settings, ccr, halver), conv, Mode.OFF).decisions
    assert d.action is Action.SKIPPED and d.reason == "tool mode off"
    assert halver.calls == 0 and not conv.modified


class FailingStore(CCRStore):
    def put(self, entry: CCREntry) -> str:
        raise OSError("disk full")


def test_lossy_output_discarded_when_store_fails(settings: Settings) -> None:
    store = FailingStore(settings.ccr_path, 3600, 2 * 1024 * 1024)
    conv = conversation(big_output())
    [d] = run(make(settings, store, Halver()), conv).decisions
    assert d.action is Action.KEPT and not conv.modified
    assert "CCR store failed (OSError: disk full); lossy output discarded" in d.reason


class OrderStore(CCRStore):
    """Checks the original is stored before the block is changed."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, 3600, 2 * 1024 * 1024)
        self.conv: Conversation | None = None
        self.modified_at_put: list[bool] = []

    def put(self, entry: CCREntry) -> str:
        assert self.conv is not None
        self.modified_at_put.append(self.conv.modified)
        return super().put(entry)


def test_ccr_put_happens_before_the_block_changes(settings: Settings) -> None:
    store = OrderStore(settings.ccr_path)
    conv = conversation(big_output())
    store.conv = conv
    run(make(settings, store, Halver()), conv)
    assert store.modified_at_put == [False] and conv.modified


def with_observation(output: str) -> Conversation:
    """A task (first user message, large), a small tool result, then a large user message."""
    conv = conversation(big_output(10), user_text=big_output())
    conv.messages.append(Message("user", [Block(BlockKind.TEXT, output)], 3))
    return conv


def test_non_tool_blocks_only_by_setting(settings: Settings, ccr: CCRStore) -> None:
    assert len(run(make(settings, ccr, Halver()), with_observation(big_output())).decisions) == 1
    wide = settings.replace(compress_non_tool_blocks=True)
    conv = with_observation(big_output())
    decisions = run(make(wide, ccr, Halver()), conv).decisions
    assert [(d.message_index, d.action) for d in decisions] == [
        (2, Action.SKIPPED), (3, Action.COMPRESSED)]
    assert conv.messages[0].blocks[0].text == big_output()


def test_estimated_tokens_are_flagged(settings: Settings, ccr: CCRStore) -> None:
    conv = conversation(big_output(), model="claude-sonnet-4")
    [d] = run(make(settings, ccr, Halver()), conv).decisions
    assert d.tokens_estimated
