"""Errors the proxy itself produces, in the calling provider's own error JSON, so SDKs raise
their usual exception types with a readable message (upstream errors pass through untouched)."""

from __future__ import annotations

from enum import StrEnum

import orjson
from starlette.responses import Response


class Api(StrEnum):
    """The two upstream families: where a request goes and how its errors look."""

    OPENAI = "openai"
    ANTHROPIC = "anthropic"


_ANTHROPIC_TYPES = {
    400: "invalid_request_error", 403: "permission_error", 404: "not_found_error",
    413: "request_too_large", 502: "api_error", 504: "timeout_error",
}
_OPENAI_TYPES = {
    400: "invalid_request_error", 403: "permission_error", 404: "not_found_error",
    413: "invalid_request_error", 502: "upstream_error", 504: "timeout",
}


def error_body(api: Api, status: int, message: str) -> bytes:
    if api is Api.ANTHROPIC:
        kind = _ANTHROPIC_TYPES.get(status, "api_error")
        return orjson.dumps({"type": "error", "error": {"type": kind, "message": message}})
    kind = _OPENAI_TYPES.get(status, "api_error")
    return orjson.dumps({"error": {"message": message, "type": kind, "param": None,
                                   "code": f"headroom_{status}"}})


def error_response(api: Api, status: int, message: str,
                   headers: dict[str, str] | None = None) -> Response:
    return Response(error_body(api, status, message), status_code=status,
                    media_type="application/json", headers=headers)


class UpstreamUnavailable(Exception):
    """The upstream could not be reached (502) or did not answer in time (504)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message
