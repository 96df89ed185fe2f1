"""Ground truth for code outlines, derived independently of the compressor: Python signatures
with `ast`, other languages with tree-sitter queries written here (not the compressor's node
tables). Shared by the unit tests and tests/benchmarks/cases_code.py."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import tree_sitter
import tree_sitter_go
import tree_sitter_java
import tree_sitter_ruby
import tree_sitter_rust
import tree_sitter_typescript

CODE_SUFFIXES = {".py": "python", ".go": "go", ".rs": "rust", ".java": "java", ".ts": "typescript",
                 ".rb": "ruby"}

_QUERIES = {
    "go": (tree_sitter_go.language, "[(function_declaration) (method_declaration)] @f"),
    "rust": (tree_sitter_rust.language, "(function_item) @f"),
    "java": (tree_sitter_java.language,
             "[(method_declaration) (constructor_declaration)] @f"),
    "typescript": (tree_sitter_typescript.language_typescript,
                   "[(function_declaration) (method_definition)] @f"),
    "ruby": (tree_sitter_ruby.language, "[(method) (singleton_method)] @f"),
}
_FUNCTION_TYPES = {"function_declaration", "method_declaration", "function_item",
                   "constructor_declaration", "method_definition", "method", "singleton_method",
                   "arrow_function", "function_expression"}


def code_files(corpus: Path) -> list[Path]:
    """Source files of the code-* folders, sorted by path."""
    return sorted(p for p in corpus.glob("code-*/**/*") if p.suffix in CODE_SUFFIXES)


def python_signatures(source: str) -> list[tuple[str, tuple[str, ...]]]:
    """(qualified name, argument names) of every def and class, in order."""
    out: list[tuple[str, tuple[str, ...]]] = []

    def visit(node: ast.AST, scope: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                a = child.args
                names = [x.arg for x in [*a.posonlyargs, *a.args, *a.kwonlyargs]]
                names += [x.arg for x in (a.vararg, a.kwarg) if x is not None]
                out.append((scope + child.name, tuple(names)))
            elif isinstance(child, ast.ClassDef):
                out.append((scope + child.name, ()))
                visit(child, f"{scope}{child.name}.")

    visit(ast.parse(source), "")
    return out


def tree_sitter_signatures(source: str, language: str) -> list[str]:
    """Each top-level-or-member function's signature text (up to its body), whitespace-free;
    functions nested in another function's body are left out (their parent is the unit)."""
    grammar, query_text = _QUERIES[language]
    lang = tree_sitter.Language(grammar())
    data = source.encode()
    tree = tree_sitter.Parser(lang).parse(data)
    captures = tree_sitter.QueryCursor(tree_sitter.Query(lang, query_text)).captures(
        tree.root_node)
    out = []
    for node in sorted(captures.get("f", []), key=lambda n: n.start_byte):
        if _nested(node):
            continue
        body = node.child_by_field_name("body")
        end = body.start_byte if body is not None else node.end_byte
        if language == "ruby" and body is not None:
            params = node.child_by_field_name("parameters")
            end = params.end_byte if params is not None else node.child_by_field_name(
                "name").end_byte  # type: ignore[union-attr]
        out.append(squash(data[node.start_byte:end].decode()))
    return out


def long_functions(source: str, language: str, min_lines: int = 8) -> list[tuple[str, str]]:
    """(name, last line inside its body) of non-nested functions longer than `min_lines`:
    probes for retrieval by symbol name."""
    if language == "python":
        lines = source.split("\n")
        return [(node.name, lines[node.end_lineno - 1].strip())
                for node in ast.walk(ast.parse(source))
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno
                and node.end_lineno - node.lineno > min_lines]
    grammar, query_text = _QUERIES[language]
    lang = tree_sitter.Language(grammar())
    data = source.encode()
    tree = tree_sitter.Parser(lang).parse(data)
    captures = tree_sitter.QueryCursor(tree_sitter.Query(lang, query_text)).captures(
        tree.root_node)
    lines = source.split("\n")
    out = []
    for node in sorted(captures.get("f", []), key=lambda n: n.start_byte):
        name = node.child_by_field_name("name")
        rows = node.end_point.row - node.start_point.row
        if name is None or _nested(node) or rows <= min_lines:
            continue
        last = lines[node.end_point.row - 1].strip()
        if last:
            out.append((data[name.start_byte:name.end_byte].decode(), last))
    return out


def squash(text: str) -> str:
    """Whitespace and trailing commas before a closing bracket removed, for comparison."""
    return re.sub(r",([)\]}])", r"\1", re.sub(r"\s+", "", text))


def _nested(node: tree_sitter.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.type in _FUNCTION_TYPES:
            return True
        parent = parent.parent
    return False
