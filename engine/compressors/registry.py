"""The compressors the router chooses from, in one explicit list. Each compressor owner adds
their class here; the router picks by `score()`, so order only breaks ties (earlier wins)."""

from __future__ import annotations

from engine.compressors.base import Compressor
from engine.compressors.code import CodeCompressor
from engine.compressors.diff import DiffCompressor
from engine.compressors.json_crusher import SmartCrusher
from engine.compressors.logs import LogCompressor
from engine.compressors.search import SearchCompressor
from engine.compressors.text import TextCompressor


def default_compressors() -> list[Compressor]:
    compressors: list[Compressor] = []
    compressors.append(SmartCrusher())
    compressors.append(LogCompressor())
    compressors.append(SearchCompressor())
    compressors.append(CodeCompressor())
    compressors.append(DiffCompressor())
    compressors.append(TextCompressor())
    return compressors
