"""Benchmark cases: the bash tool outputs of mini-swe-agent SWE-bench trajectories (test runs,
file views, grep, listings), each as the user message that carried it.

The check: every traceback line (`Traceback …`, `File "…", line N`, exception lines, pytest
`E   …` lines) and every failing-test line (`FAILED …`, `ERROR: test_x (…)`, `___ test_x ___`)
of the output is still visible verbatim. Savings are reported per output by the harness."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from engine.compressors.log_lines import split_lines
from tests.benchmarks.case import Case

TRAJS = "mini-swe-agent-swebench-verified/swebench_results/20251118_gemini-3-pro-74pct/trajs"
_MIN_CHARS = 1000
_COMMAND = re.compile(r"```bash\n(.*?)```", re.S)
_MUST_KEEP = re.compile(
    r"^Traceback \(most recent call last\)"
    r"|^\s+File \"[^\"]+\", line \d+"
    r"|^(?:[\w.]+\.)?\w*(?:Error|Exception)(?::|$)"
    r"|^E\s{2,}\S"
    r"|^(?:FAILED|ERROR) \S+::"
    r"|^(?:FAIL|ERROR): \w+ \("
    r"|^_{3,} \S.* _{3,}$")


def must_keep(output: str) -> list[str]:
    """The traceback and failing-test lines of one tool output."""
    return [line.strip() for line in split_lines(output) if _MUST_KEEP.match(line)]


def bash_check(output_text: str) -> Callable[[str], list[str]]:
    wanted = list(dict.fromkeys(must_keep(output_text)))

    def check(output: str) -> list[str]:
        return [f"lost: {line[:120]!r}" for line in wanted if line not in output]

    return check


def cases(corpus: Path) -> Iterable[Case]:
    for path in sorted((corpus / TRAJS).glob("*/*.traj.json")):
        messages = json.loads(path.read_text(encoding="utf-8"))["messages"]
        for i, message in enumerate(messages):
            content = message.get("content")
            if (message.get("role") != "user" or not isinstance(content, str)
                    or "<returncode>" not in content or len(content) < _MIN_CHARS):
                continue
            command = _COMMAND.findall(str(messages[i - 1].get("content", "")))
            yield Case(
                name=f"{path.parent.name}#{i}", content=content, check=bash_check(content),
                corpus="mini-swe-agent-swebench-verified", tool_name="bash",
                tool_arguments=json.dumps({"command": command[-1].strip() if command else ""}),
            )
