"""Fake compressors, detectors and conversations for router tests."""

from __future__ import annotations

from engine.ccr.keys import ccr_key
from engine.compressors.base import CCREntry, Compressed, ContentMeta, Detection
from engine.conversation import Block, BlockKind, Conversation, Message, Provider


class NoML:
    def detect(self, content: str) -> Detection | None:
        return None


class Halver:
    """Lossy: keeps the first half of the lines and states the omission with a key."""

    name = "halver"

    def __init__(self, score: float = 1.0) -> None:
        self.calls = 0
        self.queries: list[str] = []
        self._score = score

    def score(self, content: str, meta: ContentMeta) -> float:
        return self._score

    def compress(self, content: str, meta: ContentMeta) -> Compressed:
        self.calls += 1
        self.queries.append(meta.query)
        lines = content.splitlines()
        key = ccr_key(content)
        kept = lines[: len(lines) // 2]
        entry = CCREntry(key, content, tuple(lines), "text", meta.tool_name)
        text = "\n".join([*kept, f"[{len(lines) - len(kept)} lines omitted — {key}]"])
        return Compressed(text, "kept first half", lossy=True, omitted=len(lines) - len(kept),
                          ccr_entries=(entry,))


class Raiser:
    name = "raiser"

    def score(self, content: str, meta: ContentMeta) -> float:
        return 5.0

    def compress(self, content: str, meta: ContentMeta) -> Compressed:
        raise ValueError("cannot cope")


class Grower:
    name = "grower"

    def score(self, content: str, meta: ContentMeta) -> float:
        return 3.0

    def compress(self, content: str, meta: ContentMeta) -> Compressed:
        return Compressed(content + "\n" + content, "doubled")


def big_output(lines: int = 400) -> str:
    return "\n".join(f"record {i}: status ok, owner user{i}, size {i * 37}" for i in range(lines))


def conversation(output: str, user_text: str = "find user7", tool: str = "search",
                 model: str = "gpt-4o") -> Conversation:
    messages = [
        Message("user", [Block(BlockKind.TEXT, user_text)], 0),
        Message("assistant", [Block(BlockKind.TOOL_CALL, '{"q": "user7"}', tool_name=tool,
                                    tool_call_id="c1")], 1),
        Message("tool", [Block(BlockKind.TOOL_RESULT, output, tool_call_id="c1")], 2),
    ]
    return Conversation(Provider.OPENAI_CHAT, model, messages, raw=b"{}")
