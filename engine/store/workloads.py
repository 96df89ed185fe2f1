"""Derive a workload ("log analysis", "code search"...) from a tool's name and the detected
content type, for the savings-per-workload table. The tool name wins when it says something
(`query_logs` is log analysis even when its output is JSON); the content type decides otherwise;
blocks that are not tool output are conversation."""

from __future__ import annotations

import re
from enum import StrEnum


class Workload(StrEnum):
    LOG_ANALYSIS = "log analysis"
    CODE_SEARCH = "code search"
    DATABASE = "database queries"
    FILE_READS = "file reads"
    WEB = "web/search"
    CONVERSATION = "long conversations"
    OTHER = "other"


# Checked in this order: the first workload with a matching word in the tool name wins.
_NAME_WORDS: tuple[tuple[Workload, frozenset[str]], ...] = (
    (Workload.WEB, frozenset({"web", "browse", "browser", "fetch", "http", "url", "google",
                              "bing", "serp", "scrape", "crawl", "tavily", "exa", "internet"})),
    (Workload.LOG_ANALYSIS, frozenset({"log", "logs", "journal", "journalctl", "syslog", "tail",
                                       "trace", "traces", "events"})),
    (Workload.DATABASE, frozenset({"sql", "query", "db", "database", "postgres", "psql",
                                   "mysql", "sqlite", "bigquery", "snowflake", "mongo",
                                   "duckdb", "table", "tables", "select"})),
    (Workload.CODE_SEARCH, frozenset({"grep", "rg", "ripgrep", "search", "find", "glob", "ag",
                                      "ack", "codesearch", "symbol", "symbols", "references"})),
    (Workload.FILE_READS, frozenset({"read", "cat", "file", "files", "open", "view", "head",
                                     "readfile", "ls", "str_replace_editor"})),
)
_BY_CONTENT = {
    "log": Workload.LOG_ANALYSIS,
    "search": Workload.CODE_SEARCH,
    "html": Workload.WEB,
    "code": Workload.FILE_READS,
    "diff": Workload.FILE_READS,
}
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SPLIT = re.compile(r"[^a-z0-9]+")


def name_words(tool_name: str) -> set[str]:
    return {w for w in _SPLIT.split(_CAMEL.sub("_", tool_name).lower()) if w}


def classify(tool_name: str | None, content_type: str | None) -> Workload:
    if not tool_name:
        return Workload.CONVERSATION
    words = name_words(tool_name)
    for workload, vocabulary in _NAME_WORDS:
        if words & vocabulary:
            return workload
    return _BY_CONTENT.get(content_type or "", Workload.OTHER)
