"""The outline of a source file from its tree-sitter tree: the symbols (functions and
containers such as classes, impls, modules) with qualified names and extents, and the runs of
comments between them (each attached to the symbol it documents, if any).

Only the top level and container bodies are walked, never function bodies, so the walk stays
proportional to the number of declarations rather than the size of the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from tree_sitter import Node

from engine.compressors.code_languages import LangSpec

LITERAL_MIN_ROWS = 8
_RECEIVER_TYPE = re.compile(r"(\w+)(?:\[[^\]]*\])?\s*\)\s*$")
_GENERICS = re.compile(r"<.*>|[&*]|\bmut\b|\bdyn\b")


@dataclass(frozen=True)
class LineMap:
    """Row (0-based, in the text that was parsed) to the line number a reader sees: row + 1,
    or the number a numbered file view (`cat -n`) printed on that row."""

    numbers: tuple[int, ...] = ()

    def line(self, row: int) -> int:
        return self.numbers[row] if row < len(self.numbers) and self.numbers[row] else row + 1


@dataclass
class CommentRun:
    """Consecutive whole-line comments; `attached_to` is the symbol right below, if any."""

    nodes: list[Node]
    attached_to: Symbol | None = None

    @property
    def start_byte(self) -> int:
        return self.nodes[0].start_byte

    @property
    def end_byte(self) -> int:
        return self.nodes[-1].end_byte

    @property
    def rows(self) -> int:
        return self.nodes[-1].end_point.row - self.nodes[0].start_point.row + 1


@dataclass
class Symbol:
    name: str
    kind: str  # "function" | "container"
    node: Node
    outer: Node  # the node with its decorators / export / declaration wrapper
    doc: CommentRun | None = None
    parent: Symbol | None = None
    children: list[Symbol] = field(default_factory=list)

    @property
    def simple_name(self) -> str:
        return self.name.rsplit(".", 1)[-1]

    @property
    def start_byte(self) -> int:
        return self.doc.start_byte if self.doc else self.outer.start_byte

    @property
    def start_row(self) -> int:
        return self.doc.nodes[0].start_point.row if self.doc else self.outer.start_point.row


@dataclass(frozen=True)
class Literal:
    """A long data literal (table, list, map) held by the declaration `statement`."""

    node: Node
    statement: Node


@dataclass
class Outline:
    symbols: list[Symbol] = field(default_factory=list)
    runs: list[CommentRun] = field(default_factory=list)
    literals: list[Literal] = field(default_factory=list)
    imports: list[Node] = field(default_factory=list)
    types: list[Node] = field(default_factory=list)


class OutlineBuilder:
    """Builds an Outline for one tree; `source` is the UTF-8 bytes the tree was parsed from."""

    def __init__(self, spec: LangSpec, source: bytes) -> None:
        self.spec = spec
        self.source = source
        self.outline = Outline()

    def build(self, root: Node) -> Outline:
        self._walk(root.named_children, None)
        return self.outline

    def _walk(self, children: Iterable[Node], parent: Symbol | None,
              visit: bool = True) -> None:
        """Group comment runs among `children`; visit the others unless only comments count."""
        run: list[Node] = []
        reach = -1
        for child in children:
            if child.type in self.spec.comments and self._whole_line(child):
                if run and child.start_point.row > run[-1].end_point.row + 1:
                    self._close(run, None, reach)
                    run = []
                run.append(child)
                reach = child.end_point.row
                continue
            if run and child.type in self.spec.attributes:
                reach = child.end_point.row  # `/// doc`, `#[inline]`, `fn`: the doc is the fn's
                continue
            doc = self._close(run, child, reach) if run else None
            run = []
            if visit:
                self._visit(child, parent, child, doc, None)
        if run:
            self._close(run, None, reach)

    def _close(self, run: list[Node], below: Node | None, reach: int) -> CommentRun:
        attached = below is not None and below.start_point.row <= reach + 1
        comment = CommentRun(list(run))
        self.outline.runs.append(comment)
        return comment if attached else CommentRun([])  # empty run = not attached

    def _visit(self, node: Node, parent: Symbol | None, outer: Node,
               doc: CommentRun | None, hint: str | None) -> None:
        kind = node.type
        doc = doc if doc is not None and doc.nodes else None
        if kind in self.spec.functions:
            self._add(Symbol(self._name(node, hint), "function", node, outer, doc, parent))
        elif kind in self.spec.containers:
            symbol = Symbol(self._name(node, hint), "container", node, outer, doc, parent)
            self._add(symbol)
            self._walk(self._members(node), symbol)
        elif kind in self.spec.types:
            self.outline.types.append(outer)
            self._comments_within(node)
        elif kind in self.spec.imports:
            self.outline.imports.append(node)
        elif kind in self.spec.wrappers:
            hint = self._hint(node) or hint
            for child in node.named_children:
                if child.type not in self.spec.comments:
                    self._visit(child, parent, outer, doc, hint)
        elif self.spec.literals and _rows(node) >= LITERAL_MIN_ROWS:
            self._find_literal(node, outer)

    def _find_literal(self, node: Node, statement: Node) -> None:
        """The first long literal a few levels down (`X = {...}`, `static T: [..] = [...]`);
        a bare expression statement (a docstring) is not data."""
        level = [node]
        for _ in range(4):
            below: list[Node] = []
            for current in level:
                if current.type in self.spec.literals and current.parent is not None and (
                        current.parent.type != "expression_statement"):
                    self.outline.literals.append(Literal(current, statement))
                    return
                below.extend(c for c in current.named_children if _rows(c) >= LITERAL_MIN_ROWS)
            level = below

    def _comments_within(self, node: Node) -> None:
        """Comment runs inside a type definition (struct fields, enum variants)."""
        stack = [node]
        while stack:
            kids = stack.pop().named_children
            if any(k.type in self.spec.comments for k in kids):
                self._walk(kids, None, visit=False)
            stack.extend(k for k in kids
                         if k.named_child_count and k.type not in self.spec.comments)

    def _add(self, symbol: Symbol) -> None:
        if symbol.parent is not None:
            symbol.name = f"{symbol.parent.name}.{symbol.name}"
            symbol.parent.children.append(symbol)
        if symbol.doc is not None:
            symbol.doc.attached_to = symbol
        self.outline.symbols.append(symbol)

    def _members(self, node: Node) -> list[Node]:
        body = node.child_by_field_name("body")
        members: list[Node] = []
        for child in node.named_children:
            if body is not None and child.start_byte == body.start_byte and (
                    child.type == body.type):
                members.extend(body.named_children)
            elif child.type in self.spec.comments:
                members.append(child)
        return members

    def _whole_line(self, node: Node) -> bool:
        """A comment that starts its line (not a trailing `x = 1  # note`)."""
        line_start = self.source.rfind(b"\n", 0, node.start_byte) + 1
        return not self.source[line_start:node.start_byte].strip()

    def _hint(self, node: Node) -> str | None:
        for name_field in ("name", "left"):
            named = node.child_by_field_name(name_field)
            if named is not None:
                return self._text(named)
        return None

    def _name(self, node: Node, hint: str | None) -> str:
        if node.type == "method_declaration" and self.spec.name == "go":
            receiver = node.child_by_field_name("receiver")
            found = _RECEIVER_TYPE.search(self._text(receiver)) if receiver else None
            name = node.child_by_field_name("name")
            if found and name is not None:
                return f"{found.group(1)}.{self._text(name)}"
        if node.type == "impl_item":
            return self._impl_name(node)
        named = node.child_by_field_name("name")
        if named is not None:
            prefix = "self." if node.type == "singleton_method" else ""
            return prefix + self._text(named)
        return hint or "<anonymous>"

    def _impl_name(self, node: Node) -> str:
        """`impl<R: Read> Trait for Deserializer<R>` is named `Deserializer`: the type is what
        a reader looks methods up by; line ranges tell several impls apart."""
        target = node.child_by_field_name("type")
        return _GENERICS.sub("", self._text(target)).strip() if target else "impl"

    def _text(self, node: Node) -> str:
        return self.source[node.start_byte:node.end_byte].decode("utf-8", "replace")


def _rows(node: Node) -> int:
    return node.end_point.row - node.start_point.row + 1
