"""Content-addressed CCR keys with a versioned prefix, so the scheme can evolve detectably."""

from __future__ import annotations

import hashlib

KEY_PREFIX = "b2:"


def ccr_key(content: str) -> str:
    digest = hashlib.blake2b(content.encode("utf-8", "surrogatepass"), digest_size=12)
    return KEY_PREFIX + digest.hexdigest()


def is_ccr_key(value: str) -> bool:
    rest = value[len(KEY_PREFIX):]
    return value.startswith(KEY_PREFIX) and len(rest) == 24 and all(
        c in "0123456789abcdef" for c in rest)
