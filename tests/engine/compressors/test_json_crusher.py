"""SmartCrusher: lossless tables round-trip exactly, lossy output keeps what matters and states
what it dropped, the originals are recoverable, and bad input never raises."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from engine.ccr.keys import ccr_key
from engine.compressors.base import Compressed, ContentMeta, ContentType, Detection
from engine.compressors.json_crusher import CrushSettings, SmartCrusher
from engine.compressors.registry import default_compressors
from engine.tokens import count_tokens
from tests.engine.compressors.json_corpus import (
    CONTRIBUTORS,
    HOOKS,
    REFS,
    TAU_AIRLINE,
    cassette_body,
    tau_tool_outputs,
)
from tests.engine.compressors.json_decode import decode_table

META = ContentMeta(Detection(ContentType.JSON))


def meta(query: str = "", args: str | None = None, budget: int | None = None) -> ContentMeta:
    return ContentMeta(Detection(ContentType.JSON), tool_arguments=args, query=query,
                       token_budget=budget)


def decode_root_table(text: str) -> list[dict[str, Any]]:
    lines = text.splitlines()
    return decode_table(lines[1:], nested="column a.b" not in lines[0])


def users(n: int) -> list[dict[str, Any]]:
    return [{"login": f"user{i}", "id": 1000 + i, "url": f"https://api.example.com/users/user{i}",
             "type": "User", "site_admin": False, "profile": {"city": f"c{i % 7}", "langs": ["py"]},
             **({"bio": f"bio, number {i}"} if i % 3 == 0 else {}),
             **({"rare": i} if i == 5 else {})} for i in range(n)]


def test_registered_in_default_compressors() -> None:
    assert any(c.name == "json" for c in default_compressors())


def test_lossless_table_round_trips_exactly() -> None:
    items = users(20)
    content = json.dumps(items, indent=2)
    out = SmartCrusher().compress(content, META)
    assert not out.lossy and out.ccr_entries == ()
    assert "same in every item" in out.text and "derived in every item" in out.text
    assert decode_root_table(out.text) == items
    assert count_tokens(out.text) < count_tokens(json.dumps(items, separators=(",", ":")))


def test_awkward_cells_round_trip() -> None:
    items = [{"s": s, "n": i, "x": None, "nested": {"a.b": 1}} for i, s in enumerate(
        ["a,b", '"q"', "123", "true", "", " pad", "[x", "{y", "line\nbreak", "null", "-1.5e3",
         "ok", "émoji ✓"])]
    out = SmartCrusher().compress(json.dumps(items), META)
    assert decode_root_table(out.text) == items


def test_nested_array_keeps_document_skeleton() -> None:
    doc = {"total_count": 40, "incomplete_results": False, "items": users(40)}
    out = SmartCrusher().compress(json.dumps(doc, indent=1), META)
    skeleton, _, table = out.text.partition("\n\n")
    assert json.loads(skeleton)["total_count"] == 40
    assert table.startswith("items: 40 items")


def test_deterministic() -> None:
    content = json.dumps({"data": users(300)})
    first = SmartCrusher().compress(content, meta("user17"))
    assert first == SmartCrusher().compress(content, meta("user17"))


def test_lossy_keeps_errors_outliers_matches_and_states_omission() -> None:
    items = [{"id": i, "status": "ok", "latency_ms": 100 + i % 10, "error": None,
              "host": f"web{i % 5}", "msg": "request served"} for i in range(2000)]
    items[700]["status"] = "failed"
    items[900]["error"] = {"code": "E_TIMEOUT"}
    items[1300]["latency_ms"] = 98000
    items[1500]["host"] = "db-primary"
    content = json.dumps(items)
    out = SmartCrusher().compress(content, meta("why did request 1234 fail?"))
    assert out.lossy and out.omitted > 1500
    rows = {line.split(",", 1)[0] for line in out.text.splitlines()}
    assert {"0", "700", "900", "1234", "1300", "1500", "1999"} <= rows
    notice = out.text.splitlines()[-1]
    assert notice.startswith(f"[{out.omitted:,} of 2,000 items omitted (kept: ")
    assert "2 errors" in notice and f'key="{ccr_key(content)}"' in notice


def test_error_key_presence_alone_is_not_an_error() -> None:
    items = [{"id": i, "name": f"job {i * 7919 % 1000}", "error": None if i % 2 else "",
              "errors": [], "status": 200 + i % 2} for i in range(500)]
    out = SmartCrusher().compress(json.dumps(items), meta(budget=300))
    assert out.lossy and "errors" not in out.text.splitlines()[-1].split("kept:")[1]


def test_ccr_entry_recovers_every_item() -> None:
    items = users(1000)
    content = json.dumps(items)
    out = SmartCrusher().compress(content, META)
    (entry,) = out.ccr_entries
    assert entry.key == ccr_key(content) and entry.original == content
    assert [json.loads(i) for i in entry.items] == items
    assert entry.content_type == "json"


@pytest.mark.parametrize("path", [CONTRIBUTORS, REFS, HOOKS])
def test_corpus_arrays_save_80_percent_and_stay_recoverable(corpus: Path, path: Path) -> None:
    content = cassette_body(corpus / path)
    items = json.loads(content)
    out = SmartCrusher().compress(content, meta())
    assert len(items) >= 50
    assert count_tokens(out.text) <= 0.2 * count_tokens(content)
    assert [json.loads(i) for i in out.ccr_entries[0].items] == items


def test_corpus_query_matches_are_visible(corpus: Path) -> None:
    refs = json.loads(cassette_body(corpus / REFS))
    content = cassette_body(corpus / REFS)
    for ref in (refs[417]["ref"], refs[903]["ref"]):
        out = SmartCrusher().compress(content, meta(f"what does {ref} point to?"))
        assert any(line.split(",")[1] == ref for line in out.text.splitlines()[3:-1])
    contributors = json.loads(cassette_body(corpus / CONTRIBUTORS))
    login = contributors[211]["login"]
    out = SmartCrusher().compress(cassette_body(corpus / CONTRIBUTORS),
                                  meta("", args=json.dumps({"login": login})))
    assert any(line.split(",")[1] == login for line in out.text.splitlines())


def test_corpus_contributor_outliers_are_visible(corpus: Path) -> None:
    contributors = json.loads(cassette_body(corpus / CONTRIBUTORS))
    top = max(contributors, key=lambda c: c["contributions"])
    out = SmartCrusher().compress(cassette_body(corpus / CONTRIBUTORS), META)
    assert f",{top['contributions']}" in out.text


BAD_INPUTS = {
    "malformed": '{"a": [1, 2,, 3]}',
    "truncated": json.dumps(users(50))[:-200],
    "nan": '[{"a": NaN}, {"a": 1}, {"a": 2}]',
    "infinity": '[{"a": Infinity}, {"a": 1e999}]',
    "huge_number": '[{"a": 1e999}, {"a": 1}]',
    "duplicate_keys": '[{"a": 1, "a": 2}, {"a": 3}, {"a": 4}]',
    "deep": "[" * 1000 + "]" * 1000,
    "deep_objects": '{"a":' * 1000 + "1" + "}" * 1000,
    "lone_surrogate": '[{"a": "\\ud800"}, {"a": "x"}]',
    "non_utf8": b'[{"a": "\xff\xfe"}, {"a": "b"}]'.decode("utf-8", "surrogateescape"),
    "not_json": "hello world",
    "empty": "",
    "scalar": "42",
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_never_raises_and_never_grows(name: str) -> None:
    content = BAD_INPUTS[name]
    crusher = SmartCrusher()
    score = crusher.score(content, META)
    out = crusher.compress(content, META)
    assert isinstance(out, Compressed)
    assert len(out.text) <= len(content)
    if name not in ("deep", "deep_objects", "lone_surrogate"):
        assert score < 0 and out.text == content


def test_oversized_input_passes_through() -> None:
    content = json.dumps(users(200))
    crusher = SmartCrusher(CrushSettings(max_input_chars=1000))
    out = crusher.compress(content, META)
    assert out.text == content and "passed through" in out.reason


def test_big_ints_and_unicode_survive() -> None:
    items = [{"id": 2**70 + i, "name": f"Zoë {i}", "x": 1.5} for i in range(30)]
    out = SmartCrusher().compress(json.dumps(items), META)
    assert decode_root_table(out.text) == items


def test_fifty_megabytes_pass_through_without_parsing() -> None:
    content = "[" + ",".join(['{"k":"' + "x" * 1000 + '"}'] * 50_000) + "]"
    crusher = SmartCrusher()
    assert 0 <= crusher.score(content, META) < 0.5
    out = crusher.compress(content, META)
    assert out.text is content and "passed through" in out.reason


def test_deep_values_inside_items_are_kept_as_cells() -> None:
    deep: Any = 1
    for _ in range(300):
        deep = [deep]
    items = [{"id": i, "deep": deep} for i in range(30)]
    content = json.dumps(items)
    out = SmartCrusher().compress(content, META)
    assert len(out.text) < len(content)
    assert decode_root_table(out.text) == items


def test_heterogeneous_array_is_never_bigger_than_minified() -> None:
    items: list[Any] = [{f"k{i}": i, f"v{i}": f"value {i}"} for i in range(40)]
    items += [[1, 2], "text", 3, None]
    content = json.dumps(items, separators=(",", ":"))
    out = SmartCrusher().compress(content, META)
    assert count_tokens(out.text) <= count_tokens(content)


def test_tau_bench_flight_number_query_survives(corpus: Path) -> None:
    outputs = [o for o in tau_tool_outputs(corpus / TAU_AIRLINE)
               if o[0] == "search_direct_flight" and len(o[2]) > 2000]
    _, args, content = outputs[0]
    number = json.loads(content)[-2]["flight_number"]
    out = SmartCrusher().compress(content, meta(f"book {number}", args=args))
    assert number in out.text and count_tokens(out.text) < count_tokens(content)


def test_same_bytes_across_processes(tmp_path: Path) -> None:
    script = (
        "import json,sys;from engine.compressors.json_crusher import SmartCrusher;"
        "from tests.engine.compressors.test_json_crusher import META,users,meta;"
        "out=SmartCrusher().compress(json.dumps({'a':users(400),'b':users(30)}),"
        "meta('user17 bio'));print(out.text)")
    runs = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           check=True, env={**os.environ, "PYTHONHASHSEED": seed},
                           cwd=Path(__file__).resolve().parents[3]).stdout
            for seed in ("1", "2")}
    assert len(runs) == 1 and "omitted" in runs.pop()
