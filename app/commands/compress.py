"""`headroom compress FILE`: run a file through the router as if a tool had returned it."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from engine.config import load_settings
from engine.conversation import Action, Decision
from engine.sdk.compress import compress

NAME = "compress"
HELP = "compress a file (or - for stdin) as a tool output; originals go to the CCR store"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="path, or - for standard input")
    parser.add_argument("--query", default=None, help="what the agent is looking for")
    parser.add_argument("--model", default="gpt-4o", help="model whose tokens are counted")
    parser.add_argument("--tool", default="cli", help="tool name to attribute the output to")
    parser.add_argument("--min-tokens", type=int, default=None,
                        help="leave content under this many tokens alone (default: setting)")
    parser.add_argument("--json", action="store_true", help="print a JSON report")


def run(args: argparse.Namespace) -> int:
    settings = load_settings(args.environ, args.data_dir,
                             min_tokens_to_compress=args.min_tokens)
    text = _read(args.file)
    call = {"id": "call_cli", "type": "function",
            "function": {"name": args.tool, "arguments": json.dumps({"path": args.file})}}
    messages = [{"role": "user", "content": args.query or ""},
                {"role": "assistant", "content": None, "tool_calls": [call]},
                {"role": "tool", "tool_call_id": "call_cli", "content": text}]
    result = compress(messages, model=args.model, settings=settings, persist_projections=False)
    decision = result.decisions[0]
    sent = decision.compressed_text if decision.action is Action.COMPRESSED else None
    if args.json:
        print(json.dumps(_report(decision, text, sent, result.tokens_estimated), indent=2,
                         ensure_ascii=False))
    else:
        sys.stdout.write(sent if sent is not None else text)
        if not (sent or text).endswith("\n"):
            sys.stdout.write("\n")
    return 0


def _read(file: str) -> str:
    if file == "-":
        return sys.stdin.read()
    return Path(file).read_text(encoding="utf-8", errors="replace")


def _report(d: Decision, text: str, sent: str | None, estimated: bool) -> dict[str, Any]:
    after = d.tokens_after if sent is not None else d.tokens_before
    saved = 100.0 * (d.tokens_before - after) / d.tokens_before if d.tokens_before else 0.0
    return {"tokens_before": d.tokens_before, "tokens_after": after,
            "tokens_estimated": estimated, "savings_percent": round(saved, 1),
            "compressed": sent if sent is not None else text, "content_type": d.content_type,
            "compressor": d.compressor, "action": d.action.value, "reason": d.reason,
            "lossy": d.lossy, "ccr_key": d.ccr_key if sent is not None else None}
