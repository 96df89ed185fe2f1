from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from engine.config import BodyStorage
from engine.conversation import Exchange
from engine.store import Store, bodies
from tests.engine.store.factories import decision, exchange

OPENAI_KEY = "sk-proj-AbCdEf0123456789AbCdEf0123456789"
ANTHROPIC_KEY = "sk-ant-api03-ZyXwVu9876543210ZyXwVu9876543210"
SECRETS = [OPENAI_KEY, ANTHROPIC_KEY, "AKIAABCDEFGHIJKLMNOP", "hunter2-secret-value"]


@pytest.mark.parametrize("body, secret", [
    (b'{"content":"my key is ' + OPENAI_KEY.encode() + b'"}', OPENAI_KEY),
    (b'{"content":"export ANTHROPIC_API_KEY=' + ANTHROPIC_KEY.encode() + b'"}', ANTHROPIC_KEY),
    (b'{"headers":{"Authorization":"Bearer abcdefghijklmnop123"}}', "abcdefghijklmnop123"),
    (b'{"api_key":"hunter2-secret-value","n":1}', "hunter2-secret-value"),
    (b'password: hunter2-secret-value\n', "hunter2-secret-value"),
    (b'{"x-api-key": "k-12345678901234567890"}', "k-12345678901234567890"),
])
def test_secrets_are_scrubbed_and_json_stays_valid(body: bytes, secret: str) -> None:
    clean = bodies.scrub_secrets(body)
    assert secret.encode() not in clean
    assert bodies.REMOVED in clean
    if body.startswith(b"{"):
        orjson.loads(clean)


def test_ordinary_text_is_not_scrubbed() -> None:
    body = b'{"role":"user","content":"ask the task-manager about sk-learn and keys: 3"}'
    assert bodies.scrub_secrets(body) == body


def test_redaction_keeps_structure_and_replaces_text_with_its_length() -> None:
    body = (b'{"model":"gpt-4o","messages":[{"role":"tool","tool_call_id":"call_1",'
            b'"content":"secret data"}],"temperature":0.2,"stream":true}')
    redacted = orjson.loads(bodies.redact(body))
    assert redacted == {"model": "gpt-4o", "temperature": 0.2, "stream": True,
                        "messages": [{"role": "tool", "tool_call_id": "call_1",
                                      "content": "[redacted: 11 chars]"}]}


def test_redaction_of_streams_and_opaque_bodies() -> None:
    stream = b'data: {"type":"text_delta","text":"hello"}\n\ndata: [DONE]\n\n'
    out = bodies.redact(stream)
    assert b"hello" not in out and b'"type":"text_delta"' in out and b"data: [DONE]" in out
    assert bodies.redact(b"plain private words") == b"[redacted: 19 bytes]"


def test_codec_round_trip_and_tag() -> None:
    big = b"x" * 10_000
    assert bodies.decode(bodies.encode(big)) == big
    assert len(bodies.encode(big) or b"") < 200
    assert bodies.decode(bodies.encode(b"ab")) == b"ab"
    assert bodies.encode(None) is None
    with pytest.raises(ValueError):
        bodies.decode(b"Qxyz")


def _secretive_exchange() -> Exchange:
    request = orjson.dumps({"model": "gpt-4o", "api_key": "hunter2-secret-value", "messages": [
        {"role": "user", "content": f"use {OPENAI_KEY} and AKIAABCDEFGHIJKLMNOP"}]})
    d = decision()
    d.compressed_text = f"found {ANTHROPIC_KEY} in .env"
    return exchange(decisions=[d], original_request=request, sent_request=request,
                    response=b'{"content":"' + ANTHROPIC_KEY.encode() + b'"}',
                    error=f"upstream said invalid key {OPENAI_KEY}")


def _stored_texts(store: Store) -> list[bytes]:
    with store.read_engine.connect() as conn:
        blobs = conn.exec_driver_sql(
            "SELECT original_request, sent_request, response FROM bodies UNION ALL "
            "SELECT compressed_text, NULL, NULL FROM decisions").all()
    return [bodies.decode(b) or b"" for row in blobs for b in row if b != bodies.SAME_AS_ORIGINAL]


@pytest.mark.parametrize("storage", list(BodyStorage))
def test_api_keys_never_reach_the_disk(data_dir: Path, storage: BodyStorage) -> None:
    store = Store.open(data_dir / "h.db", storage)
    store.record(_secretive_exchange())
    assert store.flush(5)
    decoded = b"\n".join(_stored_texts(store))
    store.close()
    raw = b"".join(p.read_bytes() for p in data_dir.glob("h.db*"))
    for secret in SECRETS:
        assert secret.encode() not in decoded
        assert secret.encode() not in raw


def test_storage_policies(data_dir: Path) -> None:
    store = Store.open(data_dir / "h.db", BodyStorage.FULL)
    store.record(full := exchange())
    store.set_body_storage("redacted")
    store.record(redacted := exchange())
    store.set_body_storage(BodyStorage.NONE)
    store.record(none := exchange())
    store.flush(5)
    with store.read_engine.connect() as conn:
        rows = dict(conn.exec_driver_sql(
            "SELECT exchange_id, original_request FROM bodies").all())
        texts = dict(conn.exec_driver_sql(
            "SELECT exchange_id, compressed_text FROM decisions").all())
    store.close()
    assert bodies.decode(rows[full.id]) == full.original_request
    assert b"payment gateway" not in (bodies.decode(rows[redacted.id]) or b"")
    assert b'"role":"tool"' in (bodies.decode(rows[redacted.id]) or b"")
    assert none.id not in rows
    assert texts[full.id] is not None and texts[redacted.id] is None and texts[none.id] is None


def test_search_text_prefers_the_response_and_the_newest_request_text() -> None:
    request = orjson.dumps({"messages": [{"content": "old " * 20_000}, {"content": "newest"}]})
    stream = b'data: {"delta":{"content":"ans"}}\n\ndata: {"delta":{"content":"wer"}}\n\n'
    text = bodies.search_text(request, stream)
    assert text.startswith("answer") and text.rstrip().endswith("newest")
    assert len(text) <= bodies.SEARCH_RESPONSE_CHARS + bodies.SEARCH_REQUEST_CHARS + 1


@pytest.mark.parametrize("storage", list(BodyStorage))
def test_non_utf8_and_non_json_bodies_are_recorded(data_dir: Path, storage: BodyStorage) -> None:
    store = Store.open(data_dir / "h.db", storage)
    d = decision()
    d.compressed_text = "half a surrogate \udcff here"
    store.record(exchange(decisions=[d], original_request=b"\xff\xfe{not json",
                          sent_request=b"\xff\xfe{not json", response=b"event: x\ndata: {\n\n"))
    assert store.flush(5)
    assert store.write_errors == 0
    with store.read_engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT original_request FROM bodies").scalar()
    store.close()
    expected = {BodyStorage.FULL: b"\xff\xfe{not json",
                BodyStorage.REDACTED: b"[redacted: 11 bytes]"}
    assert bodies.decode(stored) == expected.get(storage)
