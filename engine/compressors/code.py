"""CodeCompressor: a source file becomes its outline — imports, type definitions, class and
function signatures, decorators and the first line of each docstring or doc comment — with
function bodies elided in place by a marker naming the symbol and its line range. Bodies of
symbols named in the query context are kept whole.

Every symbol's full source (with its doc comments) is one CCR item, headed by its qualified
name, so `headroom_retrieve(key, query="Client.send")` brings that symbol back; the whole
original is stored too. Input that is binary, in an unknown language, or whose outline would
not re-parse where the original did, passes through unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.ccr.keys import ccr_key
from engine.compressors.base import CCREntry, Compressed, ContentMeta, ContentType
from engine.compressors.code_edits import apply
from engine.compressors.code_languages import SPECS, LangSpec, parser_for, resolve, resolve_how
from engine.compressors.code_numbers import apply_numbered, strip_numbers
from engine.compressors.code_outline import LineMap, Outline, OutlineBuilder
from engine.compressors.code_plan import EditPlan
from engine.compressors.marker import omission_notice
from engine.relevance import STOPWORDS, query_context, words

_MAX_RELEVANT = 12


@dataclass(frozen=True)
class CodeSettings:
    """`verify_max_bytes`: outlines of inputs up to this size are re-parsed to prove they are
    still valid code (a second parse of a larger file would not fit the time budget)."""

    min_chars: int = 2_000
    target_ratio: float = 0.24  # bytes kept; cut harder (see EditMaker.level) above it
    verify_max_bytes: int = 256_000
    one_pass_bytes: int = 512_000  # above: cut at the hardest level in one pass (time budget)


class CodeCompressor:
    name = "code"

    def __init__(self, settings: CodeSettings | None = None) -> None:
        self.settings = settings or CodeSettings()

    def score(self, content: str, meta: ContentMeta) -> float:
        """0.8 for detected code in a language we parse; 0.6 for text that a tool argument's
        file extension names as code; otherwise not ours."""
        if len(content) < self.settings.min_chars or "\x00" in content[:8192]:
            return -1.0
        kind = meta.detection.content_type
        if kind not in (ContentType.CODE, ContentType.TEXT, ContentType.MIXED):
            return -1.0
        head = content[:40_000]
        numbered = strip_numbers(head)
        if resolve(numbered.plain if numbered else head, meta) is None:
            return -1.0
        return 0.8 if kind == ContentType.CODE else 0.6

    def compress(self, content: str, meta: ContentMeta) -> Compressed:
        numbered = strip_numbers(content)
        plain = numbered.plain if numbered else content
        language, how = resolve_how(plain, meta)
        if language is None or "\x00" in content:
            return _unchanged(content, "unknown language or binary data")
        lines = numbered.lines if numbered else LineMap()
        source = plain.encode("utf-8", "surrogatepass")
        tree = parser_for(language).parse(source)
        if tree.root_node.has_error and how == "sniffed":
            return _unchanged(content, f"looks like {language} but does not parse as it")
        spec = SPECS[language]
        outline = OutlineBuilder(spec, source).build(tree.root_node)
        relevant = _relevant(outline, query_context(meta.query, meta.tool_arguments))
        start = 3 if len(source) > self.settings.one_pass_bytes else 0
        plan = EditPlan(spec, source, outline, relevant, tree.root_node, lines, start)
        if not plan.edits():
            return _unchanged(content, f"{language}: nothing to elide")
        body, removed = apply(source, plan.edits())
        while len(body) > self.settings.target_ratio * len(source) and plan.raise_level():
            body, removed = apply(source, plan.edits())
        if not tree.root_node.has_error and len(source) <= self.settings.verify_max_bytes and (
                parser_for(language).parse(body).root_node.has_error):
            return _unchanged(content, f"{language}: outline would not re-parse")
        if numbered:
            body = apply_numbered(source, plan.edits(), numbered.prefixes)
        return _result(content, body, removed, _Context(spec, outline, relevant, lines), meta)


@dataclass(frozen=True)
class _Context:
    spec: LangSpec
    outline: Outline
    relevant: set[int]
    lines: LineMap


def _unchanged(content: str, reason: str) -> Compressed:
    return Compressed(text=content, reason=reason, lossy=False)


def _relevant(outline: Outline, context: str) -> set[int]:
    """Ids of function symbols whose name or qualified name the query context mentions."""
    wanted: set[str] = set()
    for word in words(context):
        if word not in STOPWORDS and len(word) >= 3:
            wanted.add(word)
            wanted.add(word.replace("::", ".").replace("#", ".").rsplit(".", 1)[-1])
    found = [s for s in outline.symbols if s.kind == "function" and (
        s.simple_name.lower() in wanted or s.name.lower() in wanted)]
    return {id(s) for s in found[:_MAX_RELEVANT]}


def _result(content: str, body: bytes, removed: int, ctx: _Context,
            meta: ContentMeta) -> Compressed:
    key = ccr_key(content)
    functions = [s for s in ctx.outline.symbols if s.kind == "function"]
    total = content.count("\n") + 1
    kept = {"signatures": len(functions), "full bodies matching the query": len(ctx.relevant)}
    example = functions[0].name if functions else "a symbol name"
    comment = ctx.spec.line_comment
    header = (f"{comment} {omission_notice(removed, total, 'lines', key, kept)}\n"
              f"{comment} Bodies and long comments are elided in place; query a "
              f'symbol name (e.g. "{example}") for its full source.\n')
    text = _with_header(body.decode("utf-8", "surrogatepass"), header)
    rows = content.split("\n")
    items = tuple(_item(s.name, s.start_row, s.outer.end_point.row, rows, ctx.lines)
                  for s in ctx.outline.symbols) + tuple(
        _item(rows[n.start_point.row].strip()[:80], n.start_point.row, n.end_point.row, rows,
              ctx.lines)
        for n in ctx.outline.types + [literal.statement for literal in ctx.outline.literals])
    entry = CCREntry(key=key, original=content, items=items, content_type=ContentType.CODE.value,
                     tool_name=meta.tool_name)
    reason = (f"{ctx.spec.name}: {removed:,} of {total:,} lines elided, {len(functions):,} "
              f"signatures kept, {len(ctx.relevant)} bodies kept for the query")
    return Compressed(text=text, reason=reason, lossy=True, omitted=removed,
                      ccr_entries=(entry,))


def _with_header(body: str, header: str) -> str:
    """The notice goes first, after a `#!` line (which must stay the first line)."""
    if body.startswith("#!"):
        first, _, rest = body.partition("\n")
        return f"{first}\n{header}{rest}"
    return header + body


def _item(name: str, first: int, last: int, rows: list[str], lines: LineMap) -> str:
    """`Client.send (lines 120-180)` then the original lines (doc comments included): a
    symbol, a type definition or a data table."""
    body = "\n".join(rows[first:last + 1])
    return f"{name} (lines {lines.line(first)}-{lines.line(last)})\n{body}"
