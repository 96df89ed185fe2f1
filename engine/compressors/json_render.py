"""Finds the arrays worth re-encoding in a JSON document and renders the compressed text.

The output is the minified document with each large array replaced by a short placeholder, then
one section per array: a title line, the table header (constants, templates, column names) and
one row per kept item, then the omission notice when items were dropped. A document that is
itself one array is rendered as that section alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from engine.compressors.json_table import TableSpec, build_spec, flatten, minify
from engine.tokens import TokenCounter

MAX_DEPTH = 32
MAX_SECTIONS = 50
MIN_SCALAR_ITEMS = 20
SAMPLE_ROWS = 30
Path = tuple[str | int, ...]


@dataclass
class Section:
    """One array being re-encoded; `keep`/`notice` are set when the selection is lossy."""

    path: Path
    items: list[Any]
    minified: list[str]
    records: list[dict[str, Any]]
    spec: TableSpec | None
    rows: list[str]
    costs: list[float]
    est_tokens: float
    json_chars_per_token: float
    keep: tuple[int, ...] | None = None
    notice: str = ""
    name: str = field(init=False)

    def __post_init__(self) -> None:
        self.name = path_name(self.path)


def path_name(path: Path) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


def find_sections(doc: Any, counter: TokenCounter) -> list[Section]:
    return [_section(path, items, counter) for path, items in _arrays(doc)]


def _arrays(doc: Any) -> list[tuple[Path, list[Any]]]:
    """Outermost arrays of >= 2 objects (or >= 20 values), depth-first in document order."""
    found: list[tuple[Path, list[Any]]] = []
    stack: list[tuple[Path, Any]] = [((), doc)]
    while stack and len(found) < MAX_SECTIONS:
        path, node = stack.pop()
        if len(path) > MAX_DEPTH:
            continue
        if isinstance(node, list):
            if _is_candidate(node):
                found.append((path, node))
            else:
                stack.extend(((*path, i), v) for i, v in reversed(list(enumerate(node))))
        elif isinstance(node, dict):
            stack.extend(((*path, k), v) for k, v in reversed(list(node.items())))
    return found


def _is_candidate(node: list[Any]) -> bool:
    if len(node) >= MIN_SCALAR_ITEMS:
        return True
    return len(node) >= 2 and all(isinstance(v, dict) for v in node)


def _sample(n: int) -> list[int]:
    step = max(1, n // SAMPLE_ROWS)
    return list(range(0, n, step))[:SAMPLE_ROWS]


def _section(path: Path, items: list[Any], counter: TokenCounter) -> Section:
    minified = [minify(it) for it in items]
    sample = _sample(len(items))
    json_tokens = max(1, counter.count("\n".join(minified[i] for i in sample)))
    json_cpt = sum(len(minified[i]) + 1 for i in sample) / json_tokens
    spec, records = _choose_table(items, sample, counter, json_tokens)
    if spec is None:
        rows = minified
        records = [it if isinstance(it, dict) else {"value": it} for it in items]
        cpt = json_cpt
    else:
        rows = [spec.row(r) for r in records]
        table_tokens = max(1, counter.count("\n".join(rows[i] for i in sample)))
        cpt = sum(len(rows[i]) + 1 for i in sample) / table_tokens
    costs = [(len(r) + 1) / cpt for r in rows]
    header = sum(len(h) for h in spec.header_lines()) / cpt if spec else 0.0
    return Section(path, items, minified, records, spec, rows, costs, sum(costs) + header, json_cpt)


def _choose_table(items: list[Any], sample: list[int], counter: TokenCounter,
                  json_tokens: int) -> tuple[TableSpec | None, list[dict[str, Any]]]:
    """Flat (dotted columns) or nested (JSON cells) table, whichever is smaller in tokens on a
    sample; None when neither beats one minified item per line."""
    if not all(isinstance(it, dict) for it in items):
        return None, []
    best: tuple[int, bool] | None = None
    for nested in (False, True):
        recs = [flatten(items[i], nested) for i in sample]
        if any(r is None for r in recs):
            continue
        spec = build_spec([r for r in recs if r is not None], nested)
        text = "\n".join([*spec.header_lines(), *(spec.row(r) for r in recs if r is not None)])
        tokens = counter.count(text)
        if best is None or tokens < best[0]:
            best = (tokens, nested)
    if best is None or best[0] >= json_tokens:
        return None, []
    return _full_table(items, best[1])


def _full_table(items: list[Any], nested: bool) -> tuple[TableSpec | None, list[dict[str, Any]]]:
    records = [flatten(it, nested) for it in items]
    if any(r is None for r in records):
        records = [flatten(it, True) for it in items]
        nested = True
    full = [r for r in records if r is not None]
    return build_spec(full, nested), full


def render_document(doc: Any, sections: list[Section]) -> str:
    if not sections:
        return minify(doc)
    if len(sections) == 1 and not sections[0].path:
        return render_section(sections[0])
    skeleton = doc
    for s in sections:
        skeleton = _replace(skeleton, s.path, f"<table {s.name}: {len(s.items):,} items below>")
    return "\n\n".join([minify(skeleton), *map(render_section, sections)])


def _replace(node: Any, path: Path, value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    copy: Any = dict(node) if isinstance(node, dict) else list(node)
    copy[head] = _replace(node[head], rest, value)
    return copy


def render_section(s: Section) -> str:
    n = len(s.items)
    label = f"{s.name}: " if s.name else ""
    indexed = s.keep is not None
    if s.spec is None:
        title = f"{label}{n:,} items, one JSON value per line"
        lines = [title + (" (prefixed by its index)" if indexed else "")]
        fmt: Callable[[int], str] = (lambda i: f"{i} {s.rows[i]}") if indexed \
            else (lambda i: s.rows[i])
    else:
        dotted = "" if s.spec.nested else "; column a.b = field b of object a"
        lines = [f"{label}{n:,} items as CSV rows (\"quoted\"/[..]/{{..}} cells are JSON, "
                 f"empty cell = field absent{dotted})", *s.spec.header_lines()]
        if indexed:
            lines[-1] = "#," + lines[-1]
        fmt = (lambda i: f"{i},{s.rows[i]}") if indexed else (lambda i: s.rows[i])
    keep = s.keep if s.keep is not None else range(n)
    lines.extend(fmt(i) for i in keep)
    if s.notice:
        lines.append(s.notice)
    return "\n".join(lines)
