"""Header hygiene between client, proxy and upstream.

Hop-by-hop headers belong to one connection and never cross the proxy; `x-headroom-*` headers
steer the proxy and are never forwarded; `host` and `content-length` are recomputed for the
upstream request. Credentials (authorization, x-api-key...) are forwarded untouched and are never
logged: `loggable()` is the only way header values reach a log line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

HEADROOM_PREFIX = "x-headroom-"
HOP_BY_HOP = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
    "trailers", "transfer-encoding", "upgrade", "proxy-connection",
})
_RECOMPUTED = frozenset({"host", "content-length"})
SECRET_HEADERS = frozenset({
    "authorization", "x-api-key", "api-key", "openai-api-key", "anthropic-api-key", "cookie",
    "proxy-authorization", "x-goog-api-key",
})

RawHeaders = Iterable[tuple[bytes, bytes]]


def _connection_tokens(headers: list[tuple[str, str]]) -> set[str]:
    """Headers named in `Connection:` are hop-by-hop too (RFC 9110 §7.6.1)."""
    tokens: set[str] = set()
    for name, value in headers:
        if name == "connection":
            tokens.update(t.strip().lower() for t in value.split(",") if t.strip())
    return tokens


def _decoded(raw: RawHeaders) -> list[tuple[str, str]]:
    return [(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in raw]


def upstream_request_headers(raw: RawHeaders, *, decoded_body: bool) -> list[tuple[str, str]]:
    """What the upstream receives. With `decoded_body`, the proxy must read the response itself
    (to record usage or run retrieval), so it asks for encodings httpx can decode."""
    headers = _decoded(raw)
    dropped = HOP_BY_HOP | _RECOMPUTED | _connection_tokens(headers)
    if decoded_body:
        dropped = dropped | {"accept-encoding"}
    return [(k, v) for k, v in headers
            if k not in dropped and not k.startswith(HEADROOM_PREFIX)]


def client_response_headers(upstream: Iterable[tuple[str, str]], *,
                            decoded_body: bool) -> list[tuple[str, str]]:
    """What the client receives from an upstream response (the server sets length/encoding)."""
    headers = [(k.lower(), v) for k, v in upstream]
    dropped = HOP_BY_HOP | {"content-length"} | _connection_tokens(headers)
    if decoded_body:
        dropped = dropped | {"content-encoding"}
    return [(k, v) for k, v in headers if k not in dropped]


def headroom_headers(raw: RawHeaders) -> dict[str, str]:
    """The `x-headroom-*` steering headers, by name without the prefix (`mode`, `session`...)."""
    return {k[len(HEADROOM_PREFIX):]: v for k, v in _decoded(raw) if k.startswith(HEADROOM_PREFIX)}


def loggable(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy safe to log: secrets replaced by their length only."""
    return {k: (f"<{len(v)} chars redacted>" if k.lower() in SECRET_HEADERS else v)
            for k, v in headers.items()}
