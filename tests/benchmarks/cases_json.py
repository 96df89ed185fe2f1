"""Benchmark cases for SmartCrusher: the octokit.rb cassettes (real GitHub REST responses) and
tau-bench airline tool outputs, each with a query built from a real value in the data (a login,
a ref name, a hook or tag name, a flight number).

Survival metrics per case: `query_items_visible` (every item holding the query value is shown
in the output), `anomaly_items_visible` (the error items, the extreme numeric item, the rare
category items), `recoverable` (every original item comes back through the CCR store). Arrays of
at least 50 items carry the 80% savings target.

    python -m tests.benchmarks.compression --kind json
    python -m tests.benchmarks.cases_json      (time per array size, 1k to 20k items)
"""

from __future__ import annotations

import json
import re
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.compressors.base import ContentMeta, ContentType, Detection
from engine.compressors.json_crusher import SmartCrusher
from engine.tokens import count_tokens
from tests.benchmarks.case import Case, Retrieve
from tests.engine.compressors.json_corpus import (
    CASSETTES,
    TAU_AIRLINE,
    cassette_body,
    tau_tool_outputs,
)

MIN_ITEMS_FOR_TARGET = 50
_KEY = re.compile(r'headroom_retrieve\(key="(b2:[0-9a-f]{24})"')
_ROW_INDEX = re.compile(r"^(\d+)[, ]", re.M)

# cassette file stem -> (field holding the query value, position of the item it is taken from)
QUERY_FIELDS = {
    "returns_all_refs": ("ref", 417),
    "returns_repository_contributors": ("login", 211),
    "returns_all_the_hooks_supported_by_GitHub_with_their_parameters": ("name", 97),
    "returns_a_repository_s_tags": ("name", 41),
    "returns_all_commits": ("author.login", 17),
    "returns_issues_for_a_repository": ("user.login", 12),
    "lists_all_pull_requests": ("user.login", 3),
    "returns_all_repository_stargazers": ("login", 21),
    "searches_repositories": ("full_name", 13),
    "searches_issues": ("number", 7),
    "searches_users": ("login", 19),
    "searches_code": ("name", 4),
}


@dataclass(frozen=True)
class Expect:
    """Which items must be visible: by query value, and anomalies (errors, extremes, rare)."""

    items: list[Any]
    query_items: list[int]
    anomalies: list[int] = field(default_factory=list)


def dig(item: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        item = item.get(part) if isinstance(item, dict) else None
    return item


def holds(value: Any, needle: str) -> bool:
    if isinstance(value, dict):
        return any(holds(v, needle) for v in value.values())
    if isinstance(value, list):
        return any(holds(v, needle) for v in value)
    return value is not None and str(value).lower() == needle.lower()


def shown_rows(output: str, n: int) -> set[int]:
    """Item positions visible in SmartCrusher's output: all of them when nothing was omitted,
    else the indexed rows."""
    if not _KEY.search(output):
        return set(range(n))
    return {int(m) for m in _ROW_INDEX.findall(output) if int(m) < n}


def recovered(output: str, items: list[Any], retrieve: Retrieve) -> float:
    match = _KEY.search(output)
    if not match:
        return 1.0
    lines = set(retrieve(match.group(1), None).splitlines())
    wanted = [json.dumps(it, separators=(",", ":"), ensure_ascii=False) for it in items]
    return sum(1 for w in wanted if w in lines) / len(wanted)


def survival(expect: Expect) -> tuple[Callable[[str], list[str]],
                                      Callable[[str, Retrieve], dict[str, float]]]:
    n = len(expect.items)

    def check(output: str) -> list[str]:
        shown = shown_rows(output, n)
        lost = [f"query item #{i} not visible" for i in expect.query_items if i not in shown]
        return lost + [f"anomaly item #{i} not visible" for i in expect.anomalies
                       if i not in shown]

    def metrics(output: str, retrieve: Retrieve) -> dict[str, float]:
        shown = shown_rows(output, n)
        out = {"recoverable": recovered(output, expect.items, retrieve)}
        if expect.query_items:
            out["query_items_visible"] = _share(expect.query_items, shown)
        if expect.anomalies:
            out["anomaly_items_visible"] = _share(expect.anomalies, shown)
        return out

    return check, metrics


def _share(wanted: list[int], shown: set[int]) -> float:
    return sum(1 for i in wanted if i in shown) / len(wanted)


def anomalies(items: list[Any]) -> list[int]:
    """Independent of the compressor: the item with the most contributions / stars / comments,
    and items whose `state` or `object.type` value is held by under 5% of items."""
    found: set[int] = set()
    for name in ("contributions", "stargazers_count", "comments"):
        values = [(dig(it, name), i) for i, it in enumerate(items)]
        numeric = [(v, i) for v, i in values if isinstance(v, int)]
        if len(numeric) >= 10:
            found.add(max(numeric, key=lambda p: (p[0], -p[1]))[1])
    for name in ("state", "object.type"):
        counts: dict[Any, list[int]] = {}
        for i, it in enumerate(items):
            counts.setdefault(dig(it, name), []).append(i)
        if len(counts) > 1:
            found.update(idx[0] for idx in counts.values() if len(idx) < 0.05 * len(items))
    return sorted(found)


def octokit_cases(corpus: Path) -> Iterable[Case]:
    for path in sorted((corpus / CASSETTES).rglob("*.json")):
        content = cassette_body(path)
        doc = json.loads(content)
        items = doc["items"] if isinstance(doc, dict) else doc
        name, at = QUERY_FIELDS.get(path.stem, ("id", 0))
        value = str(dig(items[min(at, len(items) - 1)], name))
        expect = Expect(items, [i for i, it in enumerate(items) if holds(it, value)],
                        anomalies(items))
        check, metrics = survival(expect)
        yield Case(name=f"octokit/{path.stem}", content=content, check=check,
                   corpus="octokit-rb-cassettes", query=f"what about {value}?",
                   min_savings=0.8 if len(items) >= MIN_ITEMS_FOR_TARGET else None,
                   metrics=metrics)


def octokit_error_case(corpus: Path) -> Case:
    """The refs listing with a few items turned into failures, to measure error survival on
    real data (the cassettes themselves hold no failing item)."""
    items = json.loads(cassette_body(corpus / CASSETTES / "Octokit_Client_Refs/_refs/"
                                     "returns_all_refs.json"))
    for at, patch in ((123, {"error": "object not found"}), (456, {"status": 502}),
                      (789, {"state": "failed"})):
        items[at] = {**items[at], **patch}
    expect = Expect(items, [], [123, 456, 789])
    check, metrics = survival(expect)
    return Case(name="octokit/refs_with_injected_errors", content=json.dumps(items),
                check=check, corpus="octokit-rb-cassettes", min_savings=0.8, metrics=metrics)


def tau_cases(corpus: Path) -> Iterable[Case]:
    """Distinct flight-search outputs (queried by a flight number they list), plus every flight
    seen across them as one array, as a 'list flights' tool would return it."""
    seen: dict[str, tuple[str, str]] = {}
    flights: dict[str, Any] = {}
    for tool, args, output in tau_tool_outputs(corpus / TAU_AIRLINE):
        if tool.startswith("search_") and output.startswith(("[{", "[[{")) and output not in seen:
            seen[output] = (tool, args)
            for flight in _flat_flights(json.loads(output)):
                flights.setdefault(flight["flight_number"] + flight.get("date", ""), flight)
    for n, (output, (tool, args)) in enumerate(seen.items()):
        items = json.loads(output)
        flat = _flat_flights(items)
        number = flat[len(flat) // 2]["flight_number"]
        check, metrics = survival(Expect(items, [i for i, it in enumerate(items)
                                                 if holds(it, number)]))
        yield Case(name=f"tau/{tool}#{n}", content=output, check=check, corpus="tau-bench",
                   query=f"book {number}", tool_name=tool, tool_arguments=args, metrics=metrics)
    every = list(flights.values())
    number = every[len(every) // 3]["flight_number"]
    check, metrics = survival(Expect(every, [i for i, f in enumerate(every)
                                             if holds(f, number)]))
    yield Case(name="tau/all_flights_seen", content=json.dumps(every), check=check,
               corpus="tau-bench", query=f"is {number} still available?",
               min_savings=0.8 if len(every) >= MIN_ITEMS_FOR_TARGET else None, metrics=metrics)


def _flat_flights(items: list[Any]) -> list[dict[str, Any]]:
    """Direct searches list flights; one-stop searches list [leg, leg] pairs."""
    out: list[dict[str, Any]] = []
    for it in items:
        out.extend(it if isinstance(it, list) else [it])
    return out


def cases(corpus: Path) -> Iterable[Case]:
    yield from octokit_cases(corpus)
    yield octokit_error_case(corpus)
    yield from tau_cases(corpus)


def flights(n: int) -> list[dict[str, Any]]:
    """Synthetic flight-search items (~35 o200k tokens each when minified)."""
    return [{"flight_number": f"HAT{i % 1000:03d}", "origin": ("JFK", "SEA", "LAX", "ORD")[i % 4],
             "destination": ("ATL", "DFW", "MIA")[i % 3],
             "status": "cancelled" if i % 40 == 0 else "available",
             "departure": f"{i % 24:02d}:{i * 7 % 60:02d}",
             "prices": {"economy": 120 + i * 37 % 150, "business": 300 + i * 7 % 500},
             "seats": i * 13 % 20} for i in range(n)]


def scaling(sizes: Iterable[int] = (1_000, 2_000, 5_000, 10_000, 20_000),
            repeat: int = 9) -> None:
    """Median SmartCrusher time per array size, with and without a query (the ≤ 50 ms at
    1,000 items target and the linear-growth check)."""
    crusher = SmartCrusher()
    for size in sizes:
        content = json.dumps(flights(size), separators=(",", ":"))
        tokens = count_tokens(content)
        for query in ("", "is HAT123 from JFK still available?"):
            meta = ContentMeta(Detection(ContentType.JSON), query=query)
            crusher.compress(content, meta)
            times = []
            for _ in range(repeat if size <= 2_000 else 3):
                start = time.perf_counter()
                out = crusher.compress(content, meta)
                times.append((time.perf_counter() - start) * 1000)
            print(f"{size:>6,} items {tokens:>9,} tokens  query={bool(query)!s:5} "
                  f"median {statistics.median(times):7.1f} ms  -> "
                  f"{count_tokens(out.text):,} tokens")


if __name__ == "__main__":
    scaling()
