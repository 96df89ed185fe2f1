"""Drop, from a client's assistant message, the text it already holds in a re-inserted round.

When a streamed answer needed a retrieval round, the text the model wrote before calling
`headroom_retrieve` reached the client at once, so the client's own assistant message for that
turn begins with it, while the re-inserted round (as the upstream saw it) carries it too. The
message is sent without that leading text: a string content loses the prefix, a list of content
parts loses the leading text parts that spell it exactly. Anything else (the client edited the
text, no text would remain, thinking blocks in between) leaves the message as it is.
"""

from __future__ import annotations

from typing import Any

import orjson

from engine.conversation import Provider
from engine.providers import rawjson
from engine.providers.edits import decode, json_style


def drop_shown_text(provider: Provider, raw: bytes, index: int, shown: str) -> bytes:
    """`raw` with message `index` (an assistant message) stripped of the leading `shown`."""
    if provider is Provider.OPENAI_RESPONSES or not shown:
        return raw  # Responses clients chain by previous_response_id; their items stay as sent
    text = decode(raw)
    path = ("messages", index, "content")
    try:
        span = rawjson.locate(text, [path, ("messages", index, "role")])
    except rawjson.JsonLayoutError:
        return raw
    role_start, role_end = span[("messages", index, "role")]
    if orjson.loads(text[role_start:role_end]) != "assistant":
        return raw
    start, end = span[path]
    content: Any = orjson.loads(text[start:end])
    if isinstance(content, str):
        if len(content) <= len(shown) or not content.startswith(shown):
            return raw
        replacement = json_style(raw, text).dumps(content[len(shown):])
        return (text[:start] + replacement + text[end:]).encode("utf-8")
    if isinstance(content, list):
        count = _leading_parts(content, shown)
        if count:
            parts = rawjson.items(text, start)
            return (text[:parts[0][0]] + text[parts[count][0]:]).encode("utf-8")
    return raw


def _leading_parts(content: list[Any], shown: str) -> int:
    """How many leading text parts spell `shown` exactly (0: none, or nothing would remain)."""
    spelled = ""
    for count, part in enumerate(content):
        if spelled == shown:
            return count
        if not (isinstance(part, dict) and part.get("type") == "text"
                and isinstance(part.get("text"), str)):
            return 0
        spelled += part["text"]
        if not shown.startswith(spelled):
            return 0
    return 0
