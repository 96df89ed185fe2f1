"""Reads the octokit.rb VCR cassettes of the corpus: each file's first response body (base64 and
gzip decoded), which is raw GitHub REST JSON."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path

CASSETTES = Path("octokit-rb-cassettes/spec/cassettes")
CONTRIBUTORS = CASSETTES / ("Octokit_Client_Repositories/_contributors/"
                            "returns_repository_contributors.json")
REFS = CASSETTES / "Octokit_Client_Refs/_refs/returns_all_refs.json"
HOOKS = CASSETTES / ("Octokit_Client_Hooks/_available_hooks/"
                     "returns_all_the_hooks_supported_by_GitHub_with_their_parameters.json")
SEARCH_REPOS = CASSETTES / "Octokit_Client_Search/_search_repositories/searches_repositories.json"
TAU_AIRLINE = Path("tau-bench/historical_trajectories/gpt-4o-airline.json")


def cassette_body(path: Path) -> str:
    data = json.loads(path.read_text(encoding="utf-8"))
    body = data["http_interactions"][0]["response"]["body"]
    if "base64_string" not in body:
        return str(body.get("string") or "")
    raw = base64.b64decode(body["base64_string"])
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return raw.decode("utf-8")


def tau_tool_outputs(path: Path) -> list[tuple[str, str, str]]:
    """(tool name, arguments JSON, output) for every tool result of the airline trajectories."""
    records = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for record in records:
        calls: dict[str, tuple[str, str]] = {}
        for message in record["traj"]:
            for call in message.get("tool_calls") or []:
                fn = call["function"]
                calls[call["id"]] = (fn["name"], fn["arguments"])
            if message["role"] == "tool" and message.get("tool_call_id") in calls:
                name, args = calls[message["tool_call_id"]]
                out.append((name, args, message["content"]))
    return out
