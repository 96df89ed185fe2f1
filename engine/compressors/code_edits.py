"""The byte edits that turn a source file into its outline: function bodies replaced by a
marker naming the symbol and its line range, multi-line docstrings and comment runs cut to
their first line. Every replacement is valid syntax in its language (Python stays parseable:
an elided body becomes the docstring's first line plus `...`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from tree_sitter import Node

from engine.compressors.code_languages import LangSpec
from engine.compressors.code_outline import CommentRun, LineMap, Literal, Symbol

_STRING_OPEN = re.compile(r'^([rRbBuUfF]{0,2})("""|\'\'\'|"|\')')
_NEWLINES = re.compile(r"\s*\n\s*")
_OPEN_SPACE = re.compile(r"^([(\[{<|]) ")
_CLOSE_SPACE = re.compile(r",? ([)\]}>|])$")
_INNER_OPEN = re.compile(r"([({]) ")
_INNER_CLOSE = re.compile(r",? ([)}])")


def _group1(match: re.Match[str]) -> str:
    """Replacement keeping the first group (a function: `r"\\1"` templates re-parse per call)."""
    return match.group(1)
_UNSAFE_TO_JOIN = ("#", "//", "/*", '"""', "'''", "`", "\\\n")
_COMMENT_MARKS = " \t/*#!-="
_MIN_SAVING = 0.6  # elide only when the replacement is under 60% of what it replaces


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    text: bytes
    lines_removed: int
    symbol: Symbol | None = None  # set when a function body was elided


class EditMaker:
    """`level` says how hard to cut: 0 keeps first doc lines and full signatures; 1 also
    drops the docs of functions; 2 also drops Python parameter annotations; 3 also drops the
    remaining comments (but the file's first) and the symbol name from body markers."""

    def __init__(self, spec: LangSpec, source: bytes, level: int = 0,
                 lines: LineMap | None = None) -> None:
        self.spec = spec
        self.source = source
        self.level = level
        self.lines = lines or LineMap()

    def elide_body(self, symbol: Symbol) -> Edit | None:
        """Replace the body of a function with a marker, when that is clearly shorter."""
        body = symbol.node.child_by_field_name("body")
        if body is None or body.end_point.row == body.start_point.row:
            return None
        # Level 3 leaves the name to the signature right above the marker.
        name = f"{symbol.simple_name}: " if self.level < 3 else ""
        note = f"{name}lines {self._span(symbol.node, symbol.outer)}"
        if self.spec.style == "python":
            text = self._python_body(body, note)
        elif self.spec.style == "ruby":
            text = f"# {note}"
        elif body.type in ("block", "statement_block", "constructor_body") or self._braced(body):
            text = f"{{ /* {note} */ }}"
        else:
            return None
        return self._edit_if_shorter(body.start_byte, body.end_byte, text, symbol)

    def elide_literal(self, literal: Literal) -> Edit | None:
        """`[ /* 309 items, lines 1320-1352 elided */ ]`; in Python `...` (still valid)."""
        node = literal.node
        note = f"{node.named_child_count:,} items, lines {self._span(node, node)} elided"
        if self.spec.style == "python":
            line_end = self.source.find(b"\n", node.end_byte)
            rest = self.source[node.end_byte:line_end if line_end >= 0 else len(self.source)]
            text = f"...  # {note}" if not rest.strip() else "..."
        else:
            text = self._text(node)
            if text[:1] not in "[{(" or text[-1:] not in "]})":
                return None
            text = f"{text[0]} /* {note} */ {text[-1]}"
        return self._edit_if_shorter(node.start_byte, node.end_byte, text)

    def collapse_parameters(self, symbol: Symbol) -> Edit | None:
        """A parameter list spread over many lines, on one line (whitespace only)."""
        params = symbol.node.child_by_field_name("parameters")
        untype = self.level >= 2 and self.spec.style == "python"
        if params is None or (params.end_point.row == params.start_point.row and not untype):
            return None
        text = self._text(params)
        if any(mark in text for mark in _UNSAFE_TO_JOIN):
            return None
        lines = text.count("\n")
        if untype:
            text = "(" + ", ".join(self._untyped(p) for p in params.named_children) + ")"
        flat = _OPEN_SPACE.sub(_group1, _CLOSE_SPACE.sub(_group1, _NEWLINES.sub(" ", text)))
        return Edit(params.start_byte, params.end_byte, flat.encode("utf-8", "surrogatepass"),
                    lines)

    def collapse_tail(self, symbol: Symbol) -> Edit | None:
        """Return type and `where` clause between the parameters and an elided `{` body, on
        the signature's line (brace languages only: Python needs its newline)."""
        params = symbol.node.child_by_field_name("parameters")
        body = symbol.node.child_by_field_name("body")
        if self.spec.style != "brace" or params is None or body is None or (
                self.source.find(b"\n", params.end_byte, body.start_byte) < 0):
            return None
        text = self.source[params.end_byte:body.start_byte].decode("utf-8", "surrogatepass")
        if any(mark in text for mark in _UNSAFE_TO_JOIN):
            return None
        flat = _NEWLINES.sub(" ", text)
        return Edit(params.end_byte, body.start_byte, flat.encode("utf-8", "surrogatepass"),
                    text.count("\n"))

    def collapse_import(self, node: Node) -> Edit | None:
        """`from x import (\n a,\n b,\n)` on one line (whitespace only)."""
        if node.end_point.row == node.start_point.row:
            return None
        text = self._text(node)
        if any(mark in text for mark in _UNSAFE_TO_JOIN):
            return None
        flat = _INNER_OPEN.sub(_group1, _INNER_CLOSE.sub(_group1, _NEWLINES.sub(" ", text)))
        return Edit(node.start_byte, node.end_byte, flat.encode("utf-8", "surrogatepass"),
                    text.count("\n"))

    def _untyped(self, param: Node) -> str:
        if param.type not in ("typed_parameter", "typed_default_parameter"):
            return self._text(param)
        name = self._text(param.named_children[0])
        value = param.child_by_field_name("value")
        return f"{name}={self._text(value)}" if value is not None else name

    def drop_comments(self, run: CommentRun) -> Edit:
        """Remove a comment run with its lines (level 1: docs of elided functions)."""
        start = self.source.rfind(b"\n", 0, run.start_byte) + 1
        end = self.source.find(b"\n", run.end_byte - 1)
        end = len(self.source) if end < 0 else end + 1
        return Edit(start, end, b"", self.source.count(b"\n", start, end))

    def trim_docstring(self, block: Node | None) -> Edit | None:
        """Cut the docstring opening `block` (a class or module body) to its first line."""
        string = _docstring(block)
        if string is None or string.end_point.row == string.start_point.row:
            return None
        first = self._docstring_line(string)
        if first is None:
            return None
        data = first.encode("utf-8", "surrogatepass")
        lines = self.source.count(b"\n", string.start_byte, string.end_byte)
        return Edit(string.start_byte, string.end_byte, data, lines)

    def inline_body(self, symbol: Symbol) -> Edit | None:
        """A kept one-statement `{` body on the signature's line: `{ c.args = a }`."""
        body = symbol.node.child_by_field_name("body")
        if self.spec.style != "brace" or body is None or not self._braced(body) or (
                body.end_point.row - body.start_point.row != 2):
            return None
        text = self._text(body)
        if any(mark in text for mark in _UNSAFE_TO_JOIN):
            return None
        return Edit(body.start_byte, body.end_byte,
                    _NEWLINES.sub(" ", text).encode("utf-8", "surrogatepass"), 2)

    def trim_comments(self, run: CommentRun) -> Edit | None:
        """Keep the first line with content of a comment run, in its own comment syntax."""
        if run.rows < 2:
            return None
        end = run.end_byte
        while end > run.start_byte and self.source[end - 1:end] in (b"\n", b"\r"):
            end -= 1  # Rust line comments own their newline; it must stay
        kept = self._comment_line(run.nodes).encode("utf-8", "surrogatepass")
        return Edit(run.start_byte, end, kept, self.source.count(b"\n", run.start_byte, end))

    def _python_body(self, body: Node, note: str) -> str:
        indent = self._indent(body)
        string = _docstring(body)
        doc = self._docstring_line(string) if string is not None and self.level < 1 else None
        head = f"{doc}\n{indent}" if doc else ""
        return f"{head}...  # {note}"

    def _docstring_line(self, string: Node) -> str | None:
        raw = self._text(string)
        opened = _STRING_OPEN.match(raw)
        if opened is None:
            return None
        prefix, quote = opened.groups()
        inner = raw[opened.end():len(raw) - len(quote)]
        line = next((ln.strip() for ln in inner.splitlines() if ln.strip()), "")
        if not line or quote[0] in line or line.endswith("\\"):
            return None
        return f"{prefix}{quote[0] * 3}{line}{quote[0] * 3}"

    def _comment_line(self, nodes: Sequence[Node]) -> str:
        for node in nodes:
            text = self._text(node)
            for line in text.splitlines():
                content = line.strip().strip(_COMMENT_MARKS).strip()
                if not any(ch.isalnum() for ch in content):
                    continue
                if text.lstrip().startswith("/*"):
                    opener = "/**" if text.lstrip().startswith("/**") else "/*"
                    return f"{opener} {content.replace('*/', '* /')} */"
                return line.strip() if node is nodes[0] or "\n" not in text else (
                    f"{self.spec.line_comment} {content}")
        return self._text(nodes[0]).splitlines()[0]

    def _edit_if_shorter(self, start: int, end: int, text: str,
                         symbol: Symbol | None = None) -> Edit | None:
        data = text.encode("utf-8", "surrogatepass")
        if len(data) >= _MIN_SAVING * (end - start):
            return None
        removed = self.source.count(b"\n", start, end) - data.count(b"\n")
        return Edit(start, end, data, removed, symbol)

    def _span(self, first: Node, last: Node) -> str:
        return f"{self.lines.line(first.start_point.row)}-{self.lines.line(last.end_point.row)}"

    def _braced(self, body: Node) -> bool:
        return self.source[body.start_byte:body.start_byte + 1] == b"{" and (
            self.source[body.end_byte - 1:body.end_byte] == b"}")

    def _indent(self, node: Node) -> str:
        line_start = self.source.rfind(b"\n", 0, node.start_byte) + 1
        prefix = self.source[line_start:node.start_byte]
        return prefix.decode("utf-8", "replace") if not prefix.strip() else " " * (
            node.start_point.column)

    def _text(self, node: Node) -> str:
        return self.source[node.start_byte:node.end_byte].decode("utf-8", "surrogatepass")


def _docstring(block: Node | None) -> Node | None:
    if block is None or not block.named_children:
        return None
    first = block.named_children[0]
    if first.type != "expression_statement" or first.named_child_count != 1:
        return None
    string = first.named_children[0]
    return string if string.type == "string" else None


def apply(source: bytes, edits: Sequence[Edit]) -> tuple[bytes, int]:
    """The edited source and the number of lines removed; overlapping edits are skipped."""
    out: list[bytes] = []
    pos = removed = 0
    for edit in sorted(edits, key=lambda e: e.start):
        if edit.start < pos:
            continue
        out += [source[pos:edit.start], edit.text]
        pos = edit.end
        removed += edit.lines_removed
    out.append(source[pos:])
    return b"".join(out), removed
