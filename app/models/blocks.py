"""The diff view's data: one `BlockDiff` per decision (before text, after text, why), built off
the GUI thread from a recorded exchange, and the table model that lists them.

The "before" text is read back from the recorded original request through the provider's adapter;
the "after" text is what the decision says was (optimize) or would have been (audit) sent."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt

from app import format as fmt
from app.models.rows import Column, RowsModel
from engine.conversation import Action, Block, Conversation, Decision, Exchange, Provider
from engine.providers import adapter_for

COL_BLOCK, COL_TOOL, COL_ACTION, COL_BEFORE, COL_AFTER, COL_SAVED = range(6)
MAX_DIFF_LINES = 20_000
NOT_RECORDED = "(the original request was not recorded: body storage is off)"
NOT_FOUND = "(this block could not be located in the recorded request)"


@dataclass(frozen=True)
class BlockDiff:
    decision: Decision
    before: str
    after: str
    removed_lines: frozenset[int] = field(default_factory=frozenset)
    added_lines: frozenset[int] = field(default_factory=frozenset)

    @property
    def label(self) -> str:
        d = self.decision
        return "system" if d.message_index < 0 else f"#{d.message_index}.{d.block_index}"

    @property
    def changed(self) -> bool:
        return self.decision.compressed_text is not None

    @property
    def saved(self) -> float | None:
        return fmt.saved_fraction(self.decision.tokens_before, self.decision.tokens_after)


def build_block_diffs(exchange: Exchange) -> list[BlockDiff]:
    """Heavy (parses the request, diffs lines): call from a worker thread."""
    conv = _parse(exchange)
    diffs = []
    for decision in exchange.decisions:
        block = _find_block(conv, decision) if conv else None
        missing = NOT_FOUND if exchange.original_request else NOT_RECORDED
        before = (block.original_text or "") if block else missing
        after = decision.compressed_text if decision.compressed_text is not None else before
        removed, added = line_changes(before, after) if decision.compressed_text else ((), ())
        diffs.append(BlockDiff(decision, before, after, frozenset(removed), frozenset(added)))
    diffs.sort(key=lambda d: (not d.changed, d.decision.message_index, d.decision.block_index))
    return diffs


def _parse(exchange: Exchange) -> Conversation | None:
    if not exchange.original_request:
        return None
    try:
        return adapter_for(Provider(exchange.provider)).parse_request(exchange.original_request)
    except ValueError:
        return None


def _find_block(conv: Conversation, decision: Decision) -> Block | None:
    if decision.message_index < 0:
        blocks = conv.system
    else:
        message = next((m for m in conv.messages if m.index == decision.message_index), None)
        blocks = message.blocks if message else []
    return blocks[decision.block_index] if 0 <= decision.block_index < len(blocks) else None


def line_changes(before: str, after: str) -> tuple[set[int], set[int]]:
    """Line numbers that differ on each side (0-based). Very long texts are not diffed."""
    old, new = before.splitlines(), after.splitlines()
    if len(old) + len(new) > MAX_DIFF_LINES:
        return set(range(len(old))), set(range(len(new)))
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    removed: set[int] = set()
    added: set[int] = set()
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            removed.update(range(i1, i2))
            added.update(range(j1, j2))
    return removed, added


def _action_text(d: BlockDiff) -> str:
    action = d.decision.action
    if action is Action.COMPRESSED and d.decision.mode == "audit":
        return "audit ✂"
    return {Action.COMPRESSED: "✂ compressed", Action.KEPT: "kept", Action.SKIPPED: "skipped",
            Action.FAILED: "failed"}.get(action, str(action))


class BlocksModel(RowsModel[BlockDiff]):
    columns = (
        Column("Block", lambda d: d.label),
        Column("Tool", lambda d: d.decision.tool_name or d.decision.content_type),
        Column("Action", _action_text),
        Column("Before", lambda d: fmt.count(d.decision.tokens_before),
               lambda d: d.decision.tokens_before, numeric=True),
        Column("After", lambda d: fmt.count(d.decision.tokens_after),
               lambda d: d.decision.tokens_after, numeric=True),
        Column("Saved", lambda d: fmt.percent(d.saved), lambda d: d.saved, numeric=True),
    )

    def extra_data(self, row: BlockDiff, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.decision.reason
        if role == Qt.ItemDataRole.ForegroundRole and self._colors:
            if row.decision.action is Action.FAILED:
                return self._colors.get("bad")
            if column == COL_SAVED and row.changed and row.decision.mode != "audit":
                return self._colors.get("good")
            if row.decision.mode == "audit" or not row.changed:
                return self._colors.get("muted")
        return None
