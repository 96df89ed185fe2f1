"""Safety at the door: reject non-local `Host` names (DNS rebinding) and oversized bodies.

A web page can make a browser send requests to 127.0.0.1 through a domain it controls that
resolves to loopback; such requests carry the attacker's domain in `Host`. Only IP literals,
`localhost` and the configured bind host are accepted. Bodies above `max_body_bytes` get a clear
413 in the provider's error format, before anything is read when `Content-Length` says so.
"""

from __future__ import annotations

import ipaddress

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from engine.proxy.errors import error_response
from engine.proxy.upstream import api_for


class BodyTooLarge(Exception):
    def __init__(self, limit: int):
        super().__init__(f"request body exceeds the proxy's limit of {limit:,} bytes "
                         "(setting max_body_bytes)")
        self.limit = limit


def host_name(host_header: str) -> str:
    """`[::1]:8787` → `::1`, `localhost:8787` → `localhost`."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def is_local_host(name: str, allowed: frozenset[str]) -> bool:
    if name in allowed or name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class SafetyMiddleware:
    def __init__(self, app: ASGIApp, max_body_bytes: int, allowed_hosts: frozenset[str]):
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.allowed_hosts = allowed_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        problem = self._problem(scope)
        if problem is None:
            await self.app(scope, receive, send)
            return
        status, message = problem
        api = api_for(scope["path"], scope["headers"])
        await error_response(api, status, message)(scope, receive, send)

    def _problem(self, scope: Scope) -> tuple[int, str] | None:
        host = length = None
        for name, value in scope["headers"]:
            if name == b"host":
                host = value.decode("latin-1")
            elif name == b"content-length":
                length = value
        if host is not None and not is_local_host(host_name(host), self.allowed_hosts):
            return 403, (f"Host {host!r} is not a local name; the Headroom proxy only answers "
                         "requests addressed to localhost or an IP address")
        if length is not None and length.isdigit() and int(length) > self.max_body_bytes:
            return 413, str(BodyTooLarge(self.max_body_bytes))
        return None


async def read_body(request: Request, limit: int) -> bytes:
    """The whole request body, refusing to hold more than `limit` bytes (chunked uploads)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)
