"""The wording of omission notices, shared by every compressor so the model sees one format:
what was omitted, in its unit, what was kept, and the call that brings it back."""

from __future__ import annotations

RETRIEVE_TOOL = "headroom_retrieve"


def retrieve_call(key: str) -> str:
    return f'{RETRIEVE_TOOL}(key="{key}", query="...")'


def omission_notice(omitted: int, total: int, unit: str, key: str,
                    kept: dict[str, int] | None = None) -> str:
    """e.g. `[1,980 of 2,000 items omitted (kept: 3 errors, first 3) — headroom_retrieve(...)]`"""
    kept_text = ", ".join(f"{n:,} {what}" for what, n in (kept or {}).items() if n)
    kept_part = f" (kept: {kept_text})" if kept_text else ""
    return f"[{omitted:,} of {total:,} {unit} omitted{kept_part} — {retrieve_call(key)}]"
