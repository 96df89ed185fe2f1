"""Splitting mixed tool output into typed sections that concatenate back to the input."""

from __future__ import annotations

import json

import pytest

from engine.compressors.base import ContentType
from engine.compressors.sections import sections

LOG = "".join(f"2024-01-01 10:00:{i % 60:02d} INFO worker step {i} done\n" for i in range(40))
BLOB = json.dumps({"items": [{"id": i, "name": f"n{i}", "ok": True} for i in range(30)]},
                  indent=2) + "\n"
GREP = "".join(f"src/mod{i % 3}.py:{i + 1}:    value = compute({i})\n" for i in range(8))
DIFF = "diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -1,2 +1,2 @@\n-a = 1\n+a = 2\n b\n"


def _kinds(text: str) -> list[ContentType]:
    return [s.content_type for s in sections(text)]


def test_bash_output_with_echo_log_json_grep_diff() -> None:
    text = "$ ./run.sh --all\n" + LOG + BLOB + GREP + DIFF + "done.\n"
    parts = sections(text)
    assert "".join(p.text for p in parts) == text
    assert _kinds(text) == [ContentType.LOG, ContentType.JSON, ContentType.SEARCH,
                            ContentType.DIFF, ContentType.TEXT]
    assert parts[1].text == BLOB and parts[1].start_line == 41


def test_single_kind_and_short_content_stay_whole() -> None:
    assert _kinds(LOG * 3) == [ContentType.LOG]
    assert [s.text for s in sections("short\n" + BLOB[:50])] == ["short\n" + BLOB[:50]]
    prose = "Some words about the weather.\n" * 100
    assert _kinds(prose) == [ContentType.TEXT]


def test_log_lines_starting_with_brackets_are_not_json() -> None:
    maven = "".join(f"[INFO] Downloading artifact {i}\n" for i in range(200))
    assert _kinds(maven) == [ContentType.LOG]


def test_timestamps_are_not_grep_hits() -> None:
    text = "".join(f"2024-01-01 10:00:{i:02d} step {i}\n" for i in range(60)) + BLOB
    assert _kinds(text) == [ContentType.LOG, ContentType.JSON]


def test_blank_lines_join_their_neighbour() -> None:
    text = LOG + "\n\n\n" + BLOB + "\n\n"
    parts = sections(text)
    assert "".join(p.text for p in parts) == text
    assert all(p.text.strip() for p in parts)


@pytest.mark.parametrize(
    "content",
    ["", "\n", "{", "[" * 10_000, "x" * 5_000_000,
     "\r\n".join(["[1, 2"] * 2000), "\x00\x01" * 5000],
    ids=["empty", "newline", "brace", "deep", "5mb-line", "broken-json", "binary"],
)
def test_bad_input_concatenates_back(content: str) -> None:
    assert "".join(s.text for s in sections(content)) == content


def test_agent_wrapper_tags_are_their_own_sections() -> None:
    text = "<returncode>1</returncode>\n<output>\n" + LOG * 2 + "</output>\n"
    parts = sections(text)
    assert [p.text for p in parts] == ["<returncode>1</returncode>\n", "<output>\n", LOG * 2,
                                       "</output>\n"]
    assert parts[2].content_type is ContentType.LOG


def test_xml_inside_a_log_is_not_a_wrapper() -> None:
    xml = "<repository>\n  <id>snapshots</id>\n</repository>\n"
    assert _kinds(LOG + xml + LOG) == [ContentType.LOG]
