"""Headroom's engine: everything that is not GUI. `from engine import compress` is the
one-call API (see engine.sdk.compress)."""

from engine.sdk.compress import CompressResult, compress

__all__ = ["CompressResult", "compress"]
