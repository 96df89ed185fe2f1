"""How numbers read in the app: thousands separators, percentages without decimals unless under
10, compact token counts (2.1M) for headlines, dollars with cents (or more digits when tiny)."""

from __future__ import annotations

import datetime as dt


def count(n: int | None) -> str:
    return "" if n is None else f"{n:,}"


def compact(n: int | float | None) -> str:
    if n is None:
        return ""
    value = float(n)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            scaled = value / limit
            return f"{scaled:.1f}{suffix}" if abs(scaled) < 100 else f"{scaled:.0f}{suffix}"
    return f"{value:,.0f}"


def percent(fraction: float | None) -> str:
    if fraction is None:
        return ""
    pct = fraction * 100
    if pct == 0:
        return "0%"
    return f"{pct:.1f}%" if abs(round(pct, 1)) < 10 else f"{pct:.0f}%"


def dollars(value: float | None) -> str:
    if value is None:
        return ""
    if value == 0:
        return "$0"
    if abs(value) < 0.01:
        return f"${value:.4f}"
    return f"${value:,.2f}"


def millis(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}"


def clock(epoch: float) -> str:
    """Time of day for today's rows, date and time for older ones."""
    when = dt.datetime.fromtimestamp(epoch)
    if when.date() == dt.date.today():
        return when.strftime("%H:%M:%S")
    return when.strftime("%Y-%m-%d %H:%M")


def saved_fraction(before: int, after: int) -> float | None:
    if before <= 0:
        return None
    return max(0.0, (before - after) / before)


def ago(epoch: float | None, now: float | None = None) -> str:
    """How long ago, coarse enough to stay true between refreshes: "just now", "5 min ago"."""
    if epoch is None:
        return ""
    seconds = max(0.0, (dt.datetime.now().timestamp() if now is None else now) - epoch)
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86_400:
        return f"{int(seconds // 3600)} h ago"
    return f"{int(seconds // 86_400)} d ago"
