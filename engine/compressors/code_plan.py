"""Which edits make a file's outline, at each level of EditMaker (how hard to cut).

Edits live in named slots (a function's body, its parameters, a comment run...) so that moving
to the next level recomputes only the slots that level changes: a 1 MB file that needs every
level still costs little more than one pass.
"""

from __future__ import annotations

from collections.abc import Callable

from tree_sitter import Node

from engine.compressors.code_edits import Edit, EditMaker
from engine.compressors.code_languages import LangSpec
from engine.compressors.code_outline import CommentRun, LineMap, Outline, Symbol

Slot = tuple[str, int]


class EditPlan:
    def __init__(self, spec: LangSpec, source: bytes, outline: Outline, relevant: set[int],
                 root: Node, lines: LineMap, level: int = 0) -> None:
        """`level` > 0 starts harder right away (huge inputs: one pass instead of four)."""
        self.lines = lines
        self.spec = spec
        self.source = source
        self.outline = outline
        self.relevant = relevant
        self.root = root
        self.slots: dict[Slot, Edit | None] = {}
        self.level = level
        maker = EditMaker(spec, source, level, lines)
        self._fill(maker, bodies=True, params=True, runs=True)
        self._fill_static(maker)

    def edits(self) -> list[Edit]:
        return [e for e in self.slots.values() if e is not None]

    def raise_level(self) -> bool:
        """Go one level harder; False when no level is left or the new one changes nothing."""
        if self.level >= 3:
            return False
        self.level += 1
        python = self.spec.style == "python"
        maker = EditMaker(self.spec, self.source, self.level, self.lines)
        if self.level == 1:
            self._fill(maker, bodies=python, params=False, runs=True)
        elif self.level == 2:
            if not python:
                return self.raise_level()
            self._fill(maker, bodies=False, params=True, runs=False)
        else:
            self._fill(maker, bodies=True, params=False, runs=True)
        return True

    def _fill(self, maker: EditMaker, bodies: bool, params: bool, runs: bool) -> None:
        for index, symbol in enumerate(self.outline.symbols):
            if id(symbol) in self.relevant:
                continue
            if bodies:
                self.slots[("body", index)] = self._body(maker, symbol)
            if params and symbol.kind == "function":
                self.slots[("params", index)] = maker.collapse_parameters(symbol)
        if runs:
            for index, run in enumerate(self.outline.runs):
                owner = run.attached_to
                if owner is None or id(owner) not in self.relevant:
                    self.slots[("run", index)] = (
                        maker.drop_comments(run) if _droppable(run, maker.level, index)
                        else maker.trim_comments(run))

    def _body(self, maker: EditMaker, symbol: Symbol) -> Edit | None:
        body = symbol.node.child_by_field_name("body")
        if symbol.kind != "function":
            return maker.trim_docstring(body) if self.spec.style == "python" else None
        elided = maker.elide_body(symbol)
        if elided is not None:
            return elided
        return (maker.trim_docstring(body) if self.spec.style == "python"
                else maker.inline_body(symbol))

    def _fill_static(self, maker: EditMaker) -> None:
        """Edits no level changes: signature tails, data tables, imports, module docstring."""
        makers: list[tuple[str, list[object], Callable[..., Edit | None]]] = [
            ("tail", list(self.outline.symbols), maker.collapse_tail),
            ("literal", list(self.outline.literals), maker.elide_literal),
            ("import", list(self.outline.imports), maker.collapse_import),
        ]
        for name, things, make in makers:
            for index, thing in enumerate(things):
                if name != "tail" or self._elided(index):
                    self.slots[(name, index)] = make(thing)
        if self.spec.style == "python":
            self.slots[("module", 0)] = maker.trim_docstring(self.root)

    def _elided(self, index: int) -> bool:
        edit = self.slots.get(("body", index))
        return edit is not None and edit.symbol is not None


def _droppable(run: CommentRun, level: int, index: int) -> bool:
    """Level 1 drops the docs of functions; level 3 every comment but the file's first."""
    function_doc = run.attached_to is not None and run.attached_to.kind == "function"
    return (level >= 1 and function_doc) or (level >= 3 and index > 0 and (
        run.attached_to is None or function_doc))
