"""Bad input through the real routing (registered compressors): nothing escapes, nothing grows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.ccr.store import CCRStore
from engine.pipeline.build import build_router
from engine.pipeline.routing import RouteInput
from engine.tokens import count_tokens
from tests.engine.pipeline.fakes import NoML

BAD = {
    "truncated json": json.dumps([{"id": i, "name": f"n{i}"} for i in range(3000)])[:-7],
    "deep json": "[" * 1000 + "]" * 1000,
    "nan and duplicate keys": '{"a": NaN, "a": Infinity, "rows": [' + ",".join(
        f'{{"x": {i}, "x": -Infinity}}' for i in range(800)) + "]}",
    "lone surrogates": "caf\udce9 " * 3000,
    "binary": "\x00\x01\x02\x03" * 5000,
    "one 300 KB log line": "2024-01-01 00:00:00 ERROR " + "x" * 300_000,
    "broken diff": "diff --git a/x b/x\n@@ garbage @@\n" + "+line\n" * 2000,
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_never_raises_or_grows(name: str, tmp_path: Path) -> None:
    router = build_router(CCRStore(tmp_path / "ccr.db", 3600, 64 * 1024 * 1024), ml=NoML())
    content = BAD[name]
    routed = router.route(content, RouteInput(query="n42"))
    out = routed.text if routed.text is not None else content
    assert count_tokens(out) <= count_tokens(content)
    assert router.route(content, RouteInput(query="n42")).text == routed.text
