"""Per-language facts the code compressor needs: which tree-sitter grammar parses a language,
which node types are functions (bodies that may be elided), containers (classes, impls,
modules whose members are walked), wrappers (decorators, `export`, `const x = () => {}`) and
comments, and how an elided body is written so the output stays valid in that language.

Grammars come from the per-language wheels (compiled in, nothing downloads at run time).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

import orjson
import tree_sitter
import tree_sitter_go
import tree_sitter_java
import tree_sitter_javascript
import tree_sitter_python
import tree_sitter_ruby
import tree_sitter_rust
import tree_sitter_typescript

from engine.compressors.base import ContentMeta


@dataclass(frozen=True)
class LangSpec:
    """`style` picks the elision form: "python" (`...  # note`), "brace" (`{ /* note */ }`)
    or "ruby" (`# note` before the method's own `end`)."""

    name: str
    grammar: Callable[[], object]
    functions: frozenset[str]
    containers: frozenset[str]
    wrappers: frozenset[str]
    types: frozenset[str]
    literals: frozenset[str]
    comments: frozenset[str]
    attributes: frozenset[str]
    imports: frozenset[str]
    style: str
    line_comment: str


_ATTRIBUTES = frozenset({"attribute_item", "decorator"})  # between a doc comment and its item
_IMPORTS = frozenset({"import_from_statement", "import_statement", "use_declaration"})
_BRACE_COMMENTS = frozenset({"comment", "line_comment", "block_comment"})
_JS_FUNCTIONS = frozenset({
    "function_declaration", "generator_function_declaration", "method_definition",
    "arrow_function", "function_expression", "function", "generator_function"})
_JS_WRAPPERS = frozenset({"export_statement", "lexical_declaration", "variable_declaration",
                          "variable_declarator", "expression_statement", "ambient_declaration",
                          "assignment_expression"})
_TS_TYPES = {"interface_declaration", "type_alias_declaration", "enum_declaration"}
_TS_CONTAINERS = frozenset({"class_declaration", "abstract_class_declaration", "class",
                            "internal_module", "module"})


def _spec(name: str, grammar: Callable[[], object], functions: set[str], containers: set[str],
          wrappers: set[str], types: set[str] | None = None, literals: set[str] | None = None,
          style: str = "brace", comments: frozenset[str] = _BRACE_COMMENTS,
          line_comment: str = "//") -> LangSpec:
    return LangSpec(name, grammar, frozenset(functions), frozenset(containers),
                    frozenset(wrappers), frozenset(types or ()), frozenset(literals or ()),
                    comments, _ATTRIBUTES, _IMPORTS, style, line_comment)


SPECS: dict[str, LangSpec] = {
    "python": _spec("python", tree_sitter_python.language, {"function_definition"},
                    {"class_definition"}, {"decorated_definition"},
                    literals={"list", "dictionary", "set", "tuple", "string"}, style="python",
                    comments=frozenset({"comment"}), line_comment="#"),
    "go": _spec("go", tree_sitter_go.language,
                {"function_declaration", "method_declaration"}, set(), set(),
                {"type_declaration", "const_declaration"}, {"literal_value"}),
    "rust": _spec("rust", tree_sitter_rust.language, {"function_item"},
                  {"impl_item", "trait_item", "mod_item"}, set(),
                  {"struct_item", "enum_item", "union_item"}, {"array_expression"}),
    "java": _spec("java", tree_sitter_java.language,
                  {"method_declaration", "constructor_declaration",
                   "compact_constructor_declaration"},
                  {"class_declaration", "interface_declaration", "enum_declaration",
                   "record_declaration", "annotation_type_declaration"},
                  {"enum_body_declarations"}, literals={"array_initializer"}),
    "javascript": _spec("javascript", tree_sitter_javascript.language, set(_JS_FUNCTIONS),
                        {"class_declaration", "class"}, set(_JS_WRAPPERS),
                        literals={"array", "object"}),
    "typescript": _spec("typescript", tree_sitter_typescript.language_typescript,
                        set(_JS_FUNCTIONS), set(_TS_CONTAINERS), set(_JS_WRAPPERS)),
    "tsx": _spec("tsx", tree_sitter_typescript.language_tsx, set(_JS_FUNCTIONS),
                 set(_TS_CONTAINERS), set(_JS_WRAPPERS), _TS_TYPES, {"array", "object"}),
    "ruby": _spec("ruby", tree_sitter_ruby.language, {"method", "singleton_method"},
                  {"class", "module", "singleton_class"}, set(), style="ruby",
                  comments=frozenset({"comment"}), line_comment="#"),
}

_ALIASES = {
    "py": "python", "python3": "python", "golang": "go", "rs": "rust", "js": "javascript",
    "jsx": "javascript", "mjs": "javascript", "cjs": "javascript", "node": "javascript",
    "ts": "typescript", "mts": "typescript", "cts": "typescript", "rb": "ruby",
}
_EXTENSIONS = {
    ".py": "python", ".pyi": "python", ".go": "go", ".rs": "rust", ".java": "java",
    ".js": "javascript", ".jsx": "javascript", ".mjs": "javascript", ".cjs": "javascript",
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript", ".tsx": "tsx",
    ".rb": "ruby", ".rake": "ruby", ".gemspec": "ruby",
}
_PATH_IN_ARGS = re.compile(r"[\w./\\-]+(\.[A-Za-z]{1,8})\b")

# Line-start hints for sniffing when nothing names the language (most hits wins).
_SNIFF: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("python", re.compile(r"^\s*(?:(?:async )?def \w+\((?:.*[:(,])?\s*$|class \w+.*:$|"
                          r"from [\w.]+ import |import \w+$|self\.\w+ = )")),
    ("go", re.compile(r"^(?:package \w+$|func |type \w+ (?:struct|interface))")),
    ("rust", re.compile(r"^\s*(?:pub(?:\(\w+\))? )?(?:fn |impl\b|struct |enum |use \w+::|mod )")),
    ("java", re.compile(r"^\s*(?:(?:public|private|protected) )?(?:static )?(?:final )?"
                        r"(?:class|interface|enum) \w+|^import [\w.]+;|^package [\w.]+;|"
                        r"^\s*(?:public|private|protected) (?:static )?(?:final )?[\w<>\[\], ]+ "
                        r"\w+\(.*\{\s*$")),
    ("typescript", re.compile(r"^\s*(?:export )?(?:interface|type|enum) \w+|^\s*import type |"
                              r"^.*?\w\??: (?:string|number|boolean|unknown|void)\b")),
    ("javascript", re.compile(r"^\s*(?:export |const \w+ = |function\*? \w+|import .* from )")),
    ("ruby", re.compile(r"^\s*(?:def (?:self\.)?\w+[?!=]?(?:\(.*\))?\s*$|module \w+$|"
                        r"require ['\"]|end$|@\w+ = )")),
)


def normalize(language: str | None) -> str | None:
    if not language:
        return None
    lowered = language.strip().lower()
    lowered = _ALIASES.get(lowered, lowered)
    return lowered if lowered in SPECS else None


def language_from_arguments(tool_arguments: str | None) -> str | None:
    """The language of a file named in the tool call's arguments (`path`, `file_path`...)."""
    if not tool_arguments:
        return None
    try:
        args = orjson.loads(tool_arguments)
        values = [v for v in args.values() if isinstance(v, str)] if isinstance(
            args, dict) else []
    except orjson.JSONDecodeError:
        values = [tool_arguments]
    for value in values:
        for match in _PATH_IN_ARGS.finditer(value):
            found = _EXTENSIONS.get(PurePosixPath(match.group(0)).suffix.lower())
            if found:
                return found
    return None


def sniff(content: str) -> str | None:
    """Guess from line starts in the first 400 lines; None unless one language clearly leads."""
    lines = content[:40_000].splitlines()[:400]
    hits = {name: sum(1 for line in lines if pattern.match(line)) for name, pattern in _SNIFF}
    best = max(hits, key=lambda name: hits[name])
    if hits[best] < 2 or hits[best] < 0.02 * len(lines):
        return None
    if best == "javascript" and hits["typescript"] > 0:
        return "typescript"
    return best


def resolve(content: str, meta: ContentMeta) -> str | None:
    return resolve_how(content, meta)[0]


def resolve_how(content: str, meta: ContentMeta) -> tuple[str | None, str]:
    """Language named by the tool arguments' file extension (the most specific signal), else
    by detection, else sniffed; with which of "arguments", "detection", "sniffed" said so."""
    named = language_from_arguments(meta.tool_arguments)
    if named:
        return named, "arguments"
    detected = normalize(meta.detection.language)
    if detected:
        return detected, "detection"
    return sniff(content), "sniffed"


@functools.cache
def grammar(name: str) -> tree_sitter.Language:
    """Loaded once per language: a Language is immutable and shared safely across threads."""
    return tree_sitter.Language(SPECS[name].grammar())


def parser_for(name: str) -> tree_sitter.Parser:
    """A new parser per call: parsers hold state and are not shared between threads."""
    return tree_sitter.Parser(grammar(name))
