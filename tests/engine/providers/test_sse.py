"""SSE parsing: line endings, multi-line data, comments, and chunks split at any byte."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.providers.sse import SSEEvent, SSEParser, encode_event
from tests.engine.providers.recorded_streams import ANTHROPIC_TOOL_STREAM, OPENAI_CHAT_TOOL_STREAM

STREAMS = {
    "openai": OPENAI_CHAT_TOOL_STREAM.encode(),
    "anthropic": ANTHROPIC_TOOL_STREAM.encode(),
    "anthropic-cr": ANTHROPIC_TOOL_STREAM.replace("\r\n", "\r").encode(),
    "openai-crlf": OPENAI_CHAT_TOOL_STREAM.replace("\n", "\r\n").encode(),
}


def parse_chunks(chunks: list[bytes]) -> list[SSEEvent]:
    parser = SSEParser()
    events: list[SSEEvent] = []
    for chunk in chunks:
        events += parser.feed(chunk)
    return events + parser.flush()


def test_fields_comments_and_multiline_data() -> None:
    raw = (
        b": a comment\n"
        b"event: update\nid: 7\nretry: 1500\ndata: first\ndata:second\ndata\n\n"
        b"data: x\nretry: soon\nid: bad\0id\nunknown: field\n\n"
        b"event: no-data\n\n"
    )
    assert parse_chunks([raw]) == [
        SSEEvent("update", "first\nsecond\n", "7", 1500),
        SSEEvent(None, "x", None, None),
    ]


def test_bom_is_stripped_once_and_last_event_survives_flush() -> None:
    raw = "\ufeffdata: a\n\ndata: \ufeffb".encode()
    assert [e.data for e in parse_chunks([raw[:1], raw[1:2], raw[2:]])] == ["a", "\ufeffb"]


def test_invalid_utf8_is_replaced_not_fatal() -> None:
    assert parse_chunks([b"data: \xff\xfe ok\n\n"]) == [SSEEvent(None, "\ufffd\ufffd ok")]


@pytest.mark.parametrize("name", STREAMS)
def test_every_single_split_point_gives_the_same_events(name: str) -> None:
    raw = STREAMS[name]
    expected = parse_chunks([raw])
    assert len(expected) >= 9
    for cut in range(len(raw) + 1):
        assert parse_chunks([raw[:cut], raw[cut:]]) == expected, cut


@settings(max_examples=150, deadline=None)
@given(name=st.sampled_from(sorted(STREAMS)), data=st.data())
def test_any_chunking_gives_the_same_events(name: str, data: st.DataObject) -> None:
    raw = STREAMS[name]
    cuts = sorted(data.draw(st.lists(st.integers(0, len(raw)), max_size=60)))
    chunks = [raw[a:b] for a, b in zip([0, *cuts], [*cuts, len(raw)], strict=True)]
    assert parse_chunks(chunks) == parse_chunks([raw])


event_text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=40)


@settings(max_examples=200, deadline=None)
@given(
    event=st.one_of(st.none(), event_text.filter(lambda s: s and not any(c in s for c in "\r\n"))),
    data=event_text,
    event_id=st.one_of(st.none(), st.text("abc123-", max_size=8)),
    retry=st.one_of(st.none(), st.integers(0, 10**6)),
)
def test_encode_event_round_trips(
    event: str | None, data: str, event_id: str | None, retry: int | None
) -> None:
    original = SSEEvent(event, data.replace("\r\n", "\n").replace("\r", "\n"), event_id, retry)
    assert parse_chunks([encode_event(original)]) == [original]
