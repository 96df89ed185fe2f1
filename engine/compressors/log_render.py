"""Writing a log `Plan` out: kept lines in their original order, every gap stated in place
with what it held (per-template counts `200× T3`), a legend of the templates of omitted lines
(warning templates with their few varying values), and the retrievable omission notice."""

from __future__ import annotations

from collections import Counter

from engine.compressors.log_lines import Severity, body
from engine.compressors.log_plan import Plan
from engine.compressors.log_templates import WILDCARD, Template
from engine.compressors.marker import omission_notice

_GAP_TEMPLATES = 4
_MAX_VALUES = 4
_MAX_VALUE_CHARS = 48
_MAX_EXAMPLE_CHARS = 200
_OUTPUT_SHARE = 0.15


def render(plan: Plan, key: str) -> str:
    ids = _legend_ids(plan)
    out = [_header(plan)]
    out.extend(_body(plan, ids))
    used = sum(len(line) + 1 for line in out)
    room = int(_OUTPUT_SHARE * sum(len(line) + 1 for line in plan.lines)) - used
    legend = _legend(plan, ids, room)
    if legend:
        out.append("Templates of omitted lines (count × pattern, <*> = varying part):")
        out.extend(legend)
    omitted = len(plan.lines) - plan.kept
    out.append(omission_notice(omitted, len(plan.lines), "log lines", key, kept={
        "error lines": sum(1 for i, k in enumerate(plan.keep)
                           if k and plan.severities[i] == Severity.ERROR),
        "stack traces": plan.trace_count,
        "warning examples": plan.warn_examples,
    }))
    return "\n".join(out)


def _header(plan: Plan) -> str:
    shown = (f"{plan.folded_errors:,} differing only in numbers folded" if plan.folded_errors
             else "all shown")
    return (f"[log: {len(plan.lines):,} lines, {len(plan.templates):,} templates, "
            f"{plan.error_lines:,} error lines ({plan.distinct_errors:,} distinct, {shown}), "
            f"{plan.trace_count:,} distinct stack traces; omitted lines summarised in place]")


def _legend_ids(plan: Plan) -> dict[int, int]:
    """Short numbers, in order of first sight, for the templates that have omitted lines and
    recur (or are warnings); one-off lines are only counted in their gap."""
    ids: dict[int, int] = {}
    for i, kept in enumerate(plan.keep):
        template = plan.template_of[i]
        if (kept or i in plan.gap_labels or template.ident in ids
                or (template.count < 2 and plan.severities[i] < Severity.WARN)):
            continue
        ids[template.ident] = len(ids) + 1
    return ids


def _body(plan: Plan, ids: dict[int, int]) -> list[str]:
    out: list[str] = []
    i, n = 0, len(plan.lines)
    while i < n:
        if plan.keep[i]:
            out.append(plan.lines[i])
            _note(plan, i, out)
            i += 1
            continue
        j = i
        while j < n and not plan.keep[j]:
            j += 1
        out.append(_gap(plan, ids, i, j))
        for k in range(i, j):
            _note(plan, k, out)
        i = j
    return out


def _note(plan: Plan, i: int, out: list[str]) -> None:
    note = plan.notes_after.get(i)
    if note:
        out.append(note)


def _gap(plan: Plan, ids: dict[int, int], start: int, end: int) -> str:
    labels = {plan.gap_labels.get(i) for i in range(start, end)}
    if len(labels) == 1 and next(iter(labels), None) is not None:
        label = next(iter(labels))
        assert label is not None
        if label.startswith("[…"):
            return label
    parts: Counter[str] = Counter()
    others = 0
    for i in range(start, end):
        label = plan.gap_labels.get(i)
        short = ids.get(plan.template_of[i].ident)
        if label:
            parts[label] += 1
        elif short:
            parts[f"T{short}"] += 1
        else:
            others += 1
    shown = [f"{n:,}× {what}" for what, n in parts.most_common(_GAP_TEMPLATES)]
    more = len(parts) - len(shown)
    if more > 0:
        shown.append(f"{sum(n for _, n in parts.most_common()[_GAP_TEMPLATES:]):,} of "
                     f"{more} more templates")
    if others:
        shown.append(f"{others:,} other line{'s' if others > 1 else ''}")
    lines = "line" if end - start == 1 else "lines"
    return f"[… {end - start:,} {lines} omitted: {', '.join(shown)}]"


def _legend(plan: Plan, ids: dict[int, int], room: int) -> list[str]:
    """One line per template; an example under it while the output stays within its share
    of the input (warning examples are already in the body)."""
    by_ident = {t.ident: t for t in plan.templates}
    entries = []
    for ident, short in ids.items():
        template = by_ident[ident]
        level = max(plan.severities[m] for m in template.members)
        single = template.count == 1
        text = body(plan.lines[template.members[0]]) if single else template.text()
        line = f"T{short} {template.count:,}× {text}"
        if level >= Severity.WARN and not single:
            line += _values(plan, template)
        entries.append(line)
        room -= len(line) + 1
    for n, ident in enumerate(ids):
        template = by_ident[ident]
        if (template.count > 1 and room > 0 and any(WILDCARD in t for t in template.tokens)
                and max(plan.severities[m] for m in template.members) < Severity.WARN):
            example = f"\n   e.g. {_example(plan, template)}"
            entries[n] += example
            room -= len(example)
    return entries


def _example(plan: Plan, template: Template) -> str:
    text = body(plan.lines[template.members[0]])
    cut = len(text) - _MAX_EXAMPLE_CHARS
    return text if cut <= 0 else f"{text[:_MAX_EXAMPLE_CHARS]}… [+{cut:,} chars]"


def _values(plan: Plan, template: Template) -> str:
    """The varying values of a warning template, where each position has only a few."""
    shown = []
    for pos, token in enumerate(template.tokens):
        if WILDCARD not in token:
            continue
        values: dict[str, None] = {}
        for member in template.members:
            tokens = body(plan.lines[member]).split()
            if len(tokens) == len(template.tokens):
                values[tokens[pos][:_MAX_VALUE_CHARS]] = None
            if len(values) > _MAX_VALUES:
                break
        if 1 < len(values) <= _MAX_VALUES:
            shown.append("{" + "|".join(values) + "}")
    return f" — values: {' '.join(shown)}" if shown else ""
