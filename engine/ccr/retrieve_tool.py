"""The `headroom_retrieve` tool: its definition, and answering one call from the CCR store.

The proxy adds this tool to a request only when an optimize-mode block carries a lossy omission
marker, and answers the model's calls itself; the client never sees either. Arguments come from
the model, so they are validated leniently: a malformed call gets an explanatory answer (the
model can correct itself) rather than an error that would end the turn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from engine.ccr.keys import is_ccr_key
from engine.ccr.store import CCRStore
from engine.compressors.marker import RETRIEVE_TOOL
from engine.conversation import RetrievalEvent
from engine.providers import ToolSpec

MAX_LIMIT = 200

RETRIEVE_SPEC = ToolSpec(
    name=RETRIEVE_TOOL,
    description=(
        "Retrieve content that Headroom omitted from a tool output to save context. Omission "
        "notices look like [N of M items omitted ... — headroom_retrieve(key=\"b2:...\")]. "
        "Pass the key; add a query to get only the matching items, or page with offset/limit."),
    parameters={
        "type": "object",
        "properties": {
            "key": {"type": "string", "description": "the key from the omission notice"},
            "query": {"type": "string",
                      "description": "optional: return only items matching these words"},
            "offset": {"type": "integer", "minimum": 0, "description": "first item (paging)"},
            "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT,
                      "description": "how many items (default 20)"},
        },
        "required": ["key"],
    },
)


@dataclass(frozen=True)
class RetrieveArgs:
    key: str
    query: str | None = None
    offset: int = 0
    limit: int = 20


def parse_arguments(arguments: str) -> RetrieveArgs | str:
    """The call's arguments, or a message saying what is wrong with them."""
    try:
        data: Any = orjson.loads(arguments or "{}")
    except orjson.JSONDecodeError:
        return f"[{RETRIEVE_TOOL}: arguments are not valid JSON: {arguments[:200]!r}]"
    if not isinstance(data, dict) or not isinstance(data.get("key"), str):
        return f'[{RETRIEVE_TOOL}: a "key" argument (the b2:... key from the notice) is required]'
    key = data["key"].strip()
    if not is_ccr_key(key):
        return f"[{RETRIEVE_TOOL}: {key!r} is not a retrieval key; copy the b2:... key exactly]"
    query = data.get("query")
    return RetrieveArgs(key=key, query=query.strip() or None if isinstance(query, str) else None,
                        offset=_int(data.get("offset"), 0, 0, 10**9),
                        limit=_int(data.get("limit"), 20, 1, MAX_LIMIT))


def _int(value: Any, default: int, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return default
    try:
        return min(max(int(value), low), high)
    except ValueError:
        return default


def answer(ccr: CCRStore, arguments: str, exchange_id: str | None = None,
           tool_for: Callable[[str], str | None] | None = None,
           ) -> tuple[str, RetrievalEvent | None]:
    """The tool result text for one call, and the retrieval event to record (None when the
    arguments were unusable and nothing was looked up). `tool_for(key)` names the tool whose
    output was stored under the key: events are labelled with it (not with the retrieve tool),
    so per-tool retrieval rates count them."""
    args = parse_arguments(arguments)
    if isinstance(args, str):
        return args, None
    tool_name = tool_for(args.key) if tool_for is not None else None
    result = ccr.get(args.key, query=args.query, offset=args.offset, limit=args.limit,
                     tool_name=tool_name, exchange_id=exchange_id)
    event = RetrievalEvent(key=args.key, query=args.query, hit=result.hit,
                           items_returned=result.items_returned, exchange_id=exchange_id,
                           tool_name=tool_name)
    return result.text, event
