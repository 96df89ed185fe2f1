"""`headroom retrieve KEY`: what the model would get back from headroom_retrieve."""

from __future__ import annotations

import argparse

from engine.ccr.store import CCRStore
from engine.config import load_settings

NAME = "retrieve"
HELP = "print an original (a page, or the items matching --query) from the CCR store"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("key", help='a CCR key such as "b2:…" from an omission notice')
    parser.add_argument("--query", default=None, help="return only the items matching this")
    parser.add_argument("--offset", type=int, default=0, help="first item of the page")
    parser.add_argument("--limit", type=int, default=20, help="items per page")


def run(args: argparse.Namespace) -> int:
    settings = load_settings(args.environ, args.data_dir)
    store = CCRStore(settings.ccr_path, settings.ccr_ttl_seconds, settings.ccr_max_bytes)
    try:
        result = store.get(args.key, query=args.query, offset=args.offset, limit=args.limit)
    finally:
        store.close()
    print(result.text)
    return 0 if result.hit else 1
