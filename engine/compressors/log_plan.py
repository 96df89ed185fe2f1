"""Deciding, line by line, what a compressed log keeps verbatim and what it folds.

Kept: every distinct error message (first occurrence; repeats counted with first/last time),
every stack trace with a few lines of context (exact repeats and frame cycles folded and
stated), one verbatim example per warning template, lines matching the query, the first and
last lines. Everything else is counted per template; nothing is dropped without a note."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.compressors.log_lines import Severity, body, message_key, severities, timestamp
from engine.compressors.log_templates import Template, TemplateMiner, mask
from engine.compressors.log_traces import Trace, find_folds, find_traces

_HEAD_LINES = 2
_TAIL_LINES = 3
_MAX_QUERY_LINES = 20
_MAX_CONTINUATION = 8
_REPEATED_ERROR = "repeats of errors shown above"
_ERROR_BUDGET = 0.12
_FAMILY_KEEP = 4


@dataclass
class Repeats:
    """An error message seen more than once: where first kept, how often, when."""

    first: int
    count: int = 1
    first_ts: str | None = None
    last_ts: str | None = None


@dataclass
class Plan:
    lines: list[str]
    templates: list[Template]
    template_of: list[Template]
    severities: list[Severity]
    keep: list[bool]
    gap_labels: dict[int, str] = field(default_factory=dict)
    notes_after: dict[int, str] = field(default_factory=dict)
    error_lines: int = 0
    distinct_errors: int = 0
    trace_count: int = 0
    warn_examples: int = 0
    folded_errors: int = 0

    @property
    def kept(self) -> int:
        return sum(self.keep)


def build_plan(lines: list[str], query_terms: tuple[str, ...] = ()) -> Plan:
    bodies = [body(line) for line in lines]
    masked = [mask(b) for b in bodies]
    miner = TemplateMiner()
    template_of = [miner.add_masked(i, m) for i, m in enumerate(masked)]
    plan = Plan(lines=lines, templates=miner.templates, template_of=template_of,
                severities=severities(lines, masked), keep=[False] * len(lines))
    _keep_edges(plan)
    _keep_traces(plan, bodies)
    _keep_errors(plan, bodies)
    _keep_warn_examples(plan)
    _keep_query_matches(plan, query_terms)
    return plan


def _keep_edges(plan: Plan) -> None:
    n = len(plan.lines)
    for i in [*range(min(_HEAD_LINES, n)), *range(max(0, n - _TAIL_LINES), n)]:
        plan.keep[i] = True


def _keep_traces(plan: Plan, bodies: list[str]) -> None:
    """Keep each distinct trace with its context; fold exact repeats and frame cycles."""
    seen: dict[tuple[str, ...], tuple[Trace, list[int]]] = {}
    for trace in find_traces(bodies):
        frames = tuple(bodies[trace.start:trace.end])
        if frames in seen:
            first, starts = seen[frames]
            starts.append(trace.start)
            for i in range(trace.start, trace.end):
                plan.gap_labels[i] = f"repeat of the stack trace at line {first.start + 1}"
            continue
        seen[frames] = (trace, [trace.start])
        plan.trace_count += 1
        for i in range(trace.context_start, trace.context_end):
            plan.keep[i] = True
        _fold_cycles(plan, bodies, trace.start, trace.end)
    for trace, starts in seen.values():
        if len(starts) > 1:
            where = ", ".join(str(s + 1) for s in starts[:6]) + (", …" if len(starts) > 6 else "")
            plan.notes_after[trace.end - 1] = (
                f"[↑ this stack trace occurs {len(starts)}× in all (lines {where}); "
                "repeats omitted]")


def _fold_cycles(plan: Plan, bodies: list[str], start: int, end: int) -> None:
    for fold in find_folds(bodies, start, end):
        label = (f"[… previous {fold.period} line{'s' if fold.period > 1 else ''} "
                 f"repeated {fold.repeats} more time{'s' if fold.repeats > 1 else ''}]")
        for i in range(fold.start, fold.end):
            plan.keep[i] = False
            plan.gap_labels[i] = label


def _keep_errors(plan: Plan, bodies: list[str]) -> None:
    """First occurrence of each distinct error message kept, with its indented continuation
    lines; exact repeats counted with first/last time."""
    repeats: dict[str, Repeats] = {}
    for i, level in enumerate(plan.severities):
        if level < Severity.ERROR or i in plan.gap_labels:
            continue
        plan.error_lines += 1
        key = message_key(bodies[i])
        ts = timestamp(plan.lines[i])
        seen = repeats.get(key)
        if seen is None:
            repeats[key] = Repeats(first=i, first_ts=ts, last_ts=ts)
            plan.keep[i] = True
            _keep_continuation(plan, bodies, i)
            continue
        seen.count += 1
        seen.last_ts = ts or seen.last_ts
        plan.gap_labels[i] = _REPEATED_ERROR
    plan.distinct_errors = len(repeats)
    _fold_variants(plan, [r.first for r in repeats.values()], bodies)
    for rep in repeats.values():
        if rep.count > 1 and plan.keep[rep.first]:
            when = (f", first {rep.first_ts}, last {rep.last_ts}"
                    if rep.first_ts and rep.last_ts and rep.first_ts != rep.last_ts else "")
            plan.notes_after[rep.first] = f"[↑ ×{rep.count:,} in all{when}]"


def _keep_continuation(plan: Plan, bodies: list[str], i: int) -> None:
    """An error's detail lines (`  symbol: ...`, `  location: ...`) are indented after it."""
    for j in range(i + 1, min(len(bodies), i + 1 + _MAX_CONTINUATION)):
        text = bodies[j]
        if not text[:1].isspace() or not text.strip() or j in plan.gap_labels:
            return
        plan.keep[j] = True


def _fold_variants(plan: Plan, firsts: list[int], bodies: list[str]) -> None:
    """When distinct errors would crowd out everything else, fold the biggest families of
    messages that differ only in numbers (same error at 60 source positions): first two and
    last kept, the rest stated as omitted."""
    budget = _ERROR_BUDGET * sum(len(line) for line in plan.lines)
    used = sum(len(plan.lines[i]) for i in firsts)
    families: dict[str, list[int]] = {}
    for i in firsts:
        families.setdefault(mask(message_key(bodies[i])), []).append(i)
    for members in sorted(families.values(), key=len, reverse=True):
        if used <= budget or len(members) <= _FAMILY_KEEP:
            return
        folded = members[2:-1]
        plan.folded_errors += len(folded)
        for i in folded:
            plan.keep[i] = False
            used -= len(plan.lines[i])
        plan.notes_after[members[-1]] = (
            f"[↑ {len(folded):,} more lines of this error with other numbers omitted, "
            f"lines {folded[0] + 1}–{folded[-1] + 1}]")


def _keep_warn_examples(plan: Plan) -> None:
    shown: set[int] = set()
    for i, level in enumerate(plan.severities):
        template = plan.template_of[i]
        if level == Severity.WARN and template.ident not in shown:
            shown.add(template.ident)
            if i not in plan.gap_labels:
                plan.keep[i] = True
                plan.warn_examples += 1


def _keep_query_matches(plan: Plan, terms: tuple[str, ...]) -> None:
    if not terms:
        return
    found = 0
    for i, line in enumerate(plan.lines):
        if not plan.keep[i] and any(term in line for term in terms):
            plan.keep[i] = True
            plan.gap_labels.pop(i, None)
            found += 1
            if found >= _MAX_QUERY_LINES:
                return
