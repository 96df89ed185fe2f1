"""The upstream HTTP client: where each request goes and how transport failures are reported.

One pooled `httpx.AsyncClient`, created lazily inside the serving event loop (connection pools
are bound to the loop that uses them) and closed with the app. Responses are always opened in
streaming mode; callers decide whether to forward chunks or read the whole body.
"""

from __future__ import annotations

from collections.abc import Sequence
from http.cookiejar import CookieJar, DefaultCookiePolicy
from urllib.parse import urlsplit

import httpx2 as httpx

from engine.config import Settings
from engine.proxy.errors import Api, UpstreamUnavailable
from engine.proxy.transport import UpstreamTransport

_ANTHROPIC_PATHS = ("/v1/messages", "/v1/complete")


def api_for(path: str, headers: Sequence[tuple[bytes, bytes]]) -> Api:
    """Which family a request belongs to: Anthropic paths, or Anthropic's own headers."""
    if path.startswith(_ANTHROPIC_PATHS):
        return Api.ANTHROPIC
    for name, _ in headers:
        if name.lower() in (b"anthropic-version", b"x-api-key"):
            return Api.ANTHROPIC
    return Api.OPENAI


class Upstream:
    def __init__(self, openai_base: str, anthropic_base: str, timeout_seconds: float,
                 transport: httpx.AsyncBaseTransport | None = None):
        self.openai_base = openai_base.rstrip("/")
        self.anthropic_base = anthropic_base.rstrip("/")
        self._timeout = httpx.Timeout(timeout_seconds, connect=min(timeout_seconds, 30.0))
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._urls: dict[str, httpx.URL] = {}

    @classmethod
    def from_settings(cls, settings: Settings,
                      transport: httpx.AsyncBaseTransport | None = None) -> Upstream:
        return cls(settings.openai_upstream, settings.anthropic_upstream,
                   settings.upstream_timeout_seconds, transport)

    def url(self, api: Api, path: str, query: str = "") -> str:
        """Client paths carry `/v1`; the OpenAI base includes it, the Anthropic base does not."""
        if api is Api.ANTHROPIC:
            url = self.anthropic_base + path
        elif path == "/v1" or path.startswith("/v1/"):
            url = self.openai_base + path[3:]
        else:
            parts = urlsplit(self.openai_base)
            url = f"{parts.scheme}://{parts.netloc}{path}"
        return f"{url}?{query}" if query else url

    def _parsed(self, url: str) -> httpx.URL:
        """URL parsing is a visible share of httpx's per-request cost; targets repeat."""
        parsed = self._urls.get(url)
        if parsed is None:
            if len(self._urls) >= 1024:
                self._urls.clear()
            parsed = self._urls[url] = httpx.URL(url)
        return parsed

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            limits = httpx.Limits(max_connections=512, max_keepalive_connections=128)
            self._client = httpx.AsyncClient(
                timeout=self._timeout, transport=self._transport or UpstreamTransport(limits),
                follow_redirects=False, limits=limits, trust_env=False, cookies=_no_cookies())
        return self._client

    async def open(self, method: str, url: str, headers: list[tuple[str, str]],
                   content: bytes) -> httpx.Response:
        """Send and return once the status line and headers arrived (body still unread)."""
        request = self.client.build_request(method, self._parsed(url), headers=headers,
                                            content=content)
        try:
            return await self.client.send(request, stream=True)
        except httpx.TimeoutException as err:
            raise UpstreamUnavailable(504, f"upstream {_origin(url)} timed out: {err!r}") from err
        except httpx.TransportError as err:
            raise UpstreamUnavailable(
                502, f"cannot reach upstream {_origin(url)}: {err!r}") from err

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


def _no_cookies() -> CookieJar:
    """The proxy serves many clients over one pool: a cookie one upstream response sets must not
    ride along with another client's requests (clients' own Cookie headers still pass)."""
    return CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
