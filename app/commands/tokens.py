"""`headroom tokens FILE`: count a file's tokens for a model (offline)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.tokens import counter_for

NAME = "tokens"
HELP = "count the tokens of a file (or - for stdin) for a model"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="path, or - for standard input")
    parser.add_argument("--model", default="gpt-4o")


def run(args: argparse.Namespace) -> int:
    if args.file == "-":
        text = sys.stdin.read()
    else:
        text = Path(args.file).read_text(encoding="utf-8", errors="replace")
    counter = counter_for(args.model)
    label = " (estimated)" if counter.estimated else ""
    print(f"{counter.count(text):,} tokens for {args.model} [{counter.encoding_name}]{label}")
    return 0
