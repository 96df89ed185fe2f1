"""What of a request/response body may be written to disk, and how it is packed.

- Secrets never reach the disk: `scrub_secrets` removes API keys (`sk-…`, `sk-ant-…`, `sk-proj-…`,
  AWS/Google/GitHub/Slack token shapes), bearer tokens and the values of authorization / api-key
  fields, whatever the storage setting. Replacements contain no quote or backslash, so JSON stays
  valid.
- `full` keeps the scrubbed body. `redacted` keeps the JSON structure (keys, numbers, booleans,
  roles, types, ids, model and tool names) and replaces every other string with
  `"[redacted: N chars]"`; SSE streams are redacted event by event; anything that is not JSON
  becomes `[redacted: N bytes]`. `none` stores no body and no compressed text at all.
- Stored blobs carry a one-byte codec tag (`Z` = zlib, `R` = raw) so the codec can change later
  without a migration; a sent request identical to the original is stored as `=`.
- `search_text` is what the full-text index sees: string values of the scrubbed JSON, capped
  (response first, then the newest end of the request) so the index stays small.
"""

from __future__ import annotations

import re
import zlib
from typing import Any

import orjson

from engine.config import BodyStorage

_SECRET_TOKENS = re.compile(
    rb"sk-(?:ant-|proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{16,}"
    rb"|AKIA[0-9A-Z]{16}"
    rb"|AIza[0-9A-Za-z_\-]{35}"
    rb"|gh[pousr]_[A-Za-z0-9]{30,}"
    rb"|github_pat_[A-Za-z0-9_]{30,}"
    rb"|xox[abposr]-[A-Za-z0-9\-]{10,}"
)
_BEARER = re.compile(rb"(?i)(\bbearer\s+)[A-Za-z0-9._~+/=\-]{8,}")
_SECRET_NAMES = rb"authorization|x-api-key|api[_-]?key|access[_-]?token|client[_-]?secret|password"
_JSON_SECRET_FIELD = re.compile(rb'(?i)("(?:' + _SECRET_NAMES + rb')"\s*:\s*")(?:[^"\\]|\\.)*(")')
_ASSIGNED_SECRET = re.compile(
    rb"(?i)((?:" + _SECRET_NAMES + rb")\s*[:=]\s*)(?!\[removed\])[^\s\"',;&]+"
)
_NAME_HINTS = (b"authorization", b"api-key", b"api_key", b"apikey", b"access_token",
               b"access-token", b"accesstoken", b"secret", b"password")
REMOVED = b"[removed]"

_STRUCTURAL_KEYS = frozenset({
    "role", "type", "model", "name", "id", "tool_call_id", "tool_use_id", "call_id",
    "stop_reason", "finish_reason", "object", "event", "media_type", "tool_choice", "status",
    "system_fingerprint", "service_tier", "stop_sequence", "detail", "format", "strict",
})

_DELTA_KEYS = frozenset({"content", "text", "thinking", "partial_json", "arguments", "delta",
                         "refusal"})
_ZLIB = b"Z"
_RAW = b"R"
# Stored as the sent request when it equals the original (audit mode, nothing compressed).
SAME_AS_ORIGINAL = b"="
SEARCH_RESPONSE_CHARS = 16_000
SEARCH_REQUEST_CHARS = 48_000


def scrub_secrets(body: bytes) -> bytes:
    body = _SECRET_TOKENS.sub(REMOVED, body)
    lowered = body.lower()
    if b"bearer" in lowered:
        body = _BEARER.sub(rb"\1" + REMOVED, body)
    if any(hint in lowered for hint in _NAME_HINTS):  # the named patterns are slow to scan
        body = _JSON_SECRET_FIELD.sub(rb"\1" + REMOVED + rb"\2", body)
        body = _ASSIGNED_SECRET.sub(rb"\1" + REMOVED, body)
    return body


def scrub_text(text: str) -> str:
    return scrub_secrets(text.encode("utf-8", "surrogatepass")).decode("utf-8", "replace")


def encode(data: bytes | None) -> bytes | None:
    """Pack for storage: zlib when it helps, raw otherwise."""
    if data is None:
        return None
    packed = zlib.compress(data, 6)
    return _ZLIB + packed if len(packed) < len(data) else _RAW + data


def decode(blob: bytes | None) -> bytes | None:
    if blob is None:
        return None
    tag, payload = blob[:1], blob[1:]
    if tag == _ZLIB:
        return zlib.decompress(payload)
    if tag == _RAW:
        return payload
    raise ValueError(f"unknown body codec tag {tag!r}")


def _redact_value(value: Any, key: str | None = None) -> Any:
    if isinstance(value, dict):
        return {k: _redact_value(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_value(v, key) for v in value]
    if isinstance(value, str) and key not in _STRUCTURAL_KEYS:
        return f"[redacted: {len(value)} chars]"
    return value


def _redact_sse(body: bytes) -> bytes:
    lines = []
    for line in body.split(b"\n"):
        field, sep, payload = line.partition(b":")
        if field == b"data" and sep and payload.strip() not in (b"", b"[DONE]"):
            line = b"data: " + _redact_json(payload.strip())
        lines.append(line)
    return b"\n".join(lines)


def _redact_json(body: bytes) -> bytes:
    try:
        return orjson.dumps(_redact_value(orjson.loads(body)))
    except orjson.JSONDecodeError:
        return f"[redacted: {len(body)} bytes]".encode()


def redact(body: bytes) -> bytes:
    stripped = body.lstrip()
    if stripped.startswith((b"{", b"[")):
        return _redact_json(body)
    if stripped.startswith((b"data:", b"event:", b"id:", b":")):
        return _redact_sse(body)
    return f"[redacted: {len(body)} bytes]".encode()


def prepare(body: bytes | None, storage: BodyStorage) -> bytes | None:
    """The packed blob to store for one body under `storage` (None = store nothing)."""
    if body is None or storage is BodyStorage.NONE:
        return None
    clean = scrub_secrets(body)
    return encode(redact(clean) if storage is BodyStorage.REDACTED else clean)


def _strings(value: Any, out: list[str], keys: frozenset[str] | None = None,
             key: str | None = None) -> None:
    """Collect string values (only those under `keys`, when given)."""
    if isinstance(value, str):
        if keys is None or key in keys:
            out.append(value)
    elif isinstance(value, dict):
        for name, item in value.items():
            _strings(item, out, keys, name)
    elif isinstance(value, list):
        for item in value:
            _strings(item, out, keys, key)


def _json_chunks(body: bytes) -> list[bytes] | None:
    """An SSE stream's `data:` payloads, or None when the body is one JSON document."""
    if body.lstrip()[:1] in (b"{", b"["):
        return None
    return [line[5:] for line in body.splitlines() if line.startswith(b"data:")]


def _body_text(body: bytes) -> str:
    """String values of a JSON body; for a stream, its text deltas glued back together so
    words split across chunks are whole again."""
    chunks = _json_chunks(body)
    out: list[str] = []
    for chunk in chunks if chunks is not None else [body]:
        try:
            _strings(orjson.loads(chunk), out, _DELTA_KEYS if chunks is not None else None)
        except orjson.JSONDecodeError:
            continue
    if out:
        return "".join(out) if chunks is not None else "\n".join(out)
    return body.decode("utf-8", "replace")


def search_text(request: bytes | None, response: bytes | None) -> str:
    """Text for the full-text index (call with scrubbed, unredacted bodies)."""
    reply = _body_text(response)[:SEARCH_RESPONSE_CHARS] if response else ""
    asked = _body_text(request)[-SEARCH_REQUEST_CHARS:] if request else ""
    return f"{reply}\n{asked}"
