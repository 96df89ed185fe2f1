"""Lossy selection of array items under a token budget.

Used only when the lossless table is still too big. Some items are never dropped: items that
carry an error signal, numeric outliers, rare categorical values, items relevant to the query,
and the first and last few. The rest of the budget goes to an evenly spread sample so the model
still sees the array's typical shape. Every decision is deterministic.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.relevance import ItemScorer, match_items

_ERROR_KEYS = frozenset({"error", "errors", "exception", "err", "failure", "fault", "error_message",
                         "errormessage", "stderr", "traceback"})
_STATUS_KEYS = frozenset({"status", "state", "conclusion", "result", "outcome", "level",
                          "severity", "type", "kind", "event", "status_code", "statuscode",
                          "http_status", "code", "response_code"})
_MESSAGE_KEYS = frozenset({"message", "msg", "reason", "detail", "details", "description"})
_OK_FALSE_KEYS = frozenset({"ok", "success", "succeeded", "passed"})
_FAIL_WORDS = ("fail", "error", "errored", "fatal", "denied", "rejected", "forbidden",
               "unauthorized", "exception", "crash", "abort", "timeout", "timed_out", "critical",
               "panic")
_FAIL_MESSAGE = re.compile(
    r"^\s*(?:error|fatal|exception|traceback|failed|failure|denied|forbidden|panic)\b|"
    r"\w(?:Error|Exception):|Traceback \(most recent|permission denied|access denied", re.I)
_ID_NAME = re.compile(r"(?:^|[._])(?:id|number|sha|uid|uuid|index|idx)$|Id$", re.I)
OUTLIER_SIGMA = 2.0
MAX_OUTLIERS_PER_FIELD = 5


@dataclass(frozen=True)
class Selection:
    keep: tuple[int, ...]
    kept: dict[str, int]


def is_error(record: dict[str, Any]) -> bool:
    """Field-aware: a non-empty `error` value, a failing status or an error-like message; the
    mere presence of a key named `error` (null, false, empty) is not an error."""
    return any(_field_error(_kind(key.lower()), value) for key, value in record.items())


def error_items(records: Sequence[dict[str, Any]]) -> list[int]:
    """`is_error` over many records sharing keys: each key is classified once."""
    kinds: dict[str, str | None] = {}
    out = []
    for i, rec in enumerate(records):
        for key, value in rec.items():
            kind = kinds[key] if key in kinds else kinds.setdefault(key, _kind(key.lower()))
            if kind is not None and _field_error(kind, value):
                out.append(i)
                break
    return out


def _kind(key: str) -> str | None:
    parents, _, name = key.rpartition(".")
    if name in _ERROR_KEYS or (parents and not _ERROR_KEYS.isdisjoint(parents.split("."))):
        return "error"
    for kind, names in (("ok", _OK_FALSE_KEYS), ("status", _STATUS_KEYS),
                        ("message", _MESSAGE_KEYS)):
        if name in names:
            return kind
    return None


def _field_error(kind: str | None, value: Any) -> bool:
    if kind == "error":
        return value not in (None, False, "", 0, [], {}) and not isinstance(value, bool)
    if kind == "ok":
        return value is False
    if kind == "status":
        if isinstance(value, int) and not isinstance(value, bool):
            return 400 <= value <= 599
        return isinstance(value, str) and len(value) < 40 and _failing_word(value.lower())
    if kind == "message" and isinstance(value, str):
        return bool(_FAIL_MESSAGE.search(value[:300]))
    return False


def _failing_word(value: str) -> bool:
    if value.isdigit():
        return 400 <= int(value) <= 599
    return value.startswith(_FAIL_WORDS) or value.endswith(("failed", "failure", "error"))


def numeric_outliers(records: Sequence[dict[str, Any]]) -> list[int]:
    """Per numeric field, items beyond 2 robust sigmas (median/MAD, on log scale for skewed
    non-negative fields); identifier-like fields are skipped; at most a few per field."""
    found: set[int] = set()
    for key in _numeric_fields(records):
        idx = [i for i, r in enumerate(records) if _is_number(r.get(key))]
        values = np.array([float(records[i][key]) for i in idx])
        found.update(idx[j] for j in _robust_outliers(values))
    return sorted(found)


def _numeric_fields(records: Sequence[dict[str, Any]]) -> list[str]:
    seen: dict[str, int] = {}
    for rec in records:
        for key, value in rec.items():
            if _is_number(value):
                seen[key] = seen.get(key, 0) + 1
    return [k for k, c in seen.items() if c >= 8 and not _ID_NAME.search(k)]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _robust_outliers(values: np.ndarray[Any, np.dtype[np.float64]]) -> list[int]:
    if values.min() >= 0 and values.max() > 10 * max(float(np.median(values)), 1.0):
        values = np.log1p(values)
    med = float(np.median(values))
    dev = np.abs(values - med)
    sigma = 1.4826 * float(np.median(dev))
    if sigma == 0:
        sigma = 1.2533 * float(dev.mean())
    if sigma == 0:
        return []
    z = dev / sigma
    order = np.argsort(-z, kind="stable")
    return [int(i) for i in order[:MAX_OUTLIERS_PER_FIELD] if z[i] > OUTLIER_SIGMA]


def rare_values(records: Sequence[dict[str, Any]], cap: int = 10) -> list[int]:
    """The first item of each rare value of a low-cardinality field: a value at least ten times
    rarer than the field's typical value (the one closed PR among open ones, the tag among
    branch refs, the one database host among web hosts); at most `cap` items."""
    n = len(records)
    if n < 10:
        return []
    by_field: dict[str, dict[Any, list[int]]] = {}
    for i, rec in enumerate(records):
        for key, value in rec.items():
            if isinstance(value, bool) or (isinstance(value, str) and len(value) <= 40):
                by_field.setdefault(key, {}).setdefault(value, []).append(i)
    limit = max(1, n // 20)
    found: set[int] = set()
    for values in by_field.values():
        if len(values) < 2 or len(values) > max(5, n // 20):
            continue
        typical = sum(len(idx) for idx in values.values()) / len(values)
        found.update(idx[0] for idx in values.values()
                     if len(idx) <= min(limit, typical / 10))
    return sorted(found)[:cap]


@dataclass(frozen=True)
class Budget:
    tokens: int
    first: int = 3
    last: int = 2


def select(items: Sequence[Any], texts: Sequence[str], records: Sequence[dict[str, Any]],
           costs: Sequence[float], budget: Budget, query: str,
           scorer: ItemScorer | None = None) -> Selection:
    """Must-keep items first (whatever their cost), then a spread sample while budget lasts."""
    n = len(items)
    groups: list[tuple[str, list[int]]] = [
        ("errors", error_items(records)),
        ("outliers", numeric_outliers(records)),
        ("rare values", rare_values(records)),
    ]
    if query.strip():
        match = match_items(query, items, texts, scorer)
        groups.append((f'matching "{match.label}"', list(match.indices)))
    groups.append(("first", list(range(min(budget.first, n)))))
    groups.append(("last", list(range(max(0, n - budget.last), n))))
    keep: dict[int, None] = {}
    kept: dict[str, int] = {}
    for label, idx in groups:
        new = [i for i in idx if i not in keep]
        kept[label] = len(new)
        keep.update(dict.fromkeys(new))
    spent = sum(costs[i] for i in keep)
    sampled = 0
    for i in _spread(n):
        if spent >= budget.tokens:
            break
        if i not in keep and spent + costs[i] <= budget.tokens:
            keep[i] = None
            spent += costs[i]
            sampled += 1
    kept["sampled"] = sampled
    return Selection(tuple(sorted(keep)), kept)


def _spread(n: int) -> list[int]:
    """All indices ordered so that every prefix is spread evenly over the array (van der Corput
    order of the positions), so the sample is diverse in position whatever the budget."""
    if n == 0:
        return []
    bits = max(1, (n - 1).bit_length())
    order = []
    for k in range(1 << bits):
        rev = int(format(k, f"0{bits}b")[::-1], 2)
        if rev < n:
            order.append(rev)
    return order
