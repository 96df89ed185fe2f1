"""Invariant 5: a block is transformed once; later turns and restarts get the same bytes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from engine.ccr.store import CCRStore
from engine.compressors.base import Compressed, ContentMeta
from engine.config import Mode, Settings, load_settings
from engine.conversation import Action, Conversation, Exchange
from engine.pipeline import Pipeline, PipelineContext, build_pipeline
from engine.pipeline.projection_cache import Projection, ProjectionCache
from engine.policy import ToolPolicy
from tests.engine.pipeline.fakes import Halver, NoML, big_output, conversation


class QueryEcho(Halver):
    """Output depends on the query, as real lossy compressors' does."""

    name = "echo"

    def compress(self, content: str, meta: ContentMeta) -> Compressed:
        out = super().compress(content, meta)
        return replace(out, text=out.text + f"\n[query: {meta.query}]")


def run(pipeline: Pipeline, conv: Conversation, mode: Mode = Mode.OPTIMIZE) -> Exchange:
    exchange = Exchange(provider="openai_chat", endpoint="/v1/chat/completions")
    pipeline.run(conv, exchange, PipelineContext(policy=ToolPolicy(default_mode=mode)))
    return exchange


def setup(data_dir: Path) -> tuple[Settings, CCRStore]:
    settings = load_settings({}, data_dir)
    return settings, CCRStore(settings.ccr_path, settings.ccr_ttl_seconds, settings.ccr_max_bytes)


def sent(conv: Conversation) -> str:
    return next(b.text for _, b in conv.tool_results())


def test_same_bytes_on_later_turns_and_after_restart(data_dir: Path) -> None:
    settings, ccr = setup(data_dir)
    echo = QueryEcho()
    pipeline = build_pipeline(settings, ccr, compressors=[echo], ml=NoML())
    first = conversation(big_output(), user_text="find user7")
    run(pipeline, first)
    later = conversation(big_output(), user_text="now something else entirely")
    run(pipeline, later)
    assert sent(first) == sent(later) and "[query: find user7" in sent(later)
    pipeline.close()
    restarted = build_pipeline(settings, ccr, compressors=[echo], ml=NoML())
    again = conversation(big_output(), user_text="a third question")
    [d] = run(restarted, again).decisions
    assert sent(again) == sent(first) and echo.calls == 1 and d.action is Action.COMPRESSED


def test_compressor_version_change_recomputes(data_dir: Path) -> None:
    settings, ccr = setup(data_dir)
    run(build_pipeline(settings, ccr, compressors=[QueryEcho()], ml=NoML()),
        conversation(big_output()))
    newer = QueryEcho()
    newer.version = "2"  # type: ignore[attr-defined]
    run(build_pipeline(settings, ccr, compressors=[newer], ml=NoML()),
        conversation(big_output()))
    assert newer.calls == 1


def test_first_decision_sticks_when_mode_flips(data_dir: Path) -> None:
    settings, ccr = setup(data_dir)
    pipeline = build_pipeline(settings, ccr, compressors=[Halver()], ml=NoML())
    audited = conversation(big_output())
    run(pipeline, audited, Mode.AUDIT)
    flipped = conversation(big_output())
    [d] = run(pipeline, flipped, Mode.OPTIMIZE).decisions
    assert not flipped.modified and d.action is Action.KEPT
    assert "kept unchanged so prompt caches stay valid" in d.reason
    fresh = conversation(big_output(401))
    run(pipeline, fresh, Mode.OPTIMIZE)
    assert fresh.modified
    [back] = run(pipeline, conversation(big_output(401)), Mode.AUDIT).decisions
    assert back.action is Action.COMPRESSED and "kept stable in audit mode" in back.reason
    assert back.mode == "optimize"  # the mode that took effect for this block


def test_lossy_projection_recomputed_when_ccr_entry_is_gone(data_dir: Path) -> None:
    settings, ccr = setup(data_dir)
    halver = Halver()
    pipeline = build_pipeline(settings, ccr, compressors=[halver], ml=NoML())
    [first] = run(pipeline, conversation(big_output())).decisions
    empty = CCRStore(data_dir / "other.db", 3600, 2 * 1024 * 1024)
    other = build_pipeline(settings, empty, compressors=[halver], ml=NoML())
    [again] = run(other, conversation(big_output())).decisions
    assert halver.calls == 2 and again.ccr_key == first.ccr_key
    assert empty.contains(str(again.ccr_key))


def test_first_writer_wins(tmp_path: Path) -> None:
    cache = ProjectionCache(tmp_path / "p.db", max_age_seconds=3600)
    one = Projection("json", "a", "r", "A", False, (), True, "optimize", "compressed")
    two = Projection("json", "b", "r", "B", False, (), True, "optimize", "compressed")
    assert cache.put_first("k", one) == one
    assert cache.put_first("k", two) == one


def test_old_projections_are_pruned_on_open(tmp_path: Path) -> None:
    now = [1000.0]
    cache = ProjectionCache(tmp_path / "p.db", 100, clock=lambda: now[0])
    cache.put_first("k", Projection("text", None, "r", None, False, (), False, "audit", "kept"))
    cache.close()
    now[0] += 101
    assert ProjectionCache(tmp_path / "p.db", 100, clock=lambda: now[0]).get("k") is None
