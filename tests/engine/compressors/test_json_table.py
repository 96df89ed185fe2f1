"""The lossless table: constants, templates, sparse fields and cell quoting."""

from __future__ import annotations

import json
from typing import Any

from engine.compressors.json_table import ABSENT, Template, build_spec, cell, flatten, minify
from tests.engine.compressors.json_decode import decode_table


def table(items: list[dict[str, Any]], nested: bool = False) -> list[str]:
    records = [flatten(it, nested) for it in items]
    spec = build_spec([r for r in records if r is not None], nested)
    return [*spec.header_lines(), *(spec.row(r) for r in records if r is not None)]


def test_constants_are_stated_once() -> None:
    items = [{"id": i, "type": "User", "admin": False} for i in range(5)]
    lines = table(items)
    assert lines[0] == 'same in every item: {"type":"User","admin":false}'
    assert lines[1:] == ["id", "0", "1", "2", "3", "4"]


def test_templates_with_one_and_two_fields() -> None:
    items = [{"ref": f"refs/heads/b{i}", "sha": f"{i:040x}", "type": "commit" if i % 2 else "tag",
              "url": f"https://x/git/refs/heads/b{i}",
              "obj": f"https://x/git/{'commit' if i % 2 else 'tag'}s/{i:040x}"} for i in range(6)]
    lines = table(items)
    assert lines[0] == ('derived in every item: url="https://x/git/{ref}", '
                        'obj="https://x/git/{type}s/{sha}"')
    assert decode_table(lines, nested=False) == items


def test_template_expand_needs_its_sources() -> None:
    tpl = Template(("a/", ""), ("id",))
    assert tpl.expand({"id": 7}) == "a/7" and tpl.expand({}) is None


def test_sparse_fields_go_to_the_extra_cell() -> None:
    items = [{"id": i, **({"note": "rare"} if i == 3 else {})} for i in range(20)]
    lines = table(items)
    assert lines[0] == "id,+"
    assert lines[4] == '3,{"note":"rare"}'
    assert decode_table(lines, nested=False) == items


def test_optional_column_blank_when_absent() -> None:
    items = [{"id": i, **({"x": i} if i % 2 else {}), "y": "pqr"[i % 3],
              **({"z": i} if i % 2 == 0 else {})} for i in range(6)]
    lines = table(items)
    assert lines[0] == "id,y,z,x" and lines[1] == "0,p,0" and lines[2] == "1,q,,1"
    assert decode_table(lines, nested=False) == items


def test_cells_quote_only_what_is_ambiguous() -> None:
    assert cell("plain text") == "plain text"
    assert cell("a,b") == '"a,b"' and cell("42") == '"42"' and cell("null") == '"null"'
    assert cell("") == '""' and cell(None) == "null" and cell(ABSENT) == ""
    assert cell(["x", 1]) == '["x",1]' and cell(" pad") == '" pad"'


def test_flatten_refuses_ambiguous_keys() -> None:
    assert flatten({"a.b": 1}, nested=False) is None
    assert flatten({"a": {"b": {"c": 1}}, "d": {}}, nested=False) == {"a.b.c": 1, "d": {}}


def test_minify_handles_what_orjson_refuses() -> None:
    assert minify(2**70) == str(2**70)
    assert json.loads(minify("\ud800")) == "\ud800"


def test_nested_mode_keeps_objects_as_json_cells() -> None:
    items = [{"id": i, "user": {"login": f"u{i}"}} for i in range(3)]
    lines = table(items, nested=True)
    assert lines[1] == '0,{"login":"u0"}'
    assert decode_table(lines, nested=True) == items
